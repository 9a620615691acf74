import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Example } from '../../src/classifier/train';
import { correctionsToExamples, retrain, type RetrainResult } from '../../src/classifier-registry/learning';
import { createModelRegistry, type ModelRegistry } from '../../src/classifier-registry/model-registry';
import { SECTORS, type Sector } from '../../src/domain/sector';
import { analyze } from '../../src/text/analyze';
import { loadCorpus } from '../../scripts/corpus/datasets';

/**
 * Retraining on a small slice of the corpus (the training functions take any examples) keeps this
 * under a minute; the guard compares on the real held-out test split.
 */
let dir: string;
let registry: ModelRegistry;
let base: Example[];
let testSet: Example[];
let first: RetrainResult;

// A post no corpus example contains: a pothole complaint in a yard.
const POST = 'Во дворе дома на Лукашевича 10 огромная яма у подъезда, после дождя не пройти, когда засыплют?';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dozor-registry-'));
  // No shipped model here: the first model has no baseline and is activated as such.
  registry = createModelRegistry({ dir, shippedPath: join(dir, 'none.bin.gz') });
  base = loadCorpus('train').filter((_, i) => i % 4 === 0);
  testSet = loadCorpus('test');
  first = await retrain({ registry }, { base, corrections: [], testSet, dataSummary: { corpus: base.length }, actor: 'test' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retraining with corrections', () => {
  it('activates the first model (nothing to compare with) and records it', async () => {
    expect(first.activated).toBe(true);
    expect(first.decision.reasons.join(' ')).toMatch(/baseline|no active model/);
    expect((await registry.active()).version).toBe(first.record.version);
    expect(first.record).toMatchObject({ parent: null, data: { corpus: base.length, corrections: 0 } });
    expect(first.record.metrics.test).toMatchObject({ sectorMacroF1: expect.any(Number) });
  });

  it('a correction changes the output for that post, and the guard lets the model in', async () => {
    const before = first.classifier.classify(analyze(POST)).sector.label;
    // The operator says another sector than the model: the most plausible wrong one, or any.
    const target: Sector = before === 'improvement' ? 'roads' : 'improvement';
    const corrections = correctionsToExamples([{ postId: 'vk:1', at: '2026-11-23T10:00:00Z', field: 'sector', newValue: target, text: POST }]);
    const second = await retrain({ registry }, { base, corrections, testSet, dataSummary: { corpus: base.length }, actor: 'test' });

    expect(second.classifier.classify(analyze(POST)).sector.label).toBe(target);
    expect(second.decision, JSON.stringify(second.decision)).toMatchObject({ accept: true });
    expect(second.activated).toBe(true);
    expect(second.record).toMatchObject({ parent: first.record.version, data: { corrections: 1 } });
    expect((await registry.active()).version).toBe(second.record.version);
    expect(second.record.version).not.toBe(first.record.version);
  }, 120_000);

  it('the guard refuses a worse model (shuffled labels) and keeps the active one', async () => {
    const activeBefore = (await registry.active()).version;
    // Same texts, sector labels rotated: a model that learned nonsense.
    const corrupted = base.map((e) => ({ ...e, sector: e.sector === null ? null : (SECTORS[(SECTORS.indexOf(e.sector) + 3) % SECTORS.length] as Sector) }));
    const bad = await retrain({ registry }, { base: corrupted, corrections: [], testSet, dataSummary: { corpus: corrupted.length }, actor: 'test' });

    expect(bad.decision.accept).toBe(false);
    expect(bad.activated).toBe(false);
    expect(bad.decision.reasons.join('\n')).toMatch(/sector macro-F1 .* < active/);
    expect((await registry.active()).version).toBe(activeBefore);
    // Stored for the record, with the refusal.
    const stored = await registry.get(bad.record.version);
    expect(stored?.guard).toMatchObject({ accept: false });
    expect((await registry.list()).find((m) => m.version === bad.record.version)?.active).toBe(false);
  }, 120_000);
});

describe('correctionsToExamples', () => {
  it('makes one example per post with only the corrected heads; the latest correction of a field wins', () => {
    const ex = correctionsToExamples([
      { postId: 'a', at: '2026-11-23T10:00:02Z', field: 'sector', newValue: 'roads', text: 'текст а' },
      { postId: 'a', at: '2026-11-23T10:00:01Z', field: 'sector', newValue: 'housing', text: 'текст а' },
      { postId: 'a', at: '2026-11-23T10:00:03Z', field: 'misinformation', newValue: false, text: 'текст а' },
      { postId: 'b', at: '2026-11-23T10:00:00Z', field: 'address', newValue: 'ул. Ленина', text: 'текст б' },
      { postId: 'c', at: '2026-11-23T10:00:00Z', field: 'sector', newValue: 'not-a-sector', text: 'текст в' },
    ]);
    expect(ex).toHaveLength(1);
    expect(ex[0]).toMatchObject({ text: 'текст а', sector: 'roads', misinformation: false, complaint: null });
    expect(ex[0]!.weight).toBeGreaterThan(3);
  });
});
