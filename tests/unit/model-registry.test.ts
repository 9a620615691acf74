import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEADS, type TextClassifier } from '../../src/classifier/classifier';
import { DIM, FEATURE_SCHEME } from '../../src/classifier/features';
import { LinearHead, serializeModel, type ModelMeta } from '../../src/classifier/linear';
import { createActiveClassifier } from '../../src/classifier-registry/active-model';
import { guardDecision, GUARD_TOLERANCE, RESHUFFLE_TOLERANCE } from '../../src/classifier-registry/guard';
import { createModelRegistry, type ModelRegistry } from '../../src/classifier-registry/model-registry';
import { createLogger } from '../../src/lib/logger';
import { SECTORS } from '../../src/domain/sector';

/** A loadable model file (all-zero weights) with the given version and feature scheme. */
function modelBytes(version: string, featureScheme = FEATURE_SCHEME): Buffer {
  const meta: ModelMeta = { version, trainedAt: new Date().toISOString(), corpusHash: 'x', dim: DIM, featureScheme, notes: { trainCounts: { corpus: 1 } } };
  return serializeModel(meta, [new LinearHead(HEADS.sector, SECTORS), new LinearHead(HEADS.complaint, ['no', 'yes']), new LinearHead(HEADS.misinformation, ['no', 'yes'])]);
}

const record = (version: string, trainedAt: string, parent: string | null = null) => ({
  version,
  trainedAt,
  parent,
  metrics: { test: { sectorMacroF1: 0.9, complaintAcc: 0.95, misinfoF1: 0.8 } },
  data: { corpus: 100, corrections: 2 },
});

let dir: string;
let shippedPath: string;
let registry: ModelRegistry;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dozor-registry-unit-'));
  shippedPath = join(dir, 'shipped.bin.gz');
  writeFileSync(shippedPath, modelBytes('dozor-shipped'));
  registry = createModelRegistry({ dir: join(dir, 'registry'), shippedPath });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('model registry', () => {
  it('falls back to the shipped model when nothing is active', async () => {
    const active = await registry.active();
    expect(active).toMatchObject({ version: 'dozor-shipped', source: 'shipped', path: shippedPath, pointer: null });
    expect((await registry.list()).map((m) => [m.version, m.source, m.active])).toEqual([['dozor-shipped', 'shipped', true]]);
  });

  it('stores models with hash, metrics, data and parent; lists newest first', async () => {
    const a = await registry.save(modelBytes('dozor-a'), record('dozor-a', '2026-11-20T10:00:00Z', 'dozor-shipped'));
    await registry.save(modelBytes('dozor-b'), record('dozor-b', '2026-11-22T10:00:00Z', 'dozor-a'));
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.sizeBytes).toBeGreaterThan(0);
    const list = await registry.list();
    // The shipped file's header says it was trained just now: newest.
    expect(list.map((m) => m.version)).toEqual(['dozor-shipped', 'dozor-b', 'dozor-a']);
    expect(await registry.get('dozor-b')).toMatchObject({ parent: 'dozor-a', data: { corrections: 2 }, source: 'registry' });
    // Saving does not activate.
    expect((await registry.active()).version).toBe('dozor-shipped');
  });

  it('activates a version, records the history, and restores an older one (the shipped one too)', async () => {
    await registry.save(modelBytes('dozor-a'), record('dozor-a', '2026-11-20T10:00:00Z'));
    await registry.save(modelBytes('dozor-b'), record('dozor-b', '2026-11-21T10:00:00Z', 'dozor-a'));
    expect(await registry.activate('dozor-b', { actor: 'cli:test', reason: 'retrained' })).toMatchObject({ previous: 'dozor-shipped', current: { version: 'dozor-b' } });
    expect(await registry.active()).toMatchObject({ version: 'dozor-b', source: 'registry', pointer: { activatedBy: 'cli:test' } });
    expect(await registry.activate('dozor-a', { actor: 'analyst', reason: 'restore' })).toMatchObject({ previous: 'dozor-b' });
    expect((await registry.active()).path).toBe(registry.modelPath('dozor-a'));
    await registry.activate('dozor-shipped', { actor: 'analyst', reason: 'back to the shipped model' });
    // Adopted into the registry: rebuilding the shipped file later does not change the active model.
    expect(await registry.active()).toMatchObject({ version: 'dozor-shipped', source: 'registry' });
    writeFileSync(shippedPath, modelBytes('dozor-shipped-2'));
    expect((await registry.active()).version).toBe('dozor-shipped');
    expect((await registry.list()).map((m) => m.version)).toEqual(expect.arrayContaining(['dozor-shipped', 'dozor-shipped-2']));
    expect((await registry.history()).map((h) => [h.previous, h.version])).toEqual([
      ['dozor-shipped', 'dozor-b'],
      ['dozor-b', 'dozor-a'],
      ['dozor-a', 'dozor-shipped'],
    ]);
    expect((await registry.list()).filter((m) => m.active).map((m) => m.version)).toEqual(['dozor-shipped']);
  });

  it('refuses unknown versions, path tricks and models of another feature scheme', async () => {
    await expect(registry.activate('dozor-missing', { actor: 't', reason: 'r' })).rejects.toThrow(/not found/);
    await expect(registry.activate('../../etc/passwd', { actor: 't', reason: 'r' })).rejects.toThrow(/not a model version/);
    await expect(registry.get('A/B')).rejects.toThrow(/not a model version/);
    await registry.save(modelBytes('dozor-old', 'dozor-features-0'), record('dozor-old', '2026-11-01T00:00:00Z'));
    await expect(registry.activate('dozor-old', { actor: 't', reason: 'r' })).rejects.toThrow(/dozor-features-0/);
    expect((await registry.active()).version).toBe('dozor-shipped');
  });
});

describe('activation guard', () => {
  const base = { sectorMacroF1: 0.9, complaintAcc: 0.95, misinfoF1: 0.8 };
  it('accepts equal or better figures and drops within the tolerance', () => {
    expect(guardDecision(base, base).accept).toBe(true);
    expect(guardDecision({ sectorMacroF1: 0.91, complaintAcc: 0.95 - GUARD_TOLERANCE.complaintAcc / 2, misinfoF1: 0.8 }, base).accept).toBe(true);
  });
  it('refuses a loss of sector macro-F1 or a worse complaint/misinformation figure, naming each', () => {
    const d = guardDecision({ sectorMacroF1: 0.89, complaintAcc: 0.9, misinfoF1: 0.85 }, base);
    expect(d.accept).toBe(false);
    expect(d.reasons).toHaveLength(2);
    expect(d.reasons[0]).toMatch(/sector macro-F1 0\.8900 < active 0\.9000/);
    expect(d.reasons[1]).toMatch(/complaint accuracy/);
    expect(guardDecision({ ...base, misinfoF1: 0.8 - GUARD_TOLERANCE.misinfoF1 - 0.001 }, base).reasons.join()).toMatch(/misinformation F1/);
  });
  it('accepts without a baseline and says so', () => {
    expect(guardDecision(base, null)).toMatchObject({ accept: true, reasons: ['no active model to compare with'], deltas: null });
  });
  it('tells a reshuffle apart: the measured old-vs-new order change passes only with RESHUFFLE_TOLERANCE', () => {
    // Same data, former vs insertion-stable shuffle (full training set): two rumours lost.
    const active = { sectorMacroF1: 0.8626, complaintAcc: 0.9179, misinfoF1: 0.9313 };
    const reshuffled = { sectorMacroF1: 0.8663, complaintAcc: 0.9179, misinfoF1: 0.9147 };
    expect(guardDecision(reshuffled, active)).toMatchObject({ accept: false, tolerance: GUARD_TOLERANCE });
    expect(guardDecision(reshuffled, active).reasons.join()).toMatch(/misinformation F1 0\.9147 < active 0\.9313/);
    expect(guardDecision(reshuffled, active, RESHUFFLE_TOLERANCE)).toMatchObject({ accept: true, tolerance: RESHUFFLE_TOLERANCE });
    // The tight tolerance still lets one test post of noise through on each figure.
    expect(guardDecision({ sectorMacroF1: 0.8653, complaintAcc: 0.9170, misinfoF1: 0.9066 }, { sectorMacroF1: 0.8663, complaintAcc: 0.9179, misinfoF1: 0.9147 }).accept).toBe(true);
  });
});

describe('active classifier (hot reload)', () => {
  const fake = (version: string): TextClassifier => ({ version, classify: () => ({ modelVersion: version }) as never, explain: () => ({}) as never });

  it('follows the pointer without a restart and keeps the current model when a new one fails to load', async () => {
    await registry.save(modelBytes('dozor-a'), record('dozor-a', '2026-11-20T10:00:00Z'));
    await registry.save(modelBytes('dozor-b'), record('dozor-b', '2026-11-21T10:00:00Z'));
    const loads: string[] = [];
    const active = await createActiveClassifier({
      registry,
      load: async (path) => {
        loads.push(path);
        if (path.includes('dozor-b')) throw new Error('corrupt file');
        return fake(path.includes('dozor-a') ? 'dozor-a' : 'dozor-shipped');
      },
      pollMs: 0,
      log: createLogger({ level: 'silent', name: 'test' }),
    });
    const clf = active.classifier;
    expect(clf.version).toBe('dozor-shipped');
    await registry.activate('dozor-a', { actor: 't', reason: 'r' });
    expect(await active.refresh()).toBe('dozor-a');
    expect(clf.version).toBe('dozor-a');
    expect(clf.classify({} as never).modelVersion).toBe('dozor-a');
    await registry.activate('dozor-b', { actor: 't', reason: 'r' });
    expect(await active.refresh()).toBe('dozor-a');
    // Unchanged pointer: no reload.
    const n = loads.length;
    await registry.activate('dozor-a', { actor: 't', reason: 'r' });
    await active.refresh();
    await active.refresh();
    expect(loads.length).toBe(n);
    active.stop();
  });

  it('starts with the shipped model when the active one cannot be loaded', async () => {
    await registry.save(modelBytes('dozor-b'), record('dozor-b', '2026-11-21T10:00:00Z'));
    await registry.activate('dozor-b', { actor: 't', reason: 'r' });
    const active = await createActiveClassifier({
      registry,
      load: async (path) => {
        if (path.includes('dozor-b')) throw new Error('trained with another feature scheme');
        return fake('dozor-shipped');
      },
      pollMs: 0,
      log: createLogger({ level: 'silent', name: 'test' }),
      fallbackPath: shippedPath,
    });
    expect(active.classifier.version).toBe('dozor-shipped');
    active.stop();
  });
});
