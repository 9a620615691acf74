/**
 * A small, strict, non-validating XML parser for feeds. Safe by construction: no DTD processing
 * (a DOCTYPE with an internal subset is refused), no external entities, and only the five
 * predefined entities plus numeric character references are expanded; any other `&name;` is kept
 * verbatim as text. CDATA is supported. Structural errors throw XmlError with line and column.
 */

export interface XmlElement {
  /** Qualified name as written, e.g. `item`, `dc:creator`, `atom:link`. */
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element (CDATA included). */
  text: string;
}

export class XmlError extends Error {
  override readonly name = 'XmlError';
}

const MAX_DEPTH = 100;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.:-]*/;

/** Parses a whole document and returns its root element. */
export function parseXml(input: string): XmlElement {
  const src = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let pos = 0;
  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];

  const fail = (message: string, at = pos): never => {
    const before = src.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new XmlError(`malformed XML at line ${line}, column ${column}: ${message}`);
  };
  const expect = (token: string, from: number, what: string): number => {
    const i = src.indexOf(token, from);
    if (i < 0) fail(`unterminated ${what}`, from);
    return i;
  };

  while (pos < src.length) {
    const lt = src.indexOf('<', pos);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > pos) {
      const raw = src.slice(pos, textEnd);
      const top = stack.at(-1);
      if (top) top.text += decodeEntities(raw);
      else if (raw.trim() !== '') fail('text outside the root element');
      pos = textEnd;
      continue;
    }
    if (src.startsWith('<!--', pos)) {
      pos = expect('-->', pos + 4, 'comment') + 3;
    } else if (src.startsWith('<![CDATA[', pos)) {
      const end = expect(']]>', pos + 9, 'CDATA section');
      const top = stack.at(-1);
      if (!top) fail('CDATA outside the root element');
      else top.text += src.slice(pos + 9, end);
      pos = end + 3;
    } else if (src.startsWith('<?', pos)) {
      pos = expect('?>', pos + 2, 'processing instruction') + 2;
    } else if (src.startsWith('<!DOCTYPE', pos) || src.startsWith('<!doctype', pos)) {
      const end = expect('>', pos, 'DOCTYPE');
      // An internal subset is where entity definitions (and entity-expansion bombs) live.
      if (src.slice(pos, end).includes('[')) fail('DOCTYPE with an internal subset is not accepted');
      if (root || stack.length > 0) fail('DOCTYPE after the root element');
      pos = end + 1;
    } else if (src.startsWith('</', pos)) {
      const m = NAME.exec(src.slice(pos + 2, pos + 2 + 256));
      if (!m) fail('bad closing tag');
      const name = m![0];
      const end = expect('>', pos, 'closing tag');
      if (src.slice(pos + 2 + name.length, end).trim() !== '') fail(`bad closing tag </${name}`);
      const open = stack.pop();
      if (!open) fail(`closing tag </${name}> without an open element`);
      if (open!.name !== name) fail(`closing tag </${name}> does not match <${open!.name}>`);
      pos = end + 1;
    } else {
      const m = NAME.exec(src.slice(pos + 1, pos + 1 + 256));
      if (!m) fail(`unexpected "${src.slice(pos, pos + 10)}"`);
      const el: XmlElement = { name: m![0], attrs: {}, children: [], text: '' };
      let i = pos + 1 + el.name.length;
      let selfClosing = false;
      for (;;) {
        while (i < src.length && /\s/.test(src[i] as string)) i++;
        if (i >= src.length) fail(`unterminated tag <${el.name}`, pos);
        if (src[i] === '>') {
          i++;
          break;
        }
        if (src.startsWith('/>', i)) {
          selfClosing = true;
          i += 2;
          break;
        }
        const a = NAME.exec(src.slice(i, i + 256));
        if (!a) fail(`bad attribute in <${el.name}>`, i);
        i += a![0].length;
        while (/\s/.test(src[i] ?? '')) i++;
        if (src[i] !== '=') fail(`attribute ${a![0]} in <${el.name}> has no value`, i);
        i++;
        while (/\s/.test(src[i] ?? '')) i++;
        const quote = src[i];
        if (quote !== '"' && quote !== "'") fail(`attribute ${a![0]} in <${el.name}> is not quoted`, i);
        const close = expect(quote!, i + 1, 'attribute value');
        const value = src.slice(i + 1, close);
        if (value.includes('<')) fail(`"<" in attribute ${a![0]}`, i);
        el.attrs[a![0]] = decodeEntities(value);
        i = close + 1;
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(el);
      else if (root) fail('more than one root element');
      else root = el;
      if (!selfClosing) {
        stack.push(el);
        if (stack.length > MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH}`);
      }
      pos = i;
    }
  }
  if (stack.length > 0) fail(`unclosed element <${stack.at(-1)!.name}>`);
  if (!root) fail('no root element (empty document?)');
  return root!;
}

/** Expands the five predefined entities and numeric references; other `&...;` stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return isValidCodePoint(code) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return PREDEFINED[ref] ?? whole;
  });
}

function isValidCodePoint(code: number): boolean {
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
}

/** Local part of a qualified name: `atom:link` → `link`. */
export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}
