import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPosts, eventually, faultEnv, PrivateRedis, recordLedger, spawnRole, waitQueueDrained, type FaultEnv, type RoleProcess } from './harness';

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

describe('kill -9 of a connector worker between enqueue and cursor save', () => {
  it('replays the page on restart and indexes every post exactly once', async () => {
    const pages = 8;
    const pageSize = 50;
    const env = { ...f.env, FAULT_RUN: f.id, FAULT_PAGES: String(pages), FAULT_PAGE_SIZE: String(pageSize), FAULT_PAGE_WAIT_MS: '50' };
    procs.push(await spawnRole('pipeline-worker', f.env));

    const doomed = await spawnRole('fault-connector', { ...env, FAULT_KILL_AT_PAGE: '3' });
    procs.push(doomed);
    const code = await doomed.exited;
    expect(doomed.child.signalCode).toBe('SIGKILL');
    expect(code).toBeNull();
    // Page 3 is queued, its cursor was not saved: the cursor still points at page 3.
    expect(await f.container.repos.cursors.get('vk:faults')).toBe('3');

    const next = await spawnRole('fault-connector', env);
    procs.push(next);
    await eventually(async () => (await f.container.repos.cursors.get('vk:faults')) === String(pages), 120_000, 'connector finished all pages');
    await waitQueueDrained(f.container, 120_000);
    expect((await f.container.postsQueue.getJobCounts('failed')).failed).toBe(0);

    const ids = Array.from({ length: pages * pageSize }, (_, n) => `vk:${f.id}-${n}`);
    const { lost, duplicated } = await countPosts(f.container, ids);
    recordLedger({ scenario: 'connector-kill-9', posts: ids.length, lost, duplicated, missed_events: 0 });
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  });
});
