/**
 * `npm run eval:grouping`: the thresholds are chosen on the validation pairs only and the figures
 * reported on the held-out test pairs; the shipped DEFAULT_GROUPING is what the validation picks.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUPING } from '../../../src/domain/incident-workflow';
import { chooseThresholds, measure, splitPairs, type ScoredPair } from '../../../src/pipeline/grouping-eval';

const pair = (same: boolean, similarity: number, extra: Partial<ScoredPair> = {}): ScoredPair => ({ same, note: `${same ? 's' : 'd'}${similarity}`, similarity, samePlace: false, numbersConflict: false, bothOpen: true, ...extra });

describe('grouping evaluation', () => {
  it('splits every label in half, deterministically, with no pair in both parts', () => {
    const pairs = [pair(true, 0.9), pair(true, 0.8), pair(false, 0.1), pair(true, 0.7), pair(false, 0.2), pair(false, 0.3), pair(true, 0.6)];
    const { validation, test } = splitPairs(pairs);
    expect(validation.map((p) => p.note)).toEqual(['s0.9', 'd0.1', 's0.7', 'd0.3']);
    expect(test.map((p) => p.note)).toEqual(['s0.8', 'd0.2', 's0.6']);
    expect(splitPairs(pairs)).toEqual({ validation, test });
  });

  it('chooses the link threshold on validation pairs alone: highest recall at the precision floor, with a margin above the hardest negative', () => {
    const validation = [pair(true, 0.9), pair(true, 0.7), pair(true, 0.5), pair(false, 0.45), pair(false, 0.2), pair(true, 0.3, { samePlace: true })];
    const chosen = chooseThresholds(validation, { ...DEFAULT_GROUPING, placeBonus: 0 });
    // 0.5 is the lowest same-problem score above the 0.45 negative (the place bonus may lift the 0.3 one too).
    expect(chosen.autoLink).toBeGreaterThan(0.45);
    expect(chosen.autoLink).toBeLessThanOrEqual(0.5);
    const m = measure(validation, chosen);
    expect(m.fp).toBe(0);
    expect(m.tp).toBeGreaterThanOrEqual(3);
    // Every reachable same-problem pair is at least suggested.
    expect(chosen.suggest).toBeLessThanOrEqual(Math.min(0.3 + chosen.placeBonus, chosen.autoLink));
    expect(chosen.windowMinutes).toBe(DEFAULT_GROUPING.windowMinutes);
  });

  it('a pair whose post opens no incident, or whose numbers conflict, is never linked', () => {
    const m = measure([pair(true, 1, { bothOpen: false }), pair(false, 1, { numbersConflict: true })], DEFAULT_GROUPING);
    expect(m).toMatchObject({ tp: 0, fp: 0, fn: 1 });
  });

  it('the script reports the held-out part, and DEFAULT_GROUPING equals the thresholds chosen on validation', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval-grouping.ts'], { encoding: 'utf8' }).trim().split('\n');
    const last = out.at(-1) ?? '';
    expect(last).toMatch(/^pairs=\d+ precision=\d\.\d{3} recall=\d\.\d{3}$/);
    const split = out.find((l) => l.startsWith('split: ')) ?? '';
    const [, validationPairs, testPairs] = /^split: (\d+) validation pairs .*, (\d+) test pairs/.exec(split) ?? [];
    expect(Number(last.split(' ')[0]?.split('=')[1])).toBe(Number(testPairs));
    expect(Number(validationPairs)).toBeGreaterThan(0);
    expect(out.join('\n')).not.toContain('update DEFAULT_GROUPING');
  }, 120_000);
});
