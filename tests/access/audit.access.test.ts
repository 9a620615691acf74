/**
 * The audit trail against the real API and Elasticsearch: each audited action leaves a record
 * with its actor and outcome, `GET /api/audit` filters them for holders of `audit:read`, and the
 * app offers no way to change or remove one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import type { AuditEntry } from '../../src/services/audit.service';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { cellPosts, seed } from './access-fixtures';

let sys: TestSystem;
let admin: string;
let operator: string;
let observer: string;
const TAG = `aud${Date.now().toString(36)}`;
const POSTS = cellPosts(TAG);

const api = async (method: string, path: string, token: string | null, body?: unknown) => {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
};

async function audit(query: string): Promise<{ total: number; items: AuditEntry[] }> {
  const res = await api('GET', `/api/audit?${query}`, admin);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as { total: number; items: AuditEntry[] };
}

/** Waits until a record matching `pred` is searchable (records are written after the response). */
const recordOf = (query: string, pred: (e: AuditEntry) => boolean, what: string) =>
  eventually(async () => (await audit(query)).items.find(pred), 10_000, what);

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  await seed(sys, POSTS);
  for (const u of [
    { username: 'auditor', role: 'admin' as const, scope: FULL_SCOPE },
    { username: 'duty-ho', role: 'operator' as const, scope: { sectors: ['housing' as const], municipalities: ['omsk'] } },
    { username: 'watcher', role: 'observer' as const, scope: FULL_SCOPE },
  ]) {
    await sys.createUser(u);
  }
  admin = await sys.login({ username: 'auditor', password: 'auditor-password-1' });
  operator = await sys.login({ username: 'duty-ho', password: 'duty-ho-password-1' });
  observer = await sys.login({ username: 'watcher', password: 'watcher-password-1' });
});

afterAll(async () => {
  await sys?.stop();
});

describe('audit records', () => {
  it('records logins, successful and failed, with the account and address', async () => {
    expect((await api('POST', '/api/auth/login', null, { username: 'duty-ho', password: 'not-the-password' })).status).toBe(401);
    const failed = await recordOf('action=auth.login&outcome=failure&target=duty-ho', () => true, 'failed login record');
    expect(failed.ip).toBeTruthy();
    const ok = await recordOf('action=auth.login&outcome=success&actor=duty-ho', () => true, 'successful login record');
    expect(ok.actor).toMatchObject({ id: 'duty-ho', role: 'operator' });
  });

  it('records a 403 denial with who was refused which route', async () => {
    expect((await api('GET', '/api/audit', operator)).status).toBe(403);
    const rec = await recordOf('action=access.denied&actor=duty-ho', (e) => e.details.route === '/api/audit', 'denial record');
    expect(rec.outcome).toBe('denied');
    expect(rec.details).toMatchObject({ method: 'GET', status: 403 });
  });

  it('records an out-of-scope 404 on an object route as a denial, with the object id', async () => {
    const outside = POSTS[3]?.id as string;
    expect((await api('GET', `/api/posts/${outside}/corrections`, operator)).status).toBe(404);
    const rec = await recordOf('action=access.not_found&actor=duty-ho', (e) => e.target === outside, 'not-found record');
    expect(rec).toMatchObject({ outcome: 'denied', details: { route: '/api/posts/:id/corrections', status: 404, params: { id: outside } } });
  });

  it('records archive searches with the query, and author views as post ids only', async () => {
    const res = await api('GET', `/api/posts/search?q=${TAG}`, operator);
    expect(res.status).toBe(200);
    const search = await recordOf('action=post.search&actor=duty-ho', (e) => e.details.q === TAG, 'search record');
    expect(search.outcome).toBe('success');
    const view = await recordOf('action=post.author_view&actor=duty-ho', () => true, 'author view record');
    // Only the one in-scope post was shown to the housing/omsk operator.
    expect(view.details.postIds).toEqual([POSTS[0]?.id]);
    expect(JSON.stringify(view)).not.toContain(POSTS[0]?.author.name);

    // An observer sees no authors, so there is no author view to record.
    expect((await api('GET', `/api/posts/search?q=${TAG}`, observer)).status).toBe(200);
    await recordOf('action=post.search&actor=watcher', () => true, 'observer search record');
    expect((await audit('action=post.author_view&actor=watcher')).total).toBe(0);
  });

  it('records author views in the incident list, for the incidents shown only', async () => {
    expect((await api('GET', '/api/incidents?limit=50', operator)).status).toBe(200);
    const view = await recordOf('action=post.author_view&actor=duty-ho', (e) => e.details.via === 'incidents', 'incident author view record');
    expect(view.details.incidentIds).toEqual([`inc:${POSTS[0]?.id}`]);
    expect((await api('GET', '/api/incidents?limit=50', observer)).status).toBe(200);
    // The list writes its record before it answers: after a refresh, a record would be found.
    await sys.container.es.indices.refresh({ index: sys.container.names.audit });
    expect((await audit('action=post.author_view&actor=watcher')).total).toBe(0);
  });

  it('records an erasure with counts and the request reference, never the person', async () => {
    const victim = POSTS[3];
    if (!victim) throw new Error('fixture');
    const res = await api('POST', '/api/privacy/erasure', admin, { network: 'vk', authorId: victim.author.id, requestRef: 'ОБР-2026-17' });
    expect(res.status).toBe(200);
    const rec = await recordOf('action=personal_data.erase', (e) => e.target === `erasure:${String(res.body.erasureId)}`, 'erasure record');
    expect(rec.details).toMatchObject({ network: 'vk', requestRef: 'ОБР-2026-17', posts: 1, incidents: 1, authorsMatched: 1, by: ['authorId'] });
    const json = JSON.stringify(rec);
    expect(json).not.toContain(victim.author.id);
    expect(json).not.toContain(victim.author.name);
  });

  it('records writes through the API (here: a TOTP enrolment start) with route and status, not the body', async () => {
    expect((await api('POST', '/api/auth/totp/setup', operator, { password: 'duty-ho-password-1' })).status).toBe(200);
    const rec = await recordOf('action=api.write&actor=duty-ho', (e) => e.details.route === '/api/auth/totp/setup', 'write record');
    expect(rec).toMatchObject({ outcome: 'success', details: { method: 'POST', status: 200 } });
  });

  it('records reading the trail itself', async () => {
    await recordOf('action=audit.search&actor=auditor', () => true, 'audit read record');
  });
});

describe('GET /api/audit', () => {
  it('filters by actor, action (exact or prefix), outcome, target and time range, newest first, paged', async () => {
    const all = await audit('size=200');
    expect(all.total).toBeGreaterThan(5);
    const times = all.items.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);

    const byActor = await audit('actor=duty-ho&size=200');
    expect(byActor.items.length).toBeGreaterThan(0);
    expect(byActor.items.every((e) => e.actor?.id === 'duty-ho')).toBe(true);

    const prefix = await audit('action=auth.*&size=200');
    expect(prefix.items.length).toBeGreaterThan(0);
    expect(prefix.items.every((e) => e.action.startsWith('auth.'))).toBe(true);

    const denied = await audit('outcome=denied&size=200');
    expect(denied.items.length).toBeGreaterThan(0);
    expect(denied.items.every((e) => e.outcome === 'denied')).toBe(true);

    const target = await audit('target=duty-ho&size=200');
    expect(target.items.every((e) => e.target === 'duty-ho')).toBe(true);

    const middle = all.items[Math.floor(all.items.length / 2)] as AuditEntry;
    const since = await audit(`from=${encodeURIComponent(middle.at)}&size=200`);
    expect(since.items.every((e) => e.at >= middle.at)).toBe(true);
    expect(since.total).toBeLessThan(all.total + 5);
    const until = await audit(`to=${encodeURIComponent(middle.at)}&size=200`);
    expect(until.items.every((e) => e.at <= middle.at)).toBe(true);

    const page1 = await audit('size=2&page=1');
    const page2 = await audit('size=2&page=2');
    expect(page1.items).toHaveLength(2);
    expect(page2.items).toHaveLength(2);
    expect(page2.items.map((e) => e.id)).not.toContain(page1.items[0]?.id);
  });

  it('rejects bad filters with 400 naming the field', async () => {
    for (const [q, field] of [
      ['outcome=maybe', 'querystring.outcome'],
      ['from=yesterday', 'querystring.from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['action=drop%20table', 'querystring.action'],
      ['size=1000', 'querystring.size'],
    ] as const) {
      const res = await api('GET', `/api/audit?${q}`, admin);
      expect(res.status, q).toBe(400);
      expect(String(res.body.message)).toContain(field);
    }
  });

  it('is refused without audit:read and without a session', async () => {
    expect((await api('GET', '/api/audit', observer)).status).toBe(403);
    expect((await api('GET', '/api/audit', null)).status).toBe(401);
  });

  it('offers no way to change or delete a record', async () => {
    const some = (await audit('size=1')).items[0] as AuditEntry;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await api(method, '/api/audit', admin, method === 'DELETE' ? undefined : {})).status, `${method} /api/audit`).toBe(404);
      expect((await api(method, `/api/audit/${some.id}`, admin, method === 'DELETE' ? undefined : {})).status, `${method} /api/audit/:id`).toBe(404);
    }
    // The repository itself can only append and search, and redact for an erasure (152-ФЗ), which
    // only the erasure service calls and which records itself (tests/security/erasure-audit).
    expect(Object.keys(sys.container.repos.audit).sort()).toEqual(['append', 'redact', 'search']);
    const again = (await audit(`size=200`)).items.find((e) => e.id === some.id);
    expect(again).toEqual(some);
  });
});
