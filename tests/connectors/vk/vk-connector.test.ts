import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError, publicAddressesOnly, type HttpClient } from '../../../connectors/http/http-client';
import { createVkClient, VK_API_VERSION, VkApiError, vkRateLimitKey, type VkRetryPolicy } from '../../../connectors/vk/vk.client';
import {
  createVkSearchConnector,
  createVkWallConnector,
  ownerParam,
  parseVkSearchCursor,
  parseVkWallCursor,
  VkCursorError,
  type VkWallConnectorOptions,
} from '../../../connectors/vk/vk.connector';
import { loadConfig } from '../../../src/config/env';
import { SourceFatalError, type Connector } from '../../../src/domain/connector';
import type { IncomingPost } from '../../../src/domain/post';
import type { Source } from '../../../src/domain/source';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';
import type { CursorsRepository } from '../../../src/repositories/cursors.repository';
import { ConnectorConfigError, createConnectorFor } from '../../../workers/connector.factory';
import { runConnector } from '../../../workers/connector.runner';
import { FakeVk, SERVICE_TOKEN, TOKEN } from './fake-vk';
import { sameLimiterForEveryNetwork } from '../helpers/limiters';

const signal = new AbortController().signal;
const GROUP = 170123456;
const OWNER = -GROUP;
const RESIDENT = 422222222;

let vk: FakeVk;
let http: HttpClient;

beforeAll(async () => {
  vk = await FakeVk.start();
  http = createHttpClient({
    allowedHosts: ['127.0.0.1'],
    addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === vk.server.port) || publicAddressesOnly(address, target),
    retries: 1,
    backoff: { baseMs: 1, maxMs: 5 },
    timeoutMs: 1_000,
  });
});
afterAll(() => vk.close());

beforeEach(() => {
  vk.reset();
  vk.addGroup(GROUP, 'Администрация города Омска', 'omsk_adm');
  vk.addProfile(RESIDENT, 'Алексей', 'Иванов');
});

const client = (retry: Partial<VkRetryPolicy> = {}, token = TOKEN) => createVkClient({ http, apiUrl: vk.apiUrl, token, retry });
function wall(over: Partial<VkWallConnectorOptions> = {}): Connector {
  return createVkWallConnector({ sourceId: 'vk_wall:omsk_adm', owner: 'omsk_adm', comments: false, municipality: 'omsk', client: client(), pollIntervalMs: 60_000, ...over });
}
const ids = (posts: IncomingPost[]) => posts.map((p) => p.externalId);
const fail = (p: Promise<unknown>) => p.then(() => expect.unreachable('should have failed'), (e: unknown) => e);

describe('VK client wire format', () => {
  it('POSTs a form with the token and the pinned version, never in the URL', async () => {
    vk.publish(OWNER, 'Пост');
    await wall().fetchPage(null, signal);
    const call = vk.methodCalls('wall.get')[0]!;
    expect(call.tokenInUrl).toBe(false);
    expect(call.params).toMatchObject({ domain: 'omsk_adm', count: '100', offset: '0', extended: '1', filter: 'all', v: VK_API_VERSION });
    expect(vk.server.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('execute: a failed sub-call is false, with its execute_errors entry (VK fixture)', async () => {
    const body = readFileSync(new URL('../../../connectors/vk/fixtures/execute-getComments-partial.json', import.meta.url), 'utf8');
    vk.fail('execute', { malformed: body }); // serves the fixture verbatim
    const calls = [1, 2].map((n) => ({ method: 'wall.getComments', params: { owner_id: OWNER, post_id: n } }));
    const { results, errors } = await client().execute<{ items: unknown[] }>(calls, signal);
    expect(results[0]).toMatchObject({ count: 1 });
    expect(results[1]).toBe(false);
    expect(errors).toEqual([{ method: 'wall.getComments', error_code: 15, error_msg: 'Access denied: post was deleted' }]);
    expect(String(vk.methodCalls('execute')[0]!.params.code)).toBe(
      'return [API.wall.getComments({"owner_id":-170123456,"post_id":1}),API.wall.getComments({"owner_id":-170123456,"post_id":2})];',
    );
  });

  it('keys the shared rate limit by a hash of the token, never the token', () => {
    const key = vkRateLimitKey(TOKEN);
    expect(key).toMatch(/^vk:[0-9a-f]{12}$/);
    expect(key).not.toContain(TOKEN.slice(0, 12));
  });

  it('reads owners as ids, club/public/id names, screen names and URLs', () => {
    expect(ownerParam('-170123456')).toEqual({ owner_id: -170123456 });
    expect(ownerParam('club170123456')).toEqual({ owner_id: -170123456 });
    expect(ownerParam('https://vk.com/public170123456')).toEqual({ owner_id: -170123456 });
    expect(ownerParam('id411111111')).toEqual({ owner_id: 411111111 });
    expect(ownerParam('https://m.vk.com/omsk_adm?w=wall')).toEqual({ domain: 'omsk_adm' });
  });
});

describe('VK wall connector', () => {
  it('first poll delivers the wall’s latest page, oldest first, valid for the pipeline', async () => {
    vk.publish(OWNER, 'Правила сообщества', { is_pinned: 1, date: 1736499600 });
    vk.publish(OWNER, 'Отключение воды в Ленинском округе');
    vk.publish(OWNER, 'Ремонт дороги на ул. Ленина');
    const page = await wall().fetchPage(null, signal);
    expect(page.posts.map((p) => p.text)).toEqual(['Правила сообщества', 'Отключение воды в Ленинском округе', 'Ремонт дороги на ул. Ленина']);
    for (const p of page.posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(page.posts[1]).toMatchObject({ sourceId: 'vk_wall:omsk_adm', municipality: 'omsk', author: { name: 'Администрация города Омска' } });
    expect(page.waitMs).toBe(60_000);
    expect(parseVkWallCursor(page.nextCursor)).toMatchObject({ v: 1, kind: 'vk_wall', owner: OWNER, wm: vk.clock });
  });

  it('a restart from the saved cursor delivers only what is new: no gap, no duplicate', async () => {
    vk.publish(OWNER, 'Старый пост 1');
    vk.publish(OWNER, 'Старый пост 2');
    const first = await wall().fetchPage(null, signal);
    expect(first.posts).toHaveLength(2);
    expect((await wall().fetchPage(first.nextCursor, signal)).posts).toEqual([]);
    const fresh = [vk.publish(OWNER, 'Новый пост 1'), vk.publish(OWNER, 'Новый пост 2')];
    const lost = await wall().fetchPage(first.nextCursor, signal); // crash before the posts are queued
    expect(ids(lost.posts)).toEqual(fresh.map((p) => `${OWNER}_${p.id}`));
    const replay = await wall().fetchPage(first.nextCursor, signal);
    expect(ids(replay.posts)).toEqual(ids(lost.posts));
    expect((await wall().fetchPage(replay.nextCursor, signal)).posts).toEqual([]);
  });

  it('pages back through many new posts; an old pinned post neither stops paging nor repeats', async () => {
    vk.publish(OWNER, 'Закреплённый пост', { is_pinned: 1, date: 1736499600, id: 5 });
    vk.publish(OWNER, 'Пост до запуска');
    const first = await wall({ pageSize: 5 }).fetchPage(null, signal);
    const burst = Array.from({ length: 12 }, (_, i) => vk.publish(OWNER, `Новость ${i + 1}`));
    vk.calls.length = 0;
    const second = await wall({ pageSize: 5 }).fetchPage(first.nextCursor, signal);
    expect(ids(second.posts)).toEqual(burst.map((p) => `${OWNER}_${p.id}`));
    expect(vk.methodCalls('wall.get').map((c) => c.params.offset)).toEqual(['0', '5', '10']);
    expect((await wall({ pageSize: 5 }).fetchPage(second.nextCursor, signal)).posts).toEqual([]);
  });

  it('a newly pinned new post is delivered once, and unpinning it later does not repeat it', async () => {
    vk.publish(OWNER, 'Пост 1');
    const first = await wall().fetchPage(null, signal);
    const pinned = vk.publish(OWNER, 'Важно: график отключений', { is_pinned: 1 });
    const second = await wall().fetchPage(first.nextCursor, signal);
    expect(ids(second.posts)).toEqual([`${OWNER}_${pinned.id}`]);
    pinned.is_pinned = 0;
    expect((await wall().fetchPage(second.nextCursor, signal)).posts).toEqual([]);
  });

  it('a scheduled post published with an older id is still delivered (dates, not ids, order the wall)', async () => {
    vk.publish(OWNER, 'Пост 1');
    const first = await wall().fetchPage(null, signal);
    const scheduled = vk.publish(OWNER, 'Отложенная публикация', { id: 50 }); // id taken when it was scheduled
    const second = await wall().fetchPage(first.nextCursor, signal);
    expect(ids(second.posts)).toEqual([`${OWNER}_${scheduled.id}`]);
  });

  it('delivers new comments and thread replies in one execute per 25 posts, then only newer ones', async () => {
    const posts = Array.from({ length: 30 }, (_, i) => vk.publish(OWNER, `Пост ${i + 1}`));
    const target = posts[29]!;
    const c1 = vk.comment(OWNER, target.id, RESIDENT, 'Когда дадут воду?');
    const r1 = vk.comment(OWNER, target.id, OWNER, 'Здравствуйте! К 18:00.', c1.id);
    const c = wall({ comments: true });
    vk.calls.length = 0;
    const first = await c.fetchPage(null, signal);
    expect(vk.methodCalls('execute')).toHaveLength(2); // 30 tracked posts: 25 + 5 calls
    expect(vk.methodCalls('wall.getComments')).toHaveLength(0); // never one request per post
    const comments = first.posts.filter((p) => p.kind === 'comment');
    expect(comments.map((p) => [p.externalId, p.parentExternalId, p.url])).toEqual([
      [`${OWNER}_${target.id}_c${c1.id}`, `${OWNER}_${target.id}`, `https://vk.com/wall${OWNER}_${target.id}?reply=${c1.id}`],
      [`${OWNER}_${target.id}_c${r1.id}`, `${OWNER}_${target.id}`, `https://vk.com/wall${OWNER}_${target.id}?reply=${r1.id}&thread=${c1.id}`],
    ]);
    const execCode = String(vk.methodCalls('execute')[0]!.params.code);
    expect(execCode).toMatch(/^return \[API\.wall\.getComments\(\{"owner_id":-170123456,"post_id":\d+,"need_likes":1,"extended":1,"count":100,"sort":"desc","preview_length":0,"offset":0,"thread_items_count":10\}\),/);

    const c2 = vk.comment(OWNER, posts[3]!.id, RESIDENT, 'И у нас во дворе яма');
    const r2 = vk.comment(OWNER, target.id, RESIDENT, 'Спасибо за ответ', c1.id);
    const second = await wall({ comments: true }).fetchPage(first.nextCursor, signal);
    expect(ids(second.posts).sort()).toEqual([`${OWNER}_${posts[3]!.id}_c${c2.id}`, `${OWNER}_${target.id}_c${r2.id}`].sort());
    expect((await wall({ comments: true }).fetchPage(second.nextCursor, signal)).posts).toEqual([]);
  });

  it('reads long threads and comment pages beyond the first, without repeats', async () => {
    const post = vk.publish(OWNER, 'Обсуждение ремонта');
    const first = await wall({ comments: true }).fetchPage(null, signal);
    const top = vk.comment(OWNER, post.id, RESIDENT, 'Вопрос');
    const replies = Array.from({ length: 14 }, (_, i) => vk.comment(OWNER, post.id, RESIDENT, `Ответ ${i + 1}`, top.id));
    const more = Array.from({ length: 120 }, (_, i) => vk.comment(OWNER, post.id, RESIDENT, `Комментарий ${i + 1}`));
    const second = await wall({ comments: true }).fetchPage(first.nextCursor, signal);
    const expected = [top, ...replies, ...more].map((c) => `${OWNER}_${post.id}_c${c.id}`);
    expect(ids(second.posts).sort()).toEqual(expected.sort());
    expect(new Set(ids(second.posts)).size).toBe(second.posts.length);
    const reply = vk.comment(OWNER, post.id, OWNER, 'Ответ администрации', top.id);
    const third = await wall({ comments: true }).fetchPage(second.nextCursor, signal);
    expect(ids(third.posts)).toEqual([`${OWNER}_${post.id}_c${reply.id}`]);
  });

  it('a post deleted while tracked leaves tracking; comments of the others keep coming', async () => {
    const a = vk.publish(OWNER, 'Пост A');
    const b = vk.publish(OWNER, 'Пост B');
    const warnings: object[] = [];
    const log = { warn: (o: object) => void warnings.push(o) };
    const first = await wall({ comments: true, log }).fetchPage(null, signal);
    vk.walls.get(OWNER)!.deleted.add(a.id);
    const cb = vk.comment(OWNER, b.id, RESIDENT, 'Комментарий к B');
    const second = await wall({ comments: true, log }).fetchPage(first.nextCursor, signal);
    expect(ids(second.posts)).toEqual([`${OWNER}_${b.id}_c${cb.id}`]);
    expect(parseVkWallCursor(second.nextCursor)!.posts.map((p) => p.id)).toEqual([b.id]);
    expect(warnings).toEqual([{ sourceId: 'vk_wall:omsk_adm', code: 15, reason: 'access_denied' }]);
  });

  it('a service token (VK refuses it execute, error 28) reads comments by plain calls and never stops the wall', async () => {
    const a = vk.publish(OWNER, 'Пост A');
    const b = vk.publish(OWNER, 'Пост B');
    const warnings: object[] = [];
    const log = { warn: (o: object) => void warnings.push(o) };
    const svc = () => wall({ comments: true, log, client: client({}, SERVICE_TOKEN) });
    const first = await svc().fetchPage(null, signal);
    expect(ids(first.posts).sort()).toEqual([`${OWNER}_${a.id}`, `${OWNER}_${b.id}`].sort());
    expect(parseVkWallCursor(first.nextCursor)!.nx).toBe(1);
    expect(warnings).toEqual([{ sourceId: 'vk_wall:omsk_adm', code: 28 }]);
    vk.walls.get(OWNER)!.deleted.add(a.id);
    const cb = vk.comment(OWNER, b.id, RESIDENT, 'Комментарий к B');
    vk.calls.length = 0;
    const second = await svc().fetchPage(first.nextCursor, signal);
    expect(ids(second.posts)).toEqual([`${OWNER}_${b.id}_c${cb.id}`]);
    expect(vk.methodCalls('execute')).toHaveLength(0); // the cursor remembers: execute is not tried again
    expect(vk.methodCalls('wall.getComments')).toHaveLength(2);
    expect(parseVkWallCursor(second.nextCursor)!.posts.map((p) => p.id)).toEqual([b.id]);
  });

  it('captcha (error 14) is its own state: a long wait, not a blind retry, and the source is not stopped', async () => {
    vk.publish(OWNER, 'Пост');
    vk.fail('wall.get', { code: 14 });
    const err = await fail(wall().fetchPage(null, signal));
    expect(err).toBeInstanceOf(VkApiError);
    expect(err).toMatchObject({ kind: 'captcha', code: 14, retryAfterMs: 30 * 60_000 });
    expect((err as Error).message).not.toContain('captcha_sid');
  });

  it('an invalid cursor is refused with a clear message', async () => {
    const err = await fail(wall().fetchPage('{"v":2}', signal));
    expect(err).toBeInstanceOf(VkCursorError);
    expect((err as Error).message).toMatch(/^invalid VK wall cursor/);
  });
});

describe('VK errors as VK documents them', () => {
  it.each([
    [6, 'rate_limited', 1_500],
    [9, 'flood', 60_000],
    [29, 'quota', 30 * 60_000],
  ])('error %i slows down: kind %s, retryAfterMs %i, cursor untouched', async (code, kind, wait) => {
    vk.publish(OWNER, 'Пост');
    vk.fail('wall.get', { code });
    const err = await fail(wall().fetchPage(null, signal));
    expect(err).toBeInstanceOf(VkApiError);
    expect(err).toMatchObject({ kind, code, retryAfterMs: wait });
    expect((await wall().fetchPage(null, signal)).posts).toHaveLength(1); // next try works
  });

  it.each([
    [5, 'auth'],
    [15, 'source_private'],
    [30, 'source_private'],
    [18, 'source_deleted'],
    [100, 'source_invalid'],
  ])('error %i on the wall stops the source: SourceFatalError(%s)', async (code, kind) => {
    vk.fail('wall.get', { code });
    const err = await fail(wall().fetchPage(null, signal));
    expect(err).toBeInstanceOf(SourceFatalError);
    expect((err as SourceFatalError).kind).toBe(kind);
    expect((err as Error).message).toContain(`error ${code}`);
  });

  it('a wrong token is error 5 from VK, and neither token appears in the message', async () => {
    const c = wall({ client: client({}, 'vk1.a.revoked-token-should-never-be-logged') });
    const err = await fail(c.fetchPage(null, signal));
    expect(err).toBeInstanceOf(SourceFatalError);
    expect((err as SourceFatalError).kind).toBe('auth');
    expect((err as Error).message).not.toContain('revoked-token');
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it('a rate limit inside execute slows down the whole page; nothing is lost', async () => {
    const post = vk.publish(OWNER, 'Пост');
    const first = await wall({ comments: true }).fetchPage(null, signal);
    const cm = vk.comment(OWNER, post.id, RESIDENT, 'Комментарий');
    vk.fail('execute', { code: 6 });
    expect(await fail(wall({ comments: true }).fetchPage(first.nextCursor, signal))).toMatchObject({ kind: 'rate_limited' });
    expect(ids((await wall({ comments: true }).fetchPage(first.nextCursor, signal)).posts)).toEqual([`${OWNER}_${post.id}_c${cm.id}`]);
  });

  it('execute refused as a whole: error 5 stops the source, error 15 only fails the page', async () => {
    vk.publish(OWNER, 'Пост');
    const first = await wall({ comments: true }).fetchPage(null, signal);
    vk.fail('execute', { code: 15 });
    const denied = await fail(wall({ comments: true }).fetchPage(first.nextCursor, signal));
    expect(denied).toBeInstanceOf(VkApiError);
    expect(denied).toMatchObject({ kind: 'access_denied', code: 15 });
    vk.fail('execute', { code: 5 });
    expect(await fail(wall({ comments: true }).fetchPage(first.nextCursor, signal))).toMatchObject({ name: 'SourceFatalError', kind: 'auth' });
  });

  it('malformed JSON is a retryable error naming the method', async () => {
    vk.fail('wall.get', { malformed: '{"response":{"count":3,"items":[{"id":1,' });
    const err = await fail(wall().fetchPage(null, signal));
    expect(err).toBeInstanceOf(VkApiError);
    expect(err).toMatchObject({ kind: 'malformed', retryAfterMs: 5_000 });
    expect((err as Error).message).toMatch(/^VK wall\.get: answer is not JSON \(HTTP 200, \d+ bytes\)$/);
  });

  it('a proxy error page (502) is retried by the HTTP client, then reported as HttpError', async () => {
    vk.fail('wall.get', { status: 502, body: '<html><body>502 Bad Gateway</body></html>' });
    vk.fail('wall.get', { status: 502, body: '<html><body>502 Bad Gateway</body></html>' });
    const err = await fail(wall().fetchPage(null, signal));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ kind: 'status', status: 502 });
  });

  it('a VK that never answers times out', async () => {
    vk.fail('wall.get', { hang: true });
    vk.fail('wall.get', { hang: true });
    const err = await fail(wall().fetchPage(null, signal));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('timeout');
  });

  it('refuses a redirect to 127.0.0.1 or to another loopback port; the token stays in the body', async () => {
    const vkHttp = createHttpClient({
      allowedHosts: ['api.vk.com'],
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      addressPolicy: (address, target) => address === '127.0.0.1' && target.port === vk.server.port,
      retries: 0,
    });
    const c = wall({ client: createVkClient({ http: vkHttp, apiUrl: `http://api.vk.com:${vk.server.port}/method`, token: TOKEN }) });
    vk.fail('wall.get', { redirect: `http://127.0.0.1:${vk.server.port}/method/wall.get` });
    const toLoopback = await fail(c.fetchPage(null, signal));
    expect(toLoopback).toMatchObject({ kind: 'forbidden_host' });
    vk.fail('wall.get', { redirect: 'http://api.vk.com:6379/' });
    const toRedis = await fail(c.fetchPage(null, signal));
    expect(toRedis).toMatchObject({ kind: 'forbidden_address' });
    expect(String((toRedis as Error).message)).not.toContain(TOKEN);
    expect(vk.calls.every((x) => !x.tokenInUrl)).toBe(true);
  });

  it('the runner obeys a flood wait, then stops the source on error 5 with an alert', async () => {
    vk.publish(OWNER, 'Пост');
    const store = new Map<string, string>();
    const cursors: CursorsRepository = {
      get: (k) => Promise.resolve(store.get(k) ?? null),
      set: (k, v) => {
        store.set(k, v);
        return Promise.resolve();
      },
    };
    const errors: string[] = [];
    const stopped: string[] = [];
    const health = {
      recordSuccess: () => Promise.resolve(),
      recordError: (_id: string, e: unknown) => Promise.resolve(void errors.push((e as { kind: string }).kind)),
      recordStopped: (_id: string, e: { kind: string }) => Promise.resolve(void stopped.push(e.kind)),
    };
    const queued: string[] = [];
    const ingest = { ingest: (posts: readonly IncomingPost[]) => Promise.resolve({ queued: queued.push(...ids([...posts])), rejected: [] }) };
    vk.fail('wall.get', { code: 9 });
    vk.fail('wall.get', { code: 5 });
    // The flood wait (400 ms here) is longer than the runner's own back-off (5 ms): it is obeyed.
    const c = wall({ client: client({ floodMs: 400 }) });
    const t0 = Date.now();
    const run = runConnector(c, { ingest, cursors, health, log: pino({ level: 'silent' }), backoff: { baseMs: 5, maxMs: 5 } }, new AbortController().signal);
    await run; // returns by itself: error 5 stops the source
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    expect(errors).toEqual(['flood', 'auth']);
    expect(stopped).toEqual(['auth']);
    expect(queued).toEqual([]);
    expect(store.size).toBe(0);
  });
});

describe('VK search connector', () => {
  const NOW = () => new Date(vk.clock * 1000 + 1000);
  function search(over: Partial<Parameters<typeof createVkSearchConnector>[0]> = {}) {
    return createVkSearchConnector({ sourceId: 'vk_search:вода', query: 'вода', client: client(), pageSize: 3, now: NOW, ...over });
  }
  beforeEach(() => {
    vk.addGroup(31000002, 'Омск Live', 'omsklive');
    vk.addProfile(455555555, 'Дмитрий', 'Кузнецов');
  });

  it('pages with next_from inside one sweep, then waits; a restart mid-sweep resumes it', async () => {
    const found = Array.from({ length: 7 }, (_, i) => vk.publish(i % 2 ? OWNER : -31000002, `Ржавая вода из крана, сообщение ${i + 1}`));
    vk.publish(OWNER, 'Про дороги'); // does not match
    const p1 = await search().fetchPage(null, signal);
    expect(p1.waitMs).toBe(0);
    expect(parseVkSearchCursor(p1.nextCursor)!.sweep).toMatchObject({ from: 'o3' });
    // Restart: a new instance continues from the saved sweep.
    const p2 = await search().fetchPage(p1.nextCursor, signal);
    const p3 = await search().fetchPage(p2.nextCursor, signal);
    expect(p3.waitMs).toBe(5 * 60_000);
    const all = [...p1.posts, ...p2.posts, ...p3.posts];
    expect(ids(all).sort()).toEqual(found.map((p) => `${p.owner_id}_${p.id}`).sort());
    const call = vk.methodCalls('newsfeed.search')[1]!;
    expect(call.params).toMatchObject({ q: 'вода', extended: '1', count: '3', start_from: 'o3' });
    expect(parseVkSearchCursor(p3.nextCursor)!.sweep).toBeUndefined();
  });

  it('the next sweep overlaps the last one: late-indexed posts come, seen ones do not repeat', async () => {
    vk.publish(OWNER, 'Вода 1');
    vk.publish(OWNER, 'Вода 2');
    let cursor: string | null = null;
    const delivered: string[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await search().fetchPage(cursor, signal);
      delivered.push(...ids(page.posts));
      cursor = page.nextCursor;
    }
    expect(delivered).toHaveLength(2);
    // A post dated before the last sweep's end that VK's index only now returns.
    const wm1 = parseVkSearchCursor(cursor)!.wm!;
    const late = vk.publish(OWNER, 'Вода 3 (проиндексирован с задержкой)', { date: wm1 - 120 });
    const fresh = vk.publish(OWNER, 'Вода 4');
    const before = vk.methodCalls('newsfeed.search').length;
    for (let i = 0; i < 3; i++) {
      const page = await search().fetchPage(cursor, signal);
      delivered.push(...ids(page.posts));
      cursor = page.nextCursor;
    }
    expect(delivered.slice(2).sort()).toEqual([`${OWNER}_${late.id}`, `${OWNER}_${fresh.id}`].sort());
    expect(vk.methodCalls('newsfeed.search')[before]!.params.start_time).toBe(String(wm1 - 15 * 60));
  });

  it('passes the geo point and the first sweep’s lookback', async () => {
    await search({ geo: { latitude: 54.98, longitude: 73.37 }, initialLookbackSec: 3600 }).fetchPage(null, signal);
    const p = vk.methodCalls('newsfeed.search')[0]!.params;
    expect(p).toMatchObject({ latitude: '54.98', longitude: '73.37' });
    expect(Number(p.end_time) - Number(p.start_time)).toBe(3600);
  });

  it('a paging token VK refuses restarts the sweep instead of failing forever', async () => {
    const cursor = JSON.stringify({ v: 1, kind: 'vk_search', wm: null, seen: {}, sweep: { from: 'garbage', start: vk.clock - 100, end: vk.clock } });
    const page = await search().fetchPage(cursor, signal);
    expect(page).toMatchObject({ posts: [], waitMs: 0 });
    expect(parseVkSearchCursor(page.nextCursor)!.sweep).toBeUndefined();
  });

  it('error 5 stops a search source too', async () => {
    vk.fail('newsfeed.search', { code: 5 });
    expect(await fail(search().fetchPage(null, signal))).toMatchObject({ name: 'SourceFatalError', kind: 'auth' });
  });
});

describe('connector factory', () => {
  const base = { title: 't', municipality: 'omsk', status: 'active' as const, createdAt: '', updatedAt: '' };
  const wallSource: Source = { ...base, id: 'vk_wall:omsk_adm', kind: 'vk_wall', settings: { owner: 'omsk_adm', comments: true } };
  const ctx = (env: Record<string, string>) => ({
    config: loadConfig({ ...process.env, VK_API_URL: vk.apiUrl, ...env }),
    rateLimiters: sameLimiterForEveryNetwork({ acquire: () => Promise.resolve() }),
    addressPolicy: (address: string, target: { port: number }) => address === '127.0.0.1' && target.port === vk.server.port,
    log: pino({ level: 'silent' }),
  });

  it('refuses to build a VK connector without a token', () => {
    const env = { ...process.env };
    delete env.VK_ACCESS_TOKEN;
    expect(() => createConnectorFor(wallSource, { ...ctx({}), config: loadConfig({ ...env, VK_API_URL: vk.apiUrl }) })).toThrow(ConnectorConfigError);
  });

  it('builds wall and search connectors that reach only VK_API_URL’s host, keyed by a token hash', async () => {
    const keys: string[] = [];
    vk.publish(OWNER, 'Пост через фабрику');
    const c = ctx({ VK_ACCESS_TOKEN: TOKEN });
    const connector = createConnectorFor(wallSource, { ...c, rateLimiters: sameLimiterForEveryNetwork({ acquire: (k: string) => Promise.resolve(void keys.push(k)) }) })!;
    const page = await connector.fetchPage(null, signal);
    expect(page.posts.map((p) => p.text)).toEqual(['Пост через фабрику']);
    expect(page.posts[0]!.municipality).toBe('omsk');
    expect(new Set(keys)).toEqual(new Set([vkRateLimitKey(TOKEN)]));
    const searchSource: Source = { ...base, id: 'vk_search:вода', kind: 'vk_search', settings: { query: 'вода' } };
    expect(createConnectorFor(searchSource, c)!.sourceId).toBe('vk_search:вода');
  });
});
