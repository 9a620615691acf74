import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { metricsRoutes } from '../../../src/api/routes/metrics.routes';
import { nextRhythm, RHYTHM, type SourceHealth } from '../../../src/repositories/source-health.repository';
import { DEFAULT_SILENCE_POLICY, durationRu, evaluateSource, silenceThresholdMs } from '../../../src/services/source-alerts';
import { escapeLabelValue, renderMetrics } from '../../../src/services/source-metrics';
import type { Source } from '../../../src/domain/source';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-23T06:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const source = (over: Partial<Source> = {}): Source =>
  ({ id: 'telegram_channel:omsk', kind: 'telegram_channel', title: 'Омск', municipality: 'omsk', status: 'active', createdAt: iso(T0 - 30 * DAY), updatedAt: iso(T0 - 30 * DAY), settings: { channel: 'omsk' }, ...over }) as Source;

function health(over: Partial<SourceHealth> = {}): SourceHealth {
  return { sourceId: 'telegram_channel:omsk', lastSuccessAt: null, lastErrorAt: null, lastError: null, lagMs: null, itemsTotal: 0, itemsLastHour: 0, errorsByKind: {}, floodWaits: 0, waitUntil: null, lastItemAt: null, usualGapMs: null, gapSamples: 0, stopped: null, quota: null, ...over };
}

describe('rhythm learning', () => {
  it('marks the first page, then learns an EWMA of the gaps between non-empty pages', () => {
    let r = nextRhythm({ lastItemAt: null, usualGapMs: null, samples: 0 }, T0);
    expect(r).toEqual({ lastItemAt: T0, usualGapMs: null, samples: 0 });
    r = nextRhythm(r, T0 + 10 * MIN);
    expect(r).toEqual({ lastItemAt: T0 + 10 * MIN, usualGapMs: 10 * MIN, samples: 1 });
    r = nextRhythm(r, T0 + 30 * MIN); // a 20-min gap moves the mean by alpha
    expect(r.usualGapMs).toBe(Math.round(10 * MIN + RHYTHM.alpha * 10 * MIN));
    expect(r.samples).toBe(2);
  });

  it('caps one long gap so an outage does not teach that silence is normal, and ignores clocks going back', () => {
    const r = nextRhythm({ lastItemAt: T0, usualGapMs: HOUR, samples: 10 }, T0 + 100 * DAY);
    expect(r.usualGapMs).toBe(Math.round(HOUR + RHYTHM.alpha * (RHYTHM.maxSampleMs - HOUR)));
    expect(nextRhythm({ lastItemAt: T0, usualGapMs: HOUR, samples: 3 }, T0 - MIN)).toEqual({ lastItemAt: T0, usualGapMs: HOUR, samples: 3 });
  });
});

describe('silence alerts', () => {
  it('threshold = min(max(k × usual gap, floor), cap), the cap until the rhythm is learnt', () => {
    const p = DEFAULT_SILENCE_POLICY;
    expect(silenceThresholdMs({ usualGapMs: 2 * MIN, gapSamples: 10 })).toBe(p.floorMs); // busy source: the floor
    expect(silenceThresholdMs({ usualGapMs: 2 * HOUR, gapSamples: 10 })).toBe(p.k * 2 * HOUR);
    expect(silenceThresholdMs({ usualGapMs: 7 * DAY, gapSamples: 10 })).toBe(p.capMs); // weekly: the cap
    expect(silenceThresholdMs({ usualGapMs: 2 * MIN, gapSamples: p.minSamples - 1 })).toBe(p.capMs);
    expect(silenceThresholdMs({ usualGapMs: null, gapSamples: 0 })).toBe(p.capMs);
  });

  it('a busy source silent for longer than the floor is alerted with a Russian reason; just under is not', () => {
    const h = health({ lastItemAt: iso(T0), usualGapMs: 5 * MIN, gapSamples: 20 });
    expect(evaluateSource(source(), h, T0 + 29 * MIN)).toBeNull();
    const alert = evaluateSource(source(), h, T0 + 2 * HOUR + 5 * MIN);
    expect(alert).toEqual({ sourceId: 'telegram_channel:omsk', kind: 'silent', since: iso(T0), reason: 'Нет новых сообщений 2 ч 5 мин (обычно — раз в 5 мин)' });
  });

  it('an hourly source is alerted after k hours, not before', () => {
    const h = health({ lastItemAt: iso(T0), usualGapMs: HOUR, gapSamples: 5 });
    expect(evaluateSource(source(), h, T0 + 3 * HOUR + 59 * MIN)).toBeNull();
    expect(evaluateSource(source(), h, T0 + 4 * HOUR + MIN)?.kind).toBe('silent');
  });

  it('a source that never produced anything is measured from its creation against the cap', () => {
    const created = source({ createdAt: iso(T0) });
    expect(evaluateSource(created, health(), T0 + DAY)).toBeNull();
    const alert = evaluateSource(created, health(), T0 + 4 * DAY);
    expect(alert?.reason).toBe('Ни одного сообщения за 4 дн с момента добавления (ритм источника ещё не изучен, порог 3 дн)');
  });

  it('a stopped source is always alerted, a paused one never', () => {
    const stopped = health({ lastItemAt: iso(T0), usualGapMs: HOUR, gapSamples: 5, stopped: { at: iso(T0 + MIN), reason: 'auth: VK error 5' } });
    expect(evaluateSource(source(), stopped, T0 + 2 * MIN)).toEqual({
      sourceId: 'telegram_channel:omsk',
      kind: 'stopped',
      since: iso(T0 + MIN),
      reason: 'Источник остановлен: токен недействителен или отозван (auth: VK error 5). Нужна проверка администратора.',
    });
    expect(evaluateSource(source({ status: 'paused' }), stopped, T0 + 10 * DAY)).toBeNull();
  });

  it('formats durations in Russian', () => {
    expect(durationRu(30_000)).toBe('меньше минуты');
    expect(durationRu(45 * MIN)).toBe('45 мин');
    expect(durationRu(3 * HOUR)).toBe('3 ч');
    expect(durationRu(2 * DAY + 4 * HOUR + 5 * MIN)).toBe('2 дн 4 ч');
  });
});

describe('metrics exposition', () => {
  it('escapes label values per the text format', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const text = renderMetrics({
      sources: [{ source: source({ id: 'rss:https://x.example/"feed"\\\n' } as Partial<Source>), health: health({ itemsTotal: 3, errorsByKind: { http: 2 } }), alert: null }],
      queues: { posts: { waiting: 5 } },
      process: false,
    });
    expect(text).toContain('dozor_source_items_total{source_id="rss:https://x.example/\\"feed\\"\\\\\\n",kind="telegram_channel",network="telegram"} 3\n');
    expect(text).toContain('error_kind="http"} 2\n');
    expect(text).toContain('dozor_queue_jobs{queue="posts",state="waiting"} 5\n');
    // Every sample line is `name{labels} value` or `name value`; every family has HELP and TYPE.
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{.*\})? -?[\d.e+]+|\w+(\{.*\})? NaN)$/);
    expect(text).not.toContain('process_');
  });

  it('GET /metrics is 404 when no METRICS_TOKEN is configured', async () => {
    const app = Fastify();
    await app.register(metricsRoutes, { sources: { metrics: async () => 'x 1\n' }, token: undefined });
    expect((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer anything-anything-anything' } })).statusCode).toBe(404);
    await app.close();
  });
});
