/**
 * Daily method quotas of a VK token, planned instead of discovered by error 29.
 *
 * VK limits how often a token may call some methods per day; past the limit every call of the
 * method answers error 29 "Rate limit reached" («Достигнут количественный лимит на вызов
 * метода», https://dev.vk.com/ru/reference/errors). The figures come from VK's data-limits page
 * (vk.com/dev/data_limits, quoted in python273/vk_api#411 and vknet/vk#583): `newsfeed.search`
 * 1000, `wall.search` 1000, `wall.get` 5000 calls a day. VK publishes no figure for
 * `wall.getComments` or `execute`; the defaults (env VK_DAILY_QUOTAS) give `wall.getComments` the
 * `wall.get` figure and count `execute` without a limit.
 *
 * When the counters reset is not documented either: we count Moscow calendar days (UTC+3, no
 * daylight saving since 2014), the boundary VK's own services use; error 29 before our count
 * reaches the limit marks the method spent until that boundary anyway, so a wrong guess costs at
 * most the rest of one day.
 *
 * Three parts, all per token (its hashed key, never the token):
 * - the store (`VkQuotaStore`, in Redis outside connectors/): today's calls per method, shared by
 *   every connector process, and each source's demand (calls per day at its configured interval);
 * - the client guard (`plan.client`): takes each call from today's budget before it goes, refuses
 *   it once the budget is spent, and turns error 29 into "spent until the reset";
 * - the planner (`planVkQuota`, pure) and the connector wrapper (`plan.connector`): after each
 *   poll the source's wait is stretched so that all sources of the token fit the rest of the
 *   day's budget; a source whose method is spent pauses until the reset with a `quota` error the
 *   runner records (source health: `errors:quota`, `waitUntil`, and the `quota` snapshot).
 */
import type { Connector, ConnectorPage } from "../../src/domain/connector";
import {
  DAY_MS,
  moscowClock,
  nextMoscowMidnight,
} from "../../src/domain/moscow-day";
import { VK_ERROR, VkApiError, type VkClient } from "./vk.client";

/** Today's counters and the sources' demand for one token, shared by all processes. */
export interface VkQuotaStore {
  /**
   * Takes `want` (calls per method) from the day of `at` atomically: all or nothing. A method
   * with a limit refuses when its count would pass it; methods without one are only counted.
   */
  take(
    tokenKey: string,
    want: Readonly<Record<string, number>>,
    limits: Readonly<Record<string, number>>,
    at: number,
  ): Promise<{ ok: true } | { ok: false; method: string; used: number }>;
  /** VK answered error 29: the method counts as spent (at least `limit`) for the rest of the day. */
  exhaust(
    tokenKey: string,
    method: string,
    limit: number,
    at: number,
  ): Promise<void>;
  /** Calls per method counted on the day of `at`. */
  usage(tokenKey: string, at: number): Promise<Record<string, number>>;
  /** A source's calls per day at its configured interval; forgotten when not renewed within `ttlMs`. */
  recordDemand(
    tokenKey: string,
    sourceId: string,
    perDay: Readonly<Record<string, number>>,
    ttlMs: number,
    at: number,
  ): Promise<void>;
  /** The token's live sources' demand, summed per method (calls per day). */
  demand(tokenKey: string, at: number): Promise<Record<string, number>>;
}

export interface VkQuotaPlan {
  /** How much longer than configured every source of the token waits between polls (≥ 1). */
  stretch: number;
  /** Methods whose budget is spent today. */
  exhausted: string[];
  /** Calls per method the day will end with at the stretched pace (never above the limit). */
  planned: Record<string, number>;
  resetAt: number;
}

/**
 * Pure: the stretch that makes the sources' demand for the rest of the day fit what is left of
 * each method's budget. `demandPerDay` is at the configured intervals, so one factor for all
 * sources of the token keeps their shares in proportion.
 */
export function planVkQuota(input: {
  limits: Readonly<Record<string, number>>;
  used: Readonly<Record<string, number>>;
  demandPerDay: Readonly<Record<string, number>>;
  at: number;
}): VkQuotaPlan {
  const resetAt = nextMoscowMidnight(input.at);
  const dayLeft = (resetAt - input.at) / DAY_MS;
  let stretch = 1;
  const exhausted: string[] = [];
  for (const [method, limit] of Object.entries(input.limits)) {
    const remaining = limit - (input.used[method] ?? 0);
    const need = (input.demandPerDay[method] ?? 0) * dayLeft;
    if (remaining <= 0) exhausted.push(method);
    else if (need > remaining) stretch = Math.max(stretch, need / remaining);
  }
  const planned: Record<string, number> = {};
  for (const [method, limit] of Object.entries(input.limits)) {
    const used = input.used[method] ?? 0;
    planned[method] = Math.min(
      Math.max(limit, used),
      Math.round(
        used + ((input.demandPerDay[method] ?? 0) * dayLeft) / stretch,
      ),
    );
  }
  return { stretch, exhausted, planned, resetAt };
}

/** What source health shows: the token's counters today as this source last saw them. */
export interface VkQuotaSnapshot {
  at: string;
  resetAt: string;
  stretch: number;
  /** Set while a method this source needs is spent: the source waits until the reset. */
  pausedUntil: string | null;
  methods: { method: string; used: number; limit: number; planned: number }[];
}

export interface VkQuotaPlanOptions {
  sourceId: string;
  /** The token's hashed key (`vkRateLimitKey`). */
  tokenKey: string;
  store: VkQuotaStore;
  /** Daily limit per method; methods absent are counted, never refused. */
  limits: Readonly<Record<string, number>>;
  /** The limited methods this source calls: any of them spent pauses the source. */
  methods: readonly string[];
  now?: () => number;
  /** Where the snapshot goes after every poll and pause (source health); failures are ignored. */
  report?: (snapshot: VkQuotaSnapshot) => Promise<void>;
}

function spentError(
  method: string,
  used: number,
  limit: number,
  at: number,
): VkApiError {
  const resetAt = nextMoscowMidnight(at);
  return new VkApiError(
    "quota",
    VK_ERROR.rateLimit,
    method,
    `VK ${method}: the token's daily quota is spent (${used} of ${limit} calls today); the source waits for the reset at ${moscowClock(resetAt)}`,
    resetAt - at,
  );
}

/**
 * The quota plan of one VK source: `client` guards its calls, `connector` stretches its polls and
 * pauses it when a method is spent. Both count into the same per-poll tally.
 */
export function createVkQuotaPlan(opts: VkQuotaPlanOptions) {
  const now = opts.now ?? (() => Date.now());
  const limited = opts.methods.filter((m) => opts.limits[m] !== undefined);
  /** Calls taken since the last finished poll (a search sweep spans several pages). */
  let tally: Record<string, number> = {};
  /** The last stretched wait: how long this source's demand must stay counted. */
  let lastWaitMs = 0;

  async function take(want: Record<string, number>): Promise<void> {
    const at = now();
    const r = await opts.store.take(opts.tokenKey, want, opts.limits, at);
    if (!r.ok)
      throw spentError(r.method, r.used, opts.limits[r.method] ?? 0, at);
    for (const [m, n] of Object.entries(want)) tally[m] = (tally[m] ?? 0) + n;
  }

  /** Error 29 from VK: this method is spent for today whatever our count says. */
  async function spent(method: string): Promise<VkApiError> {
    const at = now();
    const limit = opts.limits[method] ?? 0;
    await opts.store.exhaust(opts.tokenKey, method, limit, at);
    const used = (await opts.store.usage(opts.tokenKey, at))[method] ?? limit;
    return spentError(method, used, limit || used, at);
  }

  async function snapshot(
    plan: VkQuotaPlan,
    used: Record<string, number>,
    at: number,
  ): Promise<void> {
    const paused = limited.some((m) => plan.exhausted.includes(m));
    const snap: VkQuotaSnapshot = {
      at: new Date(at).toISOString(),
      resetAt: new Date(plan.resetAt).toISOString(),
      stretch: Math.round(plan.stretch * 100) / 100,
      pausedUntil: paused ? new Date(plan.resetAt).toISOString() : null,
      methods: limited.map((m) => ({
        method: m,
        used: used[m] ?? 0,
        limit: opts.limits[m] ?? 0,
        planned: plan.planned[m] ?? 0,
      })),
    };
    await opts.report?.(snap).catch(() => undefined);
  }

  async function currentPlan(
    at: number,
  ): Promise<{ plan: VkQuotaPlan; used: Record<string, number> }> {
    const [used, demandPerDay] = await Promise.all([
      opts.store.usage(opts.tokenKey, at),
      opts.store.demand(opts.tokenKey, at),
    ]);
    return {
      plan: planVkQuota({ limits: opts.limits, used, demandPerDay, at }),
      used,
    };
  }

  return {
    client(inner: VkClient): VkClient {
      return {
        async call<T>(
          method: string,
          params: Parameters<VkClient["call"]>[1],
          signal: AbortSignal,
        ): Promise<T> {
          await take({ [method]: 1 });
          try {
            return await inner.call<T>(method, params, signal);
          } catch (err) {
            if (err instanceof VkApiError && err.code === VK_ERROR.rateLimit)
              throw await spent(method);
            throw err;
          }
        },
        async execute<T>(
          calls: Parameters<VkClient["execute"]>[0],
          signal: AbortSignal,
        ) {
          // VK counts each call inside execute against its method's quota.
          const want: Record<string, number> = { execute: 1 };
          for (const c of calls) want[c.method] = (want[c.method] ?? 0) + 1;
          await take(want);
          let res: Awaited<ReturnType<VkClient["execute"]>>;
          try {
            res = await inner.execute<T>(calls, signal);
          } catch (err) {
            if (err instanceof VkApiError && err.code === VK_ERROR.rateLimit)
              throw await spent(err.method);
            throw err;
          }
          const refused = res.errors.find(
            (e) => e.error_code === VK_ERROR.rateLimit,
          );
          if (refused) throw await spent(refused.method);
          return res as { results: (T | false)[]; errors: typeof res.errors };
        },
      };
    },

    connector(inner: Connector): Connector {
      return {
        ...inner,
        async fetchPage(
          cursor: string | null,
          signal: AbortSignal,
        ): Promise<ConnectorPage> {
          const before = now();
          const { plan: pre, used: usedBefore } = await currentPlan(before);
          const spentNow = limited.find((m) => pre.exhausted.includes(m));
          if (spentNow) {
            // Asking VK again would only earn error 29: wait for the reset, visibly.
            await snapshot(pre, usedBefore, before);
            throw spentError(
              spentNow,
              usedBefore[spentNow] ?? 0,
              opts.limits[spentNow] ?? 0,
              before,
            );
          }
          let page: ConnectorPage;
          try {
            page = await inner.fetchPage(cursor, signal);
          } catch (err) {
            if (err instanceof VkApiError && err.kind === "quota") {
              const at = now();
              const { plan, used } = await currentPlan(at);
              await snapshot(plan, used, at);
            }
            throw err;
          }
          if (page.waitMs <= 0) return page; // more of this poll follows at once: the rate limiter paces it
          const at = now();
          const perDay: Record<string, number> = {};
          for (const [m, n] of Object.entries(tally))
            perDay[m] = (n * DAY_MS) / page.waitMs; // the connector's wait once caught up is its configured interval
          tally = {};
          // Renewed every poll; a paused or deleted source drops out after two of its waits.
          await opts.store.recordDemand(
            opts.tokenKey,
            opts.sourceId,
            perDay,
            2 * Math.max(lastWaitMs, page.waitMs) + 10 * 60_000,
            at,
          );
          const { plan, used } = await currentPlan(at);
          await snapshot(plan, used, at);
          lastWaitMs = Math.max(
            page.waitMs,
            Math.min(page.waitMs * plan.stretch, plan.resetAt - at),
          );
          return { ...page, waitMs: lastWaitMs };
        },
      };
    },
  };
}
