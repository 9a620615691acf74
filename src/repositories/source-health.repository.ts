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
  /** Rate-limit and flood answers counted (kinds in FLOOD_KINDS). */
  floodWaits: number;
  /** Until when the network told us to wait (Retry-After, flood wait); null when not told or past. */
  waitUntil: string | null;
  /** When the last non-empty page arrived: what silence is measured from. */
  lastItemAt: string | null;
  /** The source's usual gap between non-empty pages (EWMA), once learnt. */
  usualGapMs: number | null;
  /** How many gaps the rhythm has learnt from. */
  gapSamples: number;
  /** Set when the runner stopped the source on a fatal error (token revoked, source gone). */
  stopped: { at: string; reason: string } | null;
  /** Daily method quotas of the source's token (VK), as the source last saw them; null for networks without. */
  quota: QuotaHealth | null;
}

/**
 * A token's daily method budgets as one source saw them at `at`: calls used today, the limit,
 * and the calls the day is planned to end with at the stretched pace (`stretch` × the configured
 * interval). `pausedUntil` is set while a method the source needs is spent.
 */
export interface QuotaHealth {
  at: string;
  resetAt: string;
  stretch: number;
  pausedUntil: string | null;
  methods: { method: string; used: number; limit: number; planned: number }[];
}

/** The stored snapshot as of `at`: past its reset the day's counts start again from zero. */
function quotaAsOf(raw: string | undefined, at: number): QuotaHealth | null {
  if (!raw) return null;
  let q: QuotaHealth;
  try {
    q = JSON.parse(raw) as QuotaHealth;
  } catch {
    return null;
  }
  if (!q || !Array.isArray(q.methods) || typeof q.resetAt !== 'string') return null;
  if (Date.parse(q.resetAt) > at) return { ...q, pausedUntil: q.pausedUntil && Date.parse(q.pausedUntil) > at ? q.pausedUntil : null };
  return { ...q, pausedUntil: null, methods: q.methods.map((m) => ({ ...m, used: 0 })) };
}

/** Error kinds that mean "the network slowed us down" (bans and flood waits). */
export const FLOOD_KINDS: readonly string[] = ['rate_limited', 'flood', 'flood_wait', 'too_many_requests'];

/** How the rhythm learns: EWMA weight of the newest gap, and the longest gap one sample may add. */
export const RHYTHM = { alpha: 0.2, maxSampleMs: 14 * 24 * 3_600_000 } as const;

/**
 * The next rhythm after a non-empty page at `at`. Pure. The first page only marks the time (the
 * backlog a new source reads says nothing about its rhythm); each next one adds its gap to an
 * exponentially weighted mean, a single gap capped so one long outage does not teach "silence is
 * normal".
 */
export function nextRhythm(prev: { lastItemAt: number | null; usualGapMs: number | null; samples: number }, at: number): { lastItemAt: number; usualGapMs: number | null; samples: number } {
  if (prev.lastItemAt === null || at <= prev.lastItemAt) return { lastItemAt: Math.max(at, prev.lastItemAt ?? at), usualGapMs: prev.usualGapMs, samples: prev.samples };
  const gap = Math.min(at - prev.lastItemAt, RHYTHM.maxSampleMs);
  const usualGapMs = prev.usualGapMs === null ? gap : prev.usualGapMs + RHYTHM.alpha * (gap - prev.usualGapMs);
  return { lastItemAt: at, usualGapMs: Math.round(usualGapMs), samples: prev.samples + 1 };
}

const HOUR = 3_600_000;
// Error messages may carry URLs, and URLs may carry tokens in their query: keep only origin + path.
const scrub = (message: string) => message.replace(/(https?:\/\/[^\s?#]+)[?#]\S*/g, '$1?…').slice(0, 300);
const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));

/** Per-source connector health in Redis: what the administrator's page and metrics read. */
export function createSourceHealthRepository(deps: { redis: RedisClient; prefix: string }) {
  const key = (id: string) => `${deps.prefix}:source-health:${id}`;
  const hourKey = (id: string, at: number) => `${deps.prefix}:source-items:${id}:${Math.floor(at / HOUR)}`;
  return {
    async recordSuccess(sourceId: string, page: { items: number; newestPublishedAt?: string }, at = Date.now()): Promise<void> {
      const m = deps.redis.multi().hset(key(sourceId), 'lastSuccessAt', new Date(at).toISOString()).hincrby(key(sourceId), 'itemsTotal', page.items).hdel(key(sourceId), 'stoppedAt', 'stoppedReason');
      if (page.items > 0) {
        m.incrby(hourKey(sourceId, at), page.items).pexpire(hourKey(sourceId, at), 2 * HOUR);
        // One runner per source writes this: read-then-write is safe.
        const [last, gap, samples] = await deps.redis.hmget(key(sourceId), 'lastItemAt', 'gapEwmaMs', 'gapSamples');
        const lastMs = last ? Date.parse(last) : NaN;
        const r = nextRhythm({ lastItemAt: Number.isNaN(lastMs) ? null : lastMs, usualGapMs: num(gap ?? undefined), samples: Number(samples ?? 0) }, at);
        m.hset(key(sourceId), 'lastItemAt', new Date(r.lastItemAt).toISOString(), 'gapSamples', String(r.samples));
        if (r.usualGapMs !== null) m.hset(key(sourceId), 'gapEwmaMs', String(r.usualGapMs));
      }
      const published = page.newestPublishedAt ? Date.parse(page.newestPublishedAt) : NaN;
      if (!Number.isNaN(published)) m.hset(key(sourceId), 'lagMs', String(Math.max(0, at - published)));
      await m.exec();
    },
    async recordError(sourceId: string, err: unknown, at = Date.now()): Promise<void> {
      const e = err as { kind?: unknown; name?: unknown; message?: unknown; retryAfterMs?: unknown };
      const kind = typeof e.kind === 'string' ? e.kind : typeof e.name === 'string' ? e.name : 'error';
      const m = deps.redis
        .multi()
        .hincrby(key(sourceId), `errors:${kind}`, 1)
        .hset(key(sourceId), 'lastErrorAt', new Date(at).toISOString(), 'lastError', scrub(String(e.message ?? err)));
      if (typeof e.retryAfterMs === 'number' && e.retryAfterMs > 0) m.hset(key(sourceId), 'waitUntil', new Date(at + e.retryAfterMs).toISOString());
      await m.exec();
    },
    /** The runner gave up on the source (fatal error); cleared by the next success. */
    async recordStopped(sourceId: string, err: { kind: string; message: string }, at = Date.now()): Promise<void> {
      await deps.redis.hset(key(sourceId), 'stoppedAt', new Date(at).toISOString(), 'stoppedReason', `${err.kind}: ${scrub(err.message)}`);
    },
    /** The token's quota as this source saw it after a poll or a pause (connectors/vk/vk.quota.ts). */
    async recordQuota(sourceId: string, quota: QuotaHealth): Promise<void> {
      await deps.redis.hset(key(sourceId), 'quota', JSON.stringify(quota));
    },
    /** The source is started again (resumed or its settings changed): no longer stopped. */
    async clearStopped(sourceId: string): Promise<void> {
      await deps.redis.hdel(key(sourceId), 'stoppedAt', 'stoppedReason');
    },
    /** Drops everything recorded for a deleted source. */
    async forget(sourceId: string, at = Date.now()): Promise<void> {
      await deps.redis.del(key(sourceId), hourKey(sourceId, at), hourKey(sourceId, at - HOUR));
    },
    async get(sourceId: string, at = Date.now()): Promise<SourceHealth> {
      const [h, hour] = await Promise.all([deps.redis.hgetall(key(sourceId)), deps.redis.get(hourKey(sourceId, at))]);
      const errorsByKind: Record<string, number> = {};
      for (const [f, v] of Object.entries(h)) if (f.startsWith('errors:')) errorsByKind[f.slice(7)] = Number(v);
      const waitUntil = h.waitUntil && Date.parse(h.waitUntil) > at ? h.waitUntil : null;
      return {
        sourceId,
        lastSuccessAt: h.lastSuccessAt ?? null,
        lastErrorAt: h.lastErrorAt ?? null,
        lastError: h.lastError ?? null,
        lagMs: num(h.lagMs),
        itemsTotal: Number(h.itemsTotal ?? 0),
        itemsLastHour: Number(hour ?? 0),
        errorsByKind,
        floodWaits: FLOOD_KINDS.reduce((sum, k) => sum + (errorsByKind[k] ?? 0), 0),
        waitUntil,
        lastItemAt: h.lastItemAt ?? null,
        usualGapMs: num(h.gapEwmaMs),
        gapSamples: Number(h.gapSamples ?? 0),
        stopped: h.stoppedAt ? { at: h.stoppedAt, reason: h.stoppedReason ?? '' } : null,
        quota: quotaAsOf(h.quota, at),
      };
    },
  };
}
export type SourceHealthRepository = ReturnType<typeof createSourceHealthRepository>;
