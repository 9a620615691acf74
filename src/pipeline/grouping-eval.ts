/**
 * Evaluation of "one card per problem" on labelled post pairs (`npm run eval:grouping`).
 *
 * Each pair is scored once (the evidence the grouping rule sees, and whether both posts open an
 * incident). The thresholds are chosen on the development pairs (data/grouping/pairs.jsonl and the
 * held-out files whose errors have been read) and the test figure is measured on a held-out file
 * written separately and never read: it is never measured on the pairs that picked the thresholds.
 */
import { disjointNonEmpty, groupingVerdict, type GroupingEvidence, type GroupingPolicy } from '../domain/incident-workflow';
import type { GroupCandidate } from '../repositories/grouping.repository';
import { ASPECT_GROUPS, aspectsIn } from '../text/grouping-features';
import { jaccard } from '../text/similarity';

/**
 * One labelled pair of post texts, as data/grouping/*.jsonl holds them (one JSON object a line):
 * written by hand, or the operators' decisions (src/services/grouping-labels.ts).
 */
export interface GroupingPair {
  same: boolean;
  note: string;
  /** The earlier post. */
  a: string;
  b: string;
  /** Municipality of the source of `a` (and of `b` unless `mb`). */
  m: string;
  mb?: string;
}

/** One labelled pair, reduced to what the grouping rule sees. */
export interface ScoredPair extends GroupingEvidence {
  same: boolean;
  note: string;
  /** Both posts open an incident. */
  bothOpen: boolean;
  /**
   * The first post opens an incident and the second, opening none, is a follow-up
   * (src/pipeline/pipeline.service.ts `canFollowUp`): it joins on a link, never as a suggestion.
   */
  followUp: boolean;
  /**
   * The first post opens no incident but waits as a follow-up, and the second opens one: the
   * first joins it on a link as it opens (src/repositories/grouping.repository.ts), never as a
   * suggestion.
   */
  waiting?: boolean;
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
  else if (disjointNonEmpty(a.streets, b.streets)) conflict = 'street';
  else if (disjointNonEmpty(a.streetKeys, b.streetKeys)) conflict = 'street';
  else if (disjointNonEmpty(a.districts, b.districts)) conflict = 'district';
  else if (disjointNonEmpty(a.problems, b.problems) || ASPECT_GROUPS.some((g) => disjointNonEmpty(aspectsIn(a.aspects, g), aspectsIn(b.aspects, g)))) conflict = 'problem';
  const samePlace = sameTown && a.placeKey !== null && a.placeKey === b.placeKey;
  const shares = <T>(x: readonly T[], y: readonly T[]) => x.some((v) => y.includes(v));
  return {
    similarity: sameTown ? jaccard(a.features, b.features) : 0,
    samePlace,
    anchored: sameTown && shares(a.problems, b.problems) && (shares(a.numbers, b.numbers) || samePlace || shares(a.streets, b.streets) || shares(a.streetKeys, b.streetKeys)),
    sameSector: a.sector === b.sector,
    otherSectorConfidence: a.sector === b.sector ? null : Math.min(a.sectorConfidence, b.sectorConfidence),
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
  if (p.bothOpen) return groupingVerdict(p, policy).verdict;
  if (p.followUp || p.waiting) return groupingVerdict(p, policy).verdict === 'link' ? 'link' : 'separate';
  return 'separate';
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

/** F-beta of automatic links (0 when nothing links rightly). */
export const fBeta = (m: PairMetrics, beta: number) => (m.tp === 0 ? 0 : ((1 + beta * beta) * m.precision * m.recall) / (beta * beta * m.precision + m.recall));

/**
 * Picks the thresholds on the development pairs: the tuning pairs and the held-out files whose
 * errors have been read (data/grouping/README.md; until the ninth iteration the tuning pairs
 * alone, with a precision floor of 0.98 — 160 pairs became too few to choose by: the floor moved
 * the threshold whenever one tuning pair moved):
 * - `autoLink`, `placeBonus`, `anchorBonus`, `otherSectorPenalty`, `sectorVeto`: the combination
 *   on the grid with the best F-beta of automatic links (`beta` 0.5: a wrong link hides a problem
 *   inside another card, a missed one is still a card and a suggestion). The anchor bonus stays on a
 *   0–0.1 grid: a larger one links posts that share one number and one problem word whatever else
 *   they say (on the demo stream, with 0.2, a rumour about the tap water took a basement leak
 *   sharing «10», and a district-wide outage rumour a post saying the radiators are hot), which
 *   pairs scored one against one do not show and a stream of hundreds of open incidents does.
 *   For the same reason the link grid starts at 0.21: at 0.20 (picked once held-out-11 was read,
 *   with no place bonus) the demo stream linked a dead lamp over a crossing to a leaning poplar and
 *   a pedestrian hit on a crossing to a dead traffic light, and nothing right, for about three
 *   true links and one false one more among 1,472 development pairs. Among equals: the smaller place bonus, then the smaller anchor bonus, then the smaller
 *   penalty, then no veto or the veto at the higher confidence (0.50 – 1.00 on a 0.05 grid: two
 *   confidently different sectors are at most a suggestion), then the lower threshold;
 * - `suggest`: the highest value at which links plus suggestions still reach `suggestRecall` of
 *   the reachable same-problem pairs (the operator sees what automatic linking missed), never
 *   above `autoLink`.
 * `windowMinutes` is kept from `base` (it is not a property of a pair).
 */
export function chooseThresholds(pairs: readonly ScoredPair[], base: GroupingPolicy, opts: { beta?: number; suggestRecall?: number } = {}): GroupingPolicy {
  const beta = opts.beta ?? 0.5;
  const suggestRecall = opts.suggestRecall ?? 0.95;
  const links = grid(0.21, 0.95, 0.01);
  // No veto first, then from the confidence that vetoes least down.
  const vetoes: (number | null)[] = [null, ...grid(0.5, 1, 0.05).reverse()];
  let best: { f: number; policy: GroupingPolicy } | null = null;
  for (const placeBonus of grid(0, 0.2, 0.05))
    for (const anchorBonus of grid(0, 0.1, 0.05))
      for (const otherSectorPenalty of grid(0, 0.3, 0.1))
        for (const sectorVeto of vetoes)
          for (const autoLink of links) {
            const policy = { ...base, autoLink, suggest: autoLink, placeBonus, anchorBonus, otherSectorPenalty, sectorVeto };
            const f = fBeta(measure(pairs, policy), beta);
            if (f > 0 && (!best || f > best.f + 1e-9)) best = { f, policy };
          }
  if (!best) return base;
  const linked = best.policy;
  // Pairs no threshold can reach (a post opens no incident, a conflict) do not count.
  const same = pairs.filter((p) => p.same && p.bothOpen && p.conflict === null);
  let suggest = 0.1;
  for (const s of grid(0.1, linked.autoLink, 0.01)) {
    const covered = same.filter((p) => verdictOf(p, { ...linked, suggest: s }) !== 'separate').length;
    if (same.length === 0 || covered / same.length >= suggestRecall) suggest = s;
  }
  return { ...linked, suggest };
}
