import type { RedisClient } from '../adapters/redis';

/** Connector cursors, one per source. Written only after the page's posts are queued. */
export function createCursorsRepository(deps: { redis: RedisClient; prefix: string }) {
  const key = (sourceId: string) => `${deps.prefix}:cursor:${sourceId}`;
  return {
    get: (sourceId: string): Promise<string | null> => deps.redis.get(key(sourceId)),
    async set(sourceId: string, cursor: string): Promise<void> {
      await deps.redis.set(key(sourceId), cursor);
    },
  };
}
export type CursorsRepository = ReturnType<typeof createCursorsRepository>;
