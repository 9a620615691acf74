import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdForPost } from '../../src/queue/queues';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

// A node of its own (own port, data and pidfile), so stopping it disturbs no other test and
// works whoever started the shared node. Its ports (9270–9289) never meet the shared node's (9200)
// or the fault suite's (9260, tests/faults/harness.ts): 9250 + pid % 40 once drew 9260, reused the
// fault suite's node and could not stop it.
const ES_PORT = String(9270 + (process.pid % 20));
const services = (cmd: 'es-stop' | 'es-start') =>
  execFileSync('bash', ['scripts/services.sh', cmd], { env: { ...process.env, ES_INSTANCE: 'outage-test', ES_PORT }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 170_000 });

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  services('es-start');
  sys = await startSystem({ env: { ES_URL: `http://127.0.0.1:${ES_PORT}` } });
  token = await sys.login();
});
afterAll(async () => {
  services('es-start'); // the helper's cleanup needs it
  await sys?.stop();
  services('es-stop');
});

describe('an Elasticsearch outage', () => {
  it('turns readiness red and the API to 503, loses no post, and recovers when Elasticsearch returns', async () => {
    const ready = () => fetch(`${sys.baseUrl}/health/ready`);
    expect((await ready()).status).toBe(200);

    services('es-stop');
    const down = await ready();
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'not_ready', checks: { elasticsearch: 'down', redis: 'up' } });
    expect((await fetch(`${sys.baseUrl}/health/live`)).status).toBe(200);
    const list = await fetch(`${sys.baseUrl}/api/incidents`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(503);
    expect(await list.json()).toMatchObject({ error: 'unavailable' });

    // Posts keep arriving during the outage: they wait in the queue, none is parked.
    const during = complaintPost();
    await sys.ingest([during]);
    // Taken a second time: the first try met the outage and handed the job back instead of
    // failing it.
    const job = await eventually(async () => {
      const j = await sys.container.postsQueue.getJob(jobIdForPost(`vk:${during.externalId}`));
      return j && j.attemptsStarted >= 2 ? j : null;
    }, 30_000, 'the job retried during the outage');
    expect(await job.isFailed()).toBe(false);
    expect(job.attemptsMade).toBe(0);

    services('es-start');
    await eventually(async () => (await ready()).status === 200, 60_000, 'ready again');
    await eventually(async () => {
      await sys.container.es.indices.refresh({ index: sys.container.names.posts });
      const r = await sys.container.es.count({ index: sys.container.names.posts, query: { term: { id: `vk:${during.externalId}` } } });
      return r.count === 1;
    }, 60_000, 'post from the outage indexed');
    expect((await fetch(`${sys.baseUrl}/api/incidents`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  }, 400_000); // stopping and starting a node takes minutes on a loaded machine (each step may take 170 s)
});
