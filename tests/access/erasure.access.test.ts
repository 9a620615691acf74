/**
 * Erasure of one person's data on request (152-ФЗ), against the real API and Elasticsearch:
 * the author's identity (and texts, when asked) leaves every post and incident, in every month
 * and sector; other authors are untouched; a repeated request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { ERASED_AUTHOR, ERASED_TEXT, type PostDoc } from '../../src/repositories/posts.repository';
import { startSystem, type TestSystem } from '../helpers/system';
import { seed, type SeedPost } from './access-fixtures';

let sys: TestSystem;
let admin: string;
let operator: string;
const TAG = `era${Date.now().toString(36)}`;

const person = { id: `victim-${TAG}`, name: `Иван${TAG} Петров`, url: `https://vk.com/victim_${TAG}` };
const other = { id: `other-${TAG}`, name: `Мария${TAG} Иванова`, url: `https://vk.com/other_${TAG}` };
const namesake = { id: `namesake-${TAG}`, name: person.name, url: `https://ok.ru/profile/${TAG}` };
const monthsAgo = (n: number) => new Date(Date.now() - n * 31 * 24 * 3600_000).toISOString();

const POSTS: SeedPost[] = [
  { id: `vk:${TAG}-1`, sector: 'housing', municipality: 'omsk', text: `Нет горячей воды ${TAG} первый`, author: person, publishedAt: monthsAgo(0) },
  { id: `vk:${TAG}-2`, sector: 'roads', municipality: 'tara', text: `Яма на дороге ${TAG} второй`, author: person, publishedAt: monthsAgo(2), withIncident: false },
  { id: `vk:${TAG}-3`, sector: 'housing', municipality: 'tara', text: `Течёт крыша ${TAG} третий`, author: { ...person, url: `https://m.vk.com/victim_${TAG}/` }, publishedAt: monthsAgo(5) },
  { id: `vk:${TAG}-4`, sector: 'housing', municipality: 'omsk', text: `Не убран снег ${TAG} другой`, author: other, publishedAt: monthsAgo(0) },
  // Same name on another network: an erasure names one network's account, not a name.
  { id: `ok:${TAG}-5`, network: 'ok', sector: 'housing', municipality: 'omsk', text: `Шумят соседи ${TAG} тёзка`, author: namesake, publishedAt: monthsAgo(1) },
];

const api = async (method: string, path: string, token: string | null, body?: unknown) => {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
};

async function postsById(): Promise<Map<string, PostDoc>> {
  const { es, names } = sys.container;
  await es.indices.refresh({ index: names.posts });
  const res = await es.search<PostDoc>({ index: names.posts, size: 100, query: { ids: { values: POSTS.map((p) => p.id) } } });
  return new Map(res.hits.hits.map((h) => [h._id ?? '', h._source as PostDoc]));
}

async function incidentsById(): Promise<Map<string, IncidentDoc>> {
  const { es, names } = sys.container;
  const res = await es.mget<IncidentDoc>({ index: names.incidentsIndex, ids: POSTS.map((p) => `inc:${p.id}`) });
  const out = new Map<string, IncidentDoc>();
  for (const d of res.docs) if ('found' in d && d.found && d._source) out.set(d._id, d._source);
  return out;
}

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  await seed(sys, POSTS);
  await sys.createUser({ username: 'dpo', role: 'admin', scope: FULL_SCOPE });
  await sys.createUser({ username: 'dpo-scoped', role: 'admin', scope: { sectors: ['housing'], municipalities: 'all' } });
  admin = await sys.login({ username: 'dpo', password: 'dpo-password-1' });
  operator = await sys.login();
});

afterAll(async () => {
  await sys?.stop();
});

describe('POST /api/privacy/erasure', () => {
  it('checks input, permission and scope', async () => {
    const bad = await api('POST', '/api/privacy/erasure', admin, { network: 'vk' });
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toContain('authorId');
    expect((await api('POST', '/api/privacy/erasure', admin, { network: 'myspace', authorId: 'x' })).status).toBe(400);
    expect((await api('POST', '/api/privacy/erasure', admin, { network: 'vk', profileUrl: 'javascript:alert(1)' })).status).toBe(400);
    expect((await api('POST', '/api/privacy/erasure', admin, { network: 'vk', authorId: 'x', extra: 1 })).status).toBe(400);
    expect((await api('POST', '/api/privacy/erasure', operator, { network: 'vk', authorId: person.id })).status).toBe(403);
    expect((await api('POST', '/api/privacy/erasure', null, { network: 'vk', authorId: person.id })).status).toBe(401);
    const scoped = await sys.login({ username: 'dpo-scoped', password: 'dpo-scoped-password-1' });
    expect((await api('POST', '/api/privacy/erasure', scoped, { network: 'vk', authorId: person.id })).status).toBe(403);
    // Nothing was touched by the refused requests.
    expect((await postsById()).get(`vk:${TAG}-1`)?.author).toEqual(person);
  });

  it("removes one author's identity from every post and incident, across months and sectors, and nobody else's", async () => {
    const res = await api('POST', '/api/privacy/erasure', admin, { network: 'vk', authorId: person.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ authorsMatched: 1, posts: 3, incidents: 2, eraseText: false });

    const posts = await postsById();
    for (const n of [1, 2, 3]) {
      const p = posts.get(`vk:${TAG}-${n}`);
      expect(p?.author, `post ${n}`).toEqual(ERASED_AUTHOR);
      expect(p?.text).toContain(TAG);
    }
    expect(posts.get(`vk:${TAG}-4`)?.author).toEqual(other);
    expect(posts.get(`ok:${TAG}-5`)?.author).toEqual(namesake);
    const incidents = await incidentsById();
    expect(incidents.get(`inc:vk:${TAG}-1`)?.author).toEqual(ERASED_AUTHOR);
    expect(incidents.get(`inc:vk:${TAG}-3`)?.author).toEqual(ERASED_AUTHOR);
    expect(incidents.get(`inc:vk:${TAG}-4`)?.author).toEqual(other);

    // Nothing identifying is left to the roles that do see authors.
    const search = await api('GET', `/api/posts/search?q=${TAG}&size=50`, operator);
    const shown = JSON.stringify(search.body);
    expect(shown).not.toContain(person.id);
    expect(shown).not.toContain(`victim_${TAG}`);
    expect(shown).toContain(other.name);
  });

  it('is idempotent: the same request again changes nothing', async () => {
    const before = await postsById();
    const res = await api('POST', '/api/privacy/erasure', admin, { network: 'vk', authorId: person.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ posts: 0, incidents: 0 });
    expect(await postsById()).toEqual(before);
  });

  it('finds the author by profile URL (any spelling of it) and erases texts when asked, with their copies', async () => {
    // A classifier correction keeps a copy of the post text as training data.
    expect((await api('POST', `/api/posts/vk:${TAG}-4/corrections`, operator, { field: 'urgency', value: true })).status).toBe(201);
    const res = await api('POST', '/api/privacy/erasure', admin, { network: 'vk', profileUrl: `https://www.VK.com/other_${TAG}/?from=search`, eraseText: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ authorsMatched: 1, posts: 1, incidents: 1, corrections: 1, eraseText: true });
    const { es, names } = sys.container;
    const copies = await es.search<{ text: string }>({ index: names.corrections, query: { term: { post_id: `vk:${TAG}-4` } } });
    expect(copies.hits.hits.map((h) => h._source?.text)).toEqual([ERASED_TEXT]);
    const p = (await postsById()).get(`vk:${TAG}-4`);
    expect(p).toMatchObject({ author: ERASED_AUTHOR, text: ERASED_TEXT, text_length: 0, text_stems: '' });
    const inc = (await incidentsById()).get(`inc:vk:${TAG}-4`);
    expect(inc).toMatchObject({ author: ERASED_AUTHOR, text: ERASED_TEXT });
    // The namesake on another network keeps everything.
    expect((await postsById()).get(`ok:${TAG}-5`)).toMatchObject({ author: namesake, text: expect.stringContaining('тёзка') });

    const again = await api('POST', '/api/privacy/erasure', admin, { network: 'vk', profileUrl: `https://vk.com/other_${TAG}`, eraseText: true });
    expect(again.body).toMatchObject({ authorsMatched: 0, posts: 0, incidents: 0 });
  });
});
