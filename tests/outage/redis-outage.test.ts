import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

// A Redis of its own, so stopping it disturbs nothing else.
let port = 0;
let redis: ChildProcess | null = null;
let sys: TestSystem;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(() => execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG', 10_000, 'redis up');
}

async function stopRedis(): Promise<void> {
  const p = redis;
  redis = null;
  if (!p || p.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  sys = await startSystem({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
});
afterAll(async () => {
  if (!redis) await startRedis();
  await sys?.stop();
  await stopRedis();
});

describe('a Redis outage', () => {
  it('turns readiness red and the API to 503, and work resumes when Redis returns', async () => {
    const token = await sys.login();
    const ready = () => fetch(`${sys.baseUrl}/health/ready`);
    expect((await ready()).status).toBe(200);

    await stopRedis();
    await eventually(async () => (await ready()).status === 503, 10_000, 'not ready');
    expect(await (await ready()).json()).toMatchObject({ checks: { redis: 'down', elasticsearch: 'up' } });
    const res = await fetch(`${sys.baseUrl}/api/incidents`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);

    await startRedis(); // an empty Redis: sessions are gone, queues work again
    await eventually(async () => (await ready()).status === 200, 30_000, 'ready again');
    await sys.createUser({ username: 'after-outage', role: 'operator', password: 'after-outage-password' }).catch(() => undefined);
    const post = complaintPost();
    await eventually(async () => {
      await sys.ingest([post]);
      return true;
    }, 20_000, 'ingest accepted');
    await eventually(async () => {
      await sys.container.es.indices.refresh({ index: sys.container.names.posts });
      const r = await sys.container.es.count({ index: sys.container.names.posts, query: { term: { id: `vk:${post.externalId}` } } });
      return r.count === 1;
    }, 30_000, 'post processed after the outage');
  });
});
