import type { RedisClient } from '../adapters/redis';

export interface SourceHealth {
  sourceId: string;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  /** Published → ingested delay of the newest post of the last non-empty page. */
  lagMs: number | null;
  itemsTotal: number;
  itemsLastHour: number;
  errorsByKind: Record<string, number>;
  /** Set when the runner stopped the source on a fatal error (token revoked, source gone). */
  stopped: { at: string; reason: string } | null;
}

const HOUR = 3_600_000;
// Error messages may carry URLs, and URLs may carry tokens in their query: keep only origin + path.
const scrub = (message: string) => message.replace(/(https?:\/\/[^\s?#]+)[?#]\S*/g, '$1?…').slice(0, 300);

/** Per-source connector health in Redis: what the administrator's page and metrics read. */
export function createSourceHealthRepository(deps: { redis: RedisClient; prefix: string }) {
  const key = (id: string) => `${deps.prefix}:source-health:${id}`;
  const hourKey = (id: string, at: number) => `${deps.prefix}:source-items:${id}:${Math.floor(at / HOUR)}`;
  return {
    async recordSuccess(sourceId: string, page: { items: number; newestPublishedAt?: string }, at = Date.now()): Promise<void> {
      const m = deps.redis.multi().hset(key(sourceId), 'lastSuccessAt', new Date(at).toISOString()).hincrby(key(sourceId), 'itemsTotal', page.items).hdel(key(sourceId), 'stoppedAt', 'stoppedReason');
      if (page.items > 0) m.incrby(hourKey(sourceId, at), page.items).pexpire(hourKey(sourceId, at), 2 * HOUR);
      const published = page.newestPublishedAt ? Date.parse(page.newestPublishedAt) : NaN;
      if (!Number.isNaN(published)) m.hset(key(sourceId), 'lagMs', String(Math.max(0, at - published)));
      await m.exec();
    },
    async recordError(sourceId: string, err: unknown, at = Date.now()): Promise<void> {
      const e = err as { kind?: unknown; name?: unknown; message?: unknown };
      const kind = typeof e.kind === 'string' ? e.kind : typeof e.name === 'string' ? e.name : 'error';
      await deps.redis
        .multi()
        .hincrby(key(sourceId), `errors:${kind}`, 1)
        .hset(key(sourceId), 'lastErrorAt', new Date(at).toISOString(), 'lastError', scrub(String(e.message ?? err)))
        .exec();
    },
    /** The runner gave up on the source (fatal error); cleared by the next success. */
    async recordStopped(sourceId: string, err: { kind: string; message: string }, at = Date.now()): Promise<void> {
      await deps.redis.hset(key(sourceId), 'stoppedAt', new Date(at).toISOString(), 'stoppedReason', `${err.kind}: ${scrub(err.message)}`);
    },
    async get(sourceId: string, at = Date.now()): Promise<SourceHealth> {
      const [h, hour] = await Promise.all([deps.redis.hgetall(key(sourceId)), deps.redis.get(hourKey(sourceId, at))]);
      const errorsByKind: Record<string, number> = {};
      for (const [f, v] of Object.entries(h)) if (f.startsWith('errors:')) errorsByKind[f.slice(7)] = Number(v);
      return {
        sourceId,
        lastSuccessAt: h.lastSuccessAt ?? null,
        lastErrorAt: h.lastErrorAt ?? null,
        lastError: h.lastError ?? null,
        lagMs: h.lagMs === undefined ? null : Number(h.lagMs),
        itemsTotal: Number(h.itemsTotal ?? 0),
        itemsLastHour: Number(hour ?? 0),
        errorsByKind,
        stopped: h.stoppedAt ? { at: h.stoppedAt, reason: h.stoppedReason ?? '' } : null,
      };
    },
  };
}
export type SourceHealthRepository = ReturnType<typeof createSourceHealthRepository>;
