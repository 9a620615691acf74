/**
 * `npm run eval:grouping`: the thresholds are chosen on the tuning pairs only and the figures
 * reported on the held-out pairs (a separate file); the shipped DEFAULT_GROUPING is what the
 * tuning picks.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUPING } from '../../../src/domain/incident-workflow';
import { chooseThresholds, measure, verdictOf, type ScoredPair } from '../../../src/pipeline/grouping-eval';

const pair = (same: boolean, similarity: number, extra: Partial<ScoredPair> = {}): ScoredPair => ({ same, note: `${same ? 's' : 'd'}${similarity}`, similarity, samePlace: false, sameSector: true, otherSectorConfidence: null, conflict: null, bothOpen: true, followUp: false, ...extra });

describe('grouping evaluation', () => {
  it('chooses the link threshold on tuning pairs alone: the lowest one that keeps the precision floor there and at every higher threshold', () => {
    const tuning = [pair(true, 0.9), pair(true, 0.7), pair(true, 0.5), pair(false, 0.45), pair(false, 0.2), pair(true, 0.3, { samePlace: true })];
    const chosen = chooseThresholds(tuning, { ...DEFAULT_GROUPING, placeBonus: 0 });
    // Just above the 0.45 negative (the place bonus may lift the 0.3 positive too).
    expect(chosen.autoLink).toBe(0.46);
    const m = measure(tuning, chosen);
    expect(m.fp).toBe(0);
    expect(m.tp).toBeGreaterThanOrEqual(3);
    // Every reachable same-problem pair is at least suggested.
    expect(chosen.suggest).toBeLessThanOrEqual(Math.min(0.3 + chosen.placeBonus, chosen.autoLink));
    expect(chosen.windowMinutes).toBe(DEFAULT_GROUPING.windowMinutes);
  });

  it('a dip of precision below the floor stops the search: no lower threshold is taken even where precision recovers', () => {
    // At 0.35 precision is 1/2; at 0.3 sixty more positives lift it to 61/62 ≥ 0.98 again.
    const tuning = [pair(true, 0.9), pair(false, 0.35), ...Array.from({ length: 60 }, () => pair(true, 0.3))];
    expect(measure(tuning, { ...DEFAULT_GROUPING, autoLink: 0.3 }).precision).toBeGreaterThanOrEqual(0.98);
    expect(chooseThresholds(tuning, DEFAULT_GROUPING).autoLink).toBe(0.36);
  });

  it('another sector costs the penalty, and it is chosen only when it buys recall', () => {
    const tuning = [pair(true, 0.6), pair(true, 0.5), pair(false, 0.55, { sameSector: false }), pair(false, 0.1)];
    const chosen = chooseThresholds(tuning, DEFAULT_GROUPING);
    expect(chosen.otherSectorPenalty).toBeGreaterThan(0);
    expect(measure(tuning, chosen)).toMatchObject({ tp: 2, fp: 0 });
    expect(chooseThresholds([pair(true, 0.6), pair(false, 0.1)], DEFAULT_GROUPING).otherSectorPenalty).toBe(0);
  });

  it('the sector veto is the lowest confidence that costs no tuning link, and makes a confident other-sector pair a suggestion', () => {
    const other = (same: boolean, similarity: number, confidence: number) => pair(same, similarity, { sameSector: false, otherSectorConfidence: confidence });
    // A same-problem pair across sectors at 0.72 confidence links; a different-problem one at 0.9 must not.
    const tuning = [pair(true, 0.6), other(true, 0.5, 0.72), other(false, 0.4, 0.9), pair(false, 0.1)];
    const chosen = chooseThresholds(tuning, DEFAULT_GROUPING);
    expect(chosen.sectorVeto).toBe(0.75);
    expect(measure(tuning, chosen)).toMatchObject({ tp: 2, fp: 0 });
    expect(verdictOf(other(false, 0.9, 0.95), chosen)).toBe('suggest');
    expect(verdictOf(other(true, 0.9, 0.7), chosen)).toBe('link');
    // A same-problem pair linking at full confidence in two sectors: no veto at all.
    expect(chooseThresholds([pair(true, 0.6), other(true, 0.5, 1)], DEFAULT_GROUPING).sectorVeto).toBeNull();
  });

  it('a pair whose post opens no incident, or with a conflict (numbers, street, district, problem), is never linked', () => {
    const m = measure([pair(true, 1, { bothOpen: false }), ...(['numbers', 'street', 'district', 'problem'] as const).map((conflict) => pair(false, 1, { conflict }))], DEFAULT_GROUPING);
    expect(m).toMatchObject({ tp: 0, fp: 0, fn: 1 });
  });

  it('the anchor bonus is chosen only when it buys tuning recall, and lifts only anchored pairs', () => {
    const tuning = [pair(true, 0.6), pair(true, 0.27, { anchored: true }), pair(false, 0.29), pair(false, 0.1, { anchored: true })];
    const chosen = chooseThresholds(tuning, DEFAULT_GROUPING);
    expect(chosen.anchorBonus).toBeGreaterThan(0);
    expect(measure(tuning, chosen)).toMatchObject({ tp: 2, fp: 0 });
    expect(verdictOf(pair(true, chosen.autoLink - chosen.anchorBonus, { anchored: true }), chosen)).toBe('link');
    expect(verdictOf(pair(true, chosen.autoLink - chosen.anchorBonus), chosen)).not.toBe('link');
    expect(chooseThresholds([pair(true, 0.6), pair(false, 0.1)], DEFAULT_GROUPING).anchorBonus).toBe(0);
  });

  it('a follow-up (the second post opens no incident) links at the link threshold and is never a suggestion', () => {
    const follow = (similarity: number) => pair(true, similarity, { bothOpen: false, followUp: true });
    expect(verdictOf(follow(DEFAULT_GROUPING.autoLink), DEFAULT_GROUPING)).toBe('link');
    expect(verdictOf(follow((DEFAULT_GROUPING.autoLink + DEFAULT_GROUPING.suggest) / 2), DEFAULT_GROUPING)).toBe('separate');
    expect(verdictOf(pair(true, (DEFAULT_GROUPING.autoLink + DEFAULT_GROUPING.suggest) / 2), DEFAULT_GROUPING)).toBe('suggest');
    expect(verdictOf(follow(1), DEFAULT_GROUPING)).toBe('link');
    expect(verdictOf(pair(true, 1, { bothOpen: false, followUp: false }), DEFAULT_GROUPING)).toBe('separate');
  });

  it('the script reports the last held-out file last, and DEFAULT_GROUPING equals the thresholds chosen on the tuning file', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval-grouping.ts'], { encoding: 'utf8' }).trim().split('\n');
    const last = out.at(-1) ?? '';
    expect(last).toMatch(/^pairs=\d+ precision=\d\.\d{3} recall=\d\.\d{3}$/);
    const [, heldout] = /^held-out \S+ \((\d+) pairs/.exec(out.at(-2) ?? '') ?? [];
    expect(Number(last.split(' ')[0]?.split('=')[1])).toBe(Number(heldout));
    expect(Number(heldout)).toBeGreaterThanOrEqual(100);
    expect(out.some((l) => /^chosen on \d+ tuning pairs/.test(l))).toBe(true);
    expect(out.join('\n')).not.toContain('update DEFAULT_GROUPING');
  }, 120_000);
});
