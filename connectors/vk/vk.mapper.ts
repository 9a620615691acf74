/**
 * Pure mappers from VK API v5.199 payloads (`extended=1`) to domain posts. No I/O, no clock: the
 * connector fetches, these only read what they are given. They never truncate: a text over
 * POST_LIMITS is passed on whole and the pipeline parks that one post with its reason, so one
 * oversized post neither crashes the page nor disappears. An item VK sent without the fields that
 * identify it is skipped *with a reason* the connector reports.
 */
import type { IncomingPost, PostAuthor } from '../../src/domain/post';

// ---------------------------------------------------------------------------------------------
// Raw shapes (only the fields the mapper reads; VK sends many more).

export interface VkCount {
  count?: number;
}

export interface VkAttachment {
  type: string;
  link?: { url?: string; title?: string };
}

/** A wall post (`wall.get`, `newsfeed.search`, `copy_history` entries). */
export interface VkPost {
  id: number;
  owner_id: number;
  from_id?: number;
  date: number;
  text?: string;
  /** 1 on the post pinned to the top of the wall (wall.get returns it first, whatever its date). */
  is_pinned?: number;
  marked_as_ads?: number;
  post_type?: string;
  copy_history?: VkPost[];
  attachments?: VkAttachment[];
  comments?: VkCount;
  likes?: VkCount;
  reposts?: VkCount;
  views?: VkCount;
}

export interface VkProfile {
  id: number;
  first_name?: string;
  last_name?: string;
  screen_name?: string;
  deactivated?: string;
}

export interface VkGroup {
  id: number;
  name?: string;
  screen_name?: string;
}

/** `wall.get` / `newsfeed.search` response with `extended=1`. */
export interface VkPostsResponse {
  count?: number;
  items: VkPost[];
  profiles?: VkProfile[];
  groups?: VkGroup[];
  /** newsfeed.search: the `start_from` of the next page; absent or empty on the last one. */
  next_from?: string;
  total_count?: number;
}

/** A comment (`wall.getComments`); top-level ones carry up to `thread_items_count` replies. */
export interface VkComment {
  id: number;
  from_id?: number;
  post_id?: number;
  owner_id?: number;
  date?: number;
  text?: string;
  /** Set on a deleted comment that still holds its place in the thread. */
  deleted?: boolean;
  attachments?: VkAttachment[];
  likes?: VkCount;
  reply_to_comment?: number;
  parents_stack?: number[];
  thread?: { count?: number; items?: VkComment[] };
}

/** `wall.getComments` response with `extended=1`. */
export interface VkCommentsResponse {
  count?: number;
  current_level_count?: number;
  items: VkComment[];
  profiles?: VkProfile[];
  groups?: VkGroup[];
}

// ---------------------------------------------------------------------------------------------

export interface VkMapSource {
  /** Registry id of the source. */
  sourceId: string;
  municipality?: string;
}

export interface VkMapResult {
  posts: IncomingPost[];
  /** Items that could not be mapped, with why (reported by the connector, never silent). */
  skipped: { ref: string; reason: string }[];
}

const ATTACHMENT_RU: Readonly<Record<string, string>> = {
  photo: 'фото',
  video: 'видео',
  audio: 'аудио',
  doc: 'документ',
  link: 'ссылка',
  poll: 'опрос',
  article: 'статья',
  clip: 'клип',
  graffiti: 'граффити',
  sticker: 'стикер',
  market: 'товар',
  event: 'событие',
  podcast: 'подкаст',
  album: 'альбом',
};

export const postExternalId = (ownerId: number, postId: number) => `${ownerId}_${postId}`;
export const commentExternalId = (ownerId: number, postId: number, commentId: number) => `${ownerId}_${postId}_c${commentId}`;

/** Authors of one response, looked up by signed id (users positive, communities negative). */
class Authors {
  private readonly profiles = new Map<number, VkProfile>();
  private readonly groups = new Map<number, VkGroup>();
  constructor(profiles: VkProfile[] | undefined, groups: VkGroup[] | undefined) {
    for (const p of profiles ?? []) this.profiles.set(p.id, p);
    for (const g of groups ?? []) this.groups.set(Math.abs(g.id), g);
  }
  of(id: number): PostAuthor {
    if (id < 0) {
      const g = this.groups.get(-id);
      return { id: String(id), name: g?.name?.trim() || `club${-id}`, url: `https://vk.com/${g?.screen_name || `club${-id}`}` };
    }
    const p = this.profiles.get(id);
    const name = p ? `${p.first_name ?? ''} ${p.last_name ?? ''}`.trim() : '';
    return { id: String(id), name: name || `id${id}`, url: `https://vk.com/${p?.screen_name || `id${id}`}` };
  }
}

/**
 * Maps a `wall.get` or `newsfeed.search` response to posts, in the response's order. A repost
 * carries the reposted text after its own; a post with only attachments gets a short marker text
 * (`[фото]`, a link's title) so an operator sees what it is.
 */
export function mapWallResponse(raw: VkPostsResponse, source: VkMapSource): VkMapResult {
  const authors = new Authors(raw.profiles, raw.groups);
  const out: VkMapResult = { posts: [], skipped: [] };
  for (const item of raw.items ?? []) {
    const problem = missing(item, ['id', 'owner_id', 'date']);
    if (problem) {
      out.skipped.push({ ref: refOf(item), reason: `post ${problem}` });
      continue;
    }
    out.posts.push(mapPost(item, authors, source));
  }
  return out;
}

function mapPost(item: VkPost, authors: Authors, source: VkMapSource): IncomingPost {
  const externalId = postExternalId(item.owner_id, item.id);
  const parts = [bodyText(item.text, item.attachments)];
  for (const copy of item.copy_history ?? []) parts.push(bodyText(copy.text, copy.attachments));
  const post: IncomingPost = {
    network: 'vk',
    externalId,
    kind: 'post',
    url: `https://vk.com/wall${externalId}`,
    text: parts.filter(Boolean).join('\n\n'),
    publishedAt: isoFromUnix(item.date),
    author: authors.of(item.from_id ?? item.owner_id),
    sourceId: source.sourceId,
    // The wall's owner posting on its own wall (a community's posts carry from_id = owner_id < 0).
    fromPage: (item.from_id ?? item.owner_id) === item.owner_id,
  };
  const engagement = compact({ likes: item.likes?.count, comments: item.comments?.count, reposts: item.reposts?.count, views: item.views?.count });
  if (engagement) post.engagement = engagement;
  // The network's own repost link: the desk puts a repost in the original's claim.
  const original = item.copy_history?.[0];
  if (original?.owner_id !== undefined && original.id !== undefined) post.repostOf = `vk:${postExternalId(original.owner_id, original.id)}`;
  if (source.municipality !== undefined) post.municipality = source.municipality;
  return post;
}

/**
 * Maps a `wall.getComments` response for one post: top-level comments and the replies of their
 * threads, flattened, each with the post as parent. Deleted comments are left out. `isNew`
 * filters by comment id (ids only grow on a wall), so a poll emits only what it has not seen.
 */
export function mapCommentsResponse(
  raw: VkCommentsResponse,
  post: { ownerId: number; postId: number },
  source: VkMapSource,
  isNew: (commentId: number) => boolean = () => true,
): VkMapResult {
  const authors = new Authors(raw.profiles, raw.groups);
  const out: VkMapResult = { posts: [], skipped: [] };
  const parentExternalId = postExternalId(post.ownerId, post.postId);
  const visit = (c: VkComment, threadId: number | undefined) => {
    const problem = missing(c, ['id', 'date']);
    if (c?.deleted) return;
    if (problem) {
      out.skipped.push({ ref: `${parentExternalId}_c${String(c?.id)}`, reason: `comment ${problem}` });
      return;
    }
    if (!isNew(c.id)) return;
    const mapped: IncomingPost = {
      network: 'vk',
      externalId: commentExternalId(post.ownerId, post.postId, c.id),
      kind: 'comment',
      parentExternalId,
      url: `https://vk.com/wall${parentExternalId}?reply=${c.id}${threadId !== undefined ? `&thread=${threadId}` : ''}`,
      text: bodyText(c.text, c.attachments),
      publishedAt: isoFromUnix(c.date!),
      author: authors.of(c.from_id ?? post.ownerId),
      sourceId: source.sourceId,
      // The community answering under its own wall comments as itself: from_id = -group id = owner_id.
      fromPage: (c.from_id ?? post.ownerId) === post.ownerId,
    };
    // What it answers: the comment named by reply_to_comment, else the head of the thread it is in.
    const replyTo = typeof c.reply_to_comment === 'number' ? c.reply_to_comment : threadId;
    if (replyTo !== undefined && replyTo !== c.id) mapped.replyToExternalId = commentExternalId(post.ownerId, post.postId, replyTo);
    const engagement = compact({ likes: c.likes?.count, comments: threadId === undefined ? c.thread?.count : undefined });
    if (engagement) mapped.engagement = engagement;
    if (source.municipality !== undefined) mapped.municipality = source.municipality;
    out.posts.push(mapped);
  };
  for (const c of raw.items ?? []) {
    visit(c, undefined);
    for (const reply of c?.thread?.items ?? []) visit(reply, c.id);
  }
  return out;
}

/** The post's own text, or a marker per attachment when it has none (a link shows its title). */
function bodyText(text: string | undefined, attachments: VkAttachment[] | undefined): string {
  const t = (text ?? '').trim();
  if (t || !attachments?.length) return t;
  return attachments
    .map((a) => {
      const label = `[${ATTACHMENT_RU[a.type] ?? a.type}]`;
      const title = a.type === 'link' ? a.link?.title?.trim() : undefined;
      return title ? `${label} ${title}` : label;
    })
    .join(' ');
}

function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function missing(o: object | null, fields: string[]): string | undefined {
  if (!o || typeof o !== 'object') return 'that is not an object';
  const rec = o as Record<string, unknown>;
  const bad = fields.filter((f) => typeof rec[f] !== 'number' || !Number.isFinite(rec[f]));
  return bad.length ? `without a numeric ${bad.join(', ')}` : undefined;
}

function refOf(item: Partial<VkPost> | null): string {
  return `${String(item?.owner_id ?? '?')}_${String(item?.id ?? '?')}`;
}

function compact<T extends Record<string, number | undefined>>(o: T): Partial<T> | undefined {
  const out: Partial<T> = {};
  let any = false;
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
      (out as Record<string, number>)[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}
