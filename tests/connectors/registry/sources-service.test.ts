import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Source } from '../../../src/domain/source';
import { nextRhythm, type SourceHealth, type SourceHealthRepository } from '../../../src/repositories/source-health.repository';
import type { SourcesRepository } from '../../../src/repositories/sources.repository';
import { createSourcesService } from '../../../src/services/sources.service';

const MIN = 60_000;
const T0 = Date.parse('2026-11-23T06:00:00.000Z');

/** In-memory registry and health with the repositories' shapes. */
function fakes() {
  const sources = new Map<string, Source>();
  const secrets = new Map<string, string>();
  const health = new Map<string, Partial<SourceHealth>>();
  const repo: SourcesRepository = {
    create: async (s) => (sources.has(s.id) ? 'exists' : (sources.set(s.id, s), 'created')),
    replace: async (s) => void sources.set(s.id, s),
    get: async (id) => sources.get(id) ?? null,
    list: async (f = {}) => [...sources.values()].filter((s) => (!f.kind || s.kind === f.kind) && (!f.status || s.status === f.status) && (!f.municipality || s.municipality === f.municipality)),
    delete: async (id) => sources.delete(id),
    setSecret: async (k, v) => void secrets.set(k, v),
    getSecret: async (k) => secrets.get(k) ?? null,
    deleteSecret: async (k) => void secrets.delete(k),
    acquireLease: async () => true,
    renewLease: async () => true,
    releaseLease: async () => undefined,
  };
  const base = (sourceId: string): SourceHealth => ({ sourceId, lastSuccessAt: null, lastErrorAt: null, lastError: null, lagMs: null, itemsTotal: 0, itemsLastHour: 0, errorsByKind: {}, floodWaits: 0, waitUntil: null, lastItemAt: null, usualGapMs: null, gapSamples: 0, stopped: null, quota: null });
  const healthRepo: SourceHealthRepository = {
    recordSuccess: async (id, page, at = Date.now()) => {
      const h = { ...base(id), ...health.get(id) };
      if (page.items > 0) {
        const r = nextRhythm({ lastItemAt: h.lastItemAt ? Date.parse(h.lastItemAt) : null, usualGapMs: h.usualGapMs, samples: h.gapSamples }, at);
        health.set(id, { ...h, lastItemAt: new Date(r.lastItemAt).toISOString(), usualGapMs: r.usualGapMs, gapSamples: r.samples, itemsTotal: h.itemsTotal + page.items });
      }
    },
    recordError: async () => undefined,
    recordStopped: async (id, err, at = Date.now()) => void health.set(id, { ...health.get(id), stopped: { at: new Date(at).toISOString(), reason: `${err.kind}: ${err.message}` } }),
    clearStopped: async (id) => void health.set(id, { ...health.get(id), stopped: null }),
    recordQuota: async (id, quota) => void health.set(id, { ...health.get(id), quota }),
    forget: async (id) => void health.delete(id),
    get: async (id) => ({ ...base(id), ...health.get(id) }),
  };
  return { repo, healthRepo, sources };
}

const ADMIN = { id: 'admin', username: 'admin', displayName: 'Админ', role: 'admin' as const, scope: { sectors: 'all' as const, municipalities: 'all' as const } };

describe('sources service: alerts', () => {
  it('logs an alert once when it starts, again only when it changes, and never the title', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    let now = T0;
    const f = fakes();
    const appended: string[] = [];
    const svc = createSourcesService({ sources: f.repo, health: f.healthRepo, audit: { append: async (r) => void appended.push(r.action) }, gazetteer: { isKnown: (c) => c === 'omsk' || c === 'region' }, envSenderIds: [], log, now: () => new Date(now) });

    const { source } = await svc.create(ADMIN, { kind: 'telegram_channel', title: 'Иванов Иван Иванович', municipality: 'omsk', settings: { channel: 'omsk_online' } });
    // A rhythm of one post every 10 minutes.
    for (let i = 0; i <= 5; i++) await f.healthRepo.recordSuccess(source.id, { items: 1 }, T0 + i * 10 * MIN);
    now = T0 + 5 * 10 * MIN + 20 * MIN;
    expect(await svc.checkAlerts()).toEqual([]);

    now = T0 + 5 * 10 * MIN + 45 * MIN; // 45 min of silence > max(4 × 10 min, 30 min)
    const alerts = await svc.checkAlerts();
    expect(alerts.map((a) => a.kind)).toEqual(['silent']);
    await svc.checkAlerts();
    expect(lines.filter((l) => l.alert === 'silent')).toHaveLength(1);

    await f.healthRepo.recordStopped(source.id, { kind: 'parse', message: 'page markup changed' }, now);
    expect((await svc.checkAlerts()).map((a) => a.kind)).toEqual(['stopped']);
    expect(lines.filter((l) => l.alert === 'stopped')).toHaveLength(1);
    expect(lines.every((l) => l.sourceId === 'telegram_channel:omsk_online')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('Иванов');

    // Paused: no alert at all.
    await svc.setStatus(ADMIN, source.id, 'paused');
    expect(await svc.checkAlerts()).toEqual([]);
    expect(appended).toEqual(['source.create', 'source.update']);
  });

  it('refuses a registry webhook sender that WEBHOOK_SENDERS already has', async () => {
    const f = fakes();
    const svc = createSourcesService({ sources: f.repo, health: f.healthRepo, audit: { append: async () => undefined }, gazetteer: { isKnown: () => true }, envSenderIds: ['pos'], log: pino({ level: 'silent' }) });
    await expect(svc.create(ADMIN, { kind: 'webhook', title: 'ПОС', municipality: 'omsk', settings: { senderId: 'pos' } })).rejects.toThrow(/already configured in WEBHOOK_SENDERS/);
    expect(f.sources.size).toBe(0);
  });
});
