import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPosts, createOperator, eventually, faultEnv, freePort, login, PrivateRedis, recordLedger, spawnRole, waitQueueDrained, type FaultEnv, type RoleProcess } from './harness';
import { missedEvents, operatorClient, type OperatorClient } from './operator';

let redis: PrivateRedis;
let f: FaultEnv;
const procs: RoleProcess[] = [];
const ops: OperatorClient[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.create();
  f = await faultEnv({ redisUrl: redis.url });
});
afterAll(async () => {
  for (const o of ops) o.close();
  for (const p of procs) await p.kill9();
  await f?.close();
  await redis?.destroy();
});

describe('several nodes of every role', () => {
  it('an API node killed with operators connected: they reconnect to the other and miss nothing', async () => {
    const ports = [await freePort(), await freePort()];
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    const [api0, api1] = [await spawnRole('api', { ...f.env, PORT: String(ports[0]) }), await spawnRole('api', { ...f.env, PORT: String(ports[1]) })];
    procs.push(api0 as RoleProcess, api1 as RoleProcess, await spawnRole('pipeline-worker', f.env), await spawnRole('pipeline-worker', f.env));
    const pageSize = 5;
    const connector = (source: string) => spawnRole('fault-connector', { ...f.env, FAULT_RUN: `${f.id}${source}`, FAULT_SOURCE_ID: `vk:${source}`, FAULT_PAGES: '1000000', FAULT_PAGE_SIZE: String(pageSize), FAULT_PAGE_WAIT_MS: '250' });
    const connectors = [await connector('a'), await connector('b')];
    procs.push(...connectors);

    const token = await login(urls[0] as string, await createOperator(f.container, 'duty'));
    const lead = await login(urls[0] as string, await createOperator(f.container, 'roads', 'sector_lead', { sectors: ['roads'], municipalities: 'all' }));
    // Three operators on node 0 (the one that dies), one on node 1.
    for (let i = 0; i < 2; i++) ops.push(await operatorClient({ name: `duty${i}@0`, urls, token, scope: { sectors: 'all', municipalities: 'all' } }));
    ops.push(await operatorClient({ name: 'roads@0', urls, token: lead, scope: { sectors: ['roads'], municipalities: 'all' } }));
    ops.push(await operatorClient({ name: 'duty@1', urls: [...urls].reverse(), token, scope: { sectors: 'all', municipalities: 'all' } }));
    await eventually(() => ops.every((o) => o.received.size > 0), 60_000, 'events reach every operator');

    await (api0 as RoleProcess).kill9();
    // The dashboards reconnect to the surviving node with their last cursor.
    const before = ops.map((o) => o.received.size);
    await eventually(() => ops.every((o, i) => o.connected() && o.received.size > (before[i] ?? 0)), 60_000, 'operators live again on node 1');

    for (const c of connectors) expect(await c.terminate()).toBe(0);
    await waitQueueDrained(f.container, 180_000);
    expect((await f.container.postsQueue.getJobCounts('failed')).failed).toBe(0);
    const ids: string[] = [];
    for (const source of ['a', 'b']) {
      const pages = Number(await f.container.repos.cursors.get(`vk:${source}`));
      for (let n = 0; n < pages * pageSize; n++) ids.push(`vk:${f.id}${source}-${n}`);
    }
    const { lost, duplicated } = await countPosts(f.container, ids);
    let missed = 0;
    let dupEvents = 0;
    await eventually(async () => {
      for (const o of ops) if ((await missedEvents(f.container.repos.feed, o)).missed > 0) return false;
      return true;
    }, 30_000, 'operators caught up').catch(() => undefined);
    for (const o of ops) {
      const e = await missedEvents(f.container.repos.feed, o);
      expect(e.expected, o.name).toBeGreaterThan(0);
      expect(o.reloads, `${o.name} replayed, not reloaded`).toBe(0);
      missed += e.missed;
      dupEvents += e.duplicated;
    }
    recordLedger({ scenario: 'api-node-killed', posts: ids.length, lost, duplicated: duplicated + dupEvents, missed_events: missed });
    expect({ lost, duplicated, missed, dupEvents }).toEqual({ lost: 0, duplicated: 0, missed: 0, dupEvents: 0 });
  });
});
