import { Redis } from 'ioredis';

export type RedisClient = Redis;

/**
 * ioredis connection usable by BullMQ (which needs maxRetriesPerRequest: null for blocking
 * commands). `lazyConnect: false` so a process fails fast at start when Redis is absent.
 */
export function createRedis(url: string, opts: { forBullmq?: boolean; name?: string } = {}): RedisClient {
  return new Redis(url, {
    connectionName: opts.name ?? 'dozor',
    maxRetriesPerRequest: opts.forBullmq ? null : 2,
    enableOfflineQueue: opts.forBullmq ?? false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** True for errors meaning "Redis is not reachable" (vs. a command error). */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    /Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|enableOfflineQueue|max retries|ETIMEDOUT/i.test(err.message) ||
    err.name === 'MaxRetriesPerRequestError'
  );
}

/** Resolves once the connection is ready: commands sent earlier would fail without an offline queue. */
export function redisReady(redis: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    function onReady() {
      clearTimeout(t);
      resolve();
    }
    redis.once('ready', onReady);
  });
}
