import type { RedisClient } from '../adapters/redis';

/** Who tried: the account (lower-cased username or user id) and the client address. */
export interface LoginAttempt {
  account: string;
  address: string;
}

/** Failure counts in the current window, per (account, address), per address and per account. */
export interface LoginFailures {
  pair: number;
  address: number;
  account: number;
}

/**
 * Counters of failed logins in Redis, each expiring one window after its first failure. The
 * service decides what the counts mean; this only counts.
 */
export function createLoginAttemptsRepository(deps: { redis: RedisClient; prefix: string }) {
  const key = (kind: 'pair' | 'addr' | 'acct', id: string) => `${deps.prefix}:login-fail:${kind}:${id}`;
  const pairKey = (a: LoginAttempt) => key('pair', `${a.account}|${a.address}`);
  return {
    async failures(a: LoginAttempt): Promise<LoginFailures> {
      const [pair, address, account] = await deps.redis.mget(pairKey(a), key('addr', a.address), key('acct', a.account));
      return { pair: Number(pair ?? 0), address: Number(address ?? 0), account: Number(account ?? 0) };
    },

    async recordFailure(a: LoginAttempt, windowSeconds: number): Promise<void> {
      const m = deps.redis.multi();
      for (const k of [pairKey(a), key('addr', a.address), key('acct', a.account)]) m.incr(k).expire(k, windowSeconds, 'NX');
      await m.exec();
    },

    /**
     * A wrong current password inside a session (TOTP setup, password change): counted for the
     * account and that address, not against everyone else behind the same address.
     */
    async recordSessionFailure(a: LoginAttempt, windowSeconds: number): Promise<void> {
      const m = deps.redis.multi();
      for (const k of [pairKey(a), key('acct', a.account)]) m.incr(k).expire(k, windowSeconds, 'NX');
      await m.exec();
    },

    /** A successful login from this address clears its own record and the account's slow-down. */
    async clearSuccess(a: LoginAttempt): Promise<void> {
      await deps.redis.del(pairKey(a), key('acct', a.account));
    },

    /** An administrator set a new password: whatever was guessed before no longer matters. */
    async clearAccount(account: string): Promise<void> {
      await deps.redis.del(key('acct', account));
    },
  };
}
export type LoginAttemptsRepository = ReturnType<typeof createLoginAttemptsRepository>;
