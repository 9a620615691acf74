import type { RedisClient } from '../adapters/redis';

export interface SavedSearch {
  id: string;
  ownerId: string;
  ownerUsername: string;
  name: string;
  q: string;
  /** Shared with the owner's team (users with the same sector scope). */
  shared: boolean;
  teamKey: string;
  /** Notify the owner of new matches. */
  alert: boolean;
  createdAt: string;
  /** Posts ingested after this instant are "new" for the alert. */
  checkedAt: string;
}

/**
 * Saved searches in Redis: one JSON value per search, a set per owner and per team, and the set
 * of searches with an alert (what the scheduled check walks).
 */
export function createSavedSearchesRepository(deps: { redis: RedisClient; prefix: string }) {
  const p = deps.prefix;
  const item = (id: string) => `${p}:saved-search:${id}`;
  const owner = (uid: string) => `${p}:saved-searches:owner:${uid}`;
  const team = (k: string) => `${p}:saved-searches:team:${k}`;
  const alerting = `${p}:saved-searches:alerting`;

  async function getMany(ids: string[]): Promise<SavedSearch[]> {
    if (ids.length === 0) return [];
    const raw = await deps.redis.mget(ids.map(item));
    return raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as SavedSearch);
  }

  return {
    async save(s: SavedSearch): Promise<void> {
      const old = await this.get(s.id);
      const m = deps.redis.multi().set(item(s.id), JSON.stringify(s)).sadd(owner(s.ownerId), s.id);
      if (old && old.shared) m.srem(team(old.teamKey), s.id);
      if (s.shared) m.sadd(team(s.teamKey), s.id);
      if (s.alert) m.sadd(alerting, s.id);
      else m.srem(alerting, s.id);
      await m.exec();
    },
    async get(id: string): Promise<SavedSearch | null> {
      const raw = await deps.redis.get(item(id));
      return raw ? (JSON.parse(raw) as SavedSearch) : null;
    },
    async remove(s: SavedSearch): Promise<void> {
      await deps.redis.multi().del(item(s.id)).srem(owner(s.ownerId), s.id).srem(team(s.teamKey), s.id).srem(alerting, s.id).exec();
    },
    async listVisible(userId: string, teamKey: string): Promise<SavedSearch[]> {
      const ids = await deps.redis.sunion(owner(userId), team(teamKey));
      return (await getMany(ids)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async listAlerting(): Promise<SavedSearch[]> {
      return getMany(await deps.redis.smembers(alerting));
    },
    async markChecked(id: string, at: string): Promise<void> {
      const s = await this.get(id);
      if (s) await deps.redis.set(item(id), JSON.stringify({ ...s, checkedAt: at }));
    },
  };
}
export type SavedSearchesRepository = ReturnType<typeof createSavedSearchesRepository>;
