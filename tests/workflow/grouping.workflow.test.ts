/**
 * One card per problem, on real Elasticsearch and Redis: a burst about one outage ends in one
 * incident whatever the arrival order, a duplicate delivery counts once, a middle-band post is a
 * suggestion, a post can be split out again; the operators' decisions (split, merge, dismissed
 * suggestion) come back as labelled pairs (`npm run export:grouping-labels`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingPost } from '../../src/domain/post';
import { operatorGroupingPairs } from '../../src/services/grouping-labels';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let token: string;
let lead: string;

async function call(t: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${t}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Waits until every post is indexed and returns the incident id each one carries. */
async function incidentsOf(posts: IncomingPost[]): Promise<string[]> {
  const ids = posts.map((p) => `${p.network}:${p.externalId}`);
  return eventually(
    async () => {
      await sys.container.es.indices.refresh({ index: sys.container.names.posts });
      const res = await sys.container.es.search<{ id: string; incident_id?: string }>({ index: sys.container.names.posts, size: 100, query: { terms: { id: ids } } });
      const byId = new Map(res.hits.hits.map((h) => [h._source?.id, h._source?.incident_id]));
      const out = ids.map((id) => byId.get(id));
      return out.every((x) => typeof x === 'string') ? (out as string[]) : null;
    },
    20_000,
    'posts indexed',
  );
}

/** Waits until the operators' decisions (the audit trail) give the labelled pair of these two texts. */
function labelledPair(a: string, b: string) {
  return eventually(
    async () => {
      await sys.container.es.indices.refresh({ index: sys.container.names.audit });
      const pairs = await operatorGroupingPairs({ audit: sys.container.repos.audit, incidents: sys.container.repos.incidents });
      return pairs.find((p) => p.a === a && p.b === b) ?? null;
    },
    10_000,
    'the labelled pair',
  );
}

const OUTAGE = [
  'В Амурском посёлке нет света с шести утра, сидим без электричества, холодильники текут',
  'Амурский посёлок опять без электричества, света нет с шести утра, холодильники текут',
  'Нет света в Амурском посёлке с шести утра! Электричества нет, холодильники текут, когда дадут?',
  'Сидим без света в Амурском посёлке с шести утра, электричества нет, холодильники текут, дети плачут',
];

beforeAll(async () => {
  sys = await startSystem({ env: { INCIDENT_GROUPING_WINDOW_MINUTES: '1440' } });
  token = await sys.login();
  await sys.createUser({ username: 'lead', role: 'shift_lead', password: 'lead-password-1' });
  lead = await sys.login({ username: 'lead', password: 'lead-password-1' });
}, 180_000);

afterAll(async () => {
  await sys?.stop();
});

describe('grouping', () => {
  it('a burst about one outage, in any order and over several batches, ends in one incident with every post counted once', async () => {
    const posts = OUTAGE.map((text, i) => complaintPost({ text, network: (['vk', 'telegram', 'ok', 'vk'] as const)[i], engagement: { views: 100 * (i + 1) } }));
    // Arrival order: last first, then the rest in one batch; the first one delivered three times.
    await sys.ingest([posts[3] as IncomingPost]);
    await incidentsOf([posts[3] as IncomingPost]);
    await sys.ingest([posts[1] as IncomingPost, posts[0] as IncomingPost, posts[2] as IncomingPost]);
    await sys.ingest([posts[0] as IncomingPost]);
    await sys.ingest([posts[0] as IncomingPost]);
    const ids = await incidentsOf(posts);
    expect(new Set(ids).size).toBe(1);
    const id = ids[0] as string;
    expect(id).toBe(`inc:${posts[3]?.network}:${posts[3]?.externalId}`);
    const card = await eventually(async () => {
      const r = await call(token, 'GET', `/api/incidents/${encodeURIComponent(id)}`);
      return r.body.postCount === 4 ? r.body : null;
    }, 10_000, 'four posts on the card');
    expect(card.networks).toEqual(['ok', 'telegram', 'vk']);
    expect(card.reach).toBe(1000);
    expect(Date.parse(card.firstAt as string)).toBeLessThanOrEqual(Date.parse(card.lastAt as string));
    // Only one incident exists for the burst.
    await sys.container.es.indices.refresh({ index: sys.container.names.incidents });
    const count = await sys.container.es.count({ index: sys.container.names.incidents, query: { terms: { post_id: posts.map((p) => `${p.network}:${p.externalId}`) } } });
    expect(count.count).toBe(1);
    // What a job re-run after its payload was removed asks (src/pipeline/pipeline.service.ts): is the post indexed?
    expect(await sys.container.repos.posts.indexed([`${posts[0]?.network}:${posts[0]?.externalId}`, 'vk:never-delivered'])).toEqual(new Set([`${posts[0]?.network}:${posts[0]?.externalId}`]));
  });

  it('a different problem on the same street opens its own incident; a split post becomes its own incident', async () => {
    const heating = complaintPost({ text: 'Третий день нет отопления в доме на Масленникова 70, дети мёрзнут, батареи ледяные' });
    const heating2 = complaintPost({ text: 'Масленникова 70 — отопления нет уже третий день, батареи ледяные, дети мёрзнут' });
    const lift = complaintPost({ text: 'На Масленникова 70 не работает лифт, жильцы ходят пешком на девятый этаж' });
    await sys.ingest([heating]);
    await incidentsOf([heating]);
    await sys.ingest([heating2, lift]);
    const [a, b, c] = await incidentsOf([heating, heating2, lift]);
    expect(b).toBe(a);
    expect(c).not.toBe(a);

    const before = await call(token, 'GET', `/api/incidents/${encodeURIComponent(a as string)}`);
    expect(before.body.postCount).toBe(2);
    const take = await call(token, 'POST', `/api/incidents/${encodeURIComponent(a as string)}/actions`, { action: 'take', version: before.body.version });
    const split = await call(token, 'POST', `/api/incidents/${encodeURIComponent(a as string)}/actions`, { action: 'split', version: take.body.version, postId: `${heating2.network}:${heating2.externalId}` });
    expect(split.status).toBe(200);
    expect(split.body.postCount).toBe(1);
    const created = await call(token, 'GET', `/api/incidents/${encodeURIComponent(`inc:${heating2.network}:${heating2.externalId}`)}`);
    expect(created.status).toBe(200);
    expect(created.body.status).toBe('new');
    expect(created.body.postCount).toBe(1);
    // Merging it back (a lead) restores one card.
    const merged = await call(lead, 'POST', `/api/incidents/${encodeURIComponent(created.body.id as string)}/actions`, { action: 'merge', version: created.body.version, targetId: a });
    expect(merged.status).toBe(200);
    expect((await call(token, 'GET', `/api/incidents/${encodeURIComponent(a as string)}`)).body.postCount).toBe(2);
    // The operators' decisions as a labelled pair: split, then merged back — the merge stands.
    const pair = await labelledPair(heating.text, heating2.text);
    expect(pair).toMatchObject({ same: true, m: heating.municipality, source: 'operators' });
    expect(pair.note).toMatch(/^operators: merge /);
    expect(JSON.stringify(pair)).not.toMatch(/lead|operator1|Bearer/);
  });

  it('a follow-up that opens no incident of its own («в Кировском округе свет у всех пропал?») joins the open incident and counts on its card', async () => {
    const first = complaintPost({ text: 'Кировский округ обесточен, света нет с утра, когда дадут электричество?' });
    const follow = complaintPost({ text: 'соседи, в Кировском округе свет у всех пропал?', network: 'telegram', engagement: { views: 40 } });
    await sys.ingest([first]);
    const [id] = await incidentsOf([first]);
    await sys.ingest([follow]);
    const [joined] = await incidentsOf([follow]);
    expect(joined).toBe(id);
    // The follow-up path, not a link between two incidents: the classifier did not call it a complaint.
    const followId = `${follow.network}:${follow.externalId}`;
    const stored = await sys.container.es.search<{ complaint?: boolean }>({ index: sys.container.names.posts, query: { ids: { values: [followId] } } });
    expect(stored.hits.hits[0]?._source?.complaint, 'pick a follow-up text the complaint head rejects').toBe(false);
    await sys.container.es.indices.refresh({ index: sys.container.names.incidents });
    expect((await sys.container.es.count({ index: sys.container.names.incidents, query: { term: { post_id: followId } } })).count).toBe(0);
    const card = await eventually(async () => {
      const r = await call(token, 'GET', `/api/incidents/${encodeURIComponent(id as string)}`);
      return r.body.postCount === 2 ? r.body : null;
    }, 10_000, 'two posts on the card');
    expect(card.networks).toEqual(['telegram', 'vk']);
  });

  it('a follow-up posted before any incident waits, and joins the incident a later complaint opens: its document and the card say so', async () => {
    const early = complaintPost({ text: 'соседи, в Ленинском округе свет у всех пропал?', network: 'telegram', engagement: { views: 25 } });
    const complaint = complaintPost({ text: 'Ленинский округ обесточен, света нет с утра, когда дадут электричество?' });
    await sys.ingest([early]);
    // Indexed with no incident: nothing was open to join.
    const earlyId = `${early.network}:${early.externalId}`;
    await eventually(async () => {
      await sys.container.es.indices.refresh({ index: sys.container.names.posts });
      const r = await sys.container.es.search<{ incident_id?: string; complaint?: boolean }>({ index: sys.container.names.posts, query: { ids: { values: [earlyId] } } });
      const doc = r.hits.hits[0]?._source;
      return doc ? doc : null;
    }, 20_000, 'the early post indexed').then((doc) => {
      expect(doc.incident_id).toBeUndefined();
      expect(doc.complaint, 'pick a follow-up text the complaint head rejects').toBe(false);
    });
    await sys.ingest([complaint]);
    const [id] = await incidentsOf([complaint]);
    // The early post's document now carries the incident, and the card counts it.
    const [joined] = await incidentsOf([early]);
    expect(joined).toBe(id);
    const card = await eventually(async () => {
      const r = await call(token, 'GET', `/api/incidents/${encodeURIComponent(id as string)}`);
      return r.body.postCount === 2 ? r.body : null;
    }, 10_000, 'two posts on the card');
    expect(card.networks).toEqual(['telegram', 'vk']);
  });

  it('a post in the middle band opens its own incident with a suggestion the operator can dismiss', async () => {
    // Similarity 0.19 (pairEvidence), no anchor (the second names no district): between
    // DEFAULT_GROUPING.suggest (0.1) and .autoLink (0.21).
    const first = complaintPost({ text: 'Нет света на Левом берегу, отключили электричество в районе Комарова' });
    const second = complaintPost({ text: 'На Комарова нет электричества, отключили свет два часа назад, соседи звонят в сети, никто не отвечает, дети боятся, телефоны садятся' });
    await sys.ingest([first]);
    await incidentsOf([first]);
    await sys.ingest([second]);
    const [a, b] = await incidentsOf([first, second]);
    expect(b).not.toBe(a);
    const card = await call(token, 'GET', `/api/incidents/${encodeURIComponent(b as string)}`);
    expect(card.body.suggestion).toMatchObject({ incidentId: a });
    const dismissed = await call(token, 'POST', `/api/incidents/${encodeURIComponent(b as string)}/actions`, { action: 'dismiss_suggestion', version: card.body.version });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.suggestion).toBeUndefined();
    // A dismissed suggestion is a labelled pair of two problems.
    const pair = await labelledPair(first.text, second.text);
    expect(pair).toMatchObject({ same: false, note: expect.stringMatching(/^operators: dismiss_suggestion /) });
  });
});
