import { createHash } from 'node:crypto';
import type { RedisClient } from '../adapters/redis';

/**
 * Remembers signed requests already accepted (by a hash of sender and signature) for as long as
 * their timestamp could still pass, so the same request sent again is recognised as a replay.
 */
export function createReplayGuardRepository(deps: { redis: RedisClient; prefix: string }) {
  return {
    /** True the first time `parts` are seen within `ttlSeconds`; false for a replay. */
    async firstSeen(parts: readonly string[], ttlSeconds: number): Promise<boolean> {
      const digest = createHash('sha256').update(parts.join('\n')).digest('base64url');
      return (await deps.redis.set(`${deps.prefix}:seen-request:${digest}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
  };
}
export type ReplayGuardRepository = ReturnType<typeof createReplayGuardRepository>;
