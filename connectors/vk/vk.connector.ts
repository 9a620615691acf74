/**
 * VK connectors: a community or user wall (`wall.get`, plus comments through batched
 * `wall.getComments` in `execute`), and a keyword search (`newsfeed.search`). One connector per
 * registry source; the cursor (a versioned JSON string, see README.md) carries everything needed
 * to resume after a restart with no gap and no duplicate.
 */
import { SourceFatalError, type Connector, type ConnectorPage } from '../../src/domain/connector';
import type { IncomingPost } from '../../src/domain/post';
import { VK_ERROR, VkApiError, vkError, type VkClient, type VkParams } from './vk.client';
import {
  mapCommentsResponse,
  mapWallResponse,
  type VkComment,
  type VkCommentsResponse,
  type VkMapResult,
  type VkPost,
  type VkPostsResponse,
} from './vk.mapper';

/** Where the connector reports items it had to skip (structural logger, e.g. pino). */
export interface VkReportLog {
  warn(obj: object, msg: string): void;
}

interface CommonOptions {
  sourceId: string;
  municipality?: string;
  client: VkClient;
  /** Pause between polls once caught up. Default 2 min (walls), 5 min (search). */
  pollIntervalMs?: number;
  log?: VkReportLog;
  now?: () => Date;
}

export interface VkWallConnectorOptions extends CommonOptions {
  /** Screen name, numeric id (communities negative), `club123`/`public123`/`id123` or a vk.com URL. */
  owner: string;
  /** Also deliver comments (and thread replies) under the wall's recent posts. */
  comments: boolean;
  /** Posts per wall.get page (VK's maximum is 100). */
  pageSize?: number;
  /** Most wall.get pages per poll when far behind. Default 10. */
  maxPagesPerPoll?: number;
  /** A post's date may lag the newest seen by this much and still count as new. Default 1 h. */
  slackSec?: number;
  /** Comments are followed on posts this recent. Default 7 days. */
  trackCommentsSec?: number;
  /** At most this many posts have their comments followed (the newest). Default 50. */
  maxTrackedPosts?: number;
  /** Most wall.getComments pages (of 100, newest first) per post per poll. Default 5. */
  commentPagesPerPost?: number;
}

export interface VkSearchConnectorOptions extends CommonOptions {
  query: string;
  geo?: { latitude: number; longitude: number };
  /** How far back the very first sweep looks. Default 6 h. */
  initialLookbackSec?: number;
  /** Each sweep starts this long before the previous one ended: VK indexes search with a delay. Default 15 min. */
  overlapSec?: number;
  /** Results per newsfeed.search page (VK's maximum is 200). */
  pageSize?: number;
}

/** Wall cursor: `wm` newest post date seen; `seen` ids (→ date) within `slackSec` of it; `posts` tracked for comments. */
export interface VkWallCursor {
  v: 1;
  kind: 'vk_wall';
  /** Numeric owner id, once known (needed for comments). */
  owner?: number;
  wm: number;
  seen: Record<string, number>;
  /** id, date, last comment id seen, thread reply counts of overflowing threads. */
  posts: { id: number; d: number; lc: number; n?: number; th?: Record<string, number> }[];
  /** 1: VK refused `execute` for this token (a service token); comments are read by plain calls. */
  nx?: 1;
}

/** Search cursor: `wm` is the end of the last finished sweep; `sweep` is the one in progress. */
export interface VkSearchCursor {
  v: 1;
  kind: 'vk_search';
  wm: number | null;
  seen: Record<string, number>;
  sweep?: { from: string; start: number; end: number };
}

/** A cursor that cannot be read; the runner backs off and an administrator must look. */
export class VkCursorError extends Error {
  override readonly name = 'VkCursorError';
  readonly kind = 'cursor';
}

const THREAD_ITEMS = 10;
const COMMENTS_PAGE = 100;
const EXECUTE_MAX = 25;

// ---------------------------------------------------------------------------------------------
// Cursors

export function parseVkWallCursor(cursor: string | null): VkWallCursor | null {
  if (cursor === null) return null;
  const o = parseJson(cursor) as Partial<VkWallCursor> | null;
  if (!o || o.v !== 1 || o.kind !== 'vk_wall' || typeof o.wm !== 'number' || !isSeen(o.seen) || !Array.isArray(o.posts)) {
    throw new VkCursorError(`invalid VK wall cursor (expected {"v":1,"kind":"vk_wall",...}): ${cursor.slice(0, 80)}`);
  }
  for (const p of o.posts) {
    if (!p || typeof p.id !== 'number' || typeof p.d !== 'number' || typeof p.lc !== 'number' || !(p.n === undefined || typeof p.n === 'number')) {
      throw new VkCursorError(`invalid VK wall cursor: bad tracked post ${JSON.stringify(p).slice(0, 80)}`);
    }
  }
  return o as VkWallCursor;
}

export function parseVkSearchCursor(cursor: string | null): VkSearchCursor | null {
  if (cursor === null) return null;
  const o = parseJson(cursor) as Partial<VkSearchCursor> | null;
  if (!o || o.v !== 1 || o.kind !== 'vk_search' || !(o.wm === null || typeof o.wm === 'number') || !isSeen(o.seen)) {
    throw new VkCursorError(`invalid VK search cursor (expected {"v":1,"kind":"vk_search",...}): ${cursor.slice(0, 80)}`);
  }
  const s = o.sweep;
  if (s !== undefined && (typeof s.from !== 'string' || typeof s.start !== 'number' || typeof s.end !== 'number')) {
    throw new VkCursorError('invalid VK search cursor: bad sweep');
  }
  return o as VkSearchCursor;
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw new VkCursorError(`invalid VK cursor (not JSON): ${s.slice(0, 80)}`);
  }
}

function isSeen(v: unknown): v is Record<string, number> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((d) => typeof d === 'number');
}

// ---------------------------------------------------------------------------------------------
// Source-level errors

/** An error about the whole source: what retrying cannot fix becomes SourceFatalError. */
function sourceError(err: unknown, what: string): unknown {
  if (!(err instanceof VkApiError)) return err;
  switch (err.kind) {
    case 'auth':
      return new SourceFatalError('auth', `${what}: the VK token was refused (${err.message}); replace VK_ACCESS_TOKEN`);
    case 'access_denied':
      return new SourceFatalError('source_private', `${what} is private or closed to this token (${err.message})`);
    case 'deleted':
      return new SourceFatalError('source_deleted', `${what} is deleted or blocked (${err.message})`);
    case 'invalid_request':
      return new SourceFatalError('source_invalid', `${what} was refused as invalid (${err.message}); check the source settings`);
    case 'captcha':
    case 'rate_limited':
    case 'flood':
    case 'quota':
    case 'vk_error':
    case 'malformed':
      return err;
  }
}

/** `owner` as entered by an administrator → the wall.get parameter naming it. */
export function ownerParam(owner: string): { owner_id: number } | { domain: string } {
  const o = owner
    .trim()
    .replace(/^(https?:\/\/)?(m\.)?vk\.(com|ru)\//i, '')
    .replace(/[/?#].*$/, '');
  if (/^-?\d+$/.test(o)) return { owner_id: Number(o) };
  const club = /^(?:club|public|event)(\d+)$/i.exec(o);
  if (club) return { owner_id: -Number(club[1]) };
  const user = /^id(\d+)$/i.exec(o);
  if (user) return { owner_id: Number(user[1]) };
  return { domain: o.replace(/^@/, '') };
}

// ---------------------------------------------------------------------------------------------
// Wall

export function createVkWallConnector(opts: VkWallConnectorOptions): Connector {
  const pollIntervalMs = opts.pollIntervalMs ?? 2 * 60_000;
  const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 100));
  const maxPages = Math.max(1, opts.maxPagesPerPoll ?? 10);
  const slackSec = opts.slackSec ?? 3600;
  const trackSec = opts.trackCommentsSec ?? 7 * 86_400;
  const maxTracked = opts.maxTrackedPosts ?? 50;
  const commentPages = Math.max(1, opts.commentPagesPerPost ?? 5);
  const source = { sourceId: opts.sourceId, ...(opts.municipality !== undefined && { municipality: opts.municipality }) };
  const owner = ownerParam(opts.owner);
  const what = `VK wall "${opts.owner}"`;

  async function fetchWall(state: VkWallCursor | null, signal: AbortSignal) {
    const floor = state ? state.wm - slackSec : -Infinity;
    const fresh = new Map<number, VkPost>();
    const profiles: NonNullable<VkPostsResponse['profiles']> = [];
    const groups: NonNullable<VkPostsResponse['groups']> = [];
    let ownerId = state?.owner ?? ('owner_id' in owner ? owner.owner_id : undefined);
    let maxDate = state?.wm ?? 0;
    for (let page = 0, offset = 0; page < maxPages; page++, offset += pageSize) {
      let res: VkPostsResponse;
      try {
        res = await opts.client.call<VkPostsResponse>('wall.get', { ...owner, count: pageSize, offset, extended: 1, filter: 'all' }, signal);
      } catch (err) {
        throw sourceError(err, what);
      }
      const items = Array.isArray(res?.items) ? res.items : [];
      profiles.push(...(res.profiles ?? []));
      groups.push(...(res.groups ?? []));
      let reachedOld = false;
      for (const item of items) {
        if (typeof item?.owner_id === 'number') ownerId ??= item.owner_id;
        const pinned = item?.is_pinned === 1;
        if (typeof item?.date !== 'number') {
          fresh.set(item?.id ?? -fresh.size - 1, item); // the mapper reports it
          continue;
        }
        if (item.date < floor) {
          // Sorted newest first, except the pinned post, which may be years old.
          if (!pinned) reachedOld = true;
          continue;
        }
        if (state && state.seen[String(item.id)] !== undefined) continue;
        if (item.date > maxDate) maxDate = item.date;
        fresh.set(item.id, item);
      }
      // The first poll takes one page: the wall's present, not its history.
      if (!state || reachedOld || items.length < pageSize || offset + pageSize >= (res.count ?? 0)) break;
    }
    return { fresh: [...fresh.values()], profiles, groups, ownerId, maxDate };
  }

  return {
    sourceId: opts.sourceId,
    async fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage> {
      const state = parseVkWallCursor(cursor);
      const wall = await fetchWall(state, signal);
      const mapped = mapWallResponse({ items: wall.fresh, profiles: wall.profiles, groups: wall.groups }, source);
      report(opts, mapped);
      const posts = [...mapped.posts];

      // Cursor: watermark, ids near it, tracked posts.
      const wm = wall.maxDate;
      const seen: Record<string, number> = {};
      for (const [id, d] of Object.entries(state?.seen ?? {})) if (d >= wm - slackSec) seen[id] = d;
      for (const p of wall.fresh) if (typeof p.date === 'number' && p.date >= wm - slackSec) seen[String(p.id)] = p.date;

      let tracked = state?.posts ?? [];
      let plain = state?.nx === 1;
      if (opts.comments) {
        const known = new Set(tracked.map((t) => t.id));
        for (const p of wall.fresh) if (typeof p.id === 'number' && typeof p.date === 'number' && !known.has(p.id)) tracked.push({ id: p.id, d: p.date, lc: 0 });
        tracked = tracked
          .filter((t) => t.d >= wm - trackSec)
          .sort((a, b) => b.d - a.d)
          .slice(0, maxTracked);
        if (wall.ownerId !== undefined && tracked.length > 0) {
          const res = await fetchComments(opts, wall.ownerId, tracked, commentPages, source, signal, state?.nx === 1);
          posts.push(...res.posts);
          tracked = res.tracked;
          plain = res.plain;
        }
      }
      const next: VkWallCursor = { v: 1, kind: 'vk_wall', wm, seen, posts: opts.comments ? tracked : [] };
      if (plain) next.nx = 1;
      if (wall.ownerId !== undefined) next.owner = wall.ownerId;
      posts.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
      return { posts, nextCursor: JSON.stringify(next), waitMs: pollIntervalMs };
    },
  };
}

type Tracked = VkWallCursor['posts'][number];
type CommentTask = { post: Tracked; offset: number; page: number; threadOf?: number };

/**
 * New comments under the tracked posts, batched 25 calls per `execute`. Top-level comments are
 * read newest first until one at or below the post's last seen id; threads whose reply count
 * outgrew the inline `thread_items_count` are read on their own. A post VK refuses (deleted,
 * comments closed, private) leaves tracking; rate-limit answers abort the page (nothing is lost:
 * the cursor does not move).
 */
async function fetchComments(
  opts: VkWallConnectorOptions,
  ownerId: number,
  tracked: Tracked[],
  maxPages: number,
  source: { sourceId: string; municipality?: string },
  signal: AbortSignal,
  plainCalls: boolean,
): Promise<{ posts: IncomingPost[]; tracked: Tracked[]; plain: boolean }> {
  let plain = plainCalls;
  const out = new Map<string, IncomingPost>();
  const dropped = new Set<number>();
  const newLc = new Map<number, number>();
  const newThreads = new Map<number, Record<string, number>>();
  const newCount = new Map<number, number>();
  let queue: CommentTask[] = tracked.map((post) => ({ post, offset: 0, page: 0 }));
  while (queue.length > 0) {
    const size = plain ? 1 : EXECUTE_MAX;
    const batch = queue.slice(0, size);
    queue = queue.slice(size);
    const calls = batch.map((t) => ({ method: 'wall.getComments', params: commentParams(ownerId, t) }));
    let results: (VkCommentsResponse | false)[];
    let errors: { method: string; error_code: number; error_msg: string }[];
    try {
      ({ results, errors } = plain ? await plainCall(opts.client, calls[0]!, signal) : await opts.client.execute<VkCommentsResponse>(calls, signal));
    } catch (err) {
      if (!plain && err instanceof VkApiError && err.code === VK_ERROR.appAuthFailed && err.method === 'execute') {
        // A service token: VK serves wall.getComments to it but not `execute`. Read the comments
        // one call at a time (the token's rate limiter paces them) and remember it in the cursor.
        opts.log?.warn({ sourceId: opts.sourceId, code: err.code }, 'vk execute refused for this token (service token): comments read by plain calls');
        plain = true;
        queue = [...batch, ...queue];
        continue;
      }
      // Only a refused token stops the source here: the wall itself answered a moment ago.
      throw err instanceof VkApiError && err.kind === 'auth' ? sourceError(err, `VK wall "${opts.owner}" comments`) : err;
    }
    let e = 0;
    batch.forEach((task, i) => {
      const res = results[i];
      if (res === false || res === undefined || res === null) {
        const info = errors[e++];
        const err = vkError('wall.getComments', info?.error_code ?? 0, info?.error_msg ?? 'failed inside execute');
        if (err.kind === 'access_denied' || err.kind === 'deleted' || err.kind === 'invalid_request') {
          // This post only (deleted, comments closed): stop following it, go on with the rest.
          dropped.add(task.post.id);
          opts.log?.warn({ sourceId: opts.sourceId, code: err.code, reason: err.kind }, 'vk post dropped from comment tracking');
          return;
        }
        throw sourceError(err, `VK wall "${opts.owner}" comments`);
      }
      const lc = task.post.lc;
      const mapped = mapCommentsResponse(res, { ownerId, postId: task.post.id }, source, (id) => id > lc);
      report(opts, mapped);
      for (const p of mapped.posts) out.set(p.externalId, p);
      const items = Array.isArray(res.items) ? res.items : [];
      const maxId = maxCommentId(items);
      if (maxId > (newLc.get(task.post.id) ?? lc)) newLc.set(task.post.id, maxId);
      if (task.threadOf !== undefined) return;
      if (task.offset === 0 && typeof res.count === 'number') newCount.set(task.post.id, res.count);
      // More top-level pages: all of this page was new, or the post's total changed (a reply to
      // an older comment is somewhere further down), and VK has more.
      const oldest = items.length ? Math.min(...items.map((c) => c.id)) : 0;
      const total = res.current_level_count ?? res.count ?? 0;
      const changed = oldest > lc || res.count !== task.post.n;
      if (items.length === COMMENTS_PAGE && changed && task.offset + COMMENTS_PAGE < total && task.page + 1 < maxPages) {
        queue.push({ post: task.post, offset: task.offset + COMMENTS_PAGE, page: task.page + 1 });
      }
      // Threads longer than what came inline, whose reply count changed since last time.
      const threads = newThreads.get(task.post.id) ?? { ...task.post.th };
      for (const c of items) {
        const count = c.thread?.count ?? 0;
        const inline = c.thread?.items?.length ?? 0;
        if (count <= inline || c.deleted) continue;
        if (threads[String(c.id)] !== count) queue.push({ post: task.post, offset: 0, page: 0, threadOf: c.id });
        threads[String(c.id)] = count;
      }
      newThreads.set(task.post.id, threads);
    });
  }
  const next = tracked
    .filter((t) => !dropped.has(t.id))
    .map((t) => {
      const th = newThreads.get(t.id) ?? t.th;
      const keep: Tracked = { id: t.id, d: t.d, lc: newLc.get(t.id) ?? t.lc };
      const n = newCount.get(t.id) ?? t.n;
      if (n !== undefined) keep.n = n;
      if (th && Object.keys(th).length > 0) keep.th = th;
      return keep;
    });
  return { posts: [...out.values()], tracked: next, plain };
}

/** One wall.getComments call in `execute`'s result shape: a refusal of this post becomes `false` plus its error. */
async function plainCall(
  client: VkClient,
  call: { method: string; params: VkParams },
  signal: AbortSignal,
): Promise<{ results: (VkCommentsResponse | false)[]; errors: { method: string; error_code: number; error_msg: string }[] }> {
  try {
    return { results: [await client.call<VkCommentsResponse>(call.method, call.params, signal)], errors: [] };
  } catch (err) {
    if (err instanceof VkApiError && (err.kind === 'access_denied' || err.kind === 'deleted' || err.kind === 'invalid_request')) {
      return { results: [false], errors: [{ method: call.method, error_code: err.code, error_msg: err.message }] };
    }
    throw err;
  }
}

function commentParams(ownerId: number, t: CommentTask): VkParams {
  const p: VkParams = {
    owner_id: ownerId,
    post_id: t.post.id,
    need_likes: 1,
    extended: 1,
    count: COMMENTS_PAGE,
    sort: 'desc',
    preview_length: 0,
  };
  if (t.threadOf !== undefined) p.comment_id = t.threadOf;
  else {
    p.offset = t.offset;
    p.thread_items_count = THREAD_ITEMS;
  }
  return p;
}

function maxCommentId(items: VkComment[]): number {
  let max = 0;
  for (const c of items) {
    if (typeof c.id === 'number' && c.id > max) max = c.id;
    for (const r of c.thread?.items ?? []) if (typeof r.id === 'number' && r.id > max) max = r.id;
  }
  return max;
}

function report(opts: CommonOptions, mapped: VkMapResult): void {
  // Reasons only: refs can name a person's wall.
  for (const s of mapped.skipped) opts.log?.warn({ sourceId: opts.sourceId, reason: s.reason }, 'vk item skipped');
}

// ---------------------------------------------------------------------------------------------
// Search

export function createVkSearchConnector(opts: VkSearchConnectorOptions): Connector {
  const pollIntervalMs = opts.pollIntervalMs ?? 5 * 60_000;
  const lookbackSec = opts.initialLookbackSec ?? 6 * 3600;
  const overlapSec = opts.overlapSec ?? 15 * 60;
  const pageSize = Math.min(200, Math.max(1, opts.pageSize ?? 200));
  const now = opts.now ?? (() => new Date());
  const source = { sourceId: opts.sourceId, ...(opts.municipality !== undefined && { municipality: opts.municipality }) };
  const what = `VK search "${opts.query}"`;

  return {
    sourceId: opts.sourceId,
    async fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage> {
      const state = parseVkSearchCursor(cursor) ?? { v: 1, kind: 'vk_search', wm: null, seen: {} };
      const nowSec = Math.floor(now().getTime() / 1000);
      const sweep = state.sweep ?? { from: '', start: state.wm === null ? nowSec - lookbackSec : state.wm - overlapSec, end: nowSec };
      const params: VkParams = {
        q: opts.query,
        extended: 1,
        count: pageSize,
        start_time: sweep.start,
        end_time: sweep.end,
        start_from: sweep.from || undefined,
        latitude: opts.geo?.latitude,
        longitude: opts.geo?.longitude,
      };
      let res: VkPostsResponse;
      try {
        res = await opts.client.call<VkPostsResponse>('newsfeed.search', params, signal);
      } catch (err) {
        if (err instanceof VkApiError && err.kind === 'invalid_request' && sweep.from) {
          // A paging token VK no longer accepts: start the sweep over; `seen` absorbs the repeat.
          const restart: VkSearchCursor = { v: 1, kind: 'vk_search', wm: state.wm, seen: state.seen };
          return { posts: [], nextCursor: JSON.stringify(restart), waitMs: 0 };
        }
        throw sourceError(err, what);
      }
      const items = Array.isArray(res?.items) ? res.items : [];
      const fresh = items.filter((p) => typeof p?.date !== 'number' || (p.date >= sweep.start && state.seen[`${p.owner_id}_${p.id}`] === undefined));
      const mapped = mapWallResponse({ items: fresh, profiles: res.profiles ?? [], groups: res.groups ?? [] }, source);
      report(opts, mapped);
      const seen = state.seen; // parsed for this call only: extend it in place
      for (const p of fresh) if (typeof p.date === 'number') seen[`${p.owner_id}_${p.id}`] = p.date;

      let next: VkSearchCursor;
      let waitMs = pollIntervalMs;
      if (res.next_from && items.length > 0) {
        next = { v: 1, kind: 'vk_search', wm: state.wm, seen, sweep: { ...sweep, from: res.next_from } };
        waitMs = 0; // more of this sweep: the rate limiter paces the calls
      } else {
        const kept: Record<string, number> = {};
        for (const [id, d] of Object.entries(seen)) if (d >= sweep.end - overlapSec) kept[id] = d;
        next = { v: 1, kind: 'vk_search', wm: sweep.end, seen: kept };
      }
      const posts = mapped.posts.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
      return { posts, nextCursor: JSON.stringify(next), waitMs };
    },
  };
}
