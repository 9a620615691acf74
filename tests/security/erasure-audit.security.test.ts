/**
 * Finding 12 (erasure and the audit trail): the trail kept what operators typed and saw — a
 * search for the person's name or id, the posts and incidents shown with their author — so an
 * erasure left the person's name, id and personal-wall post ids in the audit log. Now the erasure
 * redacts those records in place (who did what and when stays) and says how many it redacted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import { startSystem, type TestSystem } from '../helpers/system';
import { seed, type SeedPost } from '../access/access-fixtures';

const TAG = `eau${Date.now().toString(36)}`;
// A personal VK wall: the post ids carry the author's numeric id.
const PERSON = { id: String(400_000_000 + (Date.now() % 99_999_999)), name: `Алевтина${TAG} Кузьмина`, url: `https://vk.com/kuzmina_${TAG}` };
const OTHER = { id: `other-${TAG}`, name: `Борис${TAG} Другов`, url: `https://vk.com/other_${TAG}` };
const POSTS: SeedPost[] = [
  { id: `vk:${PERSON.id}_11`, sector: 'housing', municipality: 'omsk', text: `Нет отопления ${TAG} в подъезде`, author: PERSON, publishedAt: new Date().toISOString() },
  { id: `vk:${PERSON.id}_12`, sector: 'roads', municipality: 'omsk', text: `Яма у дома ${TAG} глубокая`, author: PERSON, publishedAt: new Date().toISOString() },
  { id: `vk:-1${TAG.length}_77`, sector: 'housing', municipality: 'omsk', text: `Не вывозят мусор ${TAG} неделю`, author: OTHER, publishedAt: new Date().toISOString() },
];
const SECRETS = [PERSON.name, PERSON.id, `kuzmina_${TAG}`, `Алевтина${TAG}`];

let sys: TestSystem;
let admin: string;
let operator: string;

const api = async (method: string, path: string, token: string, body?: unknown) => {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown>, text };
};

/** Every audit record of this system, straight from Elasticsearch. */
async function rawAudit(): Promise<{ id: string; source: Record<string, unknown> }[]> {
  const { es, names } = sys.container;
  await es.indices.refresh({ index: names.audit });
  const res = await es.search<Record<string, unknown>>({ index: names.audit, size: 10_000, query: { match_all: {} } });
  return res.hits.hits.map((h) => ({ id: h._id ?? '', source: h._source ?? {} }));
}

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  await seed(sys, POSTS);
  admin = await sys.login(await sys.createUser({ username: 'dpo-audit', role: 'admin', scope: FULL_SCOPE }));
  operator = await sys.login(await sys.createUser({ username: 'duty-audit', role: 'operator', scope: FULL_SCOPE }));
});
afterAll(async () => {
  await sys?.stop();
});

describe('erasure and the audit trail', () => {
  it("takes the person's name, id and wall post ids out of every audit record, keeping who did what", async () => {
    // The operator looks the person up by name and by id, and sees their posts and incidents with the author.
    expect((await api('GET', `/api/posts/search?q=${encodeURIComponent(PERSON.name)}`, operator)).status).toBe(200);
    expect((await api('GET', `/api/posts/search?q=${PERSON.id}`, operator)).status).toBe(200);
    expect((await api('GET', `/api/posts/search?q=${encodeURIComponent(OTHER.name)}`, operator)).status).toBe(200);
    const found = await api('GET', `/api/posts/search?q=${TAG}&size=50`, operator);
    expect(found.status).toBe(200);
    expect(found.text).toContain(PERSON.name);
    expect((await api('GET', '/api/incidents?size=50', operator)).status).toBe(200);

    const before = await rawAudit();
    const mentioning = before.filter((r) => SECRETS.some((s) => JSON.stringify(r.source).includes(s)));
    // The searches (two keep the query) and the author views hold the person's data.
    expect(mentioning.length).toBeGreaterThanOrEqual(3);
    const operatorActs = before.filter((r) => r.source.actor_username === 'duty-audit').map((r) => ({ id: r.id, at: r.source.at, action: r.source.action }));

    const res = await api('POST', '/api/privacy/erasure', admin, { network: 'vk', authorId: PERSON.id, requestRef: 'ПДн-17/2026' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ authorsMatched: 1, posts: 2, auditRecords: mentioning.length });

    // Directly in Elasticsearch: nothing of the person is left in any record.
    const after = await rawAudit();
    for (const r of after) for (const s of SECRETS) expect(JSON.stringify(r.source), `audit ${String(r.source.action)} ${r.id}`).not.toContain(s);
    // Who did what and when stays, record for record; the other author is untouched.
    expect(after.filter((r) => r.source.actor_username === 'duty-audit').map((r) => ({ id: r.id, at: r.source.at, action: r.source.action }))).toEqual(
      expect.arrayContaining(operatorActs),
    );
    const nameSearch = after.find((r) => r.source.action === 'post.search' && JSON.stringify(r.source.details).includes('[удалено]'));
    expect(nameSearch?.source).toMatchObject({ actor_username: 'duty-audit', details: { q: '[удалено]' } });
    const view = after.find((r) => r.source.action === 'post.author_view' && (r.source.details as { via?: string }).via === 'search');
    const shownIds = (view?.source.details as { postIds?: string[] }).postIds ?? [];
    expect(shownIds).toContain(POSTS[2]?.id);
    expect(shownIds.filter((id) => id.startsWith('x.'))).toHaveLength(2);

    // Through the API: the trail shows no trace either, and the erasure's record says how many it redacted.
    const trail = await api('GET', '/api/audit?size=200', admin);
    expect(trail.status).toBe(200);
    for (const s of SECRETS) expect(trail.text).not.toContain(s);
    expect(trail.text).toContain(OTHER.name);
    const erasure = (trail.body.items as { action: string; target: string | null; details: Record<string, unknown> }[]).find(
      (e) => e.action === 'personal_data.erase' && e.target === `erasure:${String(res.body.erasureId)}`,
    );
    expect(erasure?.details).toMatchObject({ auditRecords: mentioning.length, posts: 2 });

    // Repeating the request redacts nothing more.
    const again = await api('POST', '/api/privacy/erasure', admin, { network: 'vk', authorId: PERSON.id });
    expect(again.body).toMatchObject({ posts: 0, auditRecords: 0 });
  });
});
