/**
 * Retention of personal data (152-ФЗ) on the real Elasticsearch, with backdated posts: whole
 * monthly indices older than the cutoff are dropped, the boundary month is cleaned post by post
 * (deleted or anonymised), incident snapshots lose the author; a second run changes nothing; and
 * the pipeline role runs it on its own schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { ERASED_AUTHOR, ERASED_TEXT, type PostDoc } from '../../src/repositories/posts.repository';
import { createRetentionService, type RetentionPolicy } from '../../src/services/retention.service';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { seed, type SeedPost } from './access-fixtures';

let sys: TestSystem;
// A fixed "now" mid-month: with 30 days the cutoff is 2026-05-16T12:00Z, so May is the boundary month.
const NOW = new Date('2026-06-15T12:00:00Z');

function posts(tag: string): Record<'ancient' | 'april' | 'mayOld' | 'mayNew' | 'june', SeedPost> {
  const p = (key: string, publishedAt: string, sector: 'housing' | 'roads' = 'housing'): SeedPost => ({
    id: `vk:${tag}-${key}`,
    sector,
    municipality: 'omsk',
    text: `Жалоба ${tag} ${key} прорвало трубу`,
    author: { id: `a-${tag}-${key}`, name: `Автор ${tag} ${key}`, url: `https://vk.com/a_${tag}_${key}` },
    publishedAt,
  });
  return {
    ancient: p('ancient', '2025-12-01T08:00:00Z', 'roads'),
    april: p('april', '2026-04-20T08:00:00Z'),
    mayOld: p('mayold', '2026-05-10T08:00:00Z'),
    mayNew: p('maynew', '2026-05-20T08:00:00Z', 'roads'),
    june: p('june', '2026-06-10T08:00:00Z'),
  };
}

async function post(id: string): Promise<PostDoc | null> {
  const { es, names } = sys.container;
  await es.indices.refresh({ index: names.posts, ignore_unavailable: true, allow_no_indices: true });
  const res = await es.search<PostDoc>({ index: names.posts, ignore_unavailable: true, allow_no_indices: true, query: { ids: { values: [id] } } });
  return res.hits.hits[0]?._source ?? null;
}

async function incident(postId: string): Promise<IncidentDoc | null> {
  const { es, names } = sys.container;
  const res = await es.get<IncidentDoc>({ index: names.incidentsIndex, id: `inc:${postId}` }, { ignore: [404] });
  return res.found ? (res._source ?? null) : null;
}

async function postIndices(): Promise<string[]> {
  const { es, names } = sys.container;
  const rows = (await es.cat.indices({ index: names.postsPattern, format: 'json', h: 'index' }, { ignore: [404] })) as unknown;
  return Array.isArray(rows) ? (rows as { index: string }[]).map((r) => r.index).sort() : [];
}

const retention = (policy: RetentionPolicy) => createRetentionService({ personalData: sys.container.repos.personalData, audit: sys.container.repos.audit, policy, now: () => NOW });

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false, env: { RETENTION_DAYS: '30', RETENTION_INTERVAL_SECONDS: '10' } });
});

afterAll(async () => {
  await sys?.stop();
});

describe('retention sweep', () => {
  it('delete mode: drops old months, deletes the old part of the boundary month, strips incident authors and texts', async () => {
    const s = posts('del');
    await seed(sys, Object.values(s));
    const { names } = sys.container;
    expect(await postIndices()).toEqual(['2025.12', '2026.04', '2026.05', '2026.06'].map((m) => names.postsIndexFor(`${m.replace('.', '-')}-15T00:00:00Z`)));

    // Corrections keep copies of post texts (training data); they must go with the posts.
    const operator = await sys.login();
    for (const p of [s.april, s.mayOld, s.mayNew]) {
      const res = await fetch(`${sys.baseUrl}/api/posts/${p.id}/corrections`, { method: 'POST', headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, body: JSON.stringify({ field: 'urgency', value: true }) });
      expect(res.status, p.id).toBe(201);
    }

    const report = await retention({ days: 30, mode: 'delete' }).run();
    expect(report.cutoff).toBe('2026-05-16T12:00:00.000Z');
    expect(report.droppedIndices).toEqual([names.postsIndexFor(s.ancient.publishedAt), names.postsIndexFor(s.april.publishedAt)]);
    expect(report.posts).toBe(1);
    expect(report.incidents).toBe(3);
    expect(report.corrections).toBe(2);
    await sys.container.es.indices.refresh({ index: names.corrections });
    const copies = await sys.container.es.search<{ post_id: string; text: string }>({ index: names.corrections, size: 10, query: { terms: { post_id: [s.april.id, s.mayOld.id, s.mayNew.id] } } });
    const textOf = new Map(copies.hits.hits.map((h) => [h._source?.post_id, h._source?.text]));
    expect(textOf.get(s.april.id)).toBe(ERASED_TEXT);
    expect(textOf.get(s.mayOld.id)).toBe(ERASED_TEXT);
    expect(textOf.get(s.mayNew.id)).toBe(s.mayNew.text);

    expect(await post(s.ancient.id)).toBeNull();
    expect(await post(s.april.id)).toBeNull();
    expect(await post(s.mayOld.id)).toBeNull();
    expect((await post(s.mayNew.id))?.author).toEqual(s.mayNew.author);
    expect((await post(s.june.id))?.author).toEqual(s.june.author);

    for (const old of [s.ancient, s.april, s.mayOld]) {
      const inc = await incident(old.id);
      // The incident stays (the center's work record) without the person or their words.
      expect(inc, old.id).toMatchObject({ author: ERASED_AUTHOR, text: ERASED_TEXT, status: 'new', sector: old.sector });
    }
    expect((await incident(s.mayNew.id))?.author).toEqual(s.mayNew.author);

    const audit = await eventually(async () => {
      await sys.container.es.indices.refresh({ index: names.audit });
      return (await sys.container.repos.audit.search({ action: 'retention.run', offset: 0, size: 5 })).items[0];
    }, 5000, 'retention audit record');
    expect(audit.details).toMatchObject({ mode: 'delete', posts: 1, incidents: 3 });

    const again = await retention({ days: 30, mode: 'delete' }).run();
    expect(again).toMatchObject({ droppedIndices: [], posts: 0, incidents: 0, corrections: 0 });
  });

  it('anonymise mode: the old part of the boundary month keeps its text but loses its author', async () => {
    const s = posts('anon');
    await seed(sys, Object.values(s));
    const report = await retention({ days: 30, mode: 'anonymise' }).run();
    expect(report.droppedIndices).toHaveLength(2);
    expect(report.posts).toBe(1);
    expect(report.incidents).toBe(3);
    const old = await post(s.mayOld.id);
    expect(old).toMatchObject({ author: ERASED_AUTHOR, text: s.mayOld.text });
    expect(JSON.stringify(old)).not.toContain(s.mayOld.author.url as string);
    expect((await incident(s.mayOld.id))).toMatchObject({ author: ERASED_AUTHOR, text: s.mayOld.text });
    expect((await post(s.mayNew.id))?.author).toEqual(s.mayNew.author);
    expect(await retention({ days: 30, mode: 'anonymise' }).run()).toMatchObject({ droppedIndices: [], posts: 0, incidents: 0 });
  });
});

describe('retention job', () => {
  it('runs by itself in the pipeline role (RETENTION_DAYS=30): a 40-day-old post goes, a fresh one stays', async () => {
    const tag = `job${Date.now().toString(36)}`;
    const day = 24 * 3600_000;
    const old: SeedPost = { id: `vk:${tag}-old`, sector: 'housing', municipality: 'omsk', text: `Старая жалоба ${tag}`, author: { id: `a-${tag}-1`, name: 'Старый автор' }, publishedAt: new Date(Date.now() - 40 * day).toISOString() };
    const fresh: SeedPost = { ...old, id: `vk:${tag}-new`, author: { id: `a-${tag}-2`, name: 'Новый автор' }, publishedAt: new Date(Date.now() - 2 * day).toISOString() };
    await seed(sys, [old, fresh]);
    await sys.startPipeline();
    await eventually(async () => (await post(old.id)) === null, 25_000, 'the retention job to remove the old post');
    // The run deletes posts first and erases incident snapshots next: wait for the second step too.
    await eventually(async () => JSON.stringify((await incident(old.id))?.author) === JSON.stringify(ERASED_AUTHOR), 10_000, 'the incident snapshot to lose its author');
    expect((await post(fresh.id))?.author).toEqual(fresh.author);
    expect((await incident(old.id))?.author).toEqual(ERASED_AUTHOR);
  }, 40_000);
});
