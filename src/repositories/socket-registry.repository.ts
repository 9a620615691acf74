import type { RedisClient } from '../adapters/redis';

// Admits a socket when the user holds fewer than the cap. Entries carry an expiry as score, so
// sockets of a crashed API node fall out once their node stops refreshing them.
const REGISTER = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

// Extends the expiry of a user's sockets that are still registered (XX: a socket dropped
// meanwhile is not brought back). One call per user, however many sockets the user holds.
const REFRESH = `
local t = redis.call('TIME')
local expires = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expires, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;
/** Socket keys per REFRESH call (keeps one script run short for a user with very many sockets). */
const REFRESH_CHUNK = 500;

/**
 * Live-feed sockets per user across every API node, and per-user counters of connects and
 * replayed events per window: what the gateway's limits are checked against.
 */
export function createSocketRegistryRepository(deps: { redis: RedisClient; prefix: string }) {
  const key = (userId: string) => `${deps.prefix}:sockets:${userId}`;
  async function countIn(kind: string, userId: string, by: number, windowSeconds: number): Promise<number> {
    const k = `${deps.prefix}:socket-${kind}:${userId}`;
    const res = (await deps.redis.multi().incrby(k, by).expire(k, windowSeconds, 'NX').exec()) ?? [];
    return Number(res[0]?.[1] ?? 0);
  }
  return {
    /** True when the socket is admitted (the user held fewer than `cap`). */
    async register(userId: string, socketKey: string, cap: number, ttlMs: number): Promise<boolean> {
      return (await deps.redis.eval(REGISTER, 1, key(userId), String(cap), String(ttlMs), socketKey)) === 1;
    },
    async refresh(entries: readonly { userId: string; socketKey: string }[], ttlMs: number): Promise<void> {
      if (entries.length === 0) return;
      // Grouped by user: the node refreshes all its sockets every few seconds, and a script run
      // per socket cost a Redis round of work per socket (thousands a sweep on a loaded node).
      const byUser = new Map<string, string[]>();
      for (const e of entries) {
        const keys = byUser.get(e.userId);
        if (keys) keys.push(e.socketKey);
        else byUser.set(e.userId, [e.socketKey]);
      }
      const p = deps.redis.pipeline();
      for (const [userId, keys] of byUser) {
        for (let i = 0; i < keys.length; i += REFRESH_CHUNK) p.eval(REFRESH, 1, key(userId), String(ttlMs), ...keys.slice(i, i + REFRESH_CHUNK));
      }
      const res = (await p.exec()) ?? [];
      for (const [err] of res) if (err) throw err;
    },
    async unregister(userId: string, socketKey: string): Promise<void> {
      await deps.redis.zrem(key(userId), socketKey);
    },
    /** Connection attempts of a user in the current window, this one included. */
    countConnect: (userId: string, windowSeconds: number) => countIn('connects', userId, 1, windowSeconds),
    /** Adds `n` replayed events to the user's window and returns the window's total. */
    countReplayed: (userId: string, n: number, windowSeconds: number) => countIn('replayed', userId, n, windowSeconds),
  };
}
export type SocketRegistryRepository = ReturnType<typeof createSocketRegistryRepository>;
