import type { RedisClient } from '../adapters/redis';

/** An in-app notification: ids and counts, shown by the pages; never the posts' text or authors. */
export interface Notification {
  id: string;
  at: string;
  kind: 'saved_search' | 'spike' | 'report';
  title: string;
  /** Archive query behind it, so the page opens the matching posts. */
  drill?: { q: string; from?: string; to?: string };
  postIds?: string[];
  reportId?: string;
}

const KEEP = 200;

/** Per-user notification lists in Redis (newest first, the last 200) plus once-only markers. */
export function createNotificationsRepository(deps: { redis: RedisClient; prefix: string }) {
  const list = (uid: string) => `${deps.prefix}:notifications:${uid}`;
  const seen = (uid: string) => `${deps.prefix}:notifications-seen:${uid}`;
  return {
    async push(userId: string, n: Notification): Promise<void> {
      await deps.redis.multi().lpush(list(userId), JSON.stringify(n)).ltrim(list(userId), 0, KEEP - 1).exec();
    },
    async list(userId: string, limit: number): Promise<{ items: Notification[]; seenAt: string | null }> {
      const [raw, seenAt] = await Promise.all([deps.redis.lrange(list(userId), 0, limit - 1), deps.redis.get(seen(userId))]);
      return { items: raw.map((r) => JSON.parse(r) as Notification), seenAt };
    },
    async markSeen(userId: string, at: string): Promise<void> {
      await deps.redis.set(seen(userId), at);
    },
    /** True the first time `key` is claimed within `ttlSeconds` (one alert per spike hour). */
    async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
      return (await deps.redis.set(`${deps.prefix}:once:${key}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
  };
}
export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
