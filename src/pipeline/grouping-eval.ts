/**
 * Evaluation of "one card per problem" on labelled post pairs (`npm run eval:grouping`).
 *
 * Each pair is scored once (text similarity, place rule, number conflict, whether both posts open
 * an incident). The pairs are split deterministically into a validation part, where the grouping
 * thresholds are chosen, and a held-out test part, where precision and recall are reported: the
 * figures are never measured on the pairs that picked the thresholds.
 */
import { groupingVerdict, type GroupingPolicy } from '../domain/incident-workflow';

/** One labelled pair, reduced to what the grouping rule sees. */
export interface ScoredPair {
  same: boolean;
  note: string;
  /** Jaccard similarity of the two feature sets (0 when the towns differ). */
  similarity: number;
  samePlace: boolean;
  numbersConflict: boolean;
  /** Both posts open an incident (only those are grouped). */
  bothOpen: boolean;
}

export interface PairMetrics {
  pairs: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** Pairs in the suggestion band, by label. */
  suggested: { same: number; different: number };
}

/**
 * Deterministic split: within each label, every second pair (in file order) goes to the test
 * part. Both parts keep the same mix of same / different pairs; appending pairs never moves an
 * earlier pair to the other part.
 */
export function splitPairs<T extends { same: boolean }>(pairs: readonly T[]): { validation: T[]; test: T[] } {
  const validation: T[] = [];
  const test: T[] = [];
  const seen = { same: 0, different: 0 };
  for (const p of pairs) {
    const k = p.same ? 'same' : 'different';
    (seen[k] % 2 === 0 ? validation : test).push(p);
    seen[k]++;
  }
  return { validation, test };
}

export function verdictOf(p: ScoredPair, policy: GroupingPolicy): 'link' | 'suggest' | 'separate' {
  if (!p.bothOpen) return 'separate';
  return groupingVerdict(p.similarity, p.samePlace, policy, p.numbersConflict).verdict;
}

export function measure(pairs: readonly ScoredPair[], policy: GroupingPolicy): PairMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const suggested = { same: 0, different: 0 };
  for (const p of pairs) {
    const v = verdictOf(p, policy);
    if (v === 'link' && p.same) tp++;
    if (v === 'link' && !p.same) fp++;
    if (v !== 'link' && p.same) fn++;
    if (v === 'suggest') suggested[p.same ? 'same' : 'different']++;
  }
  return { pairs: pairs.length, tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn), suggested };
}

/** Distance kept above the lowest passing threshold. */
export const MARGIN = 0.03;

const round2 = (x: number) => Math.round(x * 100) / 100;
const grid = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => round2(from + i * step));

/**
 * Picks the thresholds on the validation pairs:
 * - `autoLink` and `placeBonus`: the highest recall of automatic links with precision at least
 *   `minPrecision`; among equals, the lowest threshold of the best plateau plus a small margin
 *   (`MARGIN`, within the plateau: the edge that just passes is too close to a negative), then
 *   the smaller place bonus;
 * - `suggest`: the highest value at which links plus suggestions still reach `suggestRecall` (all) of
 *   the reachable same-problem pairs (the operator sees what automatic linking missed), never above
 *   `autoLink`.
 * `windowMinutes` is kept from `base` (it is not a property of a pair).
 */
export function chooseThresholds(validation: readonly ScoredPair[], base: GroupingPolicy, opts: { minPrecision?: number; suggestRecall?: number } = {}): GroupingPolicy {
  const minPrecision = opts.minPrecision ?? 0.95;
  const suggestRecall = opts.suggestRecall ?? 1;
  const links = grid(0.3, 0.95, 0.01);
  let best: { recall: number; placeBonus: number; autoLink: number } | null = null;
  for (const placeBonus of grid(0, 0.2, 0.05)) {
    // The plateau of the best recall for this bonus: consecutive thresholds that pass.
    let bestHere: { recall: number; from: number; to: number } | null = null;
    for (const autoLink of links) {
      const m = measure(validation, { ...base, autoLink, suggest: autoLink, placeBonus });
      if (m.precision < minPrecision) continue;
      if (!bestHere || m.recall > bestHere.recall + 1e-9) bestHere = { recall: m.recall, from: autoLink, to: autoLink };
      else if (Math.abs(m.recall - bestHere.recall) < 1e-9 && round2(bestHere.to + 0.01) === autoLink) bestHere.to = autoLink;
    }
    if (!bestHere) continue;
    const autoLink = round2(Math.min(bestHere.from + MARGIN, bestHere.to));
    if (!best || bestHere.recall > best.recall + 1e-9) best = { recall: bestHere.recall, placeBonus, autoLink };
  }
  if (!best) return base;
  let suggest = grid(0.1, best.autoLink, 0.01)[0] ?? best.autoLink;
  for (const s of grid(0.1, best.autoLink, 0.01)) {
    const policy = { ...base, autoLink: best.autoLink, suggest: s, placeBonus: best.placeBonus };
    // Pairs no threshold can reach (a post opens no incident, numbers conflict) do not count.
    const same = validation.filter((p) => p.same && p.bothOpen && !p.numbersConflict);
    const covered = same.filter((p) => verdictOf(p, policy) !== 'separate').length;
    if (same.length === 0 || covered / same.length >= suggestRecall) suggest = s;
  }
  return { ...base, autoLink: best.autoLink, suggest, placeBonus: best.placeBonus };
}
