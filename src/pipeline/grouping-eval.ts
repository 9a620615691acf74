/**
 * Evaluation of "one card per problem" on labelled post pairs (`npm run eval:grouping`).
 *
 * Each pair is scored once (the evidence the grouping rule sees, and whether both posts open an
 * incident). The thresholds are chosen on the tuning pairs (data/grouping/pairs.jsonl) and
 * precision and recall reported on held-out pairs written separately (data/grouping/heldout.jsonl):
 * the figures are never measured on the pairs that picked the thresholds.
 */
import { disjointNonEmpty, groupingVerdict, type GroupingEvidence, type GroupingPolicy } from '../domain/incident-workflow';
import type { GroupCandidate } from '../repositories/grouping.repository';
import { jaccard } from '../text/similarity';

/** One labelled pair, reduced to what the grouping rule sees. */
export interface ScoredPair extends GroupingEvidence {
  same: boolean;
  note: string;
  /** Both posts open an incident (only those are grouped). */
  bothOpen: boolean;
}

/**
 * The evidence for two grouping candidates, exactly as the grouping script
 * (src/repositories/grouping.repository.ts) weighs an incident against a new post.
 */
export function pairEvidence(a: GroupCandidate, b: GroupCandidate): GroupingEvidence {
  // Candidates are found per municipality: another town is never the same incident.
  const sameTown = a.buckets[0]?.split(':')[0] === b.buckets[0]?.split(':')[0];
  let conflict: GroupingEvidence['conflict'] = null;
  if (disjointNonEmpty(a.numbers, b.numbers)) conflict = 'numbers';
  else if (a.street !== null && b.street !== null && a.street !== b.street) conflict = 'street';
  else if (disjointNonEmpty(a.districts, b.districts)) conflict = 'district';
  else if (disjointNonEmpty(a.problems, b.problems)) conflict = 'problem';
  return {
    similarity: sameTown ? jaccard(a.features, b.features) : 0,
    samePlace: sameTown && a.placeKey !== null && a.placeKey === b.placeKey,
    sameSector: a.sector === b.sector,
    conflict,
  };
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

export function verdictOf(p: ScoredPair, policy: GroupingPolicy): 'link' | 'suggest' | 'separate' {
  if (!p.bothOpen) return 'separate';
  return groupingVerdict(p, policy).verdict;
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

const round2 = (x: number) => Math.round(x * 100) / 100;
const grid = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => round2(from + i * step));

/**
 * Picks the thresholds on the tuning pairs:
 * - `autoLink`, `placeBonus` and `otherSectorPenalty`: the highest recall of automatic links with
 *   precision at least `minPrecision`; the threshold in the middle of the best plateau (as far from
 *   the negative just below as from the positive just above: either edge is too close to a pair
 *   of the other kind); among equals, the smaller place bonus, then the smaller penalty;
 * - `suggest`: the highest value at which links plus suggestions still reach `suggestRecall` (all) of
 *   the reachable same-problem pairs (the operator sees what automatic linking missed), and never
 *   above the plateau's lower edge (the lower half of the plateau is offered, not linked).
 * `windowMinutes` is kept from `base` (it is not a property of a pair).
 */
export function chooseThresholds(tuning: readonly ScoredPair[], base: GroupingPolicy, opts: { minPrecision?: number; suggestRecall?: number } = {}): GroupingPolicy {
  const minPrecision = opts.minPrecision ?? 0.95;
  const suggestRecall = opts.suggestRecall ?? 1;
  const links = grid(0.3, 0.95, 0.01);
  let best: { recall: number; placeBonus: number; otherSectorPenalty: number; autoLink: number; from: number } | null = null;
  for (const placeBonus of grid(0, 0.2, 0.05))
    for (const otherSectorPenalty of grid(0, 0.3, 0.1)) {
      // The plateau of the best recall for this bonus: consecutive thresholds that pass.
      let bestHere: { recall: number; from: number; to: number } | null = null;
      for (const autoLink of links) {
        const m = measure(tuning, { ...base, autoLink, suggest: autoLink, placeBonus, otherSectorPenalty });
        if (m.precision < minPrecision) continue;
        if (!bestHere || m.recall > bestHere.recall + 1e-9) bestHere = { recall: m.recall, from: autoLink, to: autoLink };
        else if (Math.abs(m.recall - bestHere.recall) < 1e-9 && round2(bestHere.to + 0.01) === autoLink) bestHere.to = autoLink;
      }
      if (!bestHere) continue;
      const autoLink = round2((bestHere.from + bestHere.to) / 2);
      if (!best || bestHere.recall > best.recall + 1e-9) best = { recall: bestHere.recall, placeBonus, otherSectorPenalty, autoLink, from: bestHere.from };
    }
  if (!best) return base;
  let suggest = grid(0.1, best.autoLink, 0.01)[0] ?? best.autoLink;
  for (const s of grid(0.1, best.autoLink, 0.01)) {
    const policy = { ...base, autoLink: best.autoLink, suggest: s, placeBonus: best.placeBonus, otherSectorPenalty: best.otherSectorPenalty };
    // Pairs no threshold can reach (a post opens no incident, a conflict) do not count.
    const same = tuning.filter((p) => p.same && p.bothOpen && p.conflict === null);
    const covered = same.filter((p) => verdictOf(p, policy) !== 'separate').length;
    if (same.length === 0 || covered / same.length >= suggestRecall) suggest = s;
  }
  // The lower half of the plateau is a suggestion too: as good by the tuning pairs, but nearer the negatives.
  return { ...base, autoLink: best.autoLink, suggest: Math.min(suggest, best.from), placeBonus: best.placeBonus, otherSectorPenalty: best.otherSectorPenalty };
}
