import type { RedisClient } from '../adapters/redis';

/**
 * Posts waiting for the pipeline. Queue payloads carry only the post id; the post itself (with
 * its author) waits here, under a TTL, and is removed once indexed. Keeps personal data out of
 * BullMQ's job hashes and its failed-job archive.
 */
export function createStagingRepository(deps: { redis: RedisClient; prefix: string; ttlSeconds?: number }) {
  const { redis, prefix } = deps;
  const ttl = deps.ttlSeconds ?? 7 * 24 * 3600;
  const key = (postId: string) => `${prefix}:staged:${postId}`;
  return {
    async put(entries: readonly { postId: string; payload: string }[]): Promise<void> {
      if (entries.length === 0) return;
      const m = redis.multi();
      for (const e of entries) m.set(key(e.postId), e.payload, 'EX', ttl);
      const res = await m.exec();
      const failed = res?.find(([err]) => err);
      if (!res || failed) throw failed?.[0] ?? new Error('staging transaction aborted');
    },
    /** Raw payloads in input order; null where nothing is staged. */
    async get(postIds: readonly string[]): Promise<(string | null)[]> {
      if (postIds.length === 0) return [];
      return redis.mget(postIds.map(key));
    },
    async remove(postIds: readonly string[]): Promise<void> {
      if (postIds.length === 0) return;
      await redis.unlink(...postIds.map(key));
    },
  };
}
export type StagingRepository = ReturnType<typeof createStagingRepository>;
