/**
 * The t.me web preview's HTML, parsed by htmlparser2 (the maintained, forgiving, streaming parser
 * behind cheerio): it never throws, closes what a browser would close, keeps void elements empty
 * and decodes entities (with the `entities` package) in text and attributes. This module only
 * turns its events into a light element tree (tag, attributes, class list, children) that the
 * mapper walks: script/style/svg/noscript/template content is dropped, and nesting deeper than
 * MAX_DEPTH is flattened, so hostile markup can neither blow the stack nor hide text.
 * Size limits stay where they were: the HTTP client caps the body before it gets here.
 */
import { Parser } from 'htmlparser2';

export interface HtmlElement {
  /** Lower-case tag name; `#root` for the document. */
  readonly tag: string;
  /** Attributes, entity-decoded. */
  readonly attrs: Readonly<Record<string, string>>;
  /** Child elements and text (entity-decoded). */
  readonly children: HtmlNode[];
  /** Class list. */
  readonly classes: readonly string[];
}
export type HtmlNode = HtmlElement | string;

const NO_CLASSES: readonly string[] = [];
const SPACES = /\s+/;
/** Content dropped entirely. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'svg']);
const MAX_DEPTH = 256;

interface Building {
  tag: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
  classes: readonly string[];
}

/** Parses a document or fragment into a `#root` element. */
export function parseHtml(html: string): HtmlElement {
  const root: Building = { tag: '#root', attrs: {}, children: [], classes: NO_CLASSES };
  const stack: Building[] = [root];
  /** Per open element (in order): whether it was pushed on `stack` (false past MAX_DEPTH). */
  const pushed: boolean[] = [];
  let dropping = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (dropping > 0 || DROPPED.has(name)) {
          dropping++;
          return;
        }
        const cls = attribs['class'];
        const el: Building = { tag: name, attrs: attribs, children: [], classes: cls ? cls.split(SPACES).filter((c) => c !== '') : NO_CLASSES };
        stack.at(-1)!.children.push(el);
        const push = stack.length < MAX_DEPTH;
        if (push) stack.push(el);
        pushed.push(push);
      },
      onclosetag() {
        if (dropping > 0) {
          dropping--;
          return;
        }
        if (pushed.pop()) stack.pop();
      },
      ontext(text) {
        if (dropping > 0) return;
        const children = stack.at(-1)!.children;
        const last = children.length - 1;
        if (last >= 0 && typeof children[last] === 'string') children[last] += text;
        else children.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return root;
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
      parts.push(c.replace(/[\r\n\t\f]+/g, ' '));
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
