import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError, publicAddressesOnly, type HttpClient } from '../../../connectors/http/http-client';
import { createTelegramConnector, parseTelegramCursor, TelegramSourceError, type TelegramCursor } from '../../../connectors/telegram/telegram.connector';
import { loadConfig } from '../../../src/config/env';
import { SourceFatalError, type Connector } from '../../../src/domain/connector';
import type { IncomingPost } from '../../../src/domain/post';
import type { Source } from '../../../src/domain/source';
import type { CursorsRepository } from '../../../src/repositories/cursors.repository';
import { ConnectorConfigError, createConnectorFor } from '../../../workers/connector.factory';
import { runConnector } from '../../../workers/connector.runner';
import { fixture, startFakeTelegram, type FakeChannel, type FakeTelegram } from './fake-telegram';
import { sameLimiterForEveryNetwork } from '../helpers/limiters';

const signal = new AbortController().signal;
const ids = (posts: IncomingPost[]) => posts.map((p) => Number(p.externalId.split('/')[1]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

let tg: FakeTelegram;
let http: HttpClient;
let channel: FakeChannel;

beforeAll(async () => {
  tg = await startFakeTelegram();
  http = createHttpClient({
    allowedHosts: ['127.0.0.1'],
    // Stands in for t.me's public address: this one port on loopback, nothing else.
    addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === tg.server.port) || publicAddressesOnly(address, target),
    retries: 1,
    backoff: { baseMs: 1, maxMs: 5 },
    timeoutMs: 2_000,
  });
});
afterAll(() => tg.close());

let n = 0;
beforeEach(() => {
  // A fresh channel name per test: routes on the fake server are per name.
  channel = tg.channel(`omsk_oper_${++n}`, 'Омская область | Оперативно');
  tg.overrides.length = 0;
  tg.body = null;
  tg.server.requests.length = 0;
});

function connector(extra: { initialPages?: number; http?: HttpClient; channel?: string } = {}): Connector {
  return createTelegramConnector({
    sourceId: `telegram_channel:${extra.channel ?? channel.username}`,
    channel: extra.channel ?? channel.username,
    webUrl: tg.server.origin,
    municipality: 'omsk',
    http: extra.http ?? http,
    pollIntervalMs: 60_000,
    ...(extra.initialPages !== undefined && { initialPages: extra.initialPages }),
  });
}
const cursorOf = (c: string | null): TelegramCursor | null => parseTelegramCursor(c);
const caught = (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('expected a failure');
  },
  (e: unknown) => e,
);

describe('Telegram connector against a fake t.me', () => {
  it('first run reads the newest page, oldest first, and remembers the newest id', async () => {
    channel.publish(50);
    const page = await connector().fetchPage(null, signal);
    expect(ids(page.posts)).toEqual(range(31, 50));
    expect(page.posts[0]).toMatchObject({ network: 'telegram', externalId: `${channel.username}/31`, url: `https://t.me/${channel.username}/31`, municipality: 'omsk' });
    expect(cursorOf(page.nextCursor)).toEqual({ v: 1, newest: 50 });
    expect(page.waitMs).toBe(60_000);
    expect(tg.pageRequests()).toEqual([`/s/${channel.username}`]);
  });

  it('first run pages back with ?before= only as deep as configured', async () => {
    channel.publish(70);
    const c = connector({ initialPages: 2 });
    const first = await c.fetchPage(null, signal);
    expect(ids(first.posts)).toEqual(range(51, 70));
    expect(cursorOf(first.nextCursor)).toEqual({ v: 1, newest: 0, walk: { top: 70, before: 51, pagesLeft: 1 } });
    expect(first.waitMs).toBe(0); // the rate limiter paces a walk, not the poll interval
    const second = await c.fetchPage(first.nextCursor, signal);
    expect(ids(second.posts)).toEqual(range(31, 50));
    expect(cursorOf(second.nextCursor)).toEqual({ v: 1, newest: 70 });
    expect(tg.pageRequests()).toEqual([`/s/${channel.username}`, `/s/${channel.username}?before=51`]);
  });

  it('nothing new keeps the cursor', async () => {
    channel.publish(5);
    const c = connector();
    const first = await c.fetchPage(null, signal);
    const second = await c.fetchPage(first.nextCursor, signal);
    expect(second).toEqual({ posts: [], nextCursor: null, waitMs: 60_000 });
  });

  it('a burst longer than one page between polls is walked back with ?before= until the last seen id', async () => {
    channel.publish(50);
    const c = connector();
    let cursor = (await c.fetchPage(null, signal)).nextCursor;
    channel.publish(45); // 51..95: more than two pages
    tg.server.requests.length = 0;
    const delivered: number[] = [];
    const cursors: (TelegramCursor | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await c.fetchPage(cursor, signal);
      delivered.push(...ids(page.posts));
      cursor = page.nextCursor ?? cursor;
      cursors.push(cursorOf(cursor));
    }
    expect(tg.pageRequests()).toEqual([`/s/${channel.username}`, `/s/${channel.username}?before=76`, `/s/${channel.username}?before=56`]);
    expect(cursors).toEqual([
      { v: 1, newest: 50, walk: { top: 95, before: 76 } },
      { v: 1, newest: 50, walk: { top: 95, before: 56 } },
      { v: 1, newest: 95 },
    ]);
    expect([...delivered].sort((a, b) => a - b)).toEqual(range(51, 95));
    expect(new Set(delivered).size).toBe(delivered.length);
  });

  it('resumes a half-walked backlog after a restart: no gap, no duplicate', async () => {
    channel.publish(50);
    let cursor = (await connector().fetchPage(null, signal)).nextCursor;
    channel.publish(45);
    const delivered: number[] = [];
    const first = await connector().fetchPage(cursor, signal);
    delivered.push(...ids(first.posts));
    cursor = first.nextCursor;
    // Restart: a new connector from the saved cursor; meanwhile more posts arrive.
    channel.publish(3);
    for (let i = 0; i < 4; i++) {
      const page = await connector().fetchPage(cursor, signal);
      delivered.push(...ids(page.posts));
      cursor = page.nextCursor ?? cursor;
    }
    expect([...delivered].sort((a, b) => a - b)).toEqual(range(51, 98));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(cursorOf(cursor)).toEqual({ v: 1, newest: 98 });
  });

  it('a page whose cursor was never saved is delivered again on restart (no gap)', async () => {
    channel.publish(10);
    const saved = (await connector().fetchPage(null, signal)).nextCursor;
    channel.publish(2);
    const lost = await connector().fetchPage(saved, signal); // crash before the posts are queued
    const replay = await connector().fetchPage(saved, signal);
    expect(ids(lost.posts)).toEqual([11, 12]);
    expect(ids(replay.posts)).toEqual([11, 12]);
  });

  it('id gaps (deleted messages, albums) and service messages do not stall or repeat the walk', async () => {
    channel.publish(30, { gap: 1 }); // ids 2, 4, …, 60
    const c = connector();
    let cursor = (await c.fetchPage(null, signal)).nextCursor;
    channel.publish(25, { gap: 2 }); // 63, 66, …
    channel.publish(1, { service: true });
    const delivered: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await c.fetchPage(cursor, signal);
      delivered.push(...ids(page.posts));
      cursor = page.nextCursor ?? cursor;
    }
    const expected = channel.messages.filter((m) => m.id > 60 && !m.service).map((m) => m.id);
    expect([...delivered].sort((a, b) => a - b)).toEqual(expected);
    expect(cursorOf(cursor)).toEqual({ v: 1, newest: channel.newestId });
  });

  it('an empty channel is not an error, and its first posts all arrive later', async () => {
    const c = connector();
    const first = await c.fetchPage(null, signal);
    expect(first.posts).toEqual([]);
    expect(cursorOf(first.nextCursor)).toEqual({ v: 1, newest: 0 });
    channel.publish(25);
    let cursor = first.nextCursor;
    const delivered: number[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await c.fetchPage(cursor, signal);
      delivered.push(...ids(page.posts));
      cursor = page.nextCursor ?? cursor;
    }
    expect([...delivered].sort((a, b) => a - b)).toEqual(range(1, 25));
  });

  it('429 with a short Retry-After is waited out by the client', async () => {
    channel.publish(3);
    tg.overrides.push((_req, res) => {
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/html' });
      res.end('<html><body>Too Many Requests</body></html>');
    });
    const started = Date.now();
    const page = await connector().fetchPage(null, signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(ids(page.posts)).toEqual([1, 2, 3]);
  });

  it('429 with a long Retry-After fails with retryAfterMs for the runner to obey', async () => {
    channel.publish(3);
    tg.overrides.push((_req, res) => {
      res.writeHead(429, { 'retry-after': '300', 'content-type': 'text/html' });
      res.end('<html><body>Too Many Requests</body></html>');
    });
    const err = await caught(connector().fetchPage(null, signal));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ kind: 'status', status: 429, retryAfterMs: 300_000 });
  });

  it('changed markup is a parse failure naming the source, never zero posts', async () => {
    channel.publish(5);
    tg.body = () => fixture('channel-changed-markup.html').replaceAll('omsk_oper', channel.username);
    const err = await caught(connector().fetchPage(null, signal));
    expect(err).toBeInstanceOf(TelegramSourceError);
    expect((err as TelegramSourceError).kind).toBe('parse');
    expect((err as Error).message).toMatch(
      new RegExp(`^telegram source telegram_channel:${channel.username}: no \\.tgme_widget_message\\[data-post\\] found although the history section holds 10 element\\(s\\).*the markup has changed \\(http://127\\.0\\.0\\.1:\\d+/s/${channel.username}\\)$`),
    );
  });

  it('a server that ignores ?before= is a parse failure, not an endless walk', async () => {
    channel.publish(50);
    const c = connector();
    const cursor = (await c.fetchPage(null, signal)).nextCursor;
    channel.publish(30);
    const walkStart = await c.fetchPage(cursor, signal);
    tg.body = (ch) => ch.page(); // always the newest page
    const err = await caught(c.fetchPage(walkStart.nextCursor, signal));
    expect((err as Error).message).toContain(`paging broken: the page for ?before=61 holds message 80`);
  });

  it('a missing channel stops the source: t.me redirects to the contact page', async () => {
    tg.missing('omsk_oper_old');
    const err = await caught(connector({ channel: 'omsk_oper_old' }).fetchPage(null, signal));
    expect(err).toBeInstanceOf(SourceFatalError);
    expect(err).toMatchObject({ kind: 'source_deleted' });
    expect((err as Error).message).toMatch(/^telegram source telegram_channel:omsk_oper_old: no public channel "omsk_oper_old" \(http:\/\/127\.0\.0\.1:\d+\/omsk_oper_old\)$/);
  });

  it('a private channel, group or user stops the source as private', async () => {
    tg.missing('tara_chat', 'Тарский район — чат жителей');
    const err = await caught(connector({ channel: 'tara_chat' }).fetchPage(null, signal));
    expect(err).toBeInstanceOf(SourceFatalError);
    expect(err).toMatchObject({ kind: 'source_private' });
    expect((err as Error).message).toContain('has no public web preview');
  });

  it('a server that never answers times out', async () => {
    channel.publish(3);
    const slow = createHttpClient({
      allowedHosts: ['127.0.0.1'],
      addressPolicy: (address, target) => address === '127.0.0.1' && target.port === tg.server.port,
      retries: 1,
      backoff: { baseMs: 1, maxMs: 2 },
      timeoutMs: 200,
    });
    tg.overrides.push(() => undefined, () => undefined); // both attempts hang
    const err = await caught(connector({ http: slow }).fetchPage(null, signal));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(tg.pageRequests()).toHaveLength(2);
  });

  it('a redirect to 127.0.0.1 or to a loopback address is refused', async () => {
    channel.publish(3);
    // t.me as it is configured in production: the only allowed host; here it resolves to the fake.
    const tme = createHttpClient({
      allowedHosts: ['t.me'],
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      addressPolicy: (address, target) => address === '127.0.0.1' && target.port === tg.server.port,
      retries: 0,
    });
    const c = createTelegramConnector({ sourceId: 'telegram_channel:x', channel: channel.username, webUrl: `http://t.me:${tg.server.port}`, http: tme });
    tg.overrides.push((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${tg.server.port}/s/${channel.username}` }).end();
    });
    expect(await caught(c.fetchPage(null, signal))).toMatchObject({ kind: 'forbidden_host' });
    tg.overrides.push((_req, res) => {
      res.writeHead(302, { location: `http://t.me:6379/s/${channel.username}` }).end();
    });
    expect(await caught(c.fetchPage(null, signal))).toMatchObject({ kind: 'forbidden_address' });
    expect(tg.pageRequests()).toHaveLength(2); // neither redirect was followed
  });
});

describe('the connector factory builds the Telegram connector', () => {
  const source = (channelName: string): Source => ({
    id: `telegram_channel:${channelName.toLowerCase()}`,
    kind: 'telegram_channel',
    title: 'Омская область | Оперативно',
    municipality: 'region',
    status: 'active',
    createdAt: '2026-11-23T00:00:00.000Z',
    updatedAt: '2026-11-23T00:00:00.000Z',
    settings: { channel: channelName },
  });
  const ctx = (webUrl: string) => ({
    config: loadConfig({ ...process.env, NODE_ENV: 'test', TELEGRAM_WEB_URL: webUrl }),
    rateLimiters: sameLimiterForEveryNetwork({ acquire: () => Promise.resolve() }),
    log: pino({ level: 'silent' }),
  });

  it('reads through the configured web preview origin with a pasted channel link', async () => {
    channel.publish(4);
    const c = createConnectorFor(source(`https://t.me/s/${channel.username}`), {
      ...ctx(tg.server.origin),
      addressPolicy: (address, target) => address === '127.0.0.1' && target.port === tg.server.port,
    })!;
    expect(ids((await c.fetchPage(null, signal)).posts)).toEqual([1, 2, 3, 4]);
  });

  it('with the production address policy, loopback is refused before any request', async () => {
    const c = createConnectorFor(source(channel.username), ctx(tg.server.origin))!;
    expect(await caught(c.fetchPage(null, signal))).toMatchObject({ kind: 'forbidden_address' });
    expect(tg.pageRequests()).toEqual([]);
  });

  it('an invalid channel name is a configuration error', () => {
    expect(() => createConnectorFor(source('https://t.me/+AbCdEf123'), ctx('https://t.me'))).toThrow(ConnectorConfigError);
  });
});

describe('Telegram connector under the runner', () => {
  it('queues every post exactly once across a burst, a queue outage and a restart', async () => {
    channel.publish(30);
    const store = new Map<string, string>();
    const cursors: CursorsRepository = {
      get: (id) => Promise.resolve(store.get(id) ?? null),
      set: (id, c) => {
        store.set(id, c);
        return Promise.resolve();
      },
    };
    const queued: number[] = [];
    let failNext = 0;
    const ingest = {
      ingest(posts: readonly IncomingPost[]) {
        if (failNext > 0 && posts.length > 0) {
          failNext--;
          return Promise.reject(new Error('queue unavailable'));
        }
        queued.push(...ids([...posts]));
        return Promise.resolve({ queued: posts.length, rejected: [] });
      },
    };
    const deps = { ingest, cursors, log: pino({ level: 'silent' }), backoff: { baseMs: 5, maxMs: 10 } };
    const make = () =>
      createTelegramConnector({ sourceId: 'telegram_channel:runner', channel: channel.username, webUrl: tg.server.origin, http, pollIntervalMs: 10, initialPages: 2 });
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(done()).toBe(true);
    };

    const run1 = new AbortController();
    const running1 = runConnector(make(), deps, run1.signal);
    await until(() => queued.length === 30);
    failNext = 1; // the queue fails once in the middle of a walk
    channel.publish(50);
    await until(() => queued.length >= 50);
    run1.abort(); // stop in the middle of the walk (or just after it)
    await running1;

    channel.publish(5);
    const run2 = new AbortController();
    const running2 = runConnector(make(), deps, run2.signal);
    await until(() => queued.length === 85);
    // More requests served (a few more polls): nothing new may arrive from them.
    const served = tg.server.requests.length;
    await until(() => tg.server.requests.length >= served + 4);
    run2.abort();
    await running2;

    expect([...queued].sort((a, b) => a - b)).toEqual(range(1, 85));
    expect(cursorOf(store.get('telegram_channel:runner') ?? null)).toEqual({ v: 1, newest: 85 });
  });
});
