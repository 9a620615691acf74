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

describe('a rolling restart of every process with SIGTERM while posts flow', () => {
  it('drains each process cleanly and loses, doubles and misses nothing', async () => {
    const ports = [await freePort(), await freePort()];
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    const apiEnv = (i: number) => ({ ...f.env, PORT: String(ports[i]) });
    const pageSize = 10;
    const connectorEnv = { ...f.env, FAULT_RUN: f.id, FAULT_PAGES: '1000000', FAULT_PAGE_SIZE: String(pageSize), FAULT_PAGE_WAIT_MS: '250' };
    const running = {
      api0: await spawnRole('api', apiEnv(0)),
      api1: await spawnRole('api', apiEnv(1)),
      pipeline0: await spawnRole('pipeline-worker', f.env),
      pipeline1: await spawnRole('pipeline-worker', f.env),
      connector: await spawnRole('fault-connector', connectorEnv),
    };
    procs.push(...Object.values(running));

    const duty = await login(urls[0] as string, await createOperator(f.container, 'duty'));
    const housing = await login(urls[1] as string, await createOperator(f.container, 'housing', 'sector_lead', { sectors: ['housing'], municipalities: 'all' }));
    ops.push(
      await operatorClient({ name: 'duty@0', urls, token: duty, scope: { sectors: 'all', municipalities: 'all' } }),
      await operatorClient({ name: 'duty@1', urls: [...urls].reverse(), token: duty, scope: { sectors: 'all', municipalities: 'all' } }),
      await operatorClient({ name: 'housing@1', urls: [...urls].reverse(), token: housing, scope: { sectors: ['housing'], municipalities: 'all' } }),
    );
    const flowing = async () => {
      const at = Number(await f.container.repos.cursors.get('vk:faults'));
      await eventually(async () => Number(await f.container.repos.cursors.get('vk:faults')) >= at + 3, 60_000, 'posts flowing');
    };
    await flowing();

    // One process at a time: SIGTERM, it drains and exits 0, its replacement starts, posts flow.
    const order: [keyof typeof running, () => Promise<RoleProcess>][] = [
      ['connector', () => spawnRole('fault-connector', connectorEnv)],
      ['pipeline0', () => spawnRole('pipeline-worker', f.env)],
      ['pipeline1', () => spawnRole('pipeline-worker', f.env)],
      ['api0', () => spawnRole('api', apiEnv(0))],
      ['api1', () => spawnRole('api', apiEnv(1))],
    ];
    for (const [name, restart] of order) {
      expect(await running[name].terminate(), `${name} drained`).toBe(0);
      running[name] = await restart();
      procs.push(running[name]);
      await flowing();
    }
    await eventually(() => ops.every((o) => o.connected()), 30_000, 'operators reconnected');

    expect(await running.connector.terminate()).toBe(0);
    await waitQueueDrained(f.container, 180_000);
    expect((await f.container.postsQueue.getJobCounts('failed')).failed).toBe(0);
    const pages = Number(await f.container.repos.cursors.get('vk:faults'));
    const ids = Array.from({ length: pages * pageSize }, (_, n) => `vk:${f.id}-${n}`);
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
      missed += e.missed;
      dupEvents += e.duplicated;
    }
    recordLedger({ scenario: 'rolling-sigterm-restart', posts: ids.length, lost, duplicated: duplicated + dupEvents, missed_events: missed });
    expect({ lost, duplicated, missed, dupEvents }).toEqual({ lost: 0, duplicated: 0, missed: 0, dupEvents: 0 });
  });
});
