import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError, publicAddressesOnly, type HttpClient } from '../../../connectors/http/http-client';
import { createMaxClient, MaxApiError, maxRateLimitKey } from '../../../connectors/max/max.client';
import { createMaxChatConnector, parseMaxCursor, type MaxChatConnectorOptions } from '../../../connectors/max/max.connector';
import { SourceFatalError } from '../../../src/domain/connector';
import type { IncomingPost } from '../../../src/domain/post';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';
import type { CursorsRepository } from '../../../src/repositories/cursors.repository';
import { runConnector } from '../../../workers/connector.runner';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';
import { BOT_TOKEN, FakeMaxApi } from './fake-max-api';

const CHAT = '-70123456789';
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const MIN = 60_000;
const signal = new AbortController().signal;

let server: FakeServer;
let api: FakeMaxApi;
let http: HttpClient;

beforeAll(async () => {
  server = await startFakeServer();
  http = createHttpClient({
    allowedHosts: ['127.0.0.1'],
    addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
    retries: 1,
    backoff: { baseMs: 1, maxMs: 5 },
    timeoutMs: 500,
    maxRetryAfterMs: 50,
  });
});
afterAll(() => server.close());
beforeEach(() => {
  api = new FakeMaxApi();
  api.attach(server);
  server.requests.length = 0;
});

function client(over: { token?: string; http?: HttpClient; apiUrl?: string } = {}) {
  return createMaxClient({ http: over.http ?? http, apiUrl: over.apiUrl ?? server.origin, token: over.token ?? BOT_TOKEN });
}
function connector(over: Partial<MaxChatConnectorOptions> = {}) {
  return createMaxChatConnector({
    sourceId: `max_chat:${CHAT}`,
    chatId: CHAT,
    client: client(),
    chatTitle: 'Чат жильцов ЖК «Заречный»',
    municipality: 'omsk',
    pollIntervalMs: 30_000,
    now: () => new Date(NOW),
    ...over,
  });
}
const texts = (posts: IncomingPost[]) => posts.map((p) => p.text);
const fixture = (name: string) => readFileSync(join(__dirname, '../../../connectors/max/fixtures', name), 'utf8');
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('MAX connector against a fake Bot API', () => {
  it('first poll: messages of the look-back window, oldest first, token in the header only', async () => {
    api.chat(CHAT);
    api.post(CHAT, 'Слишком старое', NOW - 2 * 86_400_000);
    const m1 = api.post(CHAT, 'Нет горячей воды на Ленина', NOW - 30 * MIN);
    api.post(CHAT, 'У нас тоже', NOW - 20 * MIN);
    const page = await connector().fetchPage(null, signal);
    expect(texts(page.posts)).toEqual(['Нет горячей воды на Ленина', 'У нас тоже']);
    for (const p of page.posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(page.posts[0]).toMatchObject({ network: 'max', externalId: `${CHAT}:${m1}`, url: `https://max.invalid/chat/${CHAT}/${m1}`, municipality: 'omsk' });
    expect(page.waitMs).toBe(30_000);
    expect(server.requests[0]!.headers.authorization).toBe(BOT_TOKEN);
    expect(server.requests[0]!.path).not.toContain(BOT_TOKEN);
    expect(api.queries[0]).toMatchObject({ chat_id: CHAT, count: '100', to: String(NOW - 86_400_000) });
    expect(parseMaxCursor(page.nextCursor)).toMatchObject({ t: NOW - 20 * MIN });
  });

  it('pages backwards by time through a burst larger than a page, each message exactly once', async () => {
    api.chat(CHAT);
    const first = await connector({ pageSize: 10 }).fetchPage(null, signal);
    // 35 messages, several sharing a millisecond, one exactly at the page boundary.
    for (let i = 1; i <= 35; i++) api.post(CHAT, `Сообщение ${i}`, NOW - 60 * MIN + Math.floor(i / 3) * 1000);
    let cursor = first.nextCursor;
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      const page = await connector({ pageSize: 10 }).fetchPage(cursor, signal);
      pages++;
      seen.push(...texts(page.posts));
      cursor = page.nextCursor;
      if (page.waitMs > 0) break;
      expect(pages).toBeLessThan(20);
    }
    expect(seen).toHaveLength(35);
    expect(new Set(seen).size).toBe(35);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(parseMaxCursor(cursor).scan).toBeUndefined();
    expect((await connector({ pageSize: 10 }).fetchPage(cursor, signal)).posts).toEqual([]);
  });

  it('resumes after a restart with no gap and no duplicate, including messages in the same millisecond', async () => {
    api.chat(CHAT);
    api.post(CHAT, 'Первое', NOW - 10 * MIN);
    const saved = (await connector().fetchPage(null, signal)).nextCursor;
    api.post(CHAT, 'В ту же миллисекунду', NOW - 10 * MIN);
    api.post(CHAT, 'Позже', NOW - 5 * MIN);
    const lost = await connector().fetchPage(saved, signal); // crash before these are queued
    expect(texts(lost.posts)).toEqual(['В ту же миллисекунду', 'Позже']);
    const replay = await connector().fetchPage(saved, signal);
    expect(replay.posts.map((p) => p.externalId)).toEqual(lost.posts.map((p) => p.externalId));
    expect((await connector().fetchPage(replay.nextCursor, signal)).posts).toEqual([]);
  });

  it('a restart in the middle of a backward scan continues it', async () => {
    api.chat(CHAT);
    const first = await connector({ pageSize: 5 }).fetchPage(null, signal);
    for (let i = 1; i <= 12; i++) api.post(CHAT, `M${i}`, NOW - 30 * MIN + i * 1000);
    const p1 = await connector({ pageSize: 5 }).fetchPage(first.nextCursor, signal);
    expect(p1.waitMs).toBe(0);
    expect(parseMaxCursor(p1.nextCursor).scan).toBeDefined();
    const p2 = await connector({ pageSize: 5 }).fetchPage(p1.nextCursor, signal); // a fresh instance: a restart
    const p3 = await connector({ pageSize: 5 }).fetchPage(p2.nextCursor, signal);
    const all = [...p1.posts, ...p2.posts, ...p3.posts].map((p) => p.text);
    expect(all.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `M${i + 1}`).sort());
    expect(p3.waitMs).toBe(30_000);
  });

  it('401 stops the source (auth) without the token in the message', async () => {
    api.chat(CHAT);
    const err = await errorOf(connector({ client: client({ token: 'wrong-token-123456' }) }).fetchPage(null, signal));
    expect(err).toBeInstanceOf(SourceFatalError);
    expect(err).toMatchObject({ kind: 'auth' });
    expect((err as Error).message).not.toContain('wrong-token');
  });

  it('403 (bot removed) is source_private, 404 (no chat) is source_deleted', async () => {
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ name: 'SourceFatalError', kind: 'source_deleted' });
    api.chat(CHAT).removed = true;
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ name: 'SourceFatalError', kind: 'source_private' });
    // The documented bodies, as MAX sends them with their statuses.
    for (const [name, status, kind] of [['error-unauthorized.json', 401, 'auth'], ['error-chat-denied.json', 403, 'source_private'], ['error-not-found.json', 404, 'source_deleted']] as const) {
      api.inject.push({ status, body: fixture(name) });
      expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ name: 'SourceFatalError', kind });
    }
  });

  it('429 waits: retried by the client, then reported with the wait the server asked for', async () => {
    api.chat(CHAT);
    api.post(CHAT, 'После паузы', NOW - MIN);
    const tooMany = { status: 429, body: fixture('error-too-many-requests.json'), headers: { 'retry-after': '0' } };
    api.inject.push(tooMany);
    expect(texts((await connector().fetchPage(null, signal)).posts)).toEqual(['После паузы']);
    api.inject.push({ ...tooMany, headers: { 'retry-after': '120' } });
    const err = await errorOf(connector().fetchPage(null, signal));
    expect(err).toBeInstanceOf(MaxApiError);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 120_000 });
  });

  it('malformed JSON and a body without messages are errors, not zero posts', async () => {
    api.chat(CHAT);
    api.inject.push({ status: 200, body: '{"messages":[{"body":' });
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ name: 'MaxApiError', kind: 'malformed' });
    api.inject.push({ status: 200, body: '{"updates":[]}' });
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ kind: 'malformed', message: expect.stringContaining('no "messages" array') as unknown });
  });

  it('times out a hanging answer', async () => {
    api.chat(CHAT);
    api.inject.push({ delayMs: 2_000 }, { delayMs: 2_000 });
    const err = await errorOf(connector().fetchPage(null, signal));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('timeout');
  });

  it('refuses a redirect to 127.0.0.1 and does not carry the token there', async () => {
    api.chat(CHAT);
    const maxHttp = createHttpClient({
      allowedHosts: ['platform-api.max.ru', '127.0.0.1'],
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      addressPolicy: (address, target) =>
        (target.hostname === 'platform-api.max.ru' && address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
      retries: 0,
    });
    api.inject.push({ location: `http://127.0.0.1:${server.port}/messages?chat_id=${CHAT}` });
    const err = await errorOf(connector({ client: client({ http: maxHttp, apiUrl: `http://platform-api.max.ru:${server.port}` }) }).fetchPage(null, signal));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('forbidden_address');
    expect(server.requests).toHaveLength(1);
  });

  it('keys the rate limit by a hash of the token', () => {
    expect(maxRateLimitKey(BOT_TOKEN)).toMatch(/^max:[0-9a-f]{12}$/);
  });
});

describe('MAX connector under the runner', () => {
  it('queues every message exactly once across a queue outage and a restart', async () => {
    api.chat(CHAT);
    for (let i = 1; i <= 7; i++) api.post(CHAT, `Сообщение ${i}`, NOW - 50 * MIN + i * MIN);
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
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 5_000;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(done()).toBe(true);
    };
    const make = () => connector({ pollIntervalMs: 10, pageSize: 3 });

    const run1 = new AbortController();
    const r1 = runConnector(make(), deps, run1.signal);
    await until(() => queued.length === 7);
    failNext = true;
    api.post(CHAT, 'Во время сбоя очереди', NOW - 2 * MIN);
    await until(() => queued.length === 8 && !failNext);
    run1.abort();
    await r1;

    api.post(CHAT, 'После перезапуска', NOW - MIN);
    const run2 = new AbortController();
    const r2 = runConnector(make(), deps, run2.signal);
    await until(() => queued.length === 9);
    // More requests served (a few more polls): nothing new may arrive from them.
    const served = server.requests.length;
    await until(() => server.requests.length >= served + 4);
    run2.abort();
    await r2;
    expect(queued).toHaveLength(9);
    expect(new Set(queued).size).toBe(9);
  });
});
