/**
 * RSS/Atom connector (news sites and Dzen channels). One source = one feed URL.
 *
 * Cursor (JSON): `{"v":1,"etag"?,"lastModified"?,"seen":[ids, newest first]}`. The validators
 * make the poll a conditional GET (304 → nothing to do); `seen` holds every id of the last feed
 * plus older ones up to a cap, so a restart from the saved cursor neither repeats nor skips items.
 */
import type { Connector, ConnectorPage } from '../../src/domain/connector';
import type { IncomingPost } from '../../src/domain/post';
import { HttpError, type HttpClient, type HttpResponse } from '../http/http-client';
import { FeedError, mapFeed } from './rss.mapper';

export interface RssConnectorOptions {
  sourceId: string;
  url: string;
  municipality?: string;
  /** A client whose allow-list admits the feed's host (see createHttpClient). */
  http: Pick<HttpClient, 'request'>;
  /** Pause between polls. Default 5 minutes. */
  pollIntervalMs?: number;
  /** How many ids beyond the current feed the cursor remembers. Default 500. */
  maxSeen?: number;
  now?: () => Date;
}

export interface RssCursor {
  v: 1;
  etag?: string;
  lastModified?: string;
  /** Ids already delivered, newest first. */
  seen: string[];
}

const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

/** A feed that cannot be read as a feed; the message names the source and the reason. */
export class RssSourceError extends Error {
  override readonly name = 'RssSourceError';
  constructor(
    readonly sourceId: string,
    readonly kind: 'feed' | 'cursor',
    message: string,
  ) {
    super(`rss source ${sourceId}: ${message}`);
  }
}

export function parseRssCursor(cursor: string | null, sourceId = '?'): RssCursor {
  if (cursor === null) return { v: 1, seen: [] };
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    throw new RssSourceError(sourceId, 'cursor', `invalid cursor (not JSON): ${cursor.slice(0, 80)}`);
  }
  const o = value as Partial<RssCursor> | null;
  if (!o || o.v !== 1 || !Array.isArray(o.seen) || !o.seen.every((s) => typeof s === 'string')) {
    throw new RssSourceError(sourceId, 'cursor', `invalid cursor (expected {"v":1,"seen":[...]}): ${cursor.slice(0, 80)}`);
  }
  const out: RssCursor = { v: 1, seen: o.seen };
  if (typeof o.etag === 'string') out.etag = o.etag;
  if (typeof o.lastModified === 'string') out.lastModified = o.lastModified;
  return out;
}

/** Creates the connector; nothing is fetched until the runner calls fetchPage. */
export function createRssConnector(opts: RssConnectorOptions): Connector {
  const pollIntervalMs = opts.pollIntervalMs ?? 5 * 60_000;
  const maxSeen = opts.maxSeen ?? 500;
  const now = opts.now ?? (() => new Date());
  const { sourceId, url } = opts;

  return {
    sourceId,
    async fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage> {
      const state = parseRssCursor(cursor, sourceId);
      const headers: Record<string, string> = { accept: ACCEPT };
      if (state.etag) headers['if-none-match'] = state.etag;
      if (state.lastModified) headers['if-modified-since'] = state.lastModified;

      const res = await opts.http.request(url, { headers, signal });
      if (res.status === 304) return { posts: [], nextCursor: null, waitMs: pollIntervalMs };
      if (res.status !== 200) {
        throw new HttpError('status', `rss source ${sourceId}: unexpected HTTP ${res.status}`, { url: res.url, status: res.status });
      }

      let mapped: IncomingPost[];
      try {
        mapped = mapFeed(
          decodeFeed(res),
          { sourceId, feedUrl: url, ...(opts.municipality !== undefined && { municipality: opts.municipality }) },
          now(),
        );
      } catch (err) {
        if (err instanceof FeedError) throw new RssSourceError(sourceId, 'feed', `${err.message} (${res.url})`);
        throw err;
      }

      const seen = new Set(state.seen);
      const fresh: IncomingPost[] = [];
      const current = new Set<string>();
      for (const post of mapped) {
        if (current.has(post.externalId)) continue; // a feed repeating an item
        current.add(post.externalId);
        if (!seen.has(post.externalId)) fresh.push(post);
      }
      // Keep every id still in the feed (so the cap can never re-admit one), then the older ones.
      const currentIds = [...current];
      const remembered = [...currentIds, ...state.seen.filter((id) => !current.has(id))];
      const next: RssCursor = { v: 1, seen: remembered.slice(0, Math.max(maxSeen, currentIds.length)) };
      const etag = res.headers['etag'];
      const lastModified = res.headers['last-modified'];
      if (etag) next.etag = etag;
      if (lastModified) next.lastModified = lastModified;

      // Oldest first, so the queue sees the feed in the order it was written.
      fresh.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
      return { posts: fresh, nextCursor: JSON.stringify(next), waitMs: pollIntervalMs };
    },
  };
}

/** Bytes → string by the charset in Content-Type, else the XML declaration, else UTF-8. */
export function decodeFeed(res: Pick<HttpResponse, 'body' | 'headers'>): string {
  const fromHeader = /charset\s*=\s*"?([\w-]+)/i.exec(res.headers['content-type'] ?? '')?.[1];
  const head = res.body.subarray(0, 200).toString('latin1');
  const fromDecl = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/.exec(head)?.[1];
  const charset = (fromHeader ?? fromDecl ?? 'utf-8').toLowerCase();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(res.body);
}
