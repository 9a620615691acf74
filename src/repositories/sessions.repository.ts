import { createHash } from 'node:crypto';
import type { RedisClient } from '../adapters/redis';
import type { SessionUser } from '../domain/access';

export interface SessionRecord {
  id: string;
  user: SessionUser;
  createdAt: number;
  /** Absolute expiry, epoch ms: the session ends then however active it is. */
  expiresAt: number;
}

/**
 * Server-side sessions in Redis. The key is a hash of the token, so a Redis dump does not hand
 * out live tokens. Idle timeout is the key's TTL, refreshed on use; absolute timeout is checked.
 */
export function createSessionsRepository(deps: { redis: RedisClient; prefix: string }) {
  const { redis, prefix } = deps;
  const key = (sessionId: string) => `${prefix}:session:${sessionId}`;
  const userIndex = (userId: string) => `${prefix}:user-sessions:${userId}`;
  return {
    sessionIdOf(token: string): string {
      return createHash('sha256').update(token).digest('base64url');
    },
    async create(rec: SessionRecord, idleSeconds: number): Promise<void> {
      await redis
        .multi()
        .set(key(rec.id), JSON.stringify(rec), 'EX', idleSeconds)
        .sadd(userIndex(rec.user.id), rec.id)
        .exec();
    },
    /** Returns the live session and extends its idle TTL; null when absent or past absolute expiry. */
    async touch(sessionId: string, idleSeconds: number, now = Date.now()): Promise<SessionRecord | null> {
      const raw = await redis.get(key(sessionId));
      if (!raw) return null;
      const rec = JSON.parse(raw) as SessionRecord;
      if (now >= rec.expiresAt) {
        await this.remove(sessionId);
        return null;
      }
      const ttl = Math.max(1, Math.min(idleSeconds, Math.ceil((rec.expiresAt - now) / 1000)));
      await redis.expire(key(sessionId), ttl);
      return rec;
    },
    /** Which of the given sessions still exist (for disconnecting sockets whose session ended). */
    async alive(sessionIds: readonly string[]): Promise<Set<string>> {
      if (sessionIds.length === 0) return new Set();
      const p = redis.pipeline();
      for (const id of sessionIds) p.exists(key(id));
      const res = (await p.exec()) ?? [];
      return new Set(sessionIds.filter((_, i) => res[i]?.[1] === 1));
    },
    async remove(sessionId: string): Promise<void> {
      const raw = await redis.get(key(sessionId));
      const m = redis.multi().del(key(sessionId));
      if (raw) m.srem(userIndex((JSON.parse(raw) as SessionRecord).user.id), sessionId);
      await m.exec();
    },
  };
}
export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
