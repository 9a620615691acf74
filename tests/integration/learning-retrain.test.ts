import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Example } from '../../src/classifier/train';
import { correctionsToExamples, retrain, spreadWeight, trainingHash, type RetrainResult } from '../../src/classifier-registry/learning';
import { DEFAULT_OPTIONS, SHUFFLE_SCHEME } from '../../src/classifier/train';
import { deserializeModel, serializeModel } from '../../src/classifier/linear';
import { GUARD_TOLERANCE, RESHUFFLE_TOLERANCE } from '../../src/classifier-registry/guard';
import { TONES, type Tone } from '../../src/domain/classification';
import { categoryCodes } from '../../src/domain/taxonomy';
import { loadTaxonomy } from '../../src/classifier/taxonomy';
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
// Another post no corpus example contains, for a tone correction.
const POST_TONE = 'На Заозерной третий день не вывозят мусор из контейнеров, всё раскидали собаки, спасибо что хоть ответили';

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
    // Both models were trained in the same (insertion-stable) order: the tight tolerance applies.
    expect(second.decision, JSON.stringify(second.decision)).toMatchObject({ accept: true, tolerance: GUARD_TOLERANCE });
    expect(second.activated).toBe(true);
    expect(second.record).toMatchObject({ parent: first.record.version, data: { corrections: 1 } });
    expect((await registry.active()).version).toBe(second.record.version);
    expect(second.record.version).not.toBe(first.record.version);
  }, 120_000);

  it('category and tone corrections change those outputs for their posts, and the guard lets the model in', async () => {
    const activeBefore = (await registry.active()).version;
    const was = first.classifier.classify(analyze(POST));
    // The corrections service accepts only a code of the post's sector: another code of that sector.
    const codes = categoryCodes(loadTaxonomy()).filter((c) => c.startsWith(`${was.sector.label}.`) && c !== was.category.code);
    const category = codes.find((c) => !c.endsWith('.other')) ?? codes[0]!;
    const toneBefore = first.classifier.classify(analyze(POST_TONE)).tone.label;
    const tone: Tone = toneBefore === 'neutral' ? 'positive' : 'neutral';
    const corrections = correctionsToExamples([
      { postId: 'vk:2', at: '2026-11-23T10:00:00Z', field: 'category', newValue: category, text: POST },
      { postId: 'vk:3', at: '2026-11-23T10:00:00Z', field: 'tone', newValue: tone, text: POST_TONE },
    ]);
    expect(corrections).toEqual([expect.objectContaining({ category, sector: null, tone: null }), expect.objectContaining({ tone, category: null, sector: null })]);
    const third = await retrain({ registry }, { base, corrections, testSet, dataSummary: { corpus: base.length }, actor: 'test' });

    const now = third.classifier.classify(analyze(POST));
    expect(now.sector.label).toBe(was.sector.label);
    expect(now.category.code).toBe(category);
    expect(third.classifier.classify(analyze(POST_TONE)).tone.label).toBe(tone);
    expect(third.decision, JSON.stringify(third.decision)).toMatchObject({ accept: true });
    expect(third.activated).toBe(true);
    expect(third.record).toMatchObject({ parent: activeBefore, data: { corrections: 2 } });
    expect((await registry.active()).version).toBe(third.record.version);
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

describe('retraining against a model trained in another epoch order', () => {
  it('allows for a full reshuffle (RESHUFFLE_TOLERANCE) when the active model has no or another shuffle scheme', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'dozor-registry-'));
    try {
      // The active model (trained above) as a shipped file from before the insertion-stable
      // shuffle: no notes.shuffle.
      const { meta, heads } = deserializeModel(readFileSync((await registry.active()).path));
      expect(meta.notes.shuffle).toBe(SHUFFLE_SCHEME);
      const notes = { ...meta.notes };
      delete notes.shuffle;
      const shipped = join(dir2, 'shipped.bin.gz');
      writeFileSync(shipped, serializeModel({ ...meta, version: 'dozor-old-order', notes }, [...heads.values()]));
      const reg = createModelRegistry({ dir: join(dir2, 'registry'), shippedPath: shipped });

      const r = await retrain({ registry: reg }, { base, corrections: [], testSet, actor: 'test' });
      expect(r.previous).toBe('dozor-old-order');
      expect(r.decision).toMatchObject({ accept: true, tolerance: RESHUFFLE_TOLERANCE });
      expect((await reg.active()).pointer?.reason).toMatch(/reshuffle tolerance/);
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
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

  it('trains category and tone corrections; skips values no head can learn', () => {
    const ex = correctionsToExamples([
      { postId: 'a', at: '2026-11-23T10:00:01Z', field: 'category', newValue: 'housing.heating', text: 'текст а' },
      { postId: 'a', at: '2026-11-23T10:00:02Z', field: 'tone', newValue: 'negative', text: 'текст а' },
      { postId: 'b', at: '2026-11-23T10:00:00Z', field: 'tone', newValue: 'positive', text: 'текст б' },
      { postId: 'c', at: '2026-11-23T10:00:00Z', field: 'category', newValue: 'housing.not-in-taxonomy', text: 'текст в' },
      { postId: 'c', at: '2026-11-23T10:00:01Z', field: 'tone', newValue: 'angry', text: 'текст в' },
    ]);
    // Ordered by each post's first correction.
    expect(ex).toEqual([
      expect.objectContaining({ text: 'текст б', tone: 'positive', category: null }),
      expect.objectContaining({ text: 'текст а', category: 'housing.heating', tone: 'negative', sector: null, complaint: null, misinformation: null, urgent: null }),
    ]);
    expect(ex.every((e) => (TONES as readonly unknown[]).includes(e.tone))).toBe(true);
  });

  it('the training hash covers category and tone labels', () => {
    const e = { text: 'текст', sector: null, complaint: null, misinformation: null, urgent: null, category: null, tone: null, weight: 3 } as const;
    const h = (x: Example) => trainingHash(spreadWeight([x]), DEFAULT_OPTIONS);
    const hashes = new Set([h(e), h({ ...e, category: 'housing.heating' }), h({ ...e, category: 'housing.water' }), h({ ...e, tone: 'negative' }), h({ ...e, tone: 'positive' })]);
    expect(hashes.size).toBe(5);
  });
});
