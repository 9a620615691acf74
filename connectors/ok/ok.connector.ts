/**
 * Odnoklassniki group connector: a group's topics (`mediatopic.getTopics`, newest first, anchor
 * paging) and, when enabled, their comments (`discussions.getComments`, discussionType
 * GROUP_TOPIC, read forward from a per-topic anchor). One source = one group.
 *
 * Cursor (JSON, see OkCursor): the newest topic time delivered (`w`), the ids delivered recently
 * (`recent`), an unfinished backward scan through the feed (`scan`), and the topics whose
 * comments are followed with each one's anchor (`topics`). The runner saves it only after the
 * page's posts are queued, so a restart resumes exactly where the last queued page ended.
 */
import { SourceFatalError, type Connector, type ConnectorPage } from '../../src/domain/connector';
import type { IncomingPost } from '../../src/domain/post';
import { OkApiError, type OkClient } from './ok.client';
import { mapOkComments, mapOkTopics, OkPayloadError, type OkCommentsResponse, type OkMapContext, type OkTopicsResponse } from './ok.mapper';

export interface OkGroupConnectorOptions {
  sourceId: string;
  groupId: string;
  comments: boolean;
  client: OkClient;
  municipality?: string;
  /** Pause between polls when nothing is left to page through. Default 5 minutes. */
  pollIntervalMs?: number;
  /** Topics per `mediatopic.getTopics` call. Default 20. */
  pageSize?: number;
  /** On the very first poll, how far back to read. Default 3 days. */
  initialLookbackMs?: number;
  /** How long after publication a topic's comments are followed. Default 7 days. */
  commentsWindowMs?: number;
  /** At most this many topics are followed for comments (newest kept). Default 30. */
  maxTrackedTopics?: number;
  /** `discussions.getComments` calls per fetchPage. Default 10. */
  commentCallsPerPage?: number;
  now?: () => Date;
}

interface TrackedTopic {
  /** Topic id. */
  id: string;
  /** created_ms. */
  ms: number;
  /** Anchor after the last comment delivered; absent until the first read. */
  a?: string;
  /** Comments delivered so far. */
  n: number;
}

export interface OkCursor {
  v: 1;
  /** created_ms of the newest topic delivered; 0 before the first poll completes. */
  w: number;
  /** Topic ids delivered recently, newest first (dedupe at equal times, pinned topics). */
  recent: string[];
  /** A backward scan in progress: continue from `anchor`, stop at topics older than `stop`. */
  scan?: { anchor: string; stop: number; head: number; pages: number };
  /** Topics whose comments are followed, newest first. */
  topics: TrackedTopic[];
  /** Round-robin position in `topics` for comment polling. */
  rr: number;
}

const TOPIC_FIELDS = 'media_topic.*,group.uid,group.name,user.uid,user.name,user.first_name,user.last_name';
const MAX_RECENT = 300;
const MAX_SCAN_PAGES = 50;

/** A cursor that is not ours; the message names the source. */
export class OkCursorError extends Error {
  override readonly name = 'OkCursorError';
  readonly kind = 'cursor';
}

export function parseOkCursor(cursor: string | null, sourceId = '?'): OkCursor {
  if (cursor === null) return { v: 1, w: 0, recent: [], topics: [], rr: 0 };
  let o: Partial<OkCursor> | null;
  try {
    o = JSON.parse(cursor) as Partial<OkCursor> | null;
  } catch {
    throw new OkCursorError(`ok source ${sourceId}: invalid cursor (not JSON): ${cursor.slice(0, 80)}`);
  }
  if (!o || o.v !== 1 || typeof o.w !== 'number' || !Array.isArray(o.recent) || !Array.isArray(o.topics)) {
    throw new OkCursorError(`ok source ${sourceId}: invalid cursor (expected {"v":1,"w":…,"recent":[…],"topics":[…]}): ${cursor.slice(0, 80)}`);
  }
  return { v: 1, w: o.w, recent: o.recent, topics: o.topics, rr: typeof o.rr === 'number' ? o.rr : 0, ...(o.scan ? { scan: o.scan } : {}) };
}

export function createOkGroupConnector(opts: OkGroupConnectorOptions): Connector {
  const pollIntervalMs = opts.pollIntervalMs ?? 5 * 60_000;
  const pageSize = opts.pageSize ?? 20;
  const lookbackMs = opts.initialLookbackMs ?? 3 * 86_400_000;
  const windowMs = opts.commentsWindowMs ?? 7 * 86_400_000;
  const maxTracked = opts.maxTrackedTopics ?? 30;
  const callsPerPage = opts.commentCallsPerPage ?? 10;
  const now = opts.now ?? (() => new Date());
  const { sourceId, groupId, client } = opts;
  const ctx: OkMapContext = { groupId, sourceId, ...(opts.municipality !== undefined && { municipality: opts.municipality }) };

  /** Errors about the group itself: those retrying cannot fix stop the source. */
  function groupFatal(err: unknown): unknown {
    if (!(err instanceof OkApiError)) return err;
    if (err.kind === 'auth') return new SourceFatalError('auth', `ok source ${sourceId}: ${err.message}; check OK_ACCESS_TOKEN/OK_SESSION_SECRET_KEY`);
    if (err.kind === 'access_denied') return new SourceFatalError('source_private', `ok source ${sourceId}: group ${groupId} is closed to this token: ${err.message}`);
    if (err.kind === 'not_found') return new SourceFatalError('source_deleted', `ok source ${sourceId}: group ${groupId} not found: ${err.message}`);
    return err;
  }

  async function topicsStep(state: OkCursor, signal: AbortSignal): Promise<{ posts: IncomingPost[]; more: boolean }> {
    const nowMs = now().getTime();
    const stop = state.scan?.stop ?? (state.w > 0 ? state.w : nowMs - lookbackMs);
    let res: OkTopicsResponse;
    try {
      res = await client.call<OkTopicsResponse>(
        'mediatopic.getTopics',
        { gid: groupId, count: pageSize, fields: TOPIC_FIELDS, ...(state.scan ? { anchor: state.scan.anchor, direction: 'FORWARD' } : {}) },
        signal,
      );
    } catch (err) {
      throw groupFatal(err);
    }
    if (res.media_topics !== undefined && !Array.isArray(res.media_topics)) throw new OkPayloadError('media_topics is not an array');
    const topics = res.media_topics ?? [];
    const mapped = mapOkTopics(res, ctx);
    const recent = new Set(state.recent);
    const fresh: IncomingPost[] = [];
    let newest = state.scan?.head ?? state.w;
    let oldest = Infinity;
    topics.forEach((t, i) => {
      if (!t.is_sticky) oldest = Math.min(oldest, t.created_ms);
      if (t.created_ms < stop || recent.has(t.id)) return;
      recent.add(t.id);
      fresh.push(mapped[i]!);
      state.recent.unshift(t.id);
      newest = Math.max(newest, t.created_ms);
      if (opts.comments && t.created_ms >= nowMs - windowMs) state.topics.push({ id: t.id, ms: t.created_ms, n: 0 });
    });
    state.recent = state.recent.slice(0, MAX_RECENT);
    const pages = (state.scan?.pages ?? 0) + 1;
    const reachedOld = topics.length === 0 || oldest < stop || !res.has_more || !res.anchor;
    if (!reachedOld && pages < MAX_SCAN_PAGES) {
      state.scan = { anchor: res.anchor!, stop, head: newest, pages };
    } else {
      delete state.scan;
      state.w = Math.max(state.w, newest, state.w === 0 ? stop : 0);
    }
    return { posts: fresh, more: state.scan !== undefined };
  }

  async function commentsStep(state: OkCursor, signal: AbortSignal): Promise<{ posts: IncomingPost[]; more: boolean; waitMs?: number }> {
    const nowMs = now().getTime();
    state.topics = state.topics
      .filter((t) => t.ms >= nowMs - windowMs)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, maxTracked);
    const posts: IncomingPost[] = [];
    let more = false;
    const n = state.topics.length;
    if (n === 0) return { posts, more };
    const start = state.rr % n;
    const order = [...state.topics.slice(start), ...state.topics.slice(0, start)].slice(0, callsPerPage);
    const dropped = new Set<string>();
    let calls = 0;
    for (const topic of order) {
      let res: OkCommentsResponse;
      try {
        res = await client.call<OkCommentsResponse>(
          'discussions.getComments',
          {
            discussionId: topic.id,
            discussionType: 'GROUP_TOPIC',
            direction: 'FORWARD',
            count: 100,
            ...(topic.a ? { anchor: topic.a } : {}),
          },
          signal,
        );
      } catch (err) {
        if (err instanceof OkApiError && (err.kind === 'not_found' || err.kind === 'access_denied')) {
          dropped.add(topic.id); // the topic was deleted or hidden: stop following it, keep the source
          calls++;
          continue;
        }
        if (err instanceof OkApiError && err.kind === 'auth') throw groupFatal(err);
        // Limits mid-way: keep what this page already has (its cursor covers exactly that).
        if (posts.length > 0 && err instanceof OkApiError && err.retryAfterMs !== undefined) {
          state.rr = (start + calls) % n;
          state.topics = state.topics.filter((t) => !dropped.has(t.id));
          return { posts, more: true, waitMs: err.retryAfterMs };
        }
        throw err;
      }
      calls++;
      const mapped = mapOkComments(res, topic.id, ctx);
      posts.push(...mapped);
      topic.n += mapped.length;
      if (res.anchor) topic.a = res.anchor;
      if (res.has_more && mapped.length > 0) more = true;
    }
    state.topics = state.topics.filter((t) => !dropped.has(t.id));
    state.rr = state.topics.length === 0 ? 0 : (start + calls) % Math.max(1, n);
    if (n > callsPerPage) more = more || state.rr !== 0;
    return { posts, more };
  }

  return {
    sourceId,
    async fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage> {
      const state = parseOkCursor(cursor, sourceId);
      const topics = await topicsStep(state, signal);
      let posts = topics.posts;
      let more = topics.more;
      let waitMs: number | undefined;
      if (opts.comments && !topics.more) {
        const comments = await commentsStep(state, signal);
        posts = [...posts, ...comments.posts];
        more = more || comments.more;
        waitMs = comments.waitMs;
      }
      // Oldest first, so the queue sees the group in the order it was written.
      posts.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
      return { posts, nextCursor: JSON.stringify(state), waitMs: waitMs ?? (more ? 0 : pollIntervalMs) };
    },
  };
}
