import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env';
import { createContainer, type Container } from '../../src/container';
import { startPipelineRole, type RunningRole } from '../../src/main/roles';
import { startBulkFaultProxy, type BulkFaultProxy } from './bulk-proxy';
import { countPosts, faultEnv, FAULTS_ES_URL, faultPost, PrivateRedis, recordLedger, waitQueueDrained, type FaultEnv } from './harness';

let redis: PrivateRedis;
let f: FaultEnv;
let proxy: BulkFaultProxy;
let worker: Container | null = null;
let pipeline: RunningRole | null = null;

beforeAll(async () => {
  redis = await PrivateRedis.create();
  f = await faultEnv({ redisUrl: redis.url });
  proxy = await startBulkFaultProxy({ target: FAULTS_ES_URL, faultyRequests: 6, every: 3, indexPrefix: `${f.env.ES_INDEX_PREFIX}-posts-` });
});
afterAll(async () => {
  await pipeline?.stop();
  await worker?.close();
  await proxy?.close();
  await f?.close();
  await redis?.destroy();
});

describe('a bulk request where some items fail', () => {
  it('retries only the failed items and indexes every post once', async () => {
    const N = 600;
    const posts = Array.from({ length: N }, (_, i) => faultPost(f.id, i));
    await f.container.services.ingest.ingest(posts);
    // The pipeline talks to Elasticsearch through the proxy; every 3rd item of its first bulks gets 429.
    const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...f.env, ES_URL: proxy.url, PIPELINE_ATTEMPTS: '8' });
    worker = await createContainer(config, { name: 'faults-pipeline' });
    pipeline = await startPipelineRole(worker);
    await waitQueueDrained(f.container, 180_000);

    expect(proxy.rejected()).toBeGreaterThan(50);
    expect((await f.container.postsQueue.getJobCounts('failed')).failed).toBe(0);
    const { lost, duplicated, incidents } = await countPosts(f.container, posts.map((p) => `vk:${p.externalId}`));
    expect(incidents).toBeGreaterThan(0);
    // Per-item retry: every post reached Elasticsearch exactly once (the withheld ones on their
    // retry, the rest in their first bulk), so no document was ever written twice.
    const versions = await f.container.es.search({ index: f.container.names.posts, size: N, version: true, _source: false, query: { match_all: {} } });
    expect(versions.hits.hits.filter((h) => h._version !== 1).length).toBe(0);
    recordLedger({ scenario: 'bulk-partial-failure', posts: N, lost, duplicated, missed_events: 0 });
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  });
});
