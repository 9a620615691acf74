import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoConnector } from '../../connectors/demo/demo.connector';
import { jobIdForPost } from '../../src/queue/queues';
import { complaintPost, eventually, feedBarrier, queueSettled, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startSystem();
  token = await sys.login();
});
afterAll(async () => {
  await sys?.stop();
});

async function countPosts(id: string): Promise<number> {
  const es = sys.container.es;
  await es.indices.refresh({ index: sys.container.names.posts });
  const res = await es.count({ index: sys.container.names.posts, query: { term: { id } } });
  return res.count;
}

async function countIncidents(postId: string): Promise<number> {
  const es = sys.container.es;
  await es.indices.refresh({ index: sys.container.names.incidents });
  const res = await es.count({ index: sys.container.names.incidents, query: { term: { post_id: postId } } });
  return res.count;
}

describe('the flow: connector → queue → pipeline → Elasticsearch → socket', () => {
  it('delivers demo connector posts to Elasticsearch and their incidents to a connected operator', async () => {
    const { received } = await sys.connectFeed(token);
    const demo = createDemoConnector({ ratePerSecond: 200 });
    const page = await demo.fetchPage(null, new AbortController().signal);
    expect(page.posts.length).toBeGreaterThan(10);
    await sys.ingest(page.posts);

    const ids = page.posts.map((p) => `${p.network}:${p.externalId}`);
    await eventually(async () => {
      await sys.container.es.indices.refresh({ index: sys.container.names.posts });
      const res = await sys.container.es.count({ index: sys.container.names.posts, query: { terms: { id: ids } } });
      return res.count === ids.length;
    }, 20_000, 'all demo posts indexed');

    // Every incident the pipeline opened reaches the socket, and nothing else does.
    await sys.container.es.indices.refresh({ index: sys.container.names.incidents });
    const incidents = await sys.container.es.search<{ post_id: string }>({ index: sys.container.names.incidents, size: 500, query: { terms: { post_id: ids } } });
    const expected = new Set(incidents.hits.hits.map((h) => h._source?.post_id));
    expect(expected.size).toBeGreaterThan(0);
    await eventually(() => received.length >= expected.size, 10_000, 'incidents pushed');
    expect(new Set(received.map((e) => e.data.postId))).toEqual(expected);

    const card = received[0]!.data;
    expect(card.text.length).toBeGreaterThan(0);
    expect(card.municipalityName).not.toBe('');
    expect(card.author?.name).toBeTruthy();
  });

  it('stems Russian text so a search for one word form finds another', async () => {
    const post = complaintPost({ text: 'В Нефтяниках вторую неделю не вывозят мусорные контейнеры, всё завалено отходами' });
    await sys.ingest([post]);
    await eventually(async () => (await countPosts(`vk:${post.externalId}`)) === 1, 15_000, 'post indexed');
    const res = await fetch(`${sys.baseUrl}/api/posts/search?q=${encodeURIComponent('мусорный контейнер')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; items: { id: string; highlight: { text: string; hit: boolean }[][] }[] };
    const hit = body.items.find((i) => i.id === `vk:${post.externalId}`);
    expect(hit).toBeDefined();
    const marked = hit!.highlight.flat().filter((s) => s.hit).map((s) => s.text.toLowerCase());
    expect(marked).toEqual(expect.arrayContaining(['мусорные', 'контейнеры']));
  });

  it('filters search by sector, municipality, network and time range, and pages', async () => {
    const old = complaintPost({ network: 'telegram', municipality: 'tara', publishedAt: '2026-01-15T10:00:00+06:00', text: 'Жители Тары жалуются: на улице Ленина огромные ямы на дороге, машины бьют колёса' });
    await sys.ingest([old]);
    await eventually(async () => (await countPosts(`telegram:${old.externalId}`)) === 1, 15_000, 'post indexed');
    const q = (params: string) => fetch(`${sys.baseUrl}/api/posts/search?${params}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ total: number; items: { id: string }[] }>);
    const id = `telegram:${old.externalId}`;
    expect((await q('network=telegram&municipality=tara')).items.map((i) => i.id)).toContain(id);
    expect((await q('network=vk&municipality=tara')).items.map((i) => i.id)).not.toContain(id);
    expect((await q('from=2026-01-01T00:00:00Z&to=2026-01-31T23:59:59Z')).items.map((i) => i.id)).toEqual([id]);
    expect((await q('from=2026-02-01T00:00:00Z&to=2026-02-28T00:00:00Z')).items).toEqual([]);
    const page1 = await q('size=1&page=1');
    const page2 = await q('size=1&page=2');
    expect(page1.items).toHaveLength(1);
    expect(page2.items).toHaveLength(1);
    expect(page1.items[0]!.id).not.toBe(page2.items[0]!.id);
  });

  it('makes one document, one incident and one push of a post delivered twice', async () => {
    const { received } = await sys.connectFeed(token);
    const post = complaintPost();
    const id = `vk:${post.externalId}`;
    // Twice while the first is still queued, and once more after it was processed.
    await Promise.all([sys.ingest([post]), sys.ingest([post, post])]);
    await eventually(async () => (await countIncidents(id)) === 1, 15_000, 'incident stored');
    await eventually(() => received.some((e) => e.data.postId === id), 10_000, 'push');
    await sys.ingest([post]);
    await queueSettled(sys);
    // Every copy was processed; a second push of it would arrive before the barrier's.
    await feedBarrier(sys, [{ received }]);
    expect(await countPosts(id)).toBe(1);
    expect(await countIncidents(id)).toBe(1);
    expect(received.filter((e) => e.data.postId === id)).toHaveLength(1);
  });

  it('parks a malformed post with its reason and keeps processing others', async () => {
    const bad = complaintPost();
    const badId = `vk:${bad.externalId}`;
    await sys.container.repos.staging.put([{ postId: badId, payload: JSON.stringify({ ...bad, publishedAt: 'вчера', url: 'javascript:alert(1)' }) }]);
    await sys.container.postsQueue.add('process', { postId: badId }, { jobId: jobIdForPost(badId) });
    const notJson = 'vk:not-json';
    await sys.container.repos.staging.put([{ postId: notJson, payload: '{"network":' }]);
    await sys.container.postsQueue.add('process', { postId: notJson }, { jobId: jobIdForPost(notJson) });

    const good = complaintPost();
    await sys.ingest([good]);
    await eventually(async () => (await countPosts(`vk:${good.externalId}`)) === 1, 15_000, 'good post indexed');

    const job = await eventually(async () => {
      const j = await sys.container.postsQueue.getJob(jobIdForPost(badId));
      return j && (await j.isFailed()) ? j : null;
    }, 10_000, 'bad job parked');
    expect(job.failedReason).toMatch(/publishedAt/);
    expect(job.failedReason).toMatch(/url/);
    expect(job.attemptsMade).toBe(1); // parked at once, not retried
    const broken = await sys.container.postsQueue.getJob(jobIdForPost(notJson));
    await eventually(async () => broken && (await broken.isFailed()), 10_000, 'non-JSON job parked');
    expect((await sys.container.postsQueue.getJob(jobIdForPost(notJson)))?.failedReason).toMatch(/not valid JSON/);
    expect(await countPosts(badId)).toBe(0);
    // Parked posts keep their payload for inspection.
    expect((await sys.container.repos.staging.get([badId]))[0]).not.toBeNull();
  });

  it('rejects an oversized post at the pipeline with a clear reason', async () => {
    const huge = complaintPost({ text: 'а'.repeat(60_000) });
    await sys.ingest([huge]);
    const job = await eventually(async () => {
      const j = await sys.container.postsQueue.getJob(jobIdForPost(`vk:${huge.externalId}`));
      return j && (await j.isFailed()) ? j : null;
    }, 10_000, 'oversized job parked');
    expect(job.failedReason).toMatch(/text longer than 50000/);
  });

  it('keeps queue payloads free of personal data', async () => {
    await sys.stopPipeline();
    try {
      const post = complaintPost();
      await sys.ingest([post]);
      const job = await sys.container.postsQueue.getJob(jobIdForPost(`vk:${post.externalId}`));
      expect(job?.data).toEqual({ postId: `vk:${post.externalId}` });
      expect(JSON.stringify(job?.data)).not.toContain(post.author.name);
    } finally {
      await sys.startPipeline();
    }
  });
});
