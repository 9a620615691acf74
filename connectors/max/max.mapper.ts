/**
 * Pure mapper from MAX Bot API messages (`GET /messages`, also the `message` of a
 * `message_created` update) to domain posts. No I/O. Shapes follow the Bot API's `Message`:
 * `sender` (User), `recipient` (chat_id, chat_type), `timestamp` (unix ms), `body` (mid, seq,
 * text, attachments), `link` (a forwarded or replied-to message), `stat` (views), `url` (public
 * chats and channels only).
 */
import { POST_LIMITS, type IncomingPost, type PostAuthor } from '../../src/domain/post';

export interface MaxUser {
  user_id: number;
  first_name?: string;
  last_name?: string | null;
  name?: string;
  username?: string | null;
  is_bot?: boolean;
}

export interface MaxMessageBody {
  mid: string;
  seq?: number;
  text?: string | null;
  attachments?: { type: string; payload?: { url?: string } }[] | null;
}

export interface MaxLinkedMessage {
  type: 'forward' | 'reply';
  sender?: MaxUser;
  chat_id?: number;
  message: MaxMessageBody;
}

export interface MaxMessage {
  sender?: MaxUser;
  recipient: { chat_id: number | null; chat_type: 'dialog' | 'chat' | 'channel'; user_id?: number | null };
  timestamp: number;
  link?: MaxLinkedMessage | null;
  body: MaxMessageBody;
  stat?: { views?: number } | null;
  url?: string | null;
}

export interface MaxMessagesResponse {
  messages: MaxMessage[];
}

export interface MaxMapContext {
  chatId: string;
  sourceId: string;
  /** Shown as the author of channel posts, which have no sender. */
  chatTitle?: string;
  municipality?: string;
}

export class MaxPayloadError extends Error {
  override readonly name = 'MaxPayloadError';
  /** Counted per source in health metrics. */
  readonly kind = 'malformed';
}

export function maxExternalId(chatId: string, mid: string): string {
  return `${chatId}:${mid}`;
}

/** A stable placeholder for messages without a public link: the reserved `.invalid` TLD never resolves. */
export function maxPlaceholderUrl(chatId: string, mid: string): string {
  return `https://max.invalid/chat/${encodeURIComponent(chatId)}/${encodeURIComponent(mid)}`;
}

function displayName(u: MaxUser): string {
  return (u.name ?? [u.first_name, u.last_name].filter(Boolean).join(' ')).trim();
}

function authorOf(m: MaxMessage, ctx: MaxMapContext): PostAuthor {
  if (m.sender && m.recipient.chat_type !== 'channel') {
    const a: PostAuthor = { id: `user:${m.sender.user_id}`, name: displayName(m.sender).slice(0, POST_LIMITS.maxAuthorNameChars) };
    if (m.sender.username) a.url = `https://max.ru/${encodeURIComponent(m.sender.username)}`;
    return a;
  }
  // Channel posts speak for the channel, whoever of its admins pressed the button.
  return { id: `chat:${ctx.chatId}`, name: (ctx.chatTitle ?? '').slice(0, POST_LIMITS.maxAuthorNameChars) };
}

function isHttpUrl(s: string | null | undefined): s is string {
  return typeof s === 'string' && /^https?:\/\/[^\s]+$/i.test(s);
}

/** Maps one message; forwarded text is kept as context after the message's own text. */
export function mapMaxMessage(m: MaxMessage, ctx: MaxMapContext): IncomingPost {
  const mid = m.body?.mid;
  if (typeof mid !== 'string' || !mid) throw new MaxPayloadError('message without body.mid');
  if (typeof m.timestamp !== 'number' || !Number.isFinite(m.timestamp)) throw new MaxPayloadError(`message ${mid}: timestamp missing or not a number`);
  const own = (m.body.text ?? '').trim();
  let text = own;
  const link = m.link;
  if (link?.type === 'forward') {
    const fwd = (link.message?.text ?? '').trim();
    const from = link.sender ? displayName(link.sender) : '';
    if (fwd) text = [own, `Переслано${from ? ` от ${from}` : ''}:\n${fwd}`].filter(Boolean).join('\n\n');
  }
  const post: IncomingPost = {
    network: 'max',
    externalId: maxExternalId(ctx.chatId, mid),
    kind: 'post',
    url: isHttpUrl(m.url) ? m.url : maxPlaceholderUrl(ctx.chatId, mid),
    text,
    publishedAt: new Date(m.timestamp).toISOString(),
    author: authorOf(m, ctx),
    sourceId: ctx.sourceId,
  };
  // A reply in the same chat is a comment on the message it answers.
  if (link?.type === 'reply' && link.message?.mid && (link.chat_id === undefined || String(link.chat_id) === ctx.chatId)) {
    post.kind = 'comment';
    post.parentExternalId = maxExternalId(ctx.chatId, link.message.mid);
  }
  // A forward names its original (chat and message): the desk links it to the original's claim.
  if (link?.type === 'forward' && link.message?.mid && link.chat_id !== undefined && link.chat_id !== null) post.repostOf = `max:${maxExternalId(String(link.chat_id), link.message.mid)}`;
  const views = m.stat?.views;
  if (typeof views === 'number' && Number.isInteger(views) && views >= 0) post.engagement = { views };
  if (ctx.municipality !== undefined) post.municipality = ctx.municipality;
  return post;
}

/** Maps a `GET /messages` answer, in the order given (newest first). */
export function mapMaxMessages(res: MaxMessagesResponse, ctx: MaxMapContext): IncomingPost[] {
  return res.messages.map((m) => mapMaxMessage(m, ctx));
}

/** One event of the bot's updates stream (`GET /updates`); only `message_created` carries a post. */
export interface MaxUpdate {
  update_type: string;
  /** Unix ms. */
  timestamp: number;
  message?: MaxMessage | null;
  user_locale?: string | null;
}

/** A `GET /updates` answer: `marker` points at the next expected update (null when there is none yet). */
export interface MaxUpdatesResponse {
  updates: MaxUpdate[];
  marker?: number | null;
}
