/**
 * Feed XML, parsed by fast-xml-parser (validated first, so a broken feed is an XmlError with line
 * and column, never a half-read tree) into a light element tree the mapper walks. Safe by
 * construction: a DOCTYPE with an internal subset (where entity definitions and expansion bombs
 * live) is refused before parsing, the parser expands no entity itself, and character data is
 * decoded afterwards by the `entities` package's XML decoder (the five predefined entities and
 * numeric references; any other `&name;` stays as written). CDATA is kept verbatim. Nesting
 * deeper than MAX_DEPTH is refused. The size limit is the HTTP client's body cap, before this.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXML } from 'entities';

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
const ATTRS = ':@';
const TEXT = '#text';
const CDATA = '#cdata';
const INTERNAL_SUBSET = /<!DOCTYPE[^>[]*\[/i;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: CDATA,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type OrderedNode = Record<string, unknown>;

/** Parses a whole document and returns its root element. */
export function parseXml(input: string): XmlElement {
  const src = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (INTERNAL_SUBSET.test(src)) throw new XmlError('malformed XML: DOCTYPE with an internal subset is not accepted');
  if (src.trim() === '') throw new XmlError('malformed XML: no root element (empty document?)');
  const valid = XMLValidator.validate(src);
  if (valid !== true) {
    const at = typeof valid.err.col === 'number' ? `line ${valid.err.line}, column ${valid.err.col}` : `line ${valid.err.line}`;
    throw new XmlError(`malformed XML at ${at}: ${readable(valid.err.msg)}`);
  }
  // The validator and the parser both let text after the root pass silently.
  if (src.slice(src.lastIndexOf('>') + 1).trim() !== '') throw new XmlError('malformed XML: text outside the root element');
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(src) as OrderedNode[];
  } catch (err) {
    // e.g. its own nesting limit: still a malformed feed, not a crash.
    throw new XmlError(`malformed XML: ${(err as Error).message}`);
  }
  if (nodes.some((n) => TEXT in n && String(n[TEXT]).trim() !== '')) throw new XmlError('malformed XML: text outside the root element');
  const roots = nodes.filter((n) => elementName(n) !== undefined);
  if (roots.length === 0) throw new XmlError('malformed XML: no root element (empty document?)');
  if (roots.length > 1) throw new XmlError('malformed XML: more than one root element');
  return toElement(roots[0]!, 1);
}

/** The validator reports a truncated document as the list of open tags: name the innermost. */
function readable(msg: string): string {
  const open = /^Invalid '(\[[\s\S]*\])' found/.exec(msg);
  if (!open) return msg;
  try {
    const tags = JSON.parse(open[1]!) as unknown[];
    return `unclosed element <${String(tags.at(-1))}> (the document ends inside ${tags.map((t) => `<${String(t)}>`).join(' ')})`;
  } catch {
    return msg;
  }
}

function elementName(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ATTRS && key !== TEXT && key !== CDATA && !key.startsWith('?') && !key.startsWith('!')) return key;
  return undefined;
}

function toElement(node: OrderedNode, depth: number): XmlElement {
  if (depth > MAX_DEPTH) throw new XmlError(`malformed XML: elements nested deeper than ${MAX_DEPTH}`);
  const name = elementName(node)!;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries((node[ATTRS] as Record<string, unknown> | undefined) ?? {})) attrs[k] = decodeXML(String(v));
  const el: XmlElement = { name, attrs, children: [], text: '' };
  for (const child of (node[name] as OrderedNode[] | undefined) ?? []) {
    if (TEXT in child) el.text += decodeXML(String(child[TEXT]));
    else if (CDATA in child) for (const part of child[CDATA] as OrderedNode[]) el.text += String(part[TEXT] ?? '');
    else if (elementName(child) !== undefined) el.children.push(toElement(child, depth + 1));
  }
  return el;
}

/** Local part of a qualified name: `atom:link` → `link`. */
export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}
