import { createHash } from 'node:crypto';
import type { RedisClient } from '../adapters/redis';

/** A password step answered with "TOTP required", waiting for its code. */
export interface LoginChallenge {
  userId: string;
  attempts: number;
}

// Compare-and-set: a TOTP step is accepted only if it is later than the last one used, so a code
// cannot be replayed, nor an older code of the window used after a newer one.
const USE_STEP_LUA = `local v = redis.call('GET', KEYS[1])
if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * Short-lived TOTP state in Redis: login challenges (keyed by a hash of the challenge), pending
 * enrolments (sealed secrets) and the last accepted time step of each user.
 */
export function createTotpStateRepository(deps: { redis: RedisClient; prefix: string }) {
  const challengeKey = (challenge: string) => `${deps.prefix}:login-challenge:${sha256(challenge)}`;
  const pendingKey = (userId: string) => `${deps.prefix}:totp-pending:${userId}`;
  const usedStepKey = (userId: string) => `${deps.prefix}:totp-used:${userId}`;
  return {
    async createChallenge(challenge: string, rec: LoginChallenge, ttlSeconds: number): Promise<void> {
      await deps.redis.set(challengeKey(challenge), JSON.stringify(rec), 'EX', ttlSeconds);
    },
    async challenge(challenge: string): Promise<LoginChallenge | null> {
      const raw = await deps.redis.get(challengeKey(challenge));
      return raw ? (JSON.parse(raw) as LoginChallenge) : null;
    },
    async updateChallenge(challenge: string, rec: LoginChallenge): Promise<void> {
      await deps.redis.set(challengeKey(challenge), JSON.stringify(rec), 'KEEPTTL');
    },
    async deleteChallenge(challenge: string): Promise<void> {
      await deps.redis.del(challengeKey(challenge));
    },

    async setPending(userId: string, sealedSecret: string, ttlSeconds: number): Promise<void> {
      await deps.redis.set(pendingKey(userId), sealedSecret, 'EX', ttlSeconds);
    },
    async pending(userId: string): Promise<string | null> {
      return deps.redis.get(pendingKey(userId));
    },
    async deletePending(userId: string): Promise<void> {
      await deps.redis.del(pendingKey(userId));
    },

    /** Records `step` as used when it is newer than the last one; false when it is not. */
    async useStep(userId: string, step: number, ttlSeconds: number): Promise<boolean> {
      return (await deps.redis.eval(USE_STEP_LUA, 1, usedStepKey(userId), String(step), String(ttlSeconds))) === 1;
    },

    /** Forgets a user's enrolment in progress and used steps (the factor was reset). */
    async forget(userId: string): Promise<void> {
      await deps.redis.del(pendingKey(userId), usedStepKey(userId));
    },
  };
}
export type TotpStateRepository = ReturnType<typeof createTotpStateRepository>;
