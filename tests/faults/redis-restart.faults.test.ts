import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPosts, createOperator, eventually, faultEnv, faultPost, login, PrivateRedis, recordLedger, spawnRole, waitQueueDrained, type FaultEnv, type RoleProcess } from './harness';
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
  if (!redis.ping()) await redis.start();
  await f?.close();
  await redis?.destroy();
});

describe('Redis restarted (kill -9, AOF)', () => {
  it('keeps sessions, cursors and queued jobs; clients reconnect and the backlog is processed once', async () => {
    const api = await spawnRole('api', { ...f.env, PORT: '0' });
    procs.push(api);
    const creds = await createOperator(f.container, 'duty');
    const token = await login(api.url, creds);
    op = await operatorClient({ name: 'duty', urls: [api.url], token, scope: { sectors: 'all', municipalities: 'all' } });
    await f.container.repos.cursors.set('vk:faults', 'page-42');

    const N = 400;
    const posts = Array.from({ length: N }, (_, i) => faultPost(f.id, i));
    await f.container.services.ingest.ingest(posts);
    expect((await f.container.postsQueue.getJobCounts('waiting')).waiting).toBe(N);

    await redis.kill();
    await eventually(async () => (await fetch(`${api.url}/health/ready`)).status === 503, 10_000, 'API not ready while Redis is down');
    await redis.start();

    // Clients reconnect by themselves: the API answers again with the same session.
    await eventually(async () => (await fetch(`${api.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status === 200, 30_000, 'session survived');
    await eventually(async () => (await f.container.repos.cursors.get('vk:faults')) === 'page-42', 30_000, 'cursor survived');
    expect((await f.container.postsQueue.getJobCounts('waiting')).waiting).toBe(N);

    procs.push(await spawnRole('pipeline-worker', f.env));
    await waitQueueDrained(f.container, 180_000);
    expect((await f.container.postsQueue.getJobCounts('failed')).failed).toBe(0);
    const ids = posts.map((p) => `vk:${p.externalId}`);
    const { lost, duplicated } = await countPosts(f.container, ids);

    // The operator's socket (kept or reconnected) gets every incident the backlog opened.
    const head = await f.container.repos.feed.head();
    await eventually(async () => (await missedEvents(f.container.repos.feed, op!)).missed === 0 && head !== '0-0', 30_000, 'operator caught up').catch(() => undefined);
    const events = await missedEvents(f.container.repos.feed, op);
    expect(events.expected).toBeGreaterThan(0);
    recordLedger({ scenario: 'redis-restart-aof', posts: N, lost, duplicated: duplicated + events.duplicated, missed_events: events.missed });
    expect({ lost, duplicated, missed: events.missed, dupEvents: events.duplicated }).toEqual({ lost: 0, duplicated: 0, missed: 0, dupEvents: 0 });
  });
});
