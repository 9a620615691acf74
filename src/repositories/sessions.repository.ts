import { createHash } from 'node:crypto';
import type { RedisClient } from '../adapters/redis';
import type { SessionUser } from '../domain/access';

export interface SessionRecord {
  id: string;
  user: SessionUser;
  createdAt: number;
  /** Absolute expiry, epoch ms: the session ends then however active it is. */
  expiresAt: number;
  /** Anti-CSRF token a cookie-authenticated client echoes in `X-CSRF-Token` on writes. */
  csrf: string;
  /** The role requires TOTP and the user has none yet: the session may only enrol it. */
  totpEnrolment?: boolean;
  /** The password was set by an administrator: the session may only replace it. */
  passwordChange?: boolean;
}

/**
 * Server-side sessions in Redis. The key is a hash of the token, so a Redis dump does not hand
 * out live tokens. Idle timeout is the key's TTL, refreshed on use; absolute timeout is checked.
 */
export function createSessionsRepository(deps: { redis: RedisClient; prefix: string }) {
  const { redis, prefix } = deps;
  const key = (sessionId: string) => `${prefix}:session:${sessionId}`;
  const userIndex = (userId: string) => `${prefix}:user-sessions:${userId}`;
  // Carries session ids (hashes of tokens) only: no user data on the wire.
  const channel = `${prefix}:sessions-revoked`;
  const announce = async (sessionIds: string[]) => {
    if (sessionIds.length > 0) await redis.publish(channel, JSON.stringify(sessionIds));
  };
  return {
    sessionIdOf(token: string): string {
      return createHash('sha256').update(token).digest('base64url');
    },
    async create(rec: SessionRecord, idleSeconds: number): Promise<void> {
      await redis
        .multi()
        .set(key(rec.id), JSON.stringify(rec), 'EX', idleSeconds)
        .sadd(userIndex(rec.user.id), rec.id)
        // The newest session expires last, so the index goes with the last of them.
        .pexpireat(userIndex(rec.user.id), rec.expiresAt)
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
      await announce([sessionId]);
    },
    /** Replaces a live session's record, keeping its remaining idle TTL. */
    async update(rec: SessionRecord): Promise<void> {
      await redis.set(key(rec.id), JSON.stringify(rec), 'KEEPTTL', 'XX');
    },
    /** Ends every session of a user (role, scope, password or TOTP changed; account disabled). */
    async removeAllForUser(userId: string, opts: { except?: string } = {}): Promise<number> {
      const ids = (await redis.smembers(userIndex(userId))).filter((id) => id !== opts.except);
      if (ids.length === 0) return 0;
      // Keeping one session keeps the index too, minus the ended ones.
      const m = opts.except ? redis.multi().srem(userIndex(userId), ...ids) : redis.multi().del(userIndex(userId));
      for (const id of ids) m.del(key(id));
      await m.exec();
      await announce(ids);
      return ids.length;
    },
    /**
     * Calls `handler` with the ids of sessions ended on any API node (Redis pub/sub on its own
     * connection). Messages lost while disconnected are covered by the gateway's periodic sweep.
     */
    onRemoved(handler: (sessionIds: string[]) => void, onError: (err: Error) => void): () => void {
      const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'sessions-revoked' });
      sub.on('error', () => undefined);
      sub.on('message', (ch: string, message: string) => {
        if (ch !== channel) return;
        try {
          const ids = JSON.parse(message) as unknown;
          if (Array.isArray(ids)) handler(ids.filter((x): x is string => typeof x === 'string'));
        } catch {
          // Not ours: ignore.
        }
      });
      // Subscribes in the background (ioredis re-subscribes after a reconnect); stopping never waits for Redis.
      let stopped = false;
      sub.subscribe(channel).catch((err: Error) => {
        if (!stopped) onError(err);
      });
      return () => {
        stopped = true;
        sub.disconnect();
      };
    },
  };
}
export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
