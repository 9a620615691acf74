import type { RedisClient } from '../adapters/redis';

/**
 * Counts refusals of unauthenticated requests (a rate-limited login, a bad webhook signature) per
 * key and time window, so the audit trail can record them in aggregate instead of one document
 * per request.
 */
export function createDenialsRepository(deps: { redis: RedisClient; prefix: string }) {
  return {
    /** Adds one denial under `key` in the current window and returns the window's count so far. */
    async count(key: string, windowSeconds: number, nowMs = Date.now()): Promise<{ count: number; windowStart: string }> {
      const start = Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
      const k = `${deps.prefix}:denials:${start}:${key}`;
      const [[, n]] = ((await deps.redis.multi().incr(k).expire(k, windowSeconds * 2).exec()) ?? [[null, 0]]) as [[unknown, number]];
      return { count: Number(n), windowStart: new Date(start * 1000).toISOString() };
    },
  };
}
export type DenialsRepository = ReturnType<typeof createDenialsRepository>;
