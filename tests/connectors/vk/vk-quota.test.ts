/**
 * VK daily method quotas against the fake VK and real Redis: counters per token and Moscow day
 * shared by connector processes, polls stretched to fit the day's budget, a spent method pausing
 * its sources until the reset (visible in source health) and resuming the next day.
 */
import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VkApiError } from "../../../connectors/vk/vk.client";
import { planVkQuota } from "../../../connectors/vk/vk.quota";
import { createRedis, redisReady } from "../../../src/adapters/redis";
import { loadConfig } from "../../../src/config/env";
import type { Connector } from "../../../src/domain/connector";
import { moscowDay, nextMoscowMidnight } from "../../../src/domain/moscow-day";
import type { Source } from "../../../src/domain/source";
import { createSourceHealthRepository } from "../../../src/repositories/source-health.repository";
import { createVkQuotaRepository } from "../../../src/repositories/vk-quota.repository";
import { evaluateSource } from "../../../src/services/source-alerts";
import {
  createConnectorFor,
  type ConnectorContext,
} from "../../../workers/connector.factory";
import { runConnector } from "../../../workers/connector.runner";
import { FakeVk, TOKEN } from "./fake-vk";
import { sameLimiterForEveryNetwork } from '../helpers/limiters';

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
// Two connections stand for two connector processes.
const redisA = createRedis(url, { name: "vkq-a" });
const redisB = createRedis(url, { name: "vkq-b" });
let prefix = "";
const signal = new AbortController().signal;
const HOUR = 3_600_000;
const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("should have failed"),
    (e: unknown) => e,
  );

let vk: FakeVk;
/** The injected clock every connector and the quota plan read. */
let clock = 0;

beforeAll(async () => {
  vk = await FakeVk.start();
  await Promise.all([redisReady(redisA), redisReady(redisB)]);
});
afterAll(async () => {
  const keys = await redisA.keys("test-vkq-*");
  if (keys.length) await redisA.del(...keys);
  redisA.disconnect();
  redisB.disconnect();
  await vk.close();
});
beforeEach(() => {
  vk.reset();
  prefix = `test-vkq-${randomBytes(3).toString("hex")}`;
  // The real time: the runner stamps waitUntil with the real clock.
  clock = Date.now();
  for (const [id, name] of [
    [170000001, "omsk_adm"],
    [170000002, "omsk_mayor"],
  ] as const) {
    vk.addGroup(id, name, name);
    vk.publish(-id, `Пост ${name}`);
  }
});

const base = {
  title: "t",
  municipality: "omsk",
  status: "active" as const,
  createdAt: new Date(0).toISOString(),
  updatedAt: "",
};
const wallSource = (owner: string, pollIntervalSec = 60): Source => ({
  ...base,
  id: `vk_wall:${owner}`,
  kind: "vk_wall",
  pollIntervalSec,
  settings: { owner, comments: false },
});
const searchSource: Source = {
  ...base,
  id: "vk_search:свалка",
  kind: "vk_search",
  pollIntervalSec: 60,
  settings: { query: "свалка" },
};

/** A connector process: its own Redis connection, the shared quota counters and source health. */
function processCtx(
  redis: typeof redisA,
  quotas: Record<string, number>,
): ConnectorContext {
  const health = createSourceHealthRepository({ redis, prefix });
  return {
    config: loadConfig({
      ...process.env,
      VK_API_URL: vk.apiUrl,
      VK_ACCESS_TOKEN: TOKEN,
      VK_DAILY_QUOTAS: JSON.stringify(quotas),
    }),
    rateLimiters: sameLimiterForEveryNetwork({ acquire: () => Promise.resolve() }),
    addressPolicy: (address, target) =>
      address === "127.0.0.1" && target.port === vk.server.port,
    log: pino({ level: "silent" }),
    now: () => new Date(clock),
    vkQuota: {
      store: createVkQuotaRepository({ redis, prefix }),
      report: (id, snapshot) => health.recordQuota(id, snapshot),
    },
  };
}
const build = (source: Source, ctx: ConnectorContext): Connector =>
  createConnectorFor(source, ctx)!;

describe("VK quota planner (pure)", () => {
  it("counts Moscow days: the reset is 00:00 MSK (21:00 UTC)", () => {
    const at = Date.parse("2026-11-20T22:30:00Z"); // 01:30 MSK on the 21st
    expect(moscowDay(at)).toBe("2026-11-21");
    expect(new Date(nextMoscowMidnight(at)).toISOString()).toBe(
      "2026-11-21T21:00:00.000Z",
    );
  });

  it("stretches the polls when the demand for the rest of the day exceeds what is left", () => {
    const at = Date.parse("2026-11-20T21:00:00Z"); // 00:00 MSK: a whole day ahead
    // 10 walls every 2 minutes: 7200 wall.get a day against 5000.
    const plan = planVkQuota({
      limits: { "wall.get": 5000 },
      used: {},
      demandPerDay: { "wall.get": 7200 },
      at,
    });
    expect(plan.stretch).toBeCloseTo(1.44, 2);
    expect(plan.planned["wall.get"]).toBe(5000);
    expect(plan.exhausted).toEqual([]);
    // Half the day gone with 1000 used: 3600 wanted, 4000 left — no stretch.
    const noon = planVkQuota({
      limits: { "wall.get": 5000 },
      used: { "wall.get": 1000 },
      demandPerDay: { "wall.get": 7200 },
      at: at + 12 * HOUR,
    });
    expect(noon.stretch).toBe(1);
    expect(noon.planned["wall.get"]).toBe(4600);
    expect(
      planVkQuota({
        limits: { "wall.get": 5000 },
        used: { "wall.get": 5000 },
        demandPerDay: {},
        at,
      }).exhausted,
    ).toEqual(["wall.get"]);
  });
});

describe("VK daily quotas (fake VK + Redis)", () => {
  it("a spent method pauses the source until 00:00 MSK with a health warning, and it resumes the next day", async () => {
    const ctx = processCtx(redisA, { "wall.get": 3 });
    const source = wallSource("omsk_adm");
    const wall = build(source, ctx);
    let cursor: string | null = null;
    for (let i = 0; i < 3; i++)
      cursor = (await wall.fetchPage(cursor, signal)).nextCursor;
    expect(vk.methodCalls("wall.get")).toHaveLength(3);

    // The 4th poll never reaches VK: it waits for the reset instead of earning error 29.
    const resetAt = nextMoscowMidnight(clock);
    const err = (await fail(wall.fetchPage(cursor, signal))) as VkApiError;
    expect(err).toBeInstanceOf(VkApiError);
    expect(err.kind).toBe("quota");
    expect(err.retryAfterMs).toBe(resetAt - clock);
    expect(err.message).toContain("3 of 3");
    expect(vk.methodCalls("wall.get")).toHaveLength(3);

    // Under the runner: errors:quota, waitUntil at the reset, the snapshot and a quota alert (not "silent").
    const health = createSourceHealthRepository({ redis: redisA, prefix });
    const ctl = new AbortController();
    const cursors = { get: async () => cursor, set: async () => undefined };
    const run = runConnector(
      wall,
      {
        ingest: {
          ingest: async () => ({ accepted: [], rejected: [] }),
        } as never,
        cursors,
        health,
        log: pino({ level: "silent" }),
      },
      ctl.signal,
    );
    await expect
      .poll(async () => (await health.get(source.id)).errorsByKind.quota ?? 0)
      .toBeGreaterThanOrEqual(1);
    ctl.abort();
    await run;
    expect(vk.methodCalls("wall.get")).toHaveLength(3);
    const h = await health.get(source.id, clock);
    expect(Math.abs(Date.parse(h.waitUntil!) - resetAt)).toBeLessThan(5_000);
    expect(h.quota).toMatchObject({
      pausedUntil: new Date(resetAt).toISOString(),
      methods: [{ method: "wall.get", used: 3, limit: 3 }],
    });
    const alert = evaluateSource(source, h, clock);
    expect(alert).toMatchObject({ kind: "quota" });
    expect(alert!.reason).toContain("wall.get 3 из 3");
    expect(alert!.reason).toContain("00:00 МСК");

    // The next Moscow day: a fresh budget, the source polls again.
    clock = resetAt + 1_000;
    expect((await health.get(source.id, clock)).quota).toMatchObject({
      pausedUntil: null,
      methods: [{ used: 0 }],
    });
    await wall.fetchPage(cursor, signal);
    expect(vk.methodCalls("wall.get")).toHaveLength(4);
    expect((await health.get(source.id, clock)).quota).toMatchObject({
      pausedUntil: null,
      methods: [{ method: "wall.get", used: 1, limit: 3 }],
    });
  });

  it("error 29 from VK marks the method spent for the day for every source of the token", async () => {
    const ctx = processCtx(redisA, { "wall.get": 5000 });
    const a = build(wallSource("omsk_adm"), ctx);
    const b = build(wallSource("omsk_mayor"), ctx);
    vk.fail("wall.get", { code: 29 });
    const err = (await fail(a.fetchPage(null, signal))) as VkApiError;
    expect(err.kind).toBe("quota");
    expect(err.retryAfterMs).toBe(nextMoscowMidnight(clock) - clock); // until the reset, not a fixed 30 min
    // The other wall of the same token does not ask VK again today.
    expect(await fail(b.fetchPage(null, signal))).toMatchObject({
      kind: "quota",
    });
    expect(vk.methodCalls("wall.get")).toHaveLength(1);
    // A method with budget left (search) goes on.
    await build(searchSource, ctx).fetchPage(null, signal);
    expect(vk.methodCalls("newsfeed.search")).toHaveLength(1);
  });

  it("two sources share one token budget: the planner stretches both to fit it", async () => {
    clock = Date.parse("2026-11-20T09:00:00Z"); // noon in Moscow: half the day's budget ahead
    const ctx = processCtx(redisA, { "wall.get": 100 });
    const a = build(wallSource("omsk_adm", 60), ctx);
    const b = build(wallSource("omsk_mayor", 60), ctx);
    const dayLeft = (nextMoscowMidnight(clock) - clock) / 86_400_000;
    // One wall.get a minute is 1440 a day per source; 100 a day do not fit.
    const pa = await a.fetchPage(null, signal);
    expect(pa.waitMs).toBeGreaterThan(60_000);
    const pb = await b.fetchPage(null, signal);
    // B plans for both walls' demand: about twice A's stretch (A planned alone), capped at the reset.
    const expectedB = Math.min(
      60_000 * ((2 * 1440 * dayLeft) / 98),
      nextMoscowMidnight(clock) - clock,
    );
    expect(pb.waitMs).toBeGreaterThan(pa.waitMs);
    expect(pb.waitMs / expectedB).toBeCloseTo(1, 1);
    const health = createSourceHealthRepository({ redis: redisA, prefix });
    const q = (await health.get("vk_wall:omsk_mayor", clock)).quota!;
    expect(q.methods[0]).toMatchObject({
      method: "wall.get",
      used: 2,
      limit: 100,
    });
    expect(q.methods[0]!.planned).toBeLessThanOrEqual(100);
    expect(q.stretch).toBeGreaterThan(1);
  });

  it("two connector processes draw on one counter in Redis (hashed token key only)", async () => {
    const one = build(
      wallSource("omsk_adm"),
      processCtx(redisA, { "wall.get": 3 }),
    );
    const two = build(
      wallSource("omsk_mayor"),
      processCtx(redisB, { "wall.get": 3 }),
    );
    await one.fetchPage(null, signal);
    await two.fetchPage(null, signal);
    await one.fetchPage(null, signal);
    expect(await fail(two.fetchPage(null, signal))).toMatchObject({
      kind: "quota",
    });
    expect(await fail(one.fetchPage(null, signal))).toMatchObject({
      kind: "quota",
    });
    expect(vk.methodCalls("wall.get")).toHaveLength(3);
    const keys = await redisA.keys(`${prefix}:vkquota:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toContain(TOKEN);
    expect(keys.some((k) => k.endsWith(`:${moscowDay(clock)}`))).toBe(true);
  });
});
