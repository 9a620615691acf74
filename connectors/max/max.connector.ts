/**
 * MAX chat/channel connector: one source = one chat the center's bot is a member of, read with
 * `GET /messages?chat_id=&from=&to=&count=` (newest first, bounded by time in unix ms).
 *
 * Cursor (JSON, see MaxCursor): `t` is the timestamp of the newest message delivered and `mids`
 * the ids delivered at exactly that millisecond, so the next poll asks for `to=t` and drops only
 * what it already has. When more than a page arrived since `t`, the connector pages backwards
 * (`from` = oldest timestamp of the last page) in a `scan`, delivering each page as it goes; the
 * watermark moves to the scan's head only when the scan reaches `t`. Each page's cursor is saved
 * by the runner after its posts are queued, so a restart continues the scan where it stopped:
 * no gap, and no duplicate beyond a replay of the one unsaved page (deterministic ids absorb it).
 */
import type { Connector, ConnectorPage } from '../../src/domain/connector';
import type { IncomingPost } from '../../src/domain/post';
import type { MaxClient } from './max.client';
import { mapMaxMessage, type MaxMapContext } from './max.mapper';

export interface MaxChatConnectorOptions {
  sourceId: string;
  chatId: string;
  client: MaxClient;
  chatTitle?: string;
  municipality?: string;
  /** Pause between polls once caught up. Default 60 s. */
  pollIntervalMs?: number;
  /** Messages per call, 1–100. Default 100. */
  pageSize?: number;
  /** On the very first poll, how far back to read. Default 24 h. */
  initialLookbackMs?: number;
  now?: () => Date;
}

export interface MaxCursor {
  v: 1;
  /** Timestamp (unix ms) of the newest message delivered; 0 before the first poll completes. */
  t: number;
  /** Message ids delivered with timestamp exactly `t`. */
  mids: string[];
  /** A backward scan in progress. */
  scan?: {
    /** Ask for messages at or before this time next. */
    from: number;
    /** Ids already delivered with timestamp exactly `from`. */
    fromMids: string[];
    /** The scan stops at this time (the watermark when it began). */
    stop: number;
    /** Newest timestamp seen by the scan, and the ids at it: the next watermark. */
    head: number;
    headMids: string[];
  };
}

export class MaxCursorError extends Error {
  override readonly name = 'MaxCursorError';
  readonly kind = 'cursor';
}

export function parseMaxCursor(cursor: string | null, sourceId = '?'): MaxCursor {
  if (cursor === null) return { v: 1, t: 0, mids: [] };
  let o: Partial<MaxCursor> | null;
  try {
    o = JSON.parse(cursor) as Partial<MaxCursor> | null;
  } catch {
    throw new MaxCursorError(`max source ${sourceId}: invalid cursor (not JSON): ${cursor.slice(0, 80)}`);
  }
  if (!o || o.v !== 1 || typeof o.t !== 'number' || !Array.isArray(o.mids)) {
    throw new MaxCursorError(`max source ${sourceId}: invalid cursor (expected {"v":1,"t":…,"mids":[…]}): ${cursor.slice(0, 80)}`);
  }
  return { v: 1, t: o.t, mids: o.mids, ...(o.scan ? { scan: o.scan } : {}) };
}

export function createMaxChatConnector(opts: MaxChatConnectorOptions): Connector {
  const pollIntervalMs = opts.pollIntervalMs ?? 60_000;
  const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 100));
  const lookbackMs = opts.initialLookbackMs ?? 86_400_000;
  const now = opts.now ?? (() => new Date());
  const { sourceId, chatId, client } = opts;
  const ctx: MaxMapContext = {
    chatId,
    sourceId,
    ...(opts.chatTitle !== undefined && { chatTitle: opts.chatTitle }),
    ...(opts.municipality !== undefined && { municipality: opts.municipality }),
  };

  return {
    sourceId,
    async fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage> {
      const state = parseMaxCursor(cursor, sourceId);
      const scan = state.scan;
      const stop = scan?.stop ?? (state.t > 0 ? state.t : now().getTime() - lookbackMs);
      const res = await client.getMessages({ chatId, count: pageSize, to: stop, ...(scan ? { from: scan.from } : {}) }, signal);

      const atStop = new Set(scan || state.t > 0 ? state.mids : []);
      const atFrom = new Set(scan?.fromMids ?? []);
      const fresh: IncomingPost[] = [];
      let newest = scan?.head ?? state.t;
      let newestMids = new Set(scan?.headMids ?? state.mids);
      let oldest = Infinity;
      const seenInPage = new Set<string>();
      for (const m of res.messages) {
        const post = mapMaxMessage(m, ctx);
        const mid = m.body.mid;
        if (seenInPage.has(mid)) continue;
        seenInPage.add(mid);
        oldest = Math.min(oldest, m.timestamp);
        if (m.timestamp < stop || (m.timestamp === stop && atStop.has(mid))) continue;
        if (scan && m.timestamp === scan.from && atFrom.has(mid)) continue;
        if (scan && m.timestamp > scan.from) continue; // outside the window asked for
        fresh.push(post);
        if (m.timestamp > newest) {
          newest = m.timestamp;
          newestMids = new Set([mid]);
        } else if (m.timestamp === newest) newestMids.add(mid);
      }

      const full = res.messages.length >= pageSize;
      if (full && oldest > stop) {
        // More may lie between `stop` and this page: continue backwards from its oldest message.
        const from = scan && oldest >= scan.from ? scan.from - 1 : oldest; // a page all in one ms cannot move otherwise
        const fromMids = res.messages.filter((m) => m.timestamp === from).map((m) => m.body.mid);
        if (scan && from === scan.from) fromMids.push(...scan.fromMids);
        state.scan = { from, fromMids: [...new Set(fromMids)], stop, head: newest, headMids: [...newestMids] };
      } else {
        delete state.scan;
        if (newest > state.t || (newest === state.t && newest > 0)) {
          state.t = newest;
          state.mids = [...newestMids];
        } else if (state.t === 0) {
          state.t = stop;
          state.mids = [];
        }
      }
      fresh.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
      return { posts: fresh, nextCursor: JSON.stringify(state), waitMs: state.scan ? 0 : pollIntervalMs };
    },
  };
}
