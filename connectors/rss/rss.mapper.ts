/**
 * Pure mapper from an RSS 2.0 / RSS 1.0 (RDF) / Atom document to domain posts. No I/O: the
 * connector fetches, this only reads the XML string it is given. A document that is not XML, or
 * not a feed, throws FeedError with a message naming the problem, never an empty list.
 */
import { createHash } from 'node:crypto';
import type { Network } from '../../src/domain/network';
import { POST_LIMITS, type IncomingPost } from '../../src/domain/post';
import { decodeHTML } from 'entities';
import { Parser as HtmlParser } from 'htmlparser2';
import { localName, parseXml, XmlError, type XmlElement } from './xml';

export interface FeedSource {
  /** Registry id of the source. */
  sourceId: string;
  /** The URL the feed was fetched from: decides the network and resolves relative links. */
  feedUrl: string;
  municipality?: string;
}

export class FeedError extends Error {
  override readonly name = 'FeedError';
}

/** A site answering with a page (a captcha, a login wall, a redesign) instead of the feed. */
const HTML_PAGE = /^\uFEFF?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html)[\s>]/i;

/** Ids longer than this are replaced by a hash (the domain allows 200; ids from URLs grow). */
const MAX_ID_CHARS = 128;

/** `dzen` for Dzen channels (dzen.ru and the old zen.yandex.ru), `news` for every other feed. */
export function feedNetwork(feedUrl: string): Network {
  const host = safeUrl(feedUrl)?.hostname.toLowerCase() ?? '';
  const isDzen = host === 'dzen.ru' || host.endsWith('.dzen.ru') || host === 'zen.yandex.ru';
  return isDzen ? 'dzen' : 'news';
}

/**
 * Maps a feed to posts, in document order. `now` stands in for items without any date.
 * Items without a title, text or link are skipped; everything else becomes a post.
 */
export function mapFeed(xml: string, source: FeedSource, now: Date): IncomingPost[] {
  const html = HTML_PAGE.exec(xml.slice(0, 4096));
  if (html) {
    const title = /<title[^>]*>([^<]{0,200})/i.exec(xml.slice(0, 16_384))?.[1]?.trim();
    throw new FeedError(`not an RSS or Atom feed: got an HTML page${title ? ` ("${collapse(decodeHTML(title))}")` : ''}`);
  }
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    if (err instanceof XmlError) throw new FeedError(`feed is not well-formed XML: ${err.message}`);
    throw err;
  }
  const rootName = localName(root.name);
  const base = safeUrl(source.feedUrl);
  if (!base) throw new FeedError(`invalid feed URL "${source.feedUrl}"`);
  const network = feedNetwork(source.feedUrl);

  let feed: { title: string; link: string | undefined; items: XmlElement[]; atom: boolean };
  if (rootName === 'rss') {
    const channel = root.children.find((c) => c.name === 'channel');
    if (!channel) throw new FeedError('RSS document has no <channel>');
    feed = { title: textOf(channel, 'title'), link: rssLink(channel), items: childrenNamed(channel, 'item'), atom: false };
  } else if (root.name === 'rdf:RDF') {
    const channel = root.children.find((c) => localName(c.name) === 'channel');
    feed = {
      title: channel ? textOf(channel, 'title') : '',
      link: channel ? rssLink(channel) : undefined,
      items: root.children.filter((c) => localName(c.name) === 'item'),
      atom: false,
    };
  } else if (rootName === 'feed') {
    feed = {
      title: atomText(root, 'title'),
      link: atomLink(root),
      items: root.children.filter((c) => localName(c.name) === 'entry'),
      atom: true,
    };
  } else {
    throw new FeedError(`not an RSS or Atom feed: the document's root element is <${root.name}>`);
  }

  const feedLink = resolveHttp(feed.link, base) ?? base.href;
  const feedTitle = (collapse(htmlToText(feed.title)) || base.hostname).slice(0, POST_LIMITS.maxAuthorNameChars);
  // The domain caps author ids at 200 characters; a long channel URL becomes its hash.
  const author = { id: feedLink.length > 200 ? `h:${sha256(feedLink)}` : feedLink, name: feedTitle, url: feedLink };
  const posts: IncomingPost[] = [];
  for (const item of feed.items) {
    const fields = feed.atom ? atomItem(item) : rssItem(item);
    const title = collapse(htmlToText(fields.title));
    const body = htmlToText(fields.body);
    const link = resolveHttp(fields.link, base);
    if (!title && !body && !link) continue;
    const text = !title ? body : !body || body.startsWith(title) ? body || title : `${title}\n\n${body}`;
    const rawId = fields.id?.trim() || link || `${title}\n${fields.date ?? ''}\n${body}`;
    const post: IncomingPost = {
      network,
      externalId: externalId(rawId, base, Boolean(fields.id?.trim() || link)),
      kind: 'post',
      url: link ?? (/^https?:\/\//i.test(fields.id?.trim() ?? '') ? resolveHttp(fields.id, base) : undefined) ?? feedLink,
      text,
      publishedAt: (fields.date !== undefined ? parseFeedDate(fields.date) : undefined) ?? now.toISOString(),
      author: fields.author ? { ...author, name: collapse(fields.author).slice(0, POST_LIMITS.maxAuthorNameChars) } : { ...author },
      sourceId: source.sourceId,
    };
    if (source.municipality !== undefined) post.municipality = source.municipality;
    posts.push(post);
  }
  return posts;
}

interface ItemFields {
  id: string | undefined;
  title: string;
  body: string;
  link: string | undefined;
  date: string | undefined;
  author: string | undefined;
}

function rssItem(item: XmlElement): ItemFields {
  const guid = item.children.find((c) => c.name === 'guid');
  const description = textOf(item, 'description');
  return {
    id: guid?.text,
    title: textOf(item, 'title'),
    body: description.trim() ? description : textOf(item, 'content:encoded'),
    link:
      textOf(item, 'link').trim() ||
      (guid && guid.attrs['isPermaLink'] !== 'false' && /^https?:\/\//i.test(guid.text.trim()) ? guid.text : undefined),
    date: firstText(item, ['pubDate', 'dc:date', 'published', 'updated']),
    author: rssAuthor(textOf(item, 'dc:creator') || textOf(item, 'author')),
  };
}

function atomItem(entry: XmlElement): ItemFields {
  const summary = atomText(entry, 'summary');
  const authorEl = entry.children.find((c) => localName(c.name) === 'author');
  return {
    id: atomText(entry, 'id') || undefined,
    title: atomText(entry, 'title'),
    body: summary.trim() ? summary : atomText(entry, 'content'),
    link: atomLink(entry),
    date: atomText(entry, 'published') || atomText(entry, 'updated') || undefined,
    author: (authorEl && atomText(authorEl, 'name')) || undefined,
  };
}

/** RSS `<author>` is an e-mail, often `mail@host (Name)`: keep the name, drop the address. */
function rssAuthor(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const named = /\(([^)]+)\)\s*$/.exec(v);
  if (named) return named[1]!.trim();
  if (/^\S+@\S+$/.test(v)) return undefined; // a bare address is personal data and says nothing
  return v;
}

function rssLink(channel: XmlElement): string | undefined {
  // RSS channels often carry both <link> and <atom:link rel="self">; the plain one is the site.
  const plain = channel.children.find((c) => c.name === 'link' && c.text.trim());
  return plain?.text.trim();
}

function atomLink(el: XmlElement): string | undefined {
  const links = el.children.filter((c) => localName(c.name) === 'link');
  const alt = links.find((l) => (l.attrs['rel'] ?? 'alternate') === 'alternate') ?? links.find((l) => l.attrs['rel'] !== 'self');
  return alt?.attrs['href'];
}

function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

function textOf(el: XmlElement, name: string): string {
  return el.children.find((c) => c.name === name)?.text ?? '';
}

function firstText(el: XmlElement, names: string[]): string | undefined {
  for (const name of names) {
    const t = textOf(el, name).trim();
    if (t) return t;
  }
  return undefined;
}

/** Atom text constructs: `type="xhtml"` content is markup as child elements, flatten it. */
function atomText(el: XmlElement, name: string): string {
  const child = el.children.find((c) => localName(c.name) === name);
  if (!child) return '';
  return child.attrs['type'] === 'xhtml' ? flatten(child) : child.text;
}

function flatten(el: XmlElement): string {
  const block = /^(p|div|br|li|h[1-6]|blockquote|tr)$/.test(localName(el.name));
  return el.text + el.children.map(flatten).join('') + (block ? '\n' : '');
}

function externalId(raw: string, base: URL, meaningful: boolean): string {
  const id = raw.trim();
  // A guid such as "12345" is only unique within its site: scope it. URIs (http:, tag:, urn:)
  // are global, so the same article in two feeds of a site stays one post.
  const scoped = !meaningful ? `h:${sha256(id)}` : /^[a-z][a-z0-9+.-]*:/i.test(id) ? id : `${base.hostname}:${id}`;
  return scoped.length > MAX_ID_CHARS ? `h:${sha256(scoped)}` : scoped;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function safeUrl(s: string, base?: URL): URL | undefined {
  try {
    return new URL(s, base);
  } catch {
    return undefined;
  }
}

/** An absolute http(s) URL, resolved against the feed; anything else (javascript:, garbage) is dropped. */
function resolveHttp(value: string | undefined, base: URL): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const url = safeUrl(v, base);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.href : undefined;
}

// ---------------------------------------------------------------------------------------------
// Dates

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  msk: 180, // Moscow; common on Russian sites though not in RFC 822
};

/**
 * RFC 822/1123 (`Mon, 23 Nov 2026 10:00:00 +0300`, two-digit years, named zones) and RFC 3339 /
 * ISO 8601 with a zone. A date without a zone is read as UTC. Returns ISO-8601 UTC or undefined.
 */
export function parseFeedDate(value: string): string | undefined {
  const v = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(v);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = iso;
    const ms = Math.round(Number(`0${frac || '.0'}`) * 1000);
    return fromParts(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms, zoneMinutes(zone));
  }
  const rfc =
    /^(?:[A-Za-z]{3,9},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?$/.exec(
      v,
    );
  if (rfc) {
    const [, d, mon, yRaw, h, mi, s = '0', zone = 'GMT'] = rfc;
    const month = MONTHS[mon!.toLowerCase()];
    if (month === undefined) return undefined;
    let year = Number(yRaw);
    if (yRaw!.length === 2) year += year < 50 ? 2000 : 1900;
    const offset = zoneMinutes(zone);
    if (offset === undefined) return undefined;
    return fromParts(year, month, Number(d), Number(h), Number(mi), Number(s), 0, offset);
  }
  return undefined;
}

function zoneMinutes(zone: string): number | undefined {
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (z) return (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  return ZONES[zone.toLowerCase()];
}

function fromParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offset: number | undefined,
): string | undefined {
  if (offset === undefined || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms) - offset * 60_000;
  const date = new Date(t);
  // Date.UTC rolls 31 Feb over into March; refuse instead of inventing a day.
  if (new Date(Date.UTC(y, mo, d)).getUTCDate() !== d || Number.isNaN(t)) return undefined;
  return date.toISOString();
}

// ---------------------------------------------------------------------------------------------
// HTML → plain text

const BLOCK = new Set(['p', 'div', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'tr', 'table', 'section', 'article', 'figure', 'figcaption']);
const DROPPED = new Set(['script', 'style', 'noscript', 'template']);

/**
 * Strips tags (dropping script/style content), keeps paragraph breaks, decodes HTML entities:
 * htmlparser2 reads the markup (forgiving, never throws) and the entities package decodes.
 */
export function htmlToText(html: string): string {
  if (!html) return '';
  const parts: string[] = [];
  let dropping = 0;
  const parser = new HtmlParser(
    {
      onopentag(name) {
        if (dropping > 0 || DROPPED.has(name)) dropping++;
        else if (name === 'br' || BLOCK.has(name)) parts.push('\n');
      },
      onclosetag(name) {
        if (dropping > 0) dropping--;
        else if (BLOCK.has(name)) parts.push('\n');
      },
      ontext(text) {
        if (dropping === 0) parts.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  return parts
    .join('')
    .replace(/[ \t\f\v\u00a0\u00ad\u200c\u200d]+/g, (m) => (/[ \t\f\v\u00a0]/.test(m) ? ' ' : ''))
    .replace(/ *\n */g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
