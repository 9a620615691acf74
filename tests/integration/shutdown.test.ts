import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
});
afterAll(async () => {
  await sys?.stop();
});

async function indexedCount(ids: string[]): Promise<number> {
  await sys.container.es.indices.refresh({ index: sys.container.names.posts });
  const r = await sys.container.es.count({ index: sys.container.names.posts, query: { terms: { id: ids } } });
  return r.count;
}

describe('SIGTERM', () => {
  it('drains in-flight jobs, loses nothing and leaves no stalled job', async () => {
    const posts = Array.from({ length: 3000 }, () => complaintPost());
    const ids = posts.map((p) => `vk:${p.externalId}`);
    await sys.ingest(posts);

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/pipeline-worker.ts'], {
      env: { ...process.env, ES_INDEX_PREFIX: sys.config.ES_INDEX_PREFIX, REDIS_PREFIX: sys.config.REDIS_PREFIX, REDIS_URL: sys.config.REDIS_URL, ES_URL: sys.config.ES_URL, LOG_LEVEL: 'warn', PIPELINE_BATCH_SIZE: '100' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Stop it mid-stream, with jobs in flight.
    await eventually(async () => (await sys.container.postsQueue.getActiveCount()) > 0 || (await indexedCount(ids)) > 0, 60_000, 'worker busy');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const counts = await sys.container.postsQueue.getJobCounts('active', 'waiting', 'failed', 'delayed');
    expect(counts.active).toBe(0);
    expect(counts.failed).toBe(0);
    const done = await indexedCount(ids);
    expect(done).toBeGreaterThan(0);
    expect(done + (counts.waiting ?? 0) + (counts.delayed ?? 0)).toBeGreaterThanOrEqual(posts.length);

    // Another worker finishes the rest: every post ends up indexed exactly once.
    await sys.startPipeline();
    await eventually(async () => (await indexedCount(ids)) === posts.length, 60_000, 'all posts indexed');
  });
});
