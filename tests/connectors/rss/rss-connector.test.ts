import type { ServerResponse } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError, publicAddressesOnly, type HttpClient } from '../../../connectors/http/http-client';
import { createRssConnector, parseRssCursor, RssSourceError } from '../../../connectors/rss/rss.connector';
import type { IncomingPost } from '../../../src/domain/post';
import type { CursorsRepository } from '../../../src/repositories/cursors.repository';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';
import { runConnector } from '../../../workers/connector.runner';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';

const NOW = new Date('2026-11-23T06:00:00.000Z');
const signal = new AbortController().signal;

interface FeedItem {
  n: number;
  title: string;
}

/** A news site's feed that changes as items are published; answers conditional GETs like nginx. */
class FakeFeed {
  items: FeedItem[] = [];
  version = 0;
  /** When false the server ignores validators and sends no ETag/Last-Modified (many CMSes do). */
  validators = true;
  body: string | null = null;

  publish(...titles: string[]) {
    for (const title of titles) this.items.unshift({ n: this.items.length + 1, title });
    this.version++;
  }
  get etag() {
    return `"feed-v${this.version}"`;
  }
  get lastModified() {
    return new Date(Date.UTC(2026, 10, 23, 6, this.version)).toUTCString();
  }
  xml(): string {
    const items = this.items
      .slice(0, 5) // like real feeds: only the latest few
      .map(
        (i) => `<item><title>${i.title}</title><link>https://omsk-news.example/news/${i.n}/</link>
          <guid isPermaLink="false">${i.n}</guid><pubDate>${new Date(Date.UTC(2026, 10, 23, 0, i.n)).toUTCString()}</pubDate>
          <description><![CDATA[<p>Текст новости ${i.n}</p>]]></description></item>`,
      )
      .join('\n');
    return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Омские новости</title><link>https://omsk-news.example/</link>${items}</channel></rss>`;
  }
  serve(headers: Record<string, string | string[] | undefined>, res: ServerResponse) {
    if (this.validators && (headers['if-none-match'] === this.etag || headers['if-modified-since'] === this.lastModified)) {
      res.writeHead(304, { etag: this.etag }).end();
      return;
    }
    const h: Record<string, string> = { 'content-type': 'application/rss+xml; charset=utf-8' };
    if (this.validators) Object.assign(h, { etag: this.etag, 'last-modified': this.lastModified });
    res.writeHead(200, h).end(this.body ?? this.xml());
  }
}

let server: FakeServer;
let feed: FakeFeed;
let http: HttpClient;

beforeAll(async () => {
  server = await startFakeServer();
  server.route('/rss', (req, res) => feed.serve(req.headers, res));
  http = createHttpClient({
    allowedHosts: ['127.0.0.1'],
    addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
    retries: 1,
    backoff: { baseMs: 1, maxMs: 5 },
    timeoutMs: 2_000,
  });
});
afterAll(() => server.close());
beforeEach(() => {
  feed = new FakeFeed();
  feed.publish('Первая новость', 'Вторая новость', 'Третья новость');
  server.requests.length = 0;
});

function connector(extra: { maxSeen?: number } = {}) {
  return createRssConnector({
    sourceId: 'rss:omsk-news',
    url: `${server.origin}/rss`,
    municipality: 'omsk',
    http,
    pollIntervalMs: 60_000,
    now: () => NOW,
    ...extra,
  });
}
const titles = (posts: IncomingPost[]) => posts.map((p) => p.text.split('\n')[0]);

describe('RSS connector against a fake feed server', () => {
  it('first fetch delivers every item, oldest first, valid for the pipeline', async () => {
    const page = await connector().fetchPage(null, signal);
    expect(titles(page.posts)).toEqual(['Первая новость', 'Вторая новость', 'Третья новость']);
    for (const p of page.posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(page.posts[0]).toMatchObject({ network: 'news', externalId: '127.0.0.1:1', sourceId: 'rss:omsk-news', municipality: 'omsk' });
    expect(page.waitMs).toBe(60_000);
    const cursor = parseRssCursor(page.nextCursor);
    expect(cursor).toEqual({
      v: 1,
      etag: '"feed-v1"',
      lastModified: feed.lastModified,
      seen: ['127.0.0.1:3', '127.0.0.1:2', '127.0.0.1:1'],
    });
  });

  it('sends the validators back and treats 304 as nothing new, keeping the cursor', async () => {
    const c = connector();
    const first = await c.fetchPage(null, signal);
    const second = await c.fetchPage(first.nextCursor, signal);
    expect(server.requests[1]!.headers['if-none-match']).toBe('"feed-v1"');
    expect(server.requests[1]!.headers['if-modified-since']).toBe(feed.lastModified);
    expect(second).toEqual({ posts: [], nextCursor: null, waitMs: 60_000 });
  });

  it('works with Last-Modified alone', async () => {
    const c = connector();
    const first = await c.fetchPage(null, signal);
    const state = parseRssCursor(first.nextCursor);
    delete state.etag;
    const second = await c.fetchPage(JSON.stringify(state), signal);
    expect(server.requests[1]!.headers['if-none-match']).toBeUndefined();
    expect(second.posts).toEqual([]);
  });

  it('delivers only new items when the feed changes', async () => {
    const c = connector();
    const first = await c.fetchPage(null, signal);
    feed.publish('Четвёртая новость', 'Пятая новость');
    const second = await c.fetchPage(first.nextCursor, signal);
    expect(titles(second.posts)).toEqual(['Четвёртая новость', 'Пятая новость']);
    expect(parseRssCursor(second.nextCursor).etag).toBe('"feed-v2"');
  });

  it('a restart from the saved cursor has no duplicates even when the server ignores validators', async () => {
    feed.validators = false;
    const first = await connector().fetchPage(null, signal);
    const restarted = await connector().fetchPage(first.nextCursor, signal);
    expect(restarted.posts).toEqual([]);
    feed.publish('После перезапуска');
    const next = await connector().fetchPage(restarted.nextCursor, signal);
    expect(titles(next.posts)).toEqual(['После перезапуска']);
  });

  it('a page whose cursor was never saved is delivered again on restart (no gap)', async () => {
    const saved = (await connector().fetchPage(null, signal)).nextCursor;
    feed.publish('Новость, которую не успели поставить в очередь');
    const lost = await connector().fetchPage(saved, signal); // crash before the posts are queued
    expect(lost.posts).toHaveLength(1);
    const replay = await connector().fetchPage(saved, signal);
    expect(replay.posts.map((p) => p.externalId)).toEqual(lost.posts.map((p) => p.externalId));
  });

  it('remembers at least every id still in the feed, however small maxSeen is', async () => {
    const c = connector({ maxSeen: 1 });
    const first = await c.fetchPage(null, signal);
    expect(parseRssCursor(first.nextCursor).seen).toHaveLength(3);
    feed.validators = false;
    expect((await c.fetchPage(first.nextCursor, signal)).posts).toEqual([]);
  });

  it('a malformed feed is an error naming the source, the reason and the URL', async () => {
    feed.body = feed.xml().replace('</channel>', '');
    const err = await connector()
      .fetchPage(null, signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RssSourceError);
    expect((err as Error).message).toMatch(
      /^rss source rss:omsk-news: feed is not well-formed XML: malformed XML at line \d+, column \d+: Expected closing tag 'channel' \(opened in line \d+, col \d+\) instead of closing tag 'rss'\. \(http:\/\/127\.0\.0\.1:\d+\/rss\)$/,
    );
  });

  it('a feed replaced by an HTML page is an error, not zero posts', async () => {
    feed.body = '<!DOCTYPE html><html><head><title>Технические работы</title></head><body></body></html>';
    await expect(connector().fetchPage(null, signal)).rejects.toThrow(
      'rss source rss:omsk-news: not an RSS or Atom feed: got an HTML page ("Технические работы")',
    );
  });

  it('HTTP failures surface as HttpError with a kind', async () => {
    const c = createRssConnector({ sourceId: 'rss:missing', url: `${server.origin}/no-such-feed`, http });
    const err = await c.fetchPage(null, signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('status');
    expect((err as HttpError).status).toBe(404);
  });

  it('an invalid cursor is refused with a clear message', async () => {
    await expect(connector().fetchPage('3:17', signal)).rejects.toThrow(/rss source rss:omsk-news: invalid cursor/);
  });

  it('a Dzen channel feed is network dzen end to end', async () => {
    server.route('/dzen-export', (req, res) => feed.serve(req.headers, res));
    const dzenHttp = createHttpClient({
      allowedHosts: ['dzen.ru'],
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      addressPolicy: (address, target) => address === '127.0.0.1' && target.port === server.port,
      retries: 0,
    });
    const c = createRssConnector({
      sourceId: 'dzen:omsk_zdes',
      url: `http://dzen.ru:${server.port}/dzen-export?channel_name=omsk_zdes`,
      http: dzenHttp,
      now: () => NOW,
    });
    const page = await c.fetchPage(null, signal);
    expect(page.posts.map((p) => p.network)).toEqual(['dzen', 'dzen', 'dzen']);
  });
});

describe('RSS connector under the runner', () => {
  it('queues every item exactly once across a queue outage and a restart', async () => {
    const store = new Map<string, string>();
    const cursors: CursorsRepository = {
      get: (id) => Promise.resolve(store.get(id) ?? null),
      set: (id, c) => {
        store.set(id, c);
        return Promise.resolve();
      },
    };
    const queued: string[] = [];
    let failNext = false;
    const ingest = {
      ingest(posts: readonly IncomingPost[]) {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('queue unavailable'));
        }
        queued.push(...posts.map((p) => p.externalId));
        return Promise.resolve({ queued: posts.length, rejected: [] });
      },
    };
    const deps = { ingest, cursors, log: pino({ level: 'silent' }), backoff: { baseMs: 5, maxMs: 10 } };
    const make = () => createRssConnector({ sourceId: 'rss:omsk-news', url: `${server.origin}/rss`, http, pollIntervalMs: 10 });
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 5_000;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(done()).toBe(true);
    };

    const run1 = new AbortController();
    const running1 = runConnector(make(), deps, run1.signal);
    await until(() => queued.length === 3);
    failNext = true;
    feed.publish('Во время сбоя очереди');
    await until(() => queued.length === 4 && !failNext);
    run1.abort();
    await running1;

    feed.publish('После перезапуска 1', 'После перезапуска 2');
    const run2 = new AbortController();
    const running2 = runConnector(make(), deps, run2.signal);
    await until(() => queued.length === 6);
    // More requests served (a few more polls): nothing new may arrive from them.
    const served = server.requests.length;
    await until(() => server.requests.length >= served + 4);
    run2.abort();
    await running2;

    expect(queued).toEqual(['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3', '127.0.0.1:4', '127.0.0.1:5', '127.0.0.1:6']);
  });
});
