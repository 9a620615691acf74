import type { RedisClient } from '../adapters/redis';

/**
 * A token bucket per key in Redis, shared by every worker process: an API token's limit holds
 * across the fleet, not per process. Same shape as connectors' `RateLimiter`, so the HTTP client
 * takes either. The bucket lives in one hash; the Lua script refills and takes atomically using
 * Redis' clock, so processes with skewed clocks agree.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 60000)
return wait`;

export interface SharedRateLimiterOptions {
  /** Requests per second allowed per key, across all processes. */
  ratePerSecond: number;
  /** Requests that may go at once after a quiet period. */
  burst: number;
}

export function createSharedRateLimiter(deps: { redis: RedisClient; prefix: string }, opts: SharedRateLimiterOptions) {
  if (!(opts.ratePerSecond > 0)) throw new Error(`rate limiter: ratePerSecond must be positive, got ${opts.ratePerSecond}`);
  const burst = Math.max(1, Math.floor(opts.burst));
  const key = (k: string) => `${deps.prefix}:ratelimit:${k}`;
  return {
    /** Resolves when one request under `k` may go; rejects with the signal's reason on abort. */
    async acquire(k: string, signal: AbortSignal): Promise<void> {
      for (;;) {
        signal.throwIfAborted();
        const wait = Number(await deps.redis.eval(TAKE, 1, key(k), opts.ratePerSecond, burst));
        if (wait <= 0) return;
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(done, wait);
          function done() {
            clearTimeout(t);
            signal.removeEventListener('abort', onAbort);
            resolve();
          }
          function onAbort() {
            clearTimeout(t);
            reject(signal.reason as Error);
          }
          signal.addEventListener('abort', onAbort, { once: true });
        });
      }
    },
  };
}
export type SharedRateLimiter = ReturnType<typeof createSharedRateLimiter>;
