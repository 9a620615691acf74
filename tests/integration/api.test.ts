import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintPost, eventually, feedBarrier, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startSystem();
  token = await sys.login();
});
afterAll(async () => {
  await sys?.stop();
});

const get = (path: string, tok?: string) => fetch(`${sys.baseUrl}${path}`, { headers: tok ? { authorization: `Bearer ${tok}` } : {} });
const post = (path: string, body: unknown, tok?: string) =>
  fetch(`${sys.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('API input and authentication', () => {
  it('answers 400 naming the field for input that breaks the schema', async () => {
    const cases: [Promise<Response>, RegExp][] = [
      [get('/api/incidents?limit=abc', token), /querystring\.limit/],
      [get('/api/incidents?sector=space', token), /querystring\.sector/],
      [get('/api/posts/search?from=yesterday', token), /querystring\.from/],
      [get('/api/posts/search?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', token), /from/],
      [get('/api/posts/search?page=10000&size=100', token), /page/],
      [post('/api/auth/login', { username: 'x' }), /body\.password/],
    ];
    for (const [res, field] of cases) {
      const r = await res;
      expect(r.status).toBe(400);
      const body = (await r.json()) as { error: string; message: string; requestId: string };
      expect(body.error).toBe('validation_failed');
      expect(body.message).toMatch(field);
      expect(body.requestId).toBeTruthy();
    }
    const malformed = await post('/api/auth/login', '{"username": ');
    expect(malformed.status).toBe(400);
  });

  it('refuses requests and sockets without a live session', async () => {
    expect((await get('/api/incidents')).status).toBe(401);
    expect((await get('/api/incidents', 'not-a-token')).status).toBe(401);
    expect((await post('/api/auth/login', { username: 'operator', password: 'wrong-password' })).status).toBe(401);
    const socket = connect(sys.baseUrl, { auth: { token: 'forged' }, transports: ['websocket'], reconnection: false });
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
    socket.disconnect();
  });

  it('ends the session on logout and disconnects its socket', async () => {
    const t = await sys.login();
    const { socket } = await sys.connectFeed(t);
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await post('/api/auth/logout', {}, t)).status).toBe(204);
    expect((await get('/api/auth/me', t)).status).toBe(401);
    expect(await gone).toBe('io server disconnect');
  });

  it('limits failed logins per account', async () => {
    const u = await sys.createUser({ username: 'victim', role: 'operator' });
    for (let i = 0; i < 5; i++) expect((await post('/api/auth/login', { username: 'victim', password: 'wrong-password' })).status).toBe(401);
    const blocked = await post('/api/auth/login', u);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
  });
});

describe('scope and the live feed', () => {
  it('pushes only in-scope incidents, lists only in-scope ones, and masks authors for observers', async () => {
    const lead = await sys.createUser({ username: 'housing-lead', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
    const observer = await sys.createUser({ username: 'observer', role: 'observer' });
    const leadFeed = await sys.connectFeed(await sys.login(lead));
    const observerToken = await sys.login(observer);
    const observerFeed = await sys.connectFeed(observerToken);
    const opFeed = await sys.connectFeed(token);

    const heating = complaintPost();
    const roads = complaintPost({ text: 'На Красном Пути огромная яма прямо на проезжей части, уже третья машина пробила колесо, дорожники где?' });
    await sys.ingest([heating, roads]);
    const ids = [`vk:${heating.externalId}`, `vk:${roads.externalId}`];
    await eventually(() => ids.every((id) => opFeed.received.some((e) => e.data.postId === id)), 15_000, 'operator got both');
    const sectors = Object.fromEntries(opFeed.received.filter((e) => ids.includes(e.data.postId)).map((e) => [e.data.postId, e.data.sector]));
    expect(sectors[ids[0]!]).toBe('housing');
    expect(sectors[ids[1]!]).toBe('roads');

    await eventually(() => observerFeed.received.length >= 2, 5000, 'observer got both');
    expect(observerFeed.received.every((e) => e.data.author === null)).toBe(true);
    expect(opFeed.received.every((e) => e.data.author !== null)).toBe(true);

    // A housing complaint (in the lead's scope) published after both: once it arrives, the roads
    // incident would have too.
    const barrier = await feedBarrier(sys, [leadFeed]);
    expect(leadFeed.received.map((e) => e.data.postId)).toEqual([ids[0], barrier]);

    const leadToken = await sys.login(lead);
    // The list is a search: it shows the incident once a refresh made it visible.
    const list = await eventually(async () => {
      const l = (await (await get('/api/incidents?limit=200', leadToken)).json()) as { items: { sector: string }[] };
      return l.items.length > 0 ? l : null;
    }, 15_000, 'incident listed');
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((i) => i.sector === 'housing')).toBe(true);
    // Asking for another sector does not widen the scope.
    const other = (await (await get('/api/incidents?sector=roads', leadToken)).json()) as { items: unknown[] };
    expect(other.items).toEqual([]);
    const search = (await (await get('/api/posts/search?sector=roads', leadToken)).json()) as { total: number };
    expect(search.total).toBe(0);
  });

  it('replays what a client missed during a short disconnect', async () => {
    const first = await sys.connectFeed(token);
    const before = complaintPost();
    await sys.ingest([before]);
    await eventually(() => first.received.some((e) => e.data.postId === `vk:${before.externalId}`), 15_000, 'first push');
    const lastCursor = first.received.at(-1)!.cursor;
    first.socket.disconnect();

    const missed = [complaintPost(), complaintPost()];
    await sys.ingest(missed);
    const missedIds = missed.map((p) => `vk:${p.externalId}`);
    await eventually(async () => {
      await sys.container.es.indices.refresh({ index: sys.container.names.incidents });
      const r = await sys.container.es.count({ index: sys.container.names.incidents, query: { terms: { post_id: missedIds } } });
      return r.count === 2;
    }, 15_000, 'missed incidents stored');
    await eventually(async () => (await sys.container.repos.feed.readAfter(lastCursor, 10)).length >= 2, 15_000, 'missed incidents published');

    const again = await sys.connectFeed(token, lastCursor);
    const replayed = again.received.map((e) => e.data.postId);
    expect(replayed).toEqual(expect.arrayContaining(missedIds));
    expect(replayed).not.toContain(`vk:${before.externalId}`);
  });

  it('serves the operator page and the OpenAPI document', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Дозор');
    const api = (await (await get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(api.paths)).toEqual(expect.arrayContaining(['/api/incidents', '/api/posts/search', '/api/auth/login']));
  });
});
