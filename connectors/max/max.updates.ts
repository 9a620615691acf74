/**
 * MAX updates stream: one long-polling connector per bot token (`GET /updates?marker=&timeout=
 * &limit=&types=message_created`) that fans `message_created` updates out to the registry's
 * active `max_chat` sources by `recipient.chat_id`. It is the live path (seconds of latency); the
 * per-chat `GET /messages` connector backfills new chats and catches up behind it (README).
 *
 * Cursor (JSON, see MaxUpdatesCursor): the marker of the next expected update. MAX treats every
 * update before a marker as acknowledged, and this connector only ever sends the marker it was
 * called with, which the runner saves after the page's posts are queued: a crash between queueing
 * and saving replays the page (deterministic ids `<chatId>:<mid>` absorb it), nothing acknowledged
 * is unqueued. Messages of chats not in the registry are ignored and counted.
 *
 * A call without a marker (the stream's first, or after MAX refused a saved marker) gets only the
 * latest update (dev.max.ru, GET /updates): everything before it would wait for the per-chat
 * connector's next catch-up poll. So that call also backfills every routed chat at once through
 * `GET /messages` (the last `backfillMs`, up to 100 messages per chat); the ids are the same as
 * the per-chat connector's, so what both deliver is one post.
 */
import { createHash } from 'node:crypto';
import { SourceFatalError, type Connector, type ConnectorPage } from '../../src/domain/connector';
import type { IncomingPost } from '../../src/domain/post';
import { MaxApiError, type MaxClient } from './max.client';
import { mapMaxMessage, MaxPayloadError, type MaxMapContext } from './max.mapper';

/** Where a chat's messages go: its registry source. */
export interface MaxChatRoute {
  sourceId: string;
  chatTitle?: string;
  municipality?: string;
}

export interface MaxUpdatesConnectorOptions {
  /** Cursor and health key of the stream (see maxUpdatesStreamId). */
  streamId: string;
  client: MaxClient;
  /** Active `max_chat` sources by chat id; read on every page, kept fresh by the supervisor. */
  chats: () => ReadonlyMap<string, MaxChatRoute>;
  /** Per-attempt timeout of the HTTP client under `client`; the long poll must end before it. */
  httpTimeoutMs: number;
  /** Long-poll wait, 1–90 s. Default 30 s. */
  longPollSec?: number;
  /** Updates per call, 1–1000. Default 100. */
  limit?: number;
  /** Pause after an empty answer that came back faster than this (a server ignoring `timeout`). Default 1 s. */
  minIdleMs?: number;
  /** How far back a call without a marker backfills each routed chat. Default 24 h (the per-chat connector's first look back). */
  backfillMs?: number;
  now?: () => number;
}

export interface MaxUpdatesCursor {
  v: 1;
  /** The next expected update; null: whatever MAX has after its last acknowledgement. */
  marker: string | null;
}

export interface MaxUpdatesStats {
  /** Posts handed to the runner, per source id. */
  delivered: Record<string, number>;
  /** `message_created` updates of chats not in the registry, per chat id. */
  ignoredByChat: Record<string, number>;
  ignored: number;
  /** Updates of other types, or without a message (dialogs with the bot included). */
  skipped: number;
  /** Messages the mapper refused (no mid, no timestamp); the per-chat connector reports them on its source. */
  malformed: number;
  /** Times MAX refused a saved marker (400) and the stream restarted from its last acknowledgement. */
  markerResets: number;
  /** Calls without a marker, each followed by a per-chat backfill. */
  backfills: number;
  /** Chats a backfill could not read (404, 403: the bot left), per chat id; their own connector reports them. */
  backfillFailedByChat: Record<string, number>;
}

export interface MaxUpdatesConnector extends Connector {
  stats(): MaxUpdatesStats;
}

export class MaxUpdatesCursorError extends Error {
  override readonly name = 'MaxUpdatesCursorError';
  readonly kind = 'cursor';
}

/** The stream's id for a bot token: a hash prefix, never the token. */
export function maxUpdatesStreamId(token: string): string {
  return `max_updates:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

export function parseMaxUpdatesCursor(cursor: string | null, streamId = '?'): MaxUpdatesCursor {
  if (cursor === null) return { v: 1, marker: null };
  let o: Partial<MaxUpdatesCursor> | null;
  try {
    o = JSON.parse(cursor) as Partial<MaxUpdatesCursor> | null;
  } catch {
    throw new MaxUpdatesCursorError(`${streamId}: invalid cursor (not JSON): ${cursor.slice(0, 80)}`);
  }
  if (!o || o.v !== 1 || !(o.marker === null || (typeof o.marker === 'string' && /^-?\d+$/.test(o.marker)))) {
    throw new MaxUpdatesCursorError(`${streamId}: invalid cursor (expected {"v":1,"marker":"<digits>"|null}): ${cursor.slice(0, 80)}`);
  }
  return { v: 1, marker: o.marker };
}

export function createMaxUpdatesConnector(opts: MaxUpdatesConnectorOptions): MaxUpdatesConnector {
  const longPollSec = Math.min(90, Math.max(1, Math.round(opts.longPollSec ?? 30)));
  if (longPollSec * 1000 >= opts.httpTimeoutMs) {
    throw new RangeError(`${opts.streamId}: long poll of ${longPollSec} s must end before the HTTP timeout of ${opts.httpTimeoutMs} ms`);
  }
  const limit = Math.min(1000, Math.max(1, opts.limit ?? 100));
  const minIdleMs = opts.minIdleMs ?? 1000;
  const now = opts.now ?? Date.now;
  const backfillMs = opts.backfillMs ?? 86_400_000;
  const stats: MaxUpdatesStats = { delivered: {}, ignoredByChat: {}, ignored: 0, skipped: 0, malformed: 0, markerResets: 0, backfills: 0, backfillFailedByChat: {} };

  /** The latest messages of every routed chat (the gap a marker-less call leaves), mapped. */
  async function backfill(routes: ReadonlyMap<string, MaxChatRoute>, signal: AbortSignal): Promise<IncomingPost[]> {
    stats.backfills++;
    const out: IncomingPost[] = [];
    const to = Math.max(0, now() - backfillMs);
    for (const [chatId, r] of routes) {
      let res;
      try {
        res = await opts.client.getMessages({ chatId, count: 100, to }, signal);
      } catch (err) {
        // One chat the bot cannot read must not hold back the others nor the stream.
        if (err instanceof SourceFatalError && err.kind !== 'auth') {
          stats.backfillFailedByChat[chatId] = (stats.backfillFailedByChat[chatId] ?? 0) + 1;
          continue;
        }
        throw err;
      }
      for (const m of res.messages) {
        try {
          out.push(mapMaxMessage(m, toContext(r, chatId)));
        } catch (err) {
          if (!(err instanceof MaxPayloadError)) throw err;
          stats.malformed++;
        }
      }
    }
    return out;
  }

  return {
    sourceId: opts.streamId,
    stats: () => structuredClone(stats),
    async fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage> {
      const state = parseMaxUpdatesCursor(cursor, opts.streamId);
      const started = now();
      let page;
      try {
        page = await opts.client.getUpdates(
          { ...(state.marker !== null ? { marker: state.marker } : {}), timeoutSec: longPollSec, limit, types: ['message_created'] },
          signal,
        );
      } catch (err) {
        // A marker MAX no longer knows (expired, or from another bot): start again from its last
        // acknowledgement; the per-chat connectors fill whatever fell in between.
        if (err instanceof MaxApiError && err.kind === 'invalid_request' && state.marker !== null) {
          stats.markerResets++;
          return { posts: [], nextCursor: JSON.stringify({ v: 1, marker: null } satisfies MaxUpdatesCursor), waitMs: 0 };
        }
        throw err;
      }

      const routes = opts.chats();
      const posts: IncomingPost[] = [];
      const seen = new Set<string>();
      if (state.marker === null) {
        for (const post of await backfill(routes, signal)) {
          if (seen.has(post.externalId)) continue;
          seen.add(post.externalId);
          posts.push(post);
          stats.delivered[post.sourceId] = (stats.delivered[post.sourceId] ?? 0) + 1;
        }
      }
      for (const u of page.updates) {
        const m = u?.message;
        if (u?.update_type !== 'message_created' || !m || typeof m !== 'object') {
          stats.skipped++;
          continue;
        }
        const chatId = m.recipient?.chat_id;
        if (chatId === null || chatId === undefined) {
          stats.skipped++; // a dialog with the bot, not a chat or channel
          continue;
        }
        const route = routes.get(String(chatId));
        if (!route) {
          stats.ignored++;
          stats.ignoredByChat[String(chatId)] = (stats.ignoredByChat[String(chatId)] ?? 0) + 1;
          continue;
        }
        const ctx = toContext(route, String(chatId));
        let post: IncomingPost;
        try {
          post = mapMaxMessage(m, ctx);
        } catch (err) {
          if (!(err instanceof MaxPayloadError)) throw err;
          // One bad message must not wedge every chat of the bot behind it.
          stats.malformed++;
          continue;
        }
        if (seen.has(post.externalId)) continue;
        seen.add(post.externalId);
        posts.push(post);
        stats.delivered[route.sourceId] = (stats.delivered[route.sourceId] ?? 0) + 1;
      }
      posts.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));

      const nextCursor = page.marker !== null && page.marker !== state.marker ? JSON.stringify({ v: 1, marker: page.marker } satisfies MaxUpdatesCursor) : null;
      // The long poll is the wait; only an empty answer that came back at once earns a pause.
      const waitMs = page.updates.length === 0 && now() - started < minIdleMs ? minIdleMs : 0;
      return { posts, nextCursor, waitMs };
    },
  };
}

function toContext(route: MaxChatRoute, chatId: string): MaxMapContext {
  return {
    chatId,
    sourceId: route.sourceId,
    ...(route.chatTitle !== undefined && { chatTitle: route.chatTitle }),
    ...(route.municipality !== undefined && { municipality: route.municipality }),
  };
}
