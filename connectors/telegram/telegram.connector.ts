/**
 * Telegram public-channel connector: reads `t.me/s/<channel>`, the web preview Telegram serves
 * without an account, newest page first and older pages with `?before=<message id>`.
 *
 * Cursor (JSON): `{"v":1,"newest":N,"walk"?:{"top":T,"before":B,"pagesLeft"?:P}}`.
 * `newest` — every message up to N has been delivered. `walk` — a backward walk is under way:
 * messages in (N, T] above B are delivered, the next request is `?before=B`; when the walk reaches
 * N (or the start of the channel) the cursor becomes `{"newest":T}`. Each call fetches one page,
 * and the runner saves the cursor only after that page's posts are queued, so a restart resumes
 * the walk where it stopped: no gap, no duplicate. See README.md.
 */
import { SourceFatalError, type Connector, type ConnectorPage } from '../../src/domain/connector';
import type { IncomingPost } from '../../src/domain/post';
import { HttpError, type HttpClient } from '../http/http-client';
import { checkChannel, mapMessage, readChannelPage, TelegramParseError, type TelegramSource } from './telegram.mapper';

export interface TelegramConnectorOptions {
  sourceId: string;
  /** The channel's username (see normaliseChannel). */
  channel: string;
  /** Origin of the web preview, TELEGRAM_WEB_URL (https://t.me). */
  webUrl: string;
  municipality?: string;
  /** A client whose allow-list admits only the web preview's host (see createHttpClient). */
  http: Pick<HttpClient, 'request'>;
  /** Pause between polls of the newest page. Default 2 minutes. */
  pollIntervalMs?: number;
  /** Pages the very first run reads (the newest, then older ones). Default 1. */
  initialPages?: number;
}

export interface TelegramCursor {
  v: 1;
  /** Every message with an id up to this one has been delivered (0: none yet). */
  newest: number;
  /** A backward walk in progress: ids in (newest, top] below `before` are still to come. */
  walk?: { top: number; before: number; pagesLeft?: number };
}

/** A source-level failure that is not the network's: a page that cannot be read, a bad cursor. */
export class TelegramSourceError extends Error {
  override readonly name = 'TelegramSourceError';
  constructor(
    readonly sourceId: string,
    readonly kind: 'parse' | 'cursor' | 'config',
    message: string,
  ) {
    super(`telegram source ${sourceId}: ${message}`);
  }
}

const USERNAME = /^[a-z0-9_]{4,32}$/i;
const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5';

/**
 * The channel username from what an administrator typed: `omsk_oper`, `@omsk_oper`,
 * `t.me/omsk_oper`, `https://t.me/s/omsk_oper/123`. Null when it cannot be a public username.
 */
export function normaliseChannel(input: string): string | null {
  const name = input
    .trim()
    .replace(/^(https?:\/\/)?(www\.)?(t\.me|telegram\.me)\/(s\/)?/i, '')
    .replace(/^@/, '')
    .replace(/[/?#].*$/, '');
  return USERNAME.test(name) ? name : null;
}

export function parseTelegramCursor(cursor: string | null, sourceId = '?'): TelegramCursor | null {
  if (cursor === null) return null;
  const bad = (why: string) => new TelegramSourceError(sourceId, 'cursor', `invalid cursor (${why}): ${cursor.slice(0, 120)}`);
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    throw bad('not JSON');
  }
  const o = value as Partial<TelegramCursor> | null;
  const id = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!o || typeof o !== 'object' || o.v !== 1 || !id(o.newest)) throw bad('expected {"v":1,"newest":<id>}');
  const out: TelegramCursor = { v: 1, newest: o.newest! };
  if (o.walk !== undefined) {
    const w = o.walk as Partial<NonNullable<TelegramCursor['walk']>> | null;
    if (!w || !id(w.top) || !id(w.before) || w.top! <= out.newest || w.before! <= out.newest || w.before! > w.top!) {
      throw bad('walk must be {"top":T,"before":B} with newest < B <= T');
    }
    if (w.pagesLeft !== undefined && !(id(w.pagesLeft) && w.pagesLeft > 0)) throw bad('walk.pagesLeft must be a positive integer');
    out.walk = { top: w.top!, before: w.before!, ...(w.pagesLeft !== undefined && { pagesLeft: w.pagesLeft }) };
  }
  return out;
}

/** Creates the connector; nothing is fetched until the runner calls fetchPage. */
export function createTelegramConnector(opts: TelegramConnectorOptions): Connector {
  const channel = normaliseChannel(opts.channel);
  if (!channel) throw new TelegramSourceError(opts.sourceId, 'config', `"${opts.channel}" is not a public channel username`);
  const pollIntervalMs = opts.pollIntervalMs ?? 120_000;
  const initialPages = Math.max(1, Math.floor(opts.initialPages ?? 1));
  const origin = opts.webUrl.replace(/\/+$/, '');
  const { sourceId } = opts;
  const source: TelegramSource = {
    sourceId,
    channel,
    webUrl: origin,
    ...(opts.municipality !== undefined && { municipality: opts.municipality }),
  };

  return {
    sourceId,
    async fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage> {
      const state = parseTelegramCursor(cursor, sourceId);
      const walk = state?.walk;
      const url = `${origin}/s/${channel}${walk ? `?before=${walk.before}` : ''}`;
      const res = await opts.http.request(url, { headers: { accept: ACCEPT }, signal });
      if (res.status !== 200) {
        throw new HttpError('status', `telegram source ${sourceId}: unexpected HTTP ${res.status}`, { url: res.url, status: res.status });
      }

      let page: ReturnType<typeof readChannelPage>;
      try {
        page = readChannelPage(res.body.toString('utf8'), source);
        if (page.kind === 'channel') checkChannel(page.messages, source);
      } catch (err) {
        if (err instanceof TelegramParseError) throw new TelegramSourceError(sourceId, 'parse', `${err.reason} (${res.url})`);
        throw err;
      }
      if (page.kind === 'no_preview') {
        throw new SourceFatalError(
          'source_private',
          `telegram source ${sourceId}: "${channel}" has no public web preview (${res.url} shows "${page.title}"): a private channel, a group, a user or a bot`,
        );
      }
      if (page.kind === 'not_found') {
        throw new SourceFatalError('source_deleted', `telegram source ${sourceId}: no public channel "${channel}" (${res.url})`);
      }

      const ids = page.messages.map((m) => m.id);
      const minId = ids.length > 0 ? Math.min(...ids) : undefined;
      const maxId = ids.length > 0 ? Math.max(...ids) : undefined;
      if (walk && maxId !== undefined && maxId >= walk.before) {
        // A server that ignores ?before= would otherwise walk the same page forever.
        throw new TelegramSourceError(sourceId, 'parse', `paging broken: the page for ?before=${walk.before} holds message ${maxId} (${res.url})`);
      }
      const newest = state?.newest ?? 0;
      const posts = page.messages
        .filter((m) => m.id > newest)
        .map((m) => mapMessage(m, page, source))
        .filter((p): p is IncomingPost => p !== null);
      // Older messages exist beyond this page and may still be unseen.
      const olderUnseen = minId !== undefined && minId > newest + 1 && page.before !== undefined;

      let next: TelegramCursor;
      if (walk) {
        const pagesLeft = walk.pagesLeft === undefined ? undefined : walk.pagesLeft - 1;
        next =
          olderUnseen && pagesLeft !== 0
            ? { v: 1, newest, walk: { top: walk.top, before: minId, ...(pagesLeft !== undefined && { pagesLeft }) } }
            : { v: 1, newest: walk.top };
      } else if (maxId === undefined || maxId <= newest) {
        // Nothing newer than what was delivered (or an empty channel).
        return { posts: [], nextCursor: state ? null : JSON.stringify({ v: 1, newest: 0 } satisfies TelegramCursor), waitMs: pollIntervalMs };
      } else if (state === null) {
        // First run: the newest page, and older ones only as deep as configured.
        next = olderUnseen && initialPages > 1 ? { v: 1, newest: 0, walk: { top: maxId, before: minId, pagesLeft: initialPages - 1 } } : { v: 1, newest: maxId };
      } else {
        next = olderUnseen ? { v: 1, newest, walk: { top: maxId, before: minId } } : { v: 1, newest: maxId };
      }
      return { posts, nextCursor: JSON.stringify(next), waitMs: next.walk ? 0 : pollIntervalMs };
    },
  };
}
