/**
 * The MAX updates stream (`GET /updates`) against the fake MAX Bot API on loopback: long polls and
 * markers, fan-out to registered chats, resume after a restart, and MAX's failures.
 */
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, publicAddressesOnly, type HttpClient } from '../../../connectors/http/http-client';
import { createMaxClient, MaxApiError } from '../../../connectors/max/max.client';
import {
  createMaxUpdatesConnector,
  maxUpdatesStreamId,
  parseMaxUpdatesCursor,
  type MaxChatRoute,
  type MaxUpdatesConnectorOptions,
} from '../../../connectors/max/max.updates';
import { SourceFatalError } from '../../../src/domain/connector';
import type { IncomingPost } from '../../../src/domain/post';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';
import type { CursorsRepository } from '../../../src/repositories/cursors.repository';
import { runConnector } from '../../../workers/connector.runner';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';
import { BOT_TOKEN, FakeMaxApi } from './fake-max-api';

const CHAT = '-70123456789';
const CHANNEL = '-70999000111';
const STRANGER = '-70555000222';
const STREAM = maxUpdatesStreamId(BOT_TOKEN);
const HTTP_TIMEOUT_MS = 3_000;
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
    timeoutMs: HTTP_TIMEOUT_MS,
    maxRetryAfterMs: 50,
  });
});
afterAll(() => server.close());
beforeEach(() => {
  api = new FakeMaxApi();
  api.chat(CHAT);
  api.chat(CHANNEL, 'channel');
  api.chat(STRANGER);
  api.attach(server);
  server.requests.length = 0;
});

const routes = new Map<string, MaxChatRoute>([
  [CHAT, { sourceId: `max_chat:${CHAT}`, chatTitle: 'Чат жильцов', municipality: 'omsk' }],
  [CHANNEL, { sourceId: `max_chat:${CHANNEL}`, chatTitle: 'Администрация Кировского округа', municipality: 'omsk-kirovsky' }],
]);

function connector(over: Partial<MaxUpdatesConnectorOptions> & { token?: string } = {}) {
  const { token, ...rest } = over;
  return createMaxUpdatesConnector({
    streamId: STREAM,
    client: createMaxClient({ http, apiUrl: server.origin, token: token ?? BOT_TOKEN }),
    chats: () => routes,
    httpTimeoutMs: HTTP_TIMEOUT_MS,
    longPollSec: 1,
    backfillMs: 10 * 365 * 86_400_000, // the tests' messages are dated years back
    ...rest,
  });
}
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
const marker = (cursor: string | null) => parseMaxUpdatesCursor(cursor).marker;

describe('MAX updates stream: long polling and markers', () => {
  it('maps message_created updates of registered chats to their sources, with the marker as cursor', async () => {
    const t = Date.parse('2026-11-23T11:00:00.000Z');
    const m1 = api.post(CHAT, 'Третий день нет отопления на ул. Масленникова, 70', t);
    api.post(CHANNEL, 'Плановое отключение воды 25 ноября', t + 1000);
    api.pushUpdate({ update_type: 'bot_added', timestamp: t + 1500 });

    const c = connector();
    const page = await c.fetchPage(null, signal);
    expect(page.posts.map((p) => [p.sourceId, p.externalId, p.municipality])).toEqual([
      [`max_chat:${CHAT}`, `${CHAT}:${m1}`, 'omsk'],
      [`max_chat:${CHANNEL}`, expect.stringMatching(new RegExp(`^${CHANNEL}:mid\\.`)), 'omsk-kirovsky'],
    ]);
    for (const p of page.posts) expect(incomingPostSchema.safeParse(p).success).toBe(true);
    expect(page.posts[1]!.author).toEqual({ id: `chat:${CHANNEL}`, name: 'Администрация Кировского округа' });
    expect(page.waitMs).toBe(0);
    // Only message_created asked for; bot_added never came; the marker is the next expected update.
    expect(api.updateQueries[0]).toMatchObject({ types: 'message_created', timeout: '1', limit: '100' });
    expect(api.updateQueries[0]).not.toHaveProperty('marker');
    expect(marker(page.nextCursor)).toBe('3');
    expect(server.requests[0]!.headers.authorization).toBe(BOT_TOKEN);
    expect(server.requests[0]!.path).not.toContain(BOT_TOKEN);

    // The next call sends the marker (acknowledging the first two) and waits in the long poll.
    const started = Date.now();
    const next = c.fetchPage(page.nextCursor, signal);
    setTimeout(() => api.post(CHAT, 'У нас в доме 72 то же самое', t + 5000), 150);
    const page2 = await next;
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(page2.posts.map((p) => p.text)).toEqual(['У нас в доме 72 то же самое']);
    expect(api.updateQueries[1]).toMatchObject({ marker: '3' });
    expect(api.acked).toBe(3);
    expect(marker(page2.nextCursor)).toBe('5');
  });

  it('an empty long poll keeps the cursor and asks again at once; an answer that did not wait earns a pause', async () => {
    const c = connector();
    const started = Date.now();
    const page = await c.fetchPage(JSON.stringify({ v: 1, marker: '1' }), signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the server held it for the 1-s timeout
    expect(page).toEqual({ posts: [], nextCursor: null, waitMs: 0 });

    api.injectUpdates.push({ body: JSON.stringify({ updates: [], marker: 1 }) });
    const quick = await connector({ minIdleMs: 700 }).fetchPage(JSON.stringify({ v: 1, marker: '1' }), signal);
    expect(quick).toEqual({ posts: [], nextCursor: null, waitMs: 700 });
  });

  it('ignores and counts messages of chats not in the registry, and routes a chat as soon as it is registered', async () => {
    const live = new Map(routes);
    const c = connector({ chats: () => live });
    const start = JSON.stringify({ v: 1, marker: String(api.nextMarker) }); // with a marker: every update, not just the latest
    api.post(STRANGER, 'Сообщение из чужого чата', 1_700_000_000_000);
    api.post(CHAT, 'Сообщение из нашего чата', 1_700_000_001_000);
    const page = await c.fetchPage(start, signal);
    expect(page.posts.map((p) => p.text)).toEqual(['Сообщение из нашего чата']);
    expect(c.stats()).toMatchObject({ ignored: 1, ignoredByChat: { [STRANGER]: 1 }, delivered: { [`max_chat:${CHAT}`]: 1 } });

    live.set(STRANGER, { sourceId: `max_chat:${STRANGER}` });
    api.post(STRANGER, 'Теперь чат зарегистрирован', 1_700_000_002_000);
    const page2 = await c.fetchPage(page.nextCursor, signal);
    expect(page2.posts.map((p) => [p.sourceId, p.text])).toEqual([[`max_chat:${STRANGER}`, 'Теперь чат зарегистрирован']]);
    expect(page2.posts[0]).not.toHaveProperty('municipality');
    expect(c.stats().ignored).toBe(1);
  });

  it('a call without a marker gets only the latest update from MAX, and backfills every routed chat at once', async () => {
    const t = Date.parse('2026-11-23T11:00:00.000Z');
    const sent = [api.post(CHAT, 'Утро: нет воды', t), api.post(CHANNEL, 'Отключение воды до 14:00', t + 1_000), api.post(CHAT, 'Днём: воды всё ещё нет', t + 2_000)];
    api.post(STRANGER, 'Чужой чат', t + 2_500);
    api.chat(CHANNEL).removed = true; // the bot was removed from the channel: its backfill fails alone
    const last = api.post(CHAT, 'Вечер: дали воду', t + 3_000);
    const c = connector();
    const page = await c.fetchPage(null, signal);
    // The fake answers a marker-less call as MAX does: the latest update only.
    expect(api.updateQueries[0]).not.toHaveProperty('marker');
    expect(page.posts.map((p) => p.externalId)).toEqual([sent[0], sent[2], last].map((mid) => `${CHAT}:${mid}`));
    expect(c.stats()).toMatchObject({ backfills: 1, backfillFailedByChat: { [CHANNEL]: 1 }, delivered: { [`max_chat:${CHAT}`]: 3 } });
    expect(api.queries.map((q) => q['chat_id']).sort()).toEqual([CHANNEL, CHAT].sort());
    // With the marker, no second backfill.
    api.post(CHAT, 'Ночь', t + 4_000);
    const next = await c.fetchPage(page.nextCursor, signal);
    expect(next.posts.map((p) => p.text)).toEqual(['Ночь']);
    expect(c.stats().backfills).toBe(1);
  });

  it('skips dialogs, other update types and malformed messages without wedging the stream', async () => {
    api.injectUpdates.push({
      body: JSON.stringify({
        updates: [
          { update_type: 'message_created', timestamp: 1, message: { recipient: { chat_id: null, chat_type: 'dialog', user_id: 5 }, timestamp: 1, body: { mid: 'mid.d1', text: 'личное' } } },
          { update_type: 'message_edited', timestamp: 2, message: { recipient: { chat_id: Number(CHAT), chat_type: 'chat' }, timestamp: 2, body: { mid: 'mid.e1', text: 'правка' } } },
          { update_type: 'message_created', timestamp: 3, message: { recipient: { chat_id: Number(CHAT), chat_type: 'chat' }, timestamp: 3, body: { text: 'без mid' } } },
          { update_type: 'message_created', timestamp: 4, message: { recipient: { chat_id: Number(CHAT), chat_type: 'chat' }, timestamp: 4, body: { mid: 'mid.ok', text: 'нормальное' } } },
          { update_type: 'message_created', timestamp: 4, message: { recipient: { chat_id: Number(CHAT), chat_type: 'chat' }, timestamp: 4, body: { mid: 'mid.ok', text: 'нормальное' } } },
        ],
        marker: 42,
      }),
    });
    const c = connector();
    const page = await c.fetchPage(null, signal);
    expect(page.posts.map((p) => p.externalId)).toEqual([`${CHAT}:mid.ok`]);
    expect(marker(page.nextCursor)).toBe('42');
    expect(c.stats()).toMatchObject({ skipped: 2, malformed: 1, ignored: 0 });
  });

  it('keeps an int64 marker above 2^53 digit for digit', async () => {
    api.injectUpdates.push({ body: '{"updates":[],"marker":9007199254740993}' });
    const page = await connector().fetchPage(null, signal);
    expect(marker(page.nextCursor)).toBe('9007199254740993');
  });
});

describe('MAX updates stream: failures', () => {
  it('401 is fatal (auth) and the runner stops the stream', async () => {
    const err = await errorOf(connector({ token: 'maxbot-wrong-token-000000' }).fetchPage(null, signal));
    expect(err).toBeInstanceOf(SourceFatalError);
    expect(err).toMatchObject({ kind: 'auth' });
    expect((err as Error).message).not.toContain('maxbot-');

    const recorded: string[] = [];
    const health = {
      recordSuccess: () => Promise.resolve(),
      recordError: (_id: string, e: unknown) => Promise.resolve(void recorded.push((e as { kind: string }).kind)),
      recordStopped: (id: string) => Promise.resolve(void recorded.push(`stopped:${id}`)),
    };
    const store = new Map<string, string>();
    const cursors: CursorsRepository = { get: (id) => Promise.resolve(store.get(id) ?? null), set: (id, v) => Promise.resolve(void store.set(id, v)) };
    const ctl = new AbortController();
    await runConnector(connector({ token: 'maxbot-wrong-token-000000' }), { ingest: { ingest: () => Promise.reject(new Error('unused')) }, cursors, health, log: pino({ level: 'silent' }) }, ctl.signal);
    expect(ctl.signal.aborted).toBe(false); // returned by itself
    expect(recorded).toEqual(['auth', `stopped:${STREAM}`]);
  });

  it('429 surfaces as rate_limited with the server\'s Retry-After for the runner to wait', async () => {
    const busy = { status: 429, body: '{"code":"too.many.requests","message":"Too many requests"}', headers: { 'retry-after': '7' } };
    api.injectUpdates.push(busy); // longer than the client's own wait (maxRetryAfterMs): surfaces at once
    const err = await errorOf(connector().fetchPage(null, signal));
    expect(err).toBeInstanceOf(MaxApiError);
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7000 });

    // The runner obeys it: the next call comes only after the server's second.
    const soon = { ...busy, headers: { 'retry-after': '1' } };
    api.injectUpdates.push(soon);
    api.post(CHAT, 'После ожидания', 1_700_000_000_000);
    const store = new Map<string, string>();
    const cursors: CursorsRepository = { get: (id) => Promise.resolve(store.get(id) ?? null), set: (id, v) => Promise.resolve(void store.set(id, v)) };
    const got: { at: number; n: number }[] = [];
    const ctl = new AbortController();
    // Stops the loop before its next long poll, so no request outlives this test.
    const ingest = {
      ingest(posts: readonly IncomingPost[]) {
        got.push({ at: Date.now(), n: posts.length });
        ctl.abort();
        return Promise.resolve({ queued: posts.length, rejected: [] });
      },
    };
    const started = Date.now();
    const run = runConnector(connector(), { ingest, cursors, log: pino({ level: 'silent' }), backoff: { baseMs: 1, maxMs: 2 } }, ctl.signal);
    const deadline = Date.now() + 5000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    ctl.abort();
    await run;
    expect(got[0]?.n).toBe(1);
    expect(got[0]!.at - started).toBeGreaterThanOrEqual(950);
    expect(api.injectUpdates).toHaveLength(0);
  });

  it('a body that is not JSON, or has no updates array, is malformed, never a silent empty page', async () => {
    api.injectUpdates.push({ body: '<html>502 Bad Gateway</html>' });
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ name: 'MaxApiError', kind: 'malformed' });
    api.injectUpdates.push({ body: '{"marker":5}' });
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ kind: 'malformed', message: expect.stringContaining('"updates"') });
    api.injectUpdates.push({ body: '{"updates":[],"marker":"abc"}' });
    expect(await errorOf(connector().fetchPage(null, signal))).toMatchObject({ kind: 'malformed', message: expect.stringContaining('marker') });
    // The cursor was not advanced by any of them: the updates are still there.
    api.post(CHAT, 'Всё ещё здесь', 1_700_000_000_000);
    expect((await connector().fetchPage(null, signal)).posts).toHaveLength(1);
  });

  it('a marker MAX refuses (expired) restarts from the last acknowledgement instead of failing forever', async () => {
    api.post(CHAT, 'После потери маркера', 1_700_000_000_000);
    api.rejectMarkersBelow = 100;
    const c = connector();
    const reset = await c.fetchPage(JSON.stringify({ v: 1, marker: '7' }), signal);
    expect(reset).toEqual({ posts: [], nextCursor: JSON.stringify({ v: 1, marker: null }), waitMs: 0 });
    expect(c.stats().markerResets).toBe(1);
    const page = await c.fetchPage(reset.nextCursor, signal);
    expect(page.posts.map((p) => p.text)).toEqual(['После потери маркера']);
  });

  it('refuses a long poll that would outlast the HTTP timeout, and a corrupt cursor', async () => {
    expect(() => connector({ longPollSec: 30, httpTimeoutMs: 30_000 })).toThrow(/must end before the HTTP timeout/);
    expect(await errorOf(connector().fetchPage('{"v":1,"marker":"x1"}', signal))).toMatchObject({ kind: 'cursor' });
    expect(await errorOf(connector().fetchPage('not json', signal))).toMatchObject({ kind: 'cursor' });
  });
});

describe('MAX updates stream with the runner', () => {
  it('resumes from the saved marker after a restart and a failed queue: no gap, no duplicate, acknowledged only after queueing', async () => {
    const store = new Map<string, string>();
    const cursors: CursorsRepository = { get: (id) => Promise.resolve(store.get(id) ?? null), set: (id, v) => Promise.resolve(void store.set(id, v)) };
    const queued: IncomingPost[] = [];
    let failNext = false;
    let ackedAtFailure = 0;
    const ingest = {
      ingest(posts: readonly IncomingPost[]) {
        if (failNext) {
          failNext = false;
          ackedAtFailure = api.acked;
          return Promise.reject(new Error('queue unavailable'));
        }
        queued.push(...posts);
        return Promise.resolve({ queued: posts.length, rejected: [] });
      },
    };
    const health: { id: string; items: number }[] = [];
    const deps = {
      ingest,
      cursors,
      log: pino({ level: 'silent' }),
      backoff: { baseMs: 5, maxMs: 10 },
      health: { recordSuccess: (id: string, p: { items: number }) => Promise.resolve(void health.push({ id, items: p.items })), recordError: () => Promise.resolve() },
    };
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 8_000;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(done()).toBe(true);
    };
    const t = 1_700_000_000_000;
    for (let i = 1; i <= 5; i++) api.post(i % 2 ? CHAT : CHANNEL, `Сообщение ${i}`, t + i);

    const run1 = new AbortController();
    const r1 = runConnector(connector({ limit: 2 }), deps, run1.signal);
    await until(() => queued.length === 5);
    // The queue fails once: MAX must not be told the page is done, and the page comes again.
    failNext = true;
    api.post(CHAT, 'Во время сбоя очереди', t + 10);
    await until(() => queued.length === 6 && !failNext);
    // Update 6 was not acknowledged when its queueing failed, and was asked for again with the same marker.
    expect(ackedAtFailure).toBe(6);
    expect(api.updateQueries.filter((q) => q['marker'] === '6').length).toBeGreaterThanOrEqual(2);
    run1.abort();
    await r1;
    const saved = marker(store.get(STREAM) ?? null);
    expect(saved).toBe('7');

    // Posted while the process is down; the restart resumes at the saved marker.
    api.post(CHANNEL, 'Пока процесс стоял', t + 20);
    api.post(CHAT, 'После перезапуска', t + 30);
    const run2 = new AbortController();
    const r2 = runConnector(connector({ limit: 2 }), deps, run2.signal);
    await until(() => queued.length === 8);
    // More requests served (a few more polls): nothing new may arrive from them.
    const served = server.requests.length;
    await until(() => server.requests.length >= served + 4);
    run2.abort();
    await r2;
    expect(queued.map((p) => p.text)).toEqual(['Сообщение 1', 'Сообщение 2', 'Сообщение 3', 'Сообщение 4', 'Сообщение 5', 'Во время сбоя очереди', 'Пока процесс стоял', 'После перезапуска']);
    expect(new Set(queued.map((p) => p.externalId)).size).toBe(8);
    expect(api.updateQueries.find((q) => q['marker'] === saved)).toBeDefined();
    // Health: the stream under its own id, and each chat's items under its source.
    const total = (id: string) => health.filter((h) => h.id === id).reduce((n, h) => n + h.items, 0);
    expect(total(STREAM)).toBe(8);
    expect(total(`max_chat:${CHAT}`)).toBe(5);
    expect(total(`max_chat:${CHANNEL}`)).toBe(3);
  });
});
