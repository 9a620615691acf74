/**
 * `npm run eval:grouping`: the thresholds are chosen on the development pairs (tuning and read
 * held-out files) and the test figure reported on an unread held-out file; the shipped
 * DEFAULT_GROUPING is what the development pairs pick.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUPING } from '../../../src/domain/incident-workflow';
import { chooseThresholds, measure, verdictOf, type ScoredPair } from '../../../src/pipeline/grouping-eval';

const pair = (same: boolean, similarity: number, extra: Partial<ScoredPair> = {}): ScoredPair => ({ same, note: `${same ? 's' : 'd'}${similarity}`, similarity, samePlace: false, sameSector: true, otherSectorConfidence: null, conflict: null, bothOpen: true, followUp: false, ...extra });

describe('grouping evaluation', () => {
  it('chooses the link threshold with the best F0.5 of automatic links: the lowest one among equals', () => {
    const tuning = [pair(true, 0.9), pair(true, 0.7), pair(true, 0.5), pair(false, 0.45), pair(false, 0.2), pair(true, 0.3, { samePlace: true })];
    const chosen = chooseThresholds(tuning, { ...DEFAULT_GROUPING, placeBonus: 0 });
    // Just above the 0.45 negative (the place bonus lifts the 0.3 positive over it).
    expect(chosen.autoLink).toBe(0.46);
    const m = measure(tuning, chosen);
    expect(m.fp).toBe(0);
    expect(m.tp).toBeGreaterThanOrEqual(3);
    // Every reachable same-problem pair is at least suggested.
    expect(chosen.suggest).toBeLessThanOrEqual(Math.min(0.3 + chosen.placeBonus, chosen.autoLink));
    expect(chosen.windowMinutes).toBe(DEFAULT_GROUPING.windowMinutes);
  });

  it('precision weighs more than recall: a lower threshold that buys one true link with one false one is not taken', () => {
    // At 0.4: 2 true links, 0 false (F0.5 = 1 · 0.67 …= 0.91); at 0.3: 3 true, 1 false (F0.5 = 0.79).
    const pairs = [pair(true, 0.9), pair(true, 0.5), pair(false, 0.35), pair(true, 0.3)];
    expect(chooseThresholds(pairs, DEFAULT_GROUPING).autoLink).toBe(0.36);
    // Ten true links for the same one false link are worth it.
    const more = [pair(true, 0.9), pair(true, 0.5), pair(false, 0.35), ...Array.from({ length: 10 }, () => pair(true, 0.3))];
    expect(chooseThresholds(more, DEFAULT_GROUPING).autoLink).toBeLessThanOrEqual(0.3);
  });

  it('another sector costs the penalty, and it is chosen only when it buys recall', () => {
    const tuning = [pair(true, 0.6), pair(true, 0.5), pair(false, 0.55, { sameSector: false }), pair(false, 0.1)];
    const chosen = chooseThresholds(tuning, DEFAULT_GROUPING);
    expect(chosen.otherSectorPenalty).toBeGreaterThan(0);
    expect(measure(tuning, chosen)).toMatchObject({ tp: 2, fp: 0 });
    expect(chooseThresholds([pair(true, 0.6), pair(false, 0.1)], DEFAULT_GROUPING).otherSectorPenalty).toBe(0);
  });

  it('the sector veto is chosen with the threshold when it buys F0.5, at the highest confidence that does, and makes a confident other-sector pair a suggestion', () => {
    const other = (same: boolean, similarity: number, confidence: number) => pair(same, similarity, { sameSector: false, otherSectorConfidence: confidence });
    // A same-problem pair across sectors at 0.72 confidence must link; a different-problem one at 0.9, more alike, must not.
    const tuning = [pair(true, 0.6), other(true, 0.5, 0.72), other(false, 0.55, 0.9), pair(false, 0.1)];
    const chosen = chooseThresholds(tuning, DEFAULT_GROUPING);
    expect(chosen.sectorVeto).toBe(0.9);
    expect(measure(tuning, chosen)).toMatchObject({ tp: 2, fp: 0 });
    expect(verdictOf(other(false, 0.9, 0.95), chosen)).toBe('suggest');
    expect(verdictOf(other(true, 0.9, 0.7), chosen)).toBe('link');
    // Nothing to veto: no veto at all.
    expect(chooseThresholds([pair(true, 0.6), other(true, 0.5, 1), pair(false, 0.1)], DEFAULT_GROUPING).sectorVeto).toBeNull();
  });

  it('a pair whose post opens no incident, or with a conflict (numbers, street, district, problem), is never linked', () => {
    const m = measure([pair(true, 1, { bothOpen: false }), ...(['numbers', 'street', 'district', 'problem'] as const).map((conflict) => pair(false, 1, { conflict }))], DEFAULT_GROUPING);
    expect(m).toMatchObject({ tp: 0, fp: 0, fn: 1 });
  });

  it('the anchor bonus is chosen only when it buys F0.5, and lifts only anchored pairs', () => {
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

  it('the script reports the last held-out file last, and DEFAULT_GROUPING equals the thresholds chosen on the development pairs', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval-grouping.ts'], { encoding: 'utf8' }).trim().split('\n');
    const last = out.at(-1) ?? '';
    expect(last).toMatch(/^pairs=\d+ precision=\d\.\d{3} recall=\d\.\d{3}$/);
    const [, heldout] = /^held-out \S+ \((\d+) pairs/.exec(out.at(-2) ?? '') ?? [];
    expect(Number(last.split(' ')[0]?.split('=')[1])).toBe(Number(heldout));
    expect(Number(heldout)).toBeGreaterThanOrEqual(100);
    expect(out.some((l) => /^chosen on \d+ development pairs/.test(l))).toBe(true);
    expect(out.join('\n')).not.toContain('update DEFAULT_GROUPING');
  }, 120_000);
});
