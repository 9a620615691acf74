import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError, publicAddressesOnly, type HttpClient } from '../../../connectors/http/http-client';
import { createOkClient, OkApiError, okRateLimitKey } from '../../../connectors/ok/ok.client';
import { createOkGroupConnector, parseOkCursor, type OkGroupConnectorOptions } from '../../../connectors/ok/ok.connector';
import { SourceFatalError } from '../../../src/domain/connector';
import type { IncomingPost } from '../../../src/domain/post';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';
import type { CursorsRepository } from '../../../src/repositories/cursors.repository';
import { runConnector } from '../../../workers/connector.runner';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';
import { ACCESS_TOKEN, APP_KEY, FakeOkApi, SESSION_SECRET } from './fake-ok-api';

const GID = '54321987650001';
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const MIN = 60_000;
const signal = new AbortController().signal;

let server: FakeServer;
let api: FakeOkApi;
let http: HttpClient;

beforeAll(async () => {
  server = await startFakeServer();
  http = createHttpClient({
    allowedHosts: ['127.0.0.1'],
    addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
    retries: 1,
    backoff: { baseMs: 1, maxMs: 5 },
    timeoutMs: 500,
  });
});
afterAll(() => server.close());
beforeEach(() => {
  api = new FakeOkApi();
  api.attach(server);
  server.requests.length = 0;
});

function client(over: { token?: string; secret?: string; http?: HttpClient; apiUrl?: string } = {}) {
  return createOkClient({
    http: over.http ?? http,
    apiUrl: over.apiUrl ?? `${server.origin}/fb.do`,
    applicationKey: APP_KEY,
    accessToken: over.token ?? ACCESS_TOKEN,
    sessionSecretKey: over.secret ?? SESSION_SECRET,
  });
}
function connector(over: Partial<OkGroupConnectorOptions> = {}) {
  return createOkGroupConnector({
    sourceId: `ok_group:${GID}`,
    groupId: GID,
    comments: true,
    client: client(),
    municipality: 'omsk',
    pollIntervalMs: 60_000,
    now: () => new Date(NOW),
    ...over,
  });
}
const texts = (posts: IncomingPost[]) => posts.map((p) => p.text);
const fixture = (name: string) => readFileSync(join(__dirname, '../../../connectors/ok/fixtures', name), 'utf8');
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('OK connector against a fake OK API', () => {
  it('first poll: topics within the look-back and their comments, oldest first, signed, valid for the pipeline', async () => {
    api.group(GID);
    api.publish(GID, 'Старая тема', NOW - 10 * 86_400_000);
    const t1 = api.publish(GID, 'Нет отопления на Масленникова', NOW - 60 * MIN);
    api.publish(GID, 'Приём граждан по вторникам', NOW - 30 * 86_400_000, { is_sticky: true });
    const t2 = api.publish(GID, 'Аварийные работы на теплотрассе', NOW - 30 * MIN);
    api.comment(GID, t1, 'Когда дадут тепло?', NOW - 50 * MIN);
    api.comment(GID, t2, 'Бригада на месте', NOW - 20 * MIN);

    const page = await connector().fetchPage(null, signal);
    expect(texts(page.posts)).toEqual(['Нет отопления на Масленникова', 'Когда дадут тепло?', 'Аварийные работы на теплотрассе', 'Бригада на месте']);
    for (const p of page.posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(page.posts[0]).toMatchObject({
      network: 'ok',
      kind: 'post',
      externalId: `${GID}_${t1}`,
      url: `https://ok.ru/group/${GID}/topic/${t1}`,
      author: { id: `group:${GID}`, name: 'Администрация Центрального района' },
      municipality: 'omsk',
    });
    expect(page.posts[1]).toMatchObject({ kind: 'comment', parentExternalId: `${GID}_${t1}`, author: { id: 'user:571234567891', name: 'Пётр Иванов' } });
    expect(page.waitMs).toBe(60_000);
    // The token travels in the form body only, never in the URL.
    for (const r of server.requests) expect(r.path).toBe('/fb.do');
    expect(api.calls.every((c) => c.params['access_token'] === ACCESS_TOKEN && /^[0-9a-f]{32}$/.test(c.params['sig'] ?? ''))).toBe(true);
  });

  it('pages backwards through a burst with the anchor and delivers every topic exactly once', async () => {
    api.group(GID);
    const first = await connector({ pageSize: 5, comments: false }).fetchPage(null, signal);
    expect(first.posts).toEqual([]);
    for (let i = 1; i <= 23; i++) api.publish(GID, `Тема ${i}`, NOW - 100 * MIN + i * MIN);
    let cursor = first.nextCursor;
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      const page = await connector({ pageSize: 5, comments: false }).fetchPage(cursor, signal);
      pages++;
      seen.push(...texts(page.posts));
      cursor = page.nextCursor;
      if (page.waitMs > 0) break;
      expect(pages).toBeLessThan(20);
    }
    expect(pages).toBe(5);
    expect(seen.sort()).toEqual(Array.from({ length: 23 }, (_, i) => `Тема ${i + 1}`).sort());
    expect(api.calls.filter((c) => c.method === 'mediatopic.getTopics' && c.params['anchor']).length).toBe(4);
    // Nothing new: nothing delivered.
    expect((await connector({ pageSize: 5, comments: false }).fetchPage(cursor, signal)).posts).toEqual([]);
  });

  it('resumes after a restart with no gap and no duplicate; an unsaved page is replayed identically', async () => {
    api.group(GID);
    const t1 = api.publish(GID, 'Первая тема', NOW - 60 * MIN);
    api.comment(GID, t1, 'Первый комментарий', NOW - 55 * MIN);
    const saved = (await connector().fetchPage(null, signal)).nextCursor;

    api.publish(GID, 'Вторая тема', NOW - 10 * MIN);
    api.comment(GID, t1, 'Второй комментарий', NOW - 5 * MIN);
    const lost = await connector().fetchPage(saved, signal); // crash before these are queued
    expect(texts(lost.posts)).toEqual(['Вторая тема', 'Второй комментарий']);
    const replay = await connector().fetchPage(saved, signal);
    expect(replay.posts.map((p) => p.externalId)).toEqual(lost.posts.map((p) => p.externalId));

    const after = await connector().fetchPage(replay.nextCursor, signal);
    expect(after.posts).toEqual([]);
    expect(parseOkCursor(after.nextCursor).topics.map((t) => t.n).sort()).toEqual([0, 2]);
  });

  it('flood and limit errors slow down with a wait, and keep the cursor', async () => {
    api.group(GID);
    api.inject.push({ body: fixture('error-flood.json') });
    const flood = await errorOf(connector().fetchPage(null, signal));
    expect(flood).toBeInstanceOf(OkApiError);
    expect(flood).toMatchObject({ kind: 'flood', code: 8, retryAfterMs: 60_000 });

    api.inject.push({ body: fixture('error-limit.json') });
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ kind: 'quota', code: 11, retryAfterMs: 30 * MIN });
  });

  it('an expired session or a bad signature stops the source (SourceFatalError auth) without naming the token', async () => {
    api.group(GID);
    const expired = await errorOf(connector({ client: client({ token: 'revoked-token-0123456789' }) }).fetchPage(null, signal));
    expect(expired).toBeInstanceOf(SourceFatalError);
    expect(expired).toMatchObject({ kind: 'auth' });
    expect((expired as Error).message).toContain('error 102');
    expect((expired as Error).message).not.toContain('revoked-token');

    const badSig = await errorOf(connector({ client: client({ secret: 'ffffffffffffffffffffffffffffffff' }) }).fetchPage(null, signal));
    expect(badSig).toMatchObject({ kind: 'auth' });
    expect((badSig as Error).message).toContain('error 104');
    expect((badSig as Error).message).not.toContain(ACCESS_TOKEN);
  });

  it('a missing group is source_deleted, a restricted one source_private', async () => {
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ name: 'SourceFatalError', kind: 'source_deleted' });
    api.group(GID).errorCode = 456;
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ name: 'SourceFatalError', kind: 'source_private' });
    // The documented bodies, as OK sends them.
    for (const [name, kind] of [['error-group-not-found.json', 'source_deleted'], ['error-group-restricted.json', 'source_private'], ['error-session-expired.json', 'auth'], ['error-signature.json', 'auth']]) {
      api.inject.push({ body: fixture(name!) });
      expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ name: 'SourceFatalError', kind });
    }
  });

  it('a deleted topic stops being followed; the source goes on', async () => {
    api.group(GID);
    const t1 = api.publish(GID, 'Тема, которую удалят', NOW - 60 * MIN);
    const t2 = api.publish(GID, 'Живая тема', NOW - 50 * MIN);
    const first = await connector().fetchPage(null, signal);
    api.deletedTopics.add(t1);
    api.comment(GID, t2, 'Новый комментарий', NOW - 5 * MIN);
    const next = await connector().fetchPage(first.nextCursor, signal);
    expect(texts(next.posts)).toEqual(['Новый комментарий']);
    expect(parseOkCursor(next.nextCursor).topics.map((t) => t.id)).toEqual([t2]);
  });

  it('malformed JSON is an error with a reason, not zero posts', async () => {
    api.group(GID);
    api.inject.push({ body: '{"media_topics":[{"id":"1",' });
    const err = await errorOf(connector().fetchPage(null, signal));
    expect(err).toBeInstanceOf(OkApiError);
    expect(err).toMatchObject({ kind: 'malformed' });
    expect((err as Error).message).toMatch(/^OK mediatopic\.getTopics: response is not JSON/);
  });

  it('times out a hanging answer (HttpError timeout) after its retries', async () => {
    api.group(GID);
    api.inject.push({ delayMs: 2_000 }, { delayMs: 2_000 });
    const err = await errorOf(connector().fetchPage(null, signal));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('timeout');
  });

  it('refuses a redirect to 127.0.0.1 (SSRF)', async () => {
    api.group(GID);
    // api.ok.ru resolves to the fake server, which is admitted for that name only; the redirect
    // target is a loopback literal the default policy refuses.
    const okHttp = createHttpClient({
      allowedHosts: ['api.ok.ru', '127.0.0.1'],
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      addressPolicy: (address, target) => (target.hostname === 'api.ok.ru' && address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
      retries: 0,
    });
    api.inject.push({ location: `http://127.0.0.1:${server.port}/fb.do` });
    const err = await errorOf(connector({ client: client({ http: okHttp, apiUrl: `http://api.ok.ru:${server.port}/fb.do` }) }).fetchPage(null, signal));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('forbidden_address');
  });

  it('keys the rate limit by a hash of the token, never the token', () => {
    const key = okRateLimitKey(ACCESS_TOKEN);
    expect(key).toMatch(/^ok:[0-9a-f]{12}$/);
    expect(key).not.toContain(ACCESS_TOKEN.slice(0, 6));
  });
});

describe('OK connector under the runner', () => {
  it('queues every topic and comment exactly once across a queue outage and a restart', async () => {
    api.group(GID);
    const t1 = api.publish(GID, 'Тема 1', NOW - 60 * MIN);
    api.publish(GID, 'Тема 2', NOW - 50 * MIN);
    api.comment(GID, t1, 'Комментарий 1', NOW - 40 * MIN);
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

    const run1 = new AbortController();
    const r1 = runConnector(connector({ pollIntervalMs: 10, pageSize: 1 }), deps, run1.signal);
    await until(() => queued.length === 3);
    failNext = true;
    api.comment(GID, t1, 'Комментарий во время сбоя', NOW - 5 * MIN);
    await until(() => queued.length === 4 && !failNext);
    run1.abort();
    await r1;

    const t3 = api.publish(GID, 'Тема 3 после перезапуска', NOW - 2 * MIN);
    api.comment(GID, t3, 'Комментарий к теме 3', NOW - MIN);
    const run2 = new AbortController();
    const r2 = runConnector(connector({ pollIntervalMs: 10, pageSize: 1 }), deps, run2.signal);
    await until(() => queued.length === 6);
    // More requests served (a few more polls): nothing new may arrive from them.
    const served = server.requests.length;
    await until(() => server.requests.length >= served + 4);
    run2.abort();
    await r2;

    expect(new Set(queued).size).toBe(queued.length);
    expect(queued).toHaveLength(6);
  });
});
