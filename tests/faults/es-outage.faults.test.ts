import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPosts, createOperator, esService, eventually, faultEnv, FAULTS_ES_URL, login, PrivateRedis, recordLedger, spawnRole, waitQueueDrained, type FaultEnv, type RoleProcess } from './harness';
import { missedEvents, operatorClient, type OperatorClient } from './operator';

// How long Elasticsearch stays away: 2 minutes in `npm run faults`, shorter when run alone.
const OUTAGE_MS = Number(process.env.FAULTS_ES_OUTAGE_S ?? 20) * 1000;

let redis: PrivateRedis;
let f: FaultEnv;
const procs: RoleProcess[] = [];
let op: OperatorClient | null = null;
const esUp = async () => (await fetch(`${FAULTS_ES_URL}/_cluster/health`).catch(() => null))?.status === 200;

beforeAll(async () => {
  redis = await PrivateRedis.create();
  f = await faultEnv({ redisUrl: redis.url });
});
afterAll(async () => {
  op?.close();
  if (!(await esUp())) esService('es-start');
  for (const p of procs) await p.kill9();
  await f?.close();
  await redis?.destroy();
});

describe('Elasticsearch stopped under load', () => {
  it('answers 503 within 2 s, parks nothing, and drains the backlog once it returns', async () => {
    const api = await spawnRole('api', { ...f.env, PORT: '0' });
    procs.push(api, await spawnRole('pipeline-worker', f.env), await spawnRole('pipeline-worker', f.env));
    const token = await login(api.url, await createOperator(f.container, 'duty'));
    op = await operatorClient({ name: 'duty', urls: [api.url], token, scope: { sectors: 'all', municipalities: 'all' } });
    const pageSize = 10;
    const connector = await spawnRole('fault-connector', { ...f.env, FAULT_RUN: f.id, FAULT_PAGES: '1000000', FAULT_PAGE_SIZE: String(pageSize), FAULT_PAGE_WAIT_MS: '200' });
    procs.push(connector);
    await eventually(async () => Number(await f.container.repos.cursors.get('vk:faults')) >= 5, 60_000, 'posts flowing');

    esService('es-stop');
    const stoppedAt = Date.now();
    let firstStatus = 0;
    await eventually(async () => {
      firstStatus = (await fetch(`${api.url}/api/incidents`, { headers: { authorization: `Bearer ${token}` } })).status;
      return firstStatus === 503;
    }, 10_000, 'API 503');
    const to503 = Date.now() - stoppedAt;
    expect(to503).toBeLessThan(2000);
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(503);

    // Posts keep arriving for the whole outage; they wait in the queue, none is parked.
    const cursorAtStop = Number(await f.container.repos.cursors.get('vk:faults'));
    await new Promise((r) => setTimeout(r, OUTAGE_MS)); // the outage itself: a duration, not a wait for a condition
    expect(Number(await f.container.repos.cursors.get('vk:faults'))).toBeGreaterThan(cursorAtStop);
    expect((await f.container.postsQueue.getJobCounts('failed')).failed).toBe(0);

    esService('es-start');
    await eventually(async () => (await fetch(`${api.url}/health/ready`)).status === 200, 60_000, 'ready again');
    expect(await connector.terminate()).toBe(0);
    await waitQueueDrained(f.container, 300_000);
    expect((await f.container.postsQueue.getJobCounts('failed')).failed).toBe(0);

    const pages = Number(await f.container.repos.cursors.get('vk:faults'));
    const ids = Array.from({ length: pages * pageSize }, (_, n) => `vk:${f.id}-${n}`);
    const { lost, duplicated } = await countPosts(f.container, ids);
    await eventually(async () => (await missedEvents(f.container.repos.feed, op!)).missed === 0, 30_000, 'operator caught up').catch(() => undefined);
    const events = await missedEvents(f.container.repos.feed, op);
    recordLedger({ scenario: 'es-outage', posts: ids.length, lost, duplicated: duplicated + events.duplicated, missed_events: events.missed });
    expect({ lost, duplicated, missed: events.missed, dupEvents: events.duplicated }).toEqual({ lost: 0, duplicated: 0, missed: 0, dupEvents: 0 });
  });
});
