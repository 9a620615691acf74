/**
 * A thin MAX Bot API client over the shared HTTP client (https://dev.max.ru/docs-api). It owns
 * MAX's wire conventions: the bot token in the `Authorization` header (never in the URL, so no
 * log line, error message or redirect carries it; the HTTP client drops the header when a
 * redirect leaves the origin), JSON bodies, timestamps in unix milliseconds, and HTTP statuses
 * for errors with a `{"code":…,"message":…}` body.
 *
 * Statuses retrying cannot fix become SourceFatalError: 401 (token invalid or revoked) → `auth`,
 * 403 (the bot is not, or no longer, a member of the chat) → `source_private`, 404 (no such
 * chat) → `source_deleted`. 429 and 5xx are retried by the HTTP client; if they persist they
 * surface as MaxApiError with a `retryAfterMs` the runner obeys.
 */
import { SourceFatalError } from '../../src/domain/connector';
import { HttpError, type HttpClient } from '../http/http-client';
import type { MaxMessagesResponse, MaxUpdate } from './max.mapper';
import { tokenRateLimitKey } from '../http/rate-limiter';

export type MaxErrorKind = 'rate_limited' | 'max_error' | 'invalid_request' | 'malformed';

export class MaxApiError extends Error {
  override readonly name = 'MaxApiError';
  constructor(
    readonly kind: MaxErrorKind,
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface MaxClientOptions {
  http: Pick<HttpClient, 'request'>;
  /** Base URL, e.g. `https://platform-api2.max.ru` (MAX_API_URL). */
  apiUrl: string;
  token: string;
  /** Wait after a 429 that named no Retry-After. Default 5 s. */
  rateLimitedMs?: number;
}

export interface MaxMessagesQuery {
  chatId: string;
  /** Newest bound, unix ms (MAX returns messages newest first, from `from` back to `to`). */
  from?: number;
  /** Oldest bound, unix ms; must be below `from`. */
  to?: number;
  /** 1–100. */
  count: number;
}

export interface MaxUpdatesQuery {
  /** The next expected update (from the previous answer); omitted: everything since the last acknowledgement. */
  marker?: string;
  /** Long-poll wait in seconds, 0–90; must stay below the HTTP client's timeout. */
  timeoutSec: number;
  /** 1–1000. */
  limit: number;
  /** Update types wanted, e.g. `message_created`. */
  types: readonly string[];
}

/** A `GET /updates` answer; `marker` kept as the decimal text MAX sent (an int64 may exceed 2^53). */
export interface MaxUpdatesPage {
  updates: MaxUpdate[];
  marker: string | null;
}

export interface MaxClient {
  getMessages(q: MaxMessagesQuery, signal: AbortSignal): Promise<MaxMessagesResponse>;
  /** Long-polls the bot's updates stream; passing a marker acknowledges every update before it. */
  getUpdates(q: MaxUpdatesQuery, signal: AbortSignal): Promise<MaxUpdatesPage>;
}

/** Rate-limit bucket for a bot token, shared by every process using it; never the token itself. */
export function maxRateLimitKey(token: string): string {
  return tokenRateLimitKey('max', token);
}

export function createMaxClient(opts: MaxClientOptions): MaxClient {
  const base = opts.apiUrl.replace(/\/+$/, '');
  const rateLimitedMs = opts.rateLimitedMs ?? 5_000;

  return {
    async getMessages(q, signal) {
      const params = new URLSearchParams({ chat_id: q.chatId, count: String(q.count) });
      if (q.from !== undefined) params.set('from', String(q.from));
      if (q.to !== undefined) params.set('to', String(q.to));
      const what = `MAX GET /messages for chat ${q.chatId}`;
      let body: Buffer;
      try {
        const res = await opts.http.request(`${base}/messages?${params.toString()}`, {
          headers: { authorization: opts.token, accept: 'application/json' },
          signal,
        });
        body = res.body;
      } catch (err) {
        if (!(err instanceof HttpError) || err.kind !== 'status' || err.status === undefined) throw err;
        switch (err.status) {
          case 401:
            throw new SourceFatalError('auth', `${what}: HTTP 401, the bot token is invalid or revoked (MAX_BOT_TOKEN)`);
          case 403:
            throw new SourceFatalError('source_private', `${what}: HTTP 403, the bot is not a member of this chat (or was removed)`);
          case 404:
            throw new SourceFatalError('source_deleted', `${what}: HTTP 404, no such chat`);
          case 429:
            throw new MaxApiError('rate_limited', 429, `${what}: HTTP 429, too many requests`, err.retryAfterMs ?? rateLimitedMs);
          case 400:
            throw new MaxApiError('invalid_request', 400, `${what}: HTTP 400, request refused`);
          default:
            throw new MaxApiError('max_error', err.status, `${what}: HTTP ${err.status}`, err.retryAfterMs);
        }
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new MaxApiError('malformed', 200, `${what}: response is not JSON (${body.length} bytes)`);
      }
      const messages = (parsed as { messages?: unknown } | null)?.messages;
      if (!Array.isArray(messages)) throw new MaxApiError('malformed', 200, `${what}: response has no "messages" array`);
      return parsed as MaxMessagesResponse;
    },

    async getUpdates(q, signal) {
      const params = new URLSearchParams({ limit: String(q.limit), timeout: String(q.timeoutSec) });
      if (q.marker !== undefined) params.set('marker', q.marker);
      if (q.types.length > 0) params.set('types', q.types.join(','));
      const what = 'MAX GET /updates';
      let body: Buffer;
      try {
        const res = await opts.http.request(`${base}/updates?${params.toString()}`, {
          headers: { authorization: opts.token, accept: 'application/json' },
          signal,
        });
        body = res.body;
      } catch (err) {
        if (!(err instanceof HttpError) || err.kind !== 'status' || err.status === undefined) throw err;
        switch (err.status) {
          case 401:
            throw new SourceFatalError('auth', `${what}: HTTP 401, the bot token is invalid or revoked (MAX_BOT_TOKEN)`);
          case 429:
            throw new MaxApiError('rate_limited', 429, `${what}: HTTP 429, too many requests`, err.retryAfterMs ?? rateLimitedMs);
          case 400:
            throw new MaxApiError('invalid_request', 400, `${what}: HTTP 400, request refused (a webhook subscription disables long polling)`);
          default:
            throw new MaxApiError('max_error', err.status, `${what}: HTTP ${err.status}`, err.retryAfterMs);
        }
      }
      const text = body.toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new MaxApiError('malformed', 200, `${what}: response is not JSON (${body.length} bytes)`);
      }
      const o = parsed as { updates?: unknown; marker?: unknown } | null;
      if (!o || !Array.isArray(o.updates)) throw new MaxApiError('malformed', 200, `${what}: response has no "updates" array`);
      if (o.marker !== undefined && o.marker !== null && (typeof o.marker !== 'number' || !Number.isInteger(o.marker))) {
        throw new MaxApiError('malformed', 200, `${what}: "marker" is not an integer`);
      }
      return { updates: o.updates as MaxUpdate[], marker: typeof o.marker === 'number' ? markerText(text, o.marker) : null };
    },
  };
}

/**
 * The marker as MAX wrote it: JSON numbers above 2^53 lose digits in JSON.parse, so the digits
 * are taken from the raw text (the last top-level-looking `"marker":<digits>` equal to the parsed value).
 */
function markerText(raw: string, parsed: number): string {
  if (Number.isSafeInteger(parsed)) return String(parsed);
  const found = [...raw.matchAll(/"marker"\s*:\s*(-?\d+)/g)].map((m) => m[1]!).filter((d) => Number(d) === parsed);
  return found.at(-1) ?? String(BigInt(parsed));
}
