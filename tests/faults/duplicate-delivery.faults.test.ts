import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPosts, createOperator, eventually, faultEnv, login, PrivateRedis, recordLedger, spawnRole, waitQueueDrained, type FaultEnv, type RoleProcess } from './harness';
import { missedEvents, operatorClient, type OperatorClient } from './operator';

let redis: PrivateRedis;
let f: FaultEnv;
const procs: RoleProcess[] = [];
let op: OperatorClient | null = null;

beforeAll(async () => {
  redis = await PrivateRedis.create();
  f = await faultEnv({ redisUrl: redis.url });
});
afterAll(async () => {
  op?.close();
  for (const p of procs) await p.kill9();
  await f?.close();
  await redis?.destroy();
});

describe('the same post delivered three times by two connectors', () => {
  it('indexes it once, opens one incident and pushes one event', async () => {
    const api = await spawnRole('api', { ...f.env, PORT: '0' });
    procs.push(api, await spawnRole('pipeline-worker', f.env));
    const token = await login(api.url, await createOperator(f.container, 'duty'));
    op = await operatorClient({ name: 'duty', urls: [api.url], token, scope: { sectors: 'all', municipalities: 'all' } });

    const pages = 4;
    const pageSize = 25;
    const run = (sourceId: string) => spawnRole('fault-connector', { ...f.env, FAULT_RUN: f.id, FAULT_SOURCE_ID: sourceId, FAULT_PAGES: String(pages), FAULT_PAGE_SIZE: String(pageSize), FAULT_PAGE_WAIT_MS: '20' });
    const finished = (sourceId: string) => eventually(async () => (await f.container.repos.cursors.get(sourceId)) === String(pages), 60_000, `${sourceId} delivered every page`);

    // Delivery 1 (connector A) and, at the same time, delivery 2 (connector B: another source
    // that carries the same posts, e.g. a wall and a search).
    const a = await run('vk:faults-a');
    const b = await run('vk:faults-b');
    procs.push(a, b);
    await Promise.all([finished('vk:faults-a'), finished('vk:faults-b')]);
    await waitQueueDrained(f.container, 120_000);
    // Delivery 3, after the first two are fully processed: connector A replays from scratch.
    expect(await a.terminate()).toBe(0);
    await f.container.redis.del(`${f.env.REDIS_PREFIX}:cursor:vk:faults-a`);
    procs.push(await run('vk:faults-a'));
    await finished('vk:faults-a');
    await waitQueueDrained(f.container, 120_000);
    expect((await f.container.postsQueue.getJobCounts('failed')).failed).toBe(0);

    const ids = Array.from({ length: pages * pageSize }, (_, n) => `vk:${f.id}-${n}`);
    const { lost, duplicated, incidents } = await countPosts(f.container, ids);
    expect(incidents).toBeGreaterThan(0);
    await eventually(async () => (await missedEvents(f.container.repos.feed, op!)).missed === 0, 30_000, 'operator caught up').catch(() => undefined);
    const events = await missedEvents(f.container.repos.feed, op);
    expect(events.expected).toBe(incidents);
    recordLedger({ scenario: 'duplicate-delivery', posts: ids.length, lost, duplicated: duplicated + events.duplicated, missed_events: events.missed });
    expect({ lost, duplicated, missed: events.missed, dupEvents: events.duplicated }).toEqual({ lost: 0, duplicated: 0, missed: 0, dupEvents: 0 });
  });
});
