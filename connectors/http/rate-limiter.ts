/**
 * Token-bucket rate limiting per key (an API token, a host). The HTTP client calls `acquire`
 * before every attempt, retries included. This in-memory bucket paces one process; the limiter
 * shared by all worker processes (in Redis) implements the same interface outside connectors/.
 */
import { createHash } from 'node:crypto';

/**
 * Bucket key for an API token, shared by every process using it: `<network>:<first 12 hex of
 * sha256(token)>` — never the token itself, so keys and logs cannot leak it.
 */
export function tokenRateLimitKey(network: string, token: string): string {
  return `${network}:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

export interface RateLimiter {
  /** Resolves when one request under `key` may go; rejects with the signal's reason on abort. */
  acquire(key: string, signal: AbortSignal): Promise<void>;
}

export interface MemoryRateLimiterOptions {
  /** Tokens added per second; must be > 0. */
  ratePerSecond: number;
  /** Bucket size: how many requests may go at once after a quiet period; at least 1. */
  burst: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** One bucket per key, refilled continuously; waiters are served in call order per key. */
export function createMemoryRateLimiter(opts: MemoryRateLimiterOptions): RateLimiter {
  const { ratePerSecond } = opts;
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
    throw new Error(`rate limiter: ratePerSecond must be a positive number, got ${ratePerSecond}`);
  }
  const burst = Math.max(1, Math.floor(opts.burst));
  const now = opts.now ?? (() => performance.now());
  const buckets = new Map<string, Bucket>();
  // Chains acquisitions per key so concurrent callers do not overdraw the bucket.
  const tails = new Map<string, Promise<void>>();

  async function take(key: string, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, updatedAt: t };
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.updatedAt) / 1000) * ratePerSecond);
      bucket.updatedAt = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await abortableDelay(((1 - bucket.tokens) / ratePerSecond) * 1000, signal);
    }
  }

  return {
    acquire(key, signal) {
      const previous = tails.get(key) ?? Promise.resolve();
      const mine = previous.then(() => take(key, signal));
      const tail = mine.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return mine;
    },
  };
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
