import type { RedisClient } from "../adapters/redis";
import { DAY_MS, moscowDay } from "../domain/moscow-day";

/**
 * VK's daily method quotas per token, in Redis so every connector process draws on one budget
 * (connectors/vk/vk.quota.ts `VkQuotaStore`). Keys hold the token's hashed key, never the token:
 *
 * - `<p>:vkquota:used:<tokenKey>:<moscow day>` — hash method → calls taken that day (kept 2 days);
 * - `<p>:vkquota:demand:<tokenKey>` — hash sourceId → `{ perDay, expiresAt }`, each source's calls
 *   per day at its configured interval, dropped when not renewed.
 *
 * `take` checks and counts all methods of a request in one Lua script, so two processes cannot
 * both take the last call of the day.
 */
const TAKE = `
local n = #ARGV / 3
for i = 0, n - 1 do
  local limit = tonumber(ARGV[i * 3 + 3])
  if limit >= 0 then
    local used = tonumber(redis.call('HGET', KEYS[1], ARGV[i * 3 + 1]) or '0')
    if used + tonumber(ARGV[i * 3 + 2]) > limit then return {0, ARGV[i * 3 + 1], used} end
  end
end
for i = 0, n - 1 do redis.call('HINCRBY', KEYS[1], ARGV[i * 3 + 1], ARGV[i * 3 + 2]) end
redis.call('PEXPIRE', KEYS[1], ${2 * DAY_MS})
return {1}`;

const EXHAUST = `
local used = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if used < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('PEXPIRE', KEYS[1], ${2 * DAY_MS})
return 1`;

export function createVkQuotaRepository(deps: {
  redis: RedisClient;
  prefix: string;
}) {
  const usedKey = (tokenKey: string, at: number) =>
    `${deps.prefix}:vkquota:used:${tokenKey}:${moscowDay(at)}`;
  const demandKey = (tokenKey: string) =>
    `${deps.prefix}:vkquota:demand:${tokenKey}`;
  return {
    async take(
      tokenKey: string,
      want: Readonly<Record<string, number>>,
      limits: Readonly<Record<string, number>>,
      at: number,
    ): Promise<{ ok: true } | { ok: false; method: string; used: number }> {
      const args: (string | number)[] = [];
      for (const [method, n] of Object.entries(want))
        if (n > 0) args.push(method, n, limits[method] ?? -1);
      if (args.length === 0) return { ok: true };
      const r = (await deps.redis.eval(
        TAKE,
        1,
        usedKey(tokenKey, at),
        ...args,
      )) as [number, string?, number?];
      return r[0] === 1
        ? { ok: true }
        : { ok: false, method: String(r[1]), used: Number(r[2]) };
    },
    async exhaust(
      tokenKey: string,
      method: string,
      limit: number,
      at: number,
    ): Promise<void> {
      await deps.redis.eval(
        EXHAUST,
        1,
        usedKey(tokenKey, at),
        method,
        Math.max(1, limit),
      );
    },
    async usage(tokenKey: string, at: number): Promise<Record<string, number>> {
      const h = await deps.redis.hgetall(usedKey(tokenKey, at));
      return Object.fromEntries(
        Object.entries(h).map(([m, v]) => [m, Number(v)]),
      );
    },
    async recordDemand(
      tokenKey: string,
      sourceId: string,
      perDay: Readonly<Record<string, number>>,
      ttlMs: number,
      at: number,
    ): Promise<void> {
      await deps.redis
        .multi()
        .hset(
          demandKey(tokenKey),
          sourceId,
          JSON.stringify({ perDay, expiresAt: at + ttlMs }),
        )
        .pexpire(demandKey(tokenKey), 2 * DAY_MS)
        .exec();
    },
    async demand(
      tokenKey: string,
      at: number,
    ): Promise<Record<string, number>> {
      const h = await deps.redis.hgetall(demandKey(tokenKey));
      const total: Record<string, number> = {};
      const expired: string[] = [];
      for (const [sourceId, raw] of Object.entries(h)) {
        type Entry = { perDay?: Record<string, number>; expiresAt?: number };
        let e: Entry | null;
        try {
          e = JSON.parse(raw) as Entry | null;
        } catch {
          e = null;
        }
        if (!e || typeof e.expiresAt !== "number" || e.expiresAt <= at) {
          expired.push(sourceId);
          continue;
        }
        for (const [m, n] of Object.entries(e.perDay ?? {}))
          if (Number.isFinite(n)) total[m] = (total[m] ?? 0) + n;
      }
      if (expired.length > 0)
        await deps.redis.hdel(demandKey(tokenKey), ...expired);
      return total;
    },
  };
}
export type VkQuotaRepository = ReturnType<typeof createVkQuotaRepository>;
