/**
 * A small, forgiving HTML parser for the t.me web preview: one pass, no dependency, never throws.
 * It builds a light element tree (tag, attributes, children) the way a browser would for the
 * well-formed markup t.me serves, and degrades sensibly on broken input: unknown end tags are
 * ignored, an end tag closes every element opened after its match, void elements never nest,
 * script/style/svg content is dropped, and an unterminated comment or tag ends the document.
 * Attributes are parsed (and entity-decoded) on first use, text when it is read (htmlText); only
 * the class list is read for every element, so a page is parsed at tens of MB per second.
 */

export interface HtmlElement {
  /** Lower-case tag name; `#root` for the document. */
  readonly tag: string;
  /** Attributes, entity-decoded; parsed on first use (most elements are only asked for their class). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Child elements and raw (not yet entity-decoded) text. */
  readonly children: HtmlNode[];
  /** Class list. */
  readonly classes: readonly string[];
}
export type HtmlNode = HtmlElement | string;

const NO_CLASSES: readonly string[] = [];
const NO_ATTRS: Readonly<Record<string, string>> = Object.freeze({});

class Element implements HtmlElement {
  readonly children: HtmlNode[] = [];
  readonly classes: readonly string[];
  private parsed: Record<string, string> | undefined;
  constructor(
    readonly tag: string,
    /** The attribute source between the tag name and `>`. */
    private readonly rawAttrs: string,
  ) {
    const cls = rawAttrs.includes('class') ? classAttr(rawAttrs) ?? this.attrs['class'] : undefined;
    this.classes = cls ? cls.split(SPACES).filter((c) => c !== '') : NO_CLASSES;
  }
  get attrs(): Readonly<Record<string, string>> {
    if (this.parsed === undefined) this.parsed = this.rawAttrs.trim() === '' ? (NO_ATTRS as Record<string, string>) : parseAttrs(this.rawAttrs);
    return this.parsed;
  }
}

const SPACES = /\s+/;
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'param']);
/** Content kept as one text node (no markup inside). */
const RAW_TEXT = new Set(['textarea', 'title']);
/** Content dropped entirely. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'svg']);
const MAX_DEPTH = 256;

const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;

/** Fast path for the usual ` class="a b"` (first attribute of that name); undefined otherwise. */
function classAttr(raw: string): string | undefined {
  const i = raw.indexOf(' class="');
  if (i < 0 || raw.lastIndexOf('class', i) >= 0 || raw.indexOf('class', i + 8) >= 0) return undefined;
  const end = raw.indexOf('"', i + 8);
  if (end < 0) return undefined;
  const v = raw.slice(i + 8, end);
  return v.includes('&') ? decodeEntities(v) : v;
}

function parseAttrs(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  ATTR.lastIndex = 0;
  for (let a = ATTR.exec(raw); a !== null; a = ATTR.exec(raw)) {
    const name = a[1]!.toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
  }
  return attrs;
}

/** Parses a document or fragment into a `#root` element. */
export function parseHtml(html: string): HtmlElement {
  const root = new Element('#root', '');
  const stack: Element[] = [root];
  let top = root;
  const len = html.length;
  let pos = 0;

  while (pos < len) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) {
      top.children.push(html.slice(pos));
      break;
    }
    if (lt > pos) top.children.push(html.slice(pos, lt));
    const next = html.charCodeAt(lt + 1);
    if (next === 33 /* ! */ || next === 63 /* ? */) {
      // Comment, doctype, CDATA or processing instruction: skipped.
      const comment = html.startsWith('<!--', lt);
      const end = comment ? html.indexOf('-->', lt + 4) : html.indexOf('>', lt + 2);
      pos = end < 0 ? len : end + (comment ? 3 : 1);
      continue;
    }
    const closing = next === 47; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    let nameEnd = nameStart;
    for (let c = html.charCodeAt(nameEnd); isNameChar(c, nameEnd === nameStart); c = html.charCodeAt(++nameEnd));
    if (nameEnd === nameStart) {
      if (closing) {
        // `</ >`, `</3>`: not a tag, dropped like a browser does.
        const end = html.indexOf('>', lt + 2);
        pos = end < 0 ? len : end + 1;
        continue;
      }
      top.children.push('<'); // a bare "<" in text
      pos = lt + 1;
      continue;
    }
    const gt = tagEnd(html, nameEnd);
    if (gt < 0) break; // a tag that never ends ends the document
    pos = gt + 1;
    const tag = html.slice(nameStart, nameEnd).toLowerCase();
    if (closing) {
      for (let i = stack.length - 1; i > 0; i--) {
        if (stack[i]!.tag === tag) {
          stack.length = i;
          top = stack[i - 1]!;
          break;
        }
      }
      continue;
    }
    const rawAttrs = html.slice(nameEnd, gt);
    const selfClosing = rawAttrs.charCodeAt(rawAttrs.length - 1) === 47; /* / */
    if (!selfClosing && (DROPPED.has(tag) || RAW_TEXT.has(tag))) {
      const close = indexOfCloseTag(html, tag, pos);
      if (RAW_TEXT.has(tag)) {
        const el = new Element(tag, rawAttrs);
        el.children.push(html.slice(pos, close < 0 ? len : close));
        top.children.push(el);
      }
      if (close < 0) break;
      pos = html.indexOf('>', close) + 1 || len;
      continue;
    }
    const el = new Element(tag, rawAttrs);
    top.children.push(el);
    if (!selfClosing && !VOID.has(tag) && stack.length < MAX_DEPTH) {
      stack.push(el);
      top = el;
    }
  }
  return root;
}

function isNameChar(c: number, first: boolean): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return true;
  return !first && ((c >= 48 && c <= 57) || c === 45 /* - */ || c === 58 /* : */);
}

/** Index of the `>` that ends a tag whose attributes start at `from`; quoted values may hold `>`. */
function tagEnd(html: string, from: number): number {
  let i = from;
  for (;;) {
    const gt = html.indexOf('>', i);
    if (gt < 0) return -1;
    let q = -1;
    for (let k = i; k < gt; k++) {
      const c = html.charCodeAt(k);
      if (c === 34 || c === 39) {
        q = k;
        break;
      }
    }
    if (q < 0) return gt;
    const close = html.indexOf(html[q]!, q + 1);
    if (close < 0) return -1;
    i = close + 1;
  }
}

const closeTags = new Map<string, RegExp>();
function indexOfCloseTag(html: string, tag: string, from: number): number {
  let re = closeTags.get(tag);
  if (!re) closeTags.set(tag, (re = new RegExp(`</${tag}[\\s>]`, 'gi')));
  re.lastIndex = from;
  const m = re.exec(html);
  return m ? m.index : -1;
}

export function hasClass(el: HtmlElement, name: string): boolean {
  return el.classes.includes(name);
}

/** Depth-first search for the first element matching `pred` below `el` (not `el` itself). */
export function find(el: HtmlElement, pred: (e: HtmlElement) => boolean): HtmlElement | undefined {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (pred(c)) return c;
    const found = find(c, pred);
    if (found) return found;
  }
  return undefined;
}

/**
 * Every element matching `pred` below `el`, in document order. With `descend: false` the search
 * does not look inside a match (a message inside a message is not a second message).
 */
export function findAll(el: HtmlElement, pred: (e: HtmlElement) => boolean, descend = true, out: HtmlElement[] = []): HtmlElement[] {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (pred(c)) {
      out.push(c);
      if (!descend) continue;
    }
    findAll(c, pred, descend, out);
  }
  return out;
}

export const byClass =
  (name: string) =>
  (e: HtmlElement): boolean =>
    e.classes.includes(name);

const BLOCK = new Set(['div', 'p', 'blockquote', 'li', 'ul', 'ol', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'table', 'section', 'article']);

export interface TextOptions {
  /** Called for each link; the return value replaces the link's text (default: the text as is). */
  link?: (href: string, text: string) => string;
  /** Elements to leave out (e.g. an embedded reply quote). */
  skip?: (e: HtmlElement) => boolean;
}

/**
 * The visible text of an element: `<br>` and block elements become line breaks, entities are
 * decoded, runs of spaces collapse, blank lines collapse to one, and the ends are trimmed.
 */
export function htmlText(el: HtmlElement, opts: TextOptions = {}): string {
  const parts: string[] = [];
  collect(el, parts, opts);
  return tidy(parts.join(''));
}

function collect(el: HtmlElement, parts: string[], opts: TextOptions): void {
  for (const c of el.children) {
    if (typeof c === 'string') {
      parts.push(decodeEntities(c).replace(/[\r\n\t\f]+/g, ' '));
      continue;
    }
    if (opts.skip?.(c)) continue;
    if (c.tag === 'br') {
      parts.push('\n');
      continue;
    }
    const block = BLOCK.has(c.tag);
    if (block) parts.push('\n');
    if (c.tag === 'a' && opts.link) {
      const inner: string[] = [];
      collect(c, inner, opts);
      parts.push(opts.link(c.attrs['href'] ?? '', inner.join('')));
    } else {
      collect(c, parts, opts);
    }
    if (block) parts.push('\n');
  }
}

function tidy(s: string): string {
  return s
    .replace(/[ \u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  laquo: '«',
  raquo: '»',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  bdquo: '„',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  middot: '·',
  bull: '•',
  times: '×',
  minus: '−',
  numero: '№',
  shy: '',
  zwnj: '\u200c',
  zwj: '\u200d',
  thinsp: '\u2009',
  ensp: '\u2002',
  emsp: '\u2003',
};

/** Decodes named (the common ones), decimal and hex character references; unknown names stay. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,9});/g, (whole, ref: string) => {
    if (ref.charCodeAt(0) === 35 /* # */) {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      const code = hex ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED[ref] ?? NAMED[ref.toLowerCase()] ?? whole;
  });
}
