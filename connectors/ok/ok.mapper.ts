/**
 * Pure mappers from OK REST API payloads (`mediatopic.getTopics`, `discussions.getComments`) to
 * domain posts. No I/O. Shapes follow apiok.ru: a media topic is a list of media items (the text
 * lives in items of type `text`), its author is a ref (`group:<id>` / `user:<id>`) resolved
 * through `entities`, and its counters are in `like_summary`, `discussion_summary`,
 * `reshare_summary`.
 */
import { POST_LIMITS, type Engagement, type IncomingPost, type PostAuthor } from '../../src/domain/post';

export interface OkMediaItem {
  type: string;
  text?: string;
  url?: string;
  title?: string;
  description?: string;
}

export interface OkMediaTopic {
  id: string;
  created_ms: number;
  author_ref?: string;
  owner_ref?: string;
  media?: OkMediaItem[];
  is_sticky?: boolean;
  like_summary?: { count?: number };
  discussion_summary?: { comments_count?: number };
  reshare_summary?: { count?: number };
}

export interface OkUser {
  uid: string;
  name?: string;
  first_name?: string;
  last_name?: string;
}
export interface OkGroup {
  uid: string;
  name?: string;
}
export interface OkEntities {
  users?: OkUser[];
  groups?: OkGroup[];
}

export interface OkTopicsResponse {
  media_topics?: OkMediaTopic[];
  entities?: OkEntities;
  anchor?: string;
  has_more?: boolean;
}

export interface OkComment {
  id: string;
  text?: string;
  author_id?: string;
  author_name?: string;
  /** `yyyy-MM-dd HH:mm:ss`, Moscow time. */
  date?: string;
  date_ms?: number;
  like_count?: number;
  reply_to_comment_id?: string;
  /** `GROUP` when the comment was written on behalf of a group (its author_id is then the group's). */
  author_type?: string;
}

export interface OkCommentsResponse {
  comments?: OkComment[];
  entities?: OkEntities;
  users?: OkUser[];
  anchor?: string;
  has_more?: boolean;
}

export interface OkMapContext {
  groupId: string;
  sourceId: string;
  municipality?: string;
}

/** Thrown for a payload that is not what OK documents (the connector reports it per source). */
export class OkPayloadError extends Error {
  override readonly name = 'OkPayloadError';
  /** Counted per source in health metrics. */
  readonly kind = 'malformed';
}

export function okTopicUrl(groupId: string, topicId: string): string {
  return `https://ok.ru/group/${encodeURIComponent(groupId)}/topic/${encodeURIComponent(topicId)}`;
}

export function okTopicExternalId(groupId: string, topicId: string): string {
  return `${groupId}_${topicId}`;
}

/** Text of a topic: its `text` items in order, then link titles/descriptions as context. */
export function okTopicText(media: readonly OkMediaItem[] | undefined): string {
  const parts: string[] = [];
  for (const m of media ?? []) {
    if (m.type === 'text' && typeof m.text === 'string' && m.text.trim()) parts.push(m.text.trim());
  }
  for (const m of media ?? []) {
    if (m.type !== 'link') continue;
    const link = [m.title, m.description, m.url].filter((s): s is string => typeof s === 'string' && s.trim() !== '').join(' — ');
    if (link) parts.push(link);
  }
  return parts.join('\n\n');
}

interface EntityIndex {
  users: Map<string, OkUser>;
  groups: Map<string, OkGroup>;
}

function indexEntities(...lists: (OkEntities | undefined)[]): EntityIndex {
  const users = new Map<string, OkUser>();
  const groups = new Map<string, OkGroup>();
  for (const e of lists) {
    for (const u of e?.users ?? []) users.set(String(u.uid), u);
    for (const g of e?.groups ?? []) groups.set(String(g.uid), g);
  }
  return { users, groups };
}

function userName(u: OkUser | undefined): string {
  if (!u) return '';
  return (u.name ?? [u.first_name, u.last_name].filter(Boolean).join(' ')).trim();
}

function authorOf(ref: string | undefined, entities: EntityIndex, groupId: string): PostAuthor {
  const [type, id] = (ref ?? '').split(':', 2);
  if (type === 'user' && id) {
    return { id: `user:${id}`, name: cap(userName(entities.users.get(id))), url: `https://ok.ru/profile/${encodeURIComponent(id)}` };
  }
  const gid = type === 'group' && id ? id : groupId;
  return { id: `group:${gid}`, name: cap(entities.groups.get(gid)?.name?.trim() ?? ''), url: `https://ok.ru/group/${encodeURIComponent(gid)}` };
}

function cap(name: string): string {
  return name.slice(0, POST_LIMITS.maxAuthorNameChars);
}

function count(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Maps one topic; `entities` are the response's, for the author's name. */
export function mapOkTopic(topic: OkMediaTopic, entities: OkEntities | undefined, ctx: OkMapContext): IncomingPost {
  return mapTopicWith(topic, indexEntities(entities), ctx);
}

function mapTopicWith(topic: OkMediaTopic, index: EntityIndex, ctx: OkMapContext): IncomingPost {
  if (typeof topic.id !== 'string' || !topic.id) throw new OkPayloadError('media topic without an id');
  if (typeof topic.created_ms !== 'number' || !Number.isFinite(topic.created_ms)) {
    throw new OkPayloadError(`media topic ${topic.id}: created_ms missing or not a number`);
  }
  const engagement: Engagement = {};
  const likes = count(topic.like_summary?.count);
  const comments = count(topic.discussion_summary?.comments_count);
  const reposts = count(topic.reshare_summary?.count);
  if (likes !== undefined) engagement.likes = likes;
  if (comments !== undefined) engagement.comments = comments;
  if (reposts !== undefined) engagement.reposts = reposts;
  const post: IncomingPost = {
    network: 'ok',
    externalId: okTopicExternalId(ctx.groupId, topic.id),
    kind: 'post',
    url: okTopicUrl(ctx.groupId, topic.id),
    text: okTopicText(topic.media),
    publishedAt: new Date(topic.created_ms).toISOString(),
    author: authorOf(topic.author_ref, index, ctx.groupId),
    sourceId: ctx.sourceId,
    // A topic by the group itself (no author_ref, or group:<this group>), not a member's topic.
    fromPage: !topic.author_ref || topic.author_ref === `group:${ctx.groupId}`,
  };
  if (Object.keys(engagement).length > 0) post.engagement = engagement;
  if (ctx.municipality !== undefined) post.municipality = ctx.municipality;
  return post;
}

/** Maps a `mediatopic.getTopics` answer, in the order OK gave it (newest first). */
export function mapOkTopics(res: OkTopicsResponse, ctx: OkMapContext): IncomingPost[] {
  const index = indexEntities(res.entities);
  return (res.media_topics ?? []).map((t) => mapTopicWith(t, index, ctx));
}

/** `yyyy-MM-dd HH:mm:ss` in Moscow time (UTC+3, no DST since 2014) → ISO-8601 UTC. */
export function parseOkDate(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]) - 3, Number(m[5]), Number(m[6]));
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Maps the comments of one topic (a `discussions.getComments` answer for GROUP_TOPIC). */
export function mapOkComments(res: OkCommentsResponse, topicId: string, ctx: OkMapContext): IncomingPost[] {
  const index = indexEntities(res.entities, { users: res.users ?? [] });
  const parentExternalId = okTopicExternalId(ctx.groupId, topicId);
  const url = okTopicUrl(ctx.groupId, topicId);
  return (res.comments ?? []).map((c) => {
    if (typeof c.id !== 'string' || !c.id) throw new OkPayloadError(`comment of topic ${topicId} without an id`);
    const publishedAt =
      typeof c.date_ms === 'number' && Number.isFinite(c.date_ms) ? new Date(c.date_ms).toISOString() : c.date ? parseOkDate(c.date) : undefined;
    if (!publishedAt) throw new OkPayloadError(`comment ${c.id} of topic ${topicId}: no readable date`);
    // Written on behalf of the group: author_type GROUP, or no user id at all.
    const byGroup = c.author_type?.toUpperCase() === 'GROUP';
    const authorId = c.author_id && !byGroup ? String(c.author_id) : '';
    const groupAuthor = byGroup && c.author_id ? String(c.author_id) : ctx.groupId;
    const author: PostAuthor = authorId
      ? {
          id: `user:${authorId}`,
          name: cap((userName(index.users.get(authorId)) || c.author_name) ?? ''),
          url: `https://ok.ru/profile/${encodeURIComponent(authorId)}`,
        }
      : { id: `group:${groupAuthor}`, name: cap((index.groups.get(groupAuthor)?.name ?? c.author_name) ?? ''), url: `https://ok.ru/group/${encodeURIComponent(groupAuthor)}` };
    const post: IncomingPost = {
      network: 'ok',
      externalId: `${parentExternalId}_${c.id}`,
      kind: 'comment',
      parentExternalId,
      url,
      text: (c.text ?? '').trim(),
      publishedAt,
      author,
      sourceId: ctx.sourceId,
      fromPage: !authorId && groupAuthor === ctx.groupId,
    };
    if (typeof c.reply_to_comment_id === 'string' && c.reply_to_comment_id && c.reply_to_comment_id !== c.id) post.replyToExternalId = `${parentExternalId}_${c.reply_to_comment_id}`;
    const likes = count(c.like_count);
    if (likes !== undefined) post.engagement = { likes };
    if (ctx.municipality !== undefined) post.municipality = ctx.municipality;
    return post;
  });
}
