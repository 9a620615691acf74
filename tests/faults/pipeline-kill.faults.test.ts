import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdForPost } from '../../src/queue/queues';
import { countPosts, eventually, faultEnv, faultPost, PrivateRedis, recordLedger, spawnRole, waitQueueDrained, type FaultEnv, type RoleProcess } from './harness';

let redis: PrivateRedis;
let f: FaultEnv;
const procs: RoleProcess[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.create();
  f = await faultEnv({ redisUrl: redis.url });
});
afterAll(async () => {
  for (const p of procs) await p.kill9();
  await f?.close();
  await redis?.destroy();
});

describe('kill -9 of a pipeline worker mid-batch', () => {
  it('recovers the stalled jobs on another worker and indexes every post exactly once', async () => {
    const N = 3000;
    const posts = Array.from({ length: N }, (_, i) => faultPost(f.id, i));
    const ids = posts.map((p) => `vk:${p.externalId}`);
    await f.container.services.ingest.ingest(posts);

    const first = await spawnRole('pipeline-worker', f.env);
    procs.push(first);
    // Mid-batch: some posts are indexed, many jobs are active (locked by this worker).
    await eventually(async () => {
      const c = await f.container.postsQueue.getJobCounts('active', 'completed', 'waiting');
      return (c.active ?? 0) > 0 && (c.waiting ?? 0) < N - 200;
    }, 120_000, 'the worker holds a batch');
    await first.kill9();
    const orphaned = await f.container.postsQueue.getJobCounts('active');
    expect(orphaned.active).toBeGreaterThan(0);

    const second = await spawnRole('pipeline-worker', f.env);
    procs.push(second);
    // Stalled jobs come back when their lock expires (BullMQ's lockDuration) and the checker runs.
    await waitQueueDrained(f.container, 240_000);
    const failed = await f.container.postsQueue.getJobCounts('failed');
    // Why, when some failed: in CI 193 and later 89 were parked as «staged payload missing» (the
    // killed worker had removed their payloads before the queue recorded them as completed); such a
    // job is now done when its post is indexed (src/pipeline/pipeline.service.ts).
    const reasons = failed.failed ? (await f.container.postsQueue.getFailed(0, 4)).map((j) => `${j.failedReason} (attempts ${j.attemptsMade})`).join('; ') : '';
    expect(failed.failed, reasons).toBe(0);
    expect(await f.container.postsQueue.getJob(jobIdForPost(ids[0] as string))).toBeFalsy();

    const { lost, duplicated } = await countPosts(f.container, ids);
    recordLedger({ scenario: 'pipeline-kill-9', posts: N, lost, duplicated, missed_events: 0 });
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  });
});
