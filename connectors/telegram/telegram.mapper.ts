/**
 * Pure reader and mapper for the Telegram channel web preview (`t.me/s/<channel>`). No I/O: the
 * connector fetches, this reads the HTML it is given.
 *
 * The page is never taken at its word: a channel page on which no message can be read, or whose
 * messages lack an id or a date, throws TelegramParseError naming the source and what was
 * missing — a markup change must show up as a parse failure, never as a quiet "nothing new".
 * A channel with genuinely no posts (an empty history section) is told apart from that.
 */
import { POST_LIMITS, type IncomingPost } from '../../src/domain/post';
import { byClass, find, findAll, hasClass, htmlText, parseHtml, type HtmlElement } from './html';

export interface TelegramSource {
  /** Registry id of the source. */
  sourceId: string;
  /** The channel's username as configured (normalised, without @ or t.me/). */
  channel: string;
  municipality?: string;
  /** Origin of the web preview (TELEGRAM_WEB_URL); used for links the page does not carry. Default https://t.me. */
  webUrl?: string;
}

/** A markup the reader does not understand; the message names the source and what is missing. */
export class TelegramParseError extends Error {
  override readonly name = 'TelegramParseError';
  readonly kind = 'parse';
  constructor(
    readonly sourceId: string,
    /** What was missing or wrong, without the source prefix. */
    readonly reason: string,
  ) {
    super(`telegram source ${sourceId}: ${reason}`);
  }
}

/** One message of the channel history as the page shows it. */
export interface ChannelMessage {
  id: number;
  /** The channel username exactly as the page writes it in `data-post`. */
  channel: string;
  /** Service messages ("Channel photo updated", "Live stream started") carry no content. */
  service: boolean;
  /** ISO-8601 UTC; absent only on service messages. */
  publishedAt?: string;
  /** Permanent link to the message. */
  url?: string;
  /** The message text: line breaks kept, entities decoded, link targets kept beside their text. */
  text: string;
  /** Absolute http(s) links in the text and the link preview, in order, without duplicates. */
  links: string[];
  views?: number;
  /** The author's signature, on channels that sign messages. */
  signedBy?: string;
  forwardedFrom?: { name: string; url?: string; author?: string };
  /** The message this one answers, when it quotes one. */
  replyTo?: { url?: string; channel?: string; id?: number; author?: string; text?: string };
  linkPreview?: { url?: string; site?: string; title?: string; description?: string };
  poll?: { question: string; options: string[] };
  /** Media kinds present: photo, video, round_video, voice, audio, document, sticker, location, unsupported… */
  media: string[];
  documentTitle?: string;
}

export type ChannelPageRead =
  | {
      kind: 'channel';
      /** Channel title from the page header ('' when the header is gone). */
      title: string;
      /** Every message on the page, oldest first, service messages included. */
      messages: ChannelMessage[];
      /** The page's "load older" marker (`data-before`), when there are older messages. */
      before?: number;
    }
  /** `t.me/<name>` instead of a channel history: a private channel, a group, a user, a bot. */
  | { kind: 'no_preview'; title: string }
  /** `t.me/<name>` with no such public name at all. */
  | { kind: 'not_found' };

const DATA_POST = /^([A-Za-z0-9_]{1,64})\/(\d{1,15})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const MAX_REPLY_SNIPPET = 200;

/** Reads a page served for `t.me/s/<channel>` (or where it redirected). Throws TelegramParseError. */
export function readChannelPage(html: string, source: Pick<TelegramSource, 'sourceId'>): ChannelPageRead {
  const root = parseHtml(html);
  const history = find(root, byClass('tgme_channel_history'));
  const info = find(root, byClass('tgme_channel_info'));
  if (!history && !info) {
    const page = find(root, byClass('tgme_page'));
    if (page) {
      const title = find(page, byClass('tgme_page_title'));
      return title ? { kind: 'no_preview', title: htmlText(title) } : { kind: 'not_found' };
    }
    const docTitle = find(root, (e) => e.tag === 'title');
    const what = docTitle ? ` (page title "${htmlText(docTitle).slice(0, 100)}")` : html.trim() === '' ? ' (empty body)' : '';
    throw new TelegramParseError(source.sourceId, `not a channel page: neither .tgme_channel_history nor .tgme_channel_info found${what}`);
  }
  const titleEl = info && find(info, byClass('tgme_channel_info_header_title'));
  const title = titleEl ? htmlText(titleEl) : '';
  if (!history) {
    throw new TelegramParseError(source.sourceId, 'channel page without a .tgme_channel_history section: the markup has changed');
  }

  const elements = findAll(history, byClass('tgme_widget_message'), false);
  const messages: ChannelMessage[] = [];
  const problems: string[] = [];
  elements.forEach((el, i) => {
    const m = readMessage(el, i + 1);
    if (typeof m === 'string') problems.push(m);
    else messages.push(m);
  });
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new TelegramParseError(source.sourceId, `${problems.length} of ${elements.length} messages unreadable: ${problems.slice(0, 3).join('; ')}${more}`);
  }
  if (messages.length === 0) {
    // Empty is only believed when the history holds nothing that could be a message.
    const unknown = historyContent(history);
    if (unknown.length > 0) {
      throw new TelegramParseError(
        source.sourceId,
        `no .tgme_widget_message[data-post] found although the history section holds ${unknown.length} element(s) (first: <${unknown[0]!.tag} class="${unknown[0]!.classes.join(' ')}">): the markup has changed`,
      );
    }
  }
  messages.sort((a, b) => a.id - b.id);
  const more = find(history, byClass('js-messages_more')) ?? find(history, byClass('tme_messages_more'));
  const before = Number(more?.attrs['data-before'] ?? NaN);
  return { kind: 'channel', title, messages, ...(Number.isSafeInteger(before) && before > 0 ? { before } : {}) };
}

/** Element children of the history that are neither the "load more" strip nor a "no posts" note. */
function historyContent(history: HtmlElement): HtmlElement[] {
  return history.children.filter(
    (c): c is HtmlElement =>
      typeof c !== 'string' &&
      !hasClass(c, 'js-messages_more_wrap') &&
      !hasClass(c, 'tgme_widget_message_centered') &&
      !hasClass(c, 'tme_no_messages_found') &&
      c.tag !== 'script',
  );
}

/** A message, or the reason it cannot be read. */
function readMessage(el: HtmlElement, position: number): ChannelMessage | string {
  const dataPost = el.attrs['data-post'];
  if (dataPost === undefined) return `message #${position}: no data-post attribute (message id)`;
  const idMatch = DATA_POST.exec(dataPost.trim());
  if (!idMatch) return `message #${position}: data-post "${dataPost.slice(0, 80)}" is not <channel>/<id>`;
  const id = Number(idMatch[2]);
  const channel = idMatch[1]!;
  const service = hasClass(el, 'service_message');

  const parts = indexParts(el);
  const reply = parts.get('tgme_widget_message_reply');
  const dateLink = parts.get('tgme_widget_message_date');
  const time = dateLink ? find(dateLink, (e) => e.tag === 'time' && e.attrs['datetime'] !== undefined) : undefined;
  const rawDate = time?.attrs['datetime']?.trim();
  let publishedAt: string | undefined;
  if (rawDate !== undefined) {
    const t = ISO_DATE.test(rawDate) ? Date.parse(rawDate) : NaN;
    if (Number.isNaN(t)) return `message ${dataPost}: unreadable date "${rawDate.slice(0, 40)}"`;
    publishedAt = new Date(t).toISOString();
  } else if (!service) {
    return `message ${dataPost}: no date (.tgme_widget_message_date time[datetime])`;
  }

  const links: string[] = [];
  const addLink = (href: string | undefined) => {
    if (href && /^https?:\/\//i.test(href) && !links.includes(href)) links.push(href);
  };
  const textEl = parts.get('tgme_widget_message_text');
  const text = textEl
    ? htmlText(textEl, {
        link: (href, inner) => {
          addLink(href);
          return linkText(href, inner);
        },
      })
    : '';

  const msg: ChannelMessage = { id, channel, service, text, links, media: parts.media };
  if (publishedAt) msg.publishedAt = publishedAt;
  const permalink = dateLink?.attrs['href'];
  if (permalink && /^https?:\/\//i.test(permalink)) msg.url = permalink;

  const views = parts.get('tgme_widget_message_views');
  if (views) {
    const n = parseViews(htmlText(views));
    if (n !== undefined) msg.views = n;
  }
  const signed = parts.get('tgme_widget_message_from_author');
  if (signed && htmlText(signed)) msg.signedBy = htmlText(signed);

  const fwd = parts.get('tgme_widget_message_forwarded_from');
  if (fwd) {
    const nameEl = find(fwd, byClass('tgme_widget_message_forwarded_from_name'));
    const authorEl = find(fwd, byClass('tgme_widget_message_forwarded_from_author'));
    const name = nameEl ? htmlText(nameEl) : htmlText(fwd).replace(/^Forwarded from\s*/i, '');
    const href = nameEl?.attrs['href'];
    msg.forwardedFrom = { name };
    if (href && /^https?:\/\//i.test(href)) msg.forwardedFrom.url = href;
    if (authorEl && htmlText(authorEl)) msg.forwardedFrom.author = htmlText(authorEl);
  }

  if (reply) {
    const r: NonNullable<ChannelMessage['replyTo']> = {};
    const href = reply.attrs['href'];
    if (href && /^https?:\/\//i.test(href)) {
      r.url = href;
      const target = /^https?:\/\/[^/]+\/(?:s\/)?([A-Za-z0-9_]+)\/(\d+)/.exec(href);
      if (target) {
        r.channel = target[1]!;
        r.id = Number(target[2]);
      }
    }
    const author = find(reply, byClass('tgme_widget_message_author_name'));
    if (author && htmlText(author)) r.author = htmlText(author);
    const quoted = find(reply, byClass('tgme_widget_message_text')) ?? find(reply, byClass('tgme_widget_message_metatext'));
    if (quoted && htmlText(quoted)) r.text = htmlText(quoted);
    msg.replyTo = r;
  }

  const preview = parts.get('tgme_widget_message_link_preview');
  if (preview) {
    const lp: NonNullable<ChannelMessage['linkPreview']> = {};
    const href = preview.attrs['href'];
    if (href && /^https?:\/\//i.test(href)) {
      lp.url = href;
      addLink(href);
    }
    for (const [field, cls] of [
      ['site', 'link_preview_site_name'],
      ['title', 'link_preview_title'],
      ['description', 'link_preview_description'],
    ] as const) {
      const e = find(preview, byClass(cls));
      const t = e ? htmlText(e) : '';
      if (t) lp[field] = t;
    }
    msg.linkPreview = lp;
  }

  const poll = parts.get('tgme_widget_message_poll');
  if (poll) {
    const q = find(poll, byClass('tgme_widget_message_poll_question'));
    msg.poll = {
      question: q ? htmlText(q) : '',
      options: findAll(poll, byClass('tgme_widget_message_poll_option_text')).map((o) => htmlText(o)),
    };
  }
  const doc = parts.get('tgme_widget_message_document_title');
  if (doc && htmlText(doc)) msg.documentTitle = htmlText(doc);
  return msg;
}

const MEDIA: ReadonlyMap<string, string> = new Map([
  ['tgme_widget_message_photo_wrap', 'photo'],
  ['tgme_widget_message_video_player', 'video'],
  ['tgme_widget_message_roundvideo_player', 'round_video'],
  ['tgme_widget_message_voice_player', 'voice'],
  ['tgme_widget_message_document_wrap', 'document'],
  ['tgme_widget_message_sticker_wrap', 'sticker'],
  ['tgme_widget_message_location_wrap', 'location'],
  ['message_media_not_supported', 'unsupported'],
]);
/** Parts of a message looked up by class; the first of each counts. */
const PARTS = new Set([
  'tgme_widget_message_reply',
  'tgme_widget_message_link_preview',
  'tgme_widget_message_date',
  'tgme_widget_message_text',
  'tgme_widget_message_views',
  'tgme_widget_message_from_author',
  'tgme_widget_message_forwarded_from',
  'tgme_widget_message_poll',
  'tgme_widget_message_document_title',
]);
/** Parts whose inside is read separately (quotes of other messages, text, polls) or is drawing. */
const OPAQUE = new Set(['tgme_widget_message_reply', 'tgme_widget_message_link_preview', 'tgme_widget_message_text', 'tgme_widget_message_poll']);

/**
 * One walk over a message: the first element of each part and the media it shows. The insides
 * of a reply quote and of a link preview belong to other messages and pages, so their text,
 * dates and media are not this message's.
 */
function indexParts(el: HtmlElement): Map<string, HtmlElement> & { media: string[] } {
  const found = new Map<string, HtmlElement>() as Map<string, HtmlElement> & { media: string[] };
  found.media = [];
  const visit = (e: HtmlElement) => {
    for (const c of e.children) {
      if (typeof c === 'string' || c.tag === 'svg') continue;
      let opaque = false;
      for (const cls of c.classes) {
        if (PARTS.has(cls) && !found.has(cls)) found.set(cls, c);
        const media = MEDIA.get(cls);
        if (media) found.media.push(media);
        if (OPAQUE.has(cls)) opaque = true;
      }
      if (!opaque) visit(c);
    }
  };
  visit(el);
  return found;
}

/**
 * The text a link contributes: hashtags, mentions and links that show their own address stay as
 * written; a worded link keeps its target beside the words ("на портале (https://…)").
 */
function linkText(href: string, inner: string): string {
  const text = inner.trim();
  if (!/^https?:\/\//i.test(href) || !text) return inner;
  if (/^[#@$]/.test(text)) return inner;
  const bare = (s: string) => s.replace(/^https?:\/\//i, '').replace(/^www\./i, '').replace(/\/+$/, '').toLowerCase();
  const shown = bare(text.replace(/…$/, ''));
  if (shown && bare(href).startsWith(shown)) return inner;
  return `${inner} (${href})`;
}

/** `987` → 987, `1.2K` → 1200, `9,8K` → 9800, `1.1M` → 1 100 000; undefined when unreadable. */
export function parseViews(raw: string): number | undefined {
  const m = /^(\d+(?:[.,]\d+)?)\s*([KkMmКкМм]?)$/.exec(raw.replace(/[\s\u00a0]/g, ''));
  if (!m) return undefined;
  const n = Number(m[1]!.replace(',', '.'));
  const unit = m[2]!.toLowerCase();
  const mult = unit === 'k' || unit === 'к' ? 1_000 : unit === 'm' || unit === 'м' ? 1_000_000 : 1;
  return Math.round(n * mult);
}

const MEDIA_LABELS: Record<string, string> = {
  photo: 'фото',
  video: 'видео',
  round_video: 'видеосообщение',
  voice: 'голосовое сообщение',
  document: 'документ',
  sticker: 'стикер',
  location: 'геолокация',
  unsupported: 'медиа, доступное только в приложении Telegram',
};

/**
 * One message → one post, or null for service messages. The post text is the message text, then
 * a poll, then the shared link's preview; a post with none of those names its media. Forward and
 * reply context follow as their own paragraphs ("Переслано из: …", "В ответ на: …"): a reply in
 * a channel is another post of the channel, not a comment, so it stays kind 'post' without a parent.
 */
export function mapMessage(msg: ChannelMessage, page: { title: string }, source: TelegramSource): IncomingPost | null {
  if (msg.service || msg.publishedAt === undefined) return null;
  const origin = (source.webUrl ?? 'https://t.me').replace(/\/+$/, '');
  const channelUrl = `${origin}/${msg.channel}`;
  const parts: string[] = [];
  if (msg.text) parts.push(msg.text);
  if (msg.poll) parts.push([`Опрос: ${msg.poll.question}`, ...msg.poll.options.map((o) => `— ${o}`)].join('\n'));
  const lp = msg.linkPreview;
  if (lp && (lp.title || lp.description)) {
    const head = [lp.site, lp.title].filter(Boolean).join(': ');
    const body = [head, lp.description].filter(Boolean).join('\n');
    parts.push(lp.url && !msg.text.includes(lp.url) ? `${body}\n${lp.url}` : body);
  }
  if (parts.length === 0 && msg.media.length > 0) {
    const counts = new Map<string, number>();
    for (const m of msg.media) counts.set(m, (counts.get(m) ?? 0) + 1);
    const labels = [...counts].map(([m, n]) => `${n > 1 ? `${n} × ` : ''}${MEDIA_LABELS[m] ?? m}${m === 'document' && msg.documentTitle ? `: ${msg.documentTitle}` : ''}`);
    parts.push(`[${labels.join(', ')}]`);
  }
  if (msg.forwardedFrom) {
    const f = msg.forwardedFrom;
    parts.push(`Переслано из: ${f.name}${f.author ? ` (${f.author})` : ''}${f.url ? ` ${f.url}` : ''}`);
  }
  if (msg.replyTo) {
    const r = msg.replyTo;
    const snippet = r.text ? ` «${r.text.length > MAX_REPLY_SNIPPET ? `${r.text.slice(0, MAX_REPLY_SNIPPET - 1)}…` : r.text}»` : '';
    parts.push(`В ответ на: ${r.url ?? r.author ?? 'сообщение'}${snippet}`);
  }

  const username = msg.channel.toLowerCase();
  const channelName = (page.title || `@${msg.channel}`).slice(0, POST_LIMITS.maxAuthorNameChars);
  const author = msg.signedBy
    ? { id: `${username}:${msg.signedBy}`.slice(0, 200), name: msg.signedBy.slice(0, POST_LIMITS.maxAuthorNameChars), url: channelUrl }
    : { id: username, name: channelName, url: channelUrl };
  const post: IncomingPost = {
    network: 'telegram',
    externalId: `${username}/${msg.id}`,
    kind: 'post',
    url: msg.url ?? `${channelUrl}/${msg.id}`,
    text: parts.join('\n\n'),
    publishedAt: msg.publishedAt,
    author,
    sourceId: source.sourceId,
  };
  if (source.municipality !== undefined) post.municipality = source.municipality;
  if (msg.views !== undefined) post.engagement = { views: msg.views };
  // A forward from a public channel names the original message: the desk links it to its claim.
  const fwd = /^https:\/\/t\.me\/([A-Za-z0-9_]{4,64})\/(\d+)$/.exec(msg.forwardedFrom?.url ?? '');
  if (fwd) post.repostOf = `telegram:${(fwd[1] as string).toLowerCase()}/${fwd[2]}`;
  return post;
}

/**
 * Parses one page of `t.me/s/<channel>` HTML and maps its messages to posts, oldest first
 * (service messages left out). Pure; the benchmark calls it. Throws TelegramParseError when the
 * page is not a readable channel page, including a page of another channel.
 */
export function parseChannelPage(html: string, source: TelegramSource): IncomingPost[] {
  const page = readChannelPage(html, source);
  if (page.kind !== 'channel') {
    throw new TelegramParseError(source.sourceId, page.kind === 'no_preview' ? 'the channel has no public web preview' : 'no such channel');
  }
  checkChannel(page.messages, source);
  const posts: IncomingPost[] = [];
  for (const m of page.messages) {
    const p = mapMessage(m, page, source);
    if (p) posts.push(p);
  }
  return posts;
}

/** Every message must belong to the configured channel (the page of a renamed or reused name does not). */
export function checkChannel(messages: readonly ChannelMessage[], source: Pick<TelegramSource, 'sourceId' | 'channel'>): void {
  const expected = source.channel.toLowerCase();
  const other = messages.find((m) => m.channel.toLowerCase() !== expected);
  if (other) {
    throw new TelegramParseError(source.sourceId, `message ${other.channel}/${other.id} belongs to another channel than "${source.channel}"`);
  }
}
