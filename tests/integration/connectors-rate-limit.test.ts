import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, redisReady } from '../../src/adapters/redis';
import { createSharedRateLimiter } from '../../src/repositories/rate-limit.repository';

// Two connections stand for two worker processes sharing one token's limit.
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const a = createRedis(url, { name: 'rl-a' });
const b = createRedis(url, { name: 'rl-b' });
const prefix = `test-rl-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  await Promise.all([redisReady(a), redisReady(b)]);
});
afterAll(async () => {
  const keys = await a.keys(`${prefix}:*`);
  if (keys.length) await a.del(...keys);
  a.disconnect();
  b.disconnect();
});

describe('shared rate limiter (Redis)', () => {
  it('holds one limit across processes', async () => {
    const opts = { ratePerSecond: 20, burst: 5 };
    const one = createSharedRateLimiter({ redis: a, prefix }, opts);
    const two = createSharedRateLimiter({ redis: b, prefix }, opts);
    const signal = new AbortController().signal;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).acquire('vk-token-1', signal)));
    const elapsed = performance.now() - t0;
    // 5 go at once, the other 25 at 20/s: at least 1.25 s whoever asks.
    expect(elapsed).toBeGreaterThanOrEqual(1200);
    expect(elapsed).toBeLessThan(4000);
  });

  it('keeps keys independent and lets an abort end the wait', async () => {
    const rl = createSharedRateLimiter({ redis: a, prefix }, { ratePerSecond: 1, burst: 1 });
    const signal = new AbortController().signal;
    await rl.acquire('token-x', signal);
    const t0 = performance.now();
    await rl.acquire('token-y', signal); // another key: no wait
    expect(performance.now() - t0).toBeLessThan(200);

    const ctl = new AbortController();
    const waiting = rl.acquire('token-x', ctl.signal);
    setTimeout(() => ctl.abort(new Error('shutting down')), 50);
    await expect(waiting).rejects.toThrow('shutting down');
  });
});
