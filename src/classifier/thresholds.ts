/**
 * Decision thresholds of the binary outputs (complaint, urgency, misinformation), chosen on a
 * validation set that shares no templates with the test sets (scripts/train.ts --ship) and stored
 * in the model's meta (`notes.thresholds`). The outputs keep "≥ 0.5 means yes": a probability is
 * mapped piecewise-linearly so that the chosen threshold lands on 0.5 (order is kept, so ranking
 * by risk is unchanged).
 */
export interface Thresholds {
  complaint: number;
  urgency: number;
  misinformation: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { complaint: 0.5, urgency: 0.5, misinformation: 0.5 };

/** p on a 0..1 scale where `t` maps to 0.5: monotone, 0 → 0, 1 → 1. */
export function calibrate(p: number, t: number): number {
  if (t <= 0 || t >= 1 || t === 0.5) return p;
  return p < t ? (0.5 * p) / t : 0.5 + (0.5 * (p - t)) / (1 - t);
}

/** Reads thresholds from a model's notes; missing or malformed values fall back to 0.5. */
export function thresholdsOf(notes: Record<string, unknown> | undefined): Thresholds {
  const t = (notes?.thresholds ?? {}) as Partial<Record<keyof Thresholds, unknown>>;
  const pick = (k: keyof Thresholds) => (typeof t[k] === 'number' && (t[k] as number) > 0 && (t[k] as number) < 1 ? (t[k] as number) : DEFAULT_THRESHOLDS[k]);
  return { complaint: pick('complaint'), urgency: pick('urgency'), misinformation: pick('misinformation') };
}

/**
 * The threshold that maximises `metric` ('f1' of the positive class, or 'accuracy') over scored,
 * labelled items; candidates are midpoints between consecutive distinct scores. Ties go to the
 * threshold closest to 0.5 (the least opinionated). Empty input or one class only: 0.5.
 */
export function chooseThreshold(scores: readonly number[], gold: readonly boolean[], metric: 'f1' | 'accuracy'): { threshold: number; value: number } {
  if (scores.length !== gold.length) throw new Error(`chooseThreshold: ${scores.length} scores, ${gold.length} labels`);
  const pos = gold.filter(Boolean).length;
  if (scores.length === 0 || pos === 0 || pos === gold.length) return { threshold: 0.5, value: NaN };
  const order = scores.map((s, i) => [s, gold[i] as boolean] as const).sort((a, b) => b[0] - a[0]);
  let best = { threshold: 0.5, value: -1 };
  let tp = 0;
  let fp = 0;
  // Walk down the scores: after item i, everything scored ≥ order[i] is predicted positive.
  for (let i = 0; i < order.length; i++) {
    if ((order[i] as readonly [number, boolean])[1]) tp++;
    else fp++;
    const next = i + 1 < order.length ? (order[i + 1] as readonly [number, boolean])[0] : 0;
    const here = (order[i] as readonly [number, boolean])[0];
    if (next === here) continue;
    const threshold = (here + next) / 2;
    const fn = pos - tp;
    const tn = gold.length - pos - fp;
    const value = metric === 'f1' ? (2 * tp) / (2 * tp + fp + fn) : (tp + tn) / gold.length;
    if (value > best.value + 1e-12 || (Math.abs(value - best.value) <= 1e-12 && Math.abs(threshold - 0.5) < Math.abs(best.threshold - 0.5))) best = { threshold, value };
  }
  return best;
}

/** Scored, labelled items of one validation set, and its share in a weighted mean (default 1). */
export interface ScoredSet {
  scores: readonly number[];
  gold: readonly boolean[];
  weight?: number;
}

/**
 * The threshold that maximises the weighted mean of the accuracies on several validation sets,
 * each set counting by its `weight` whatever its size (equal weights: a small set counts as much as
 * a big one — for the complaint head, the written set of short social complaints and hard
 * non-complaints beside the big mixed Feb 2021 set of appeals and tweets, which style alone
 * separates). Candidates are midpoints between consecutive distinct scores of the choosing sets; ties
 * go to the threshold closest to 0.5, as in `chooseThreshold`. A set of weight 0 does not choose (nor
 * give candidates: with one set of weight 1, the threshold is `chooseThreshold`'s) but is measured.
 * No set with items and weight: 0.5. `values`: each set's accuracy at the threshold, in input
 * order (NaN for an empty set).
 */
export function chooseThresholdMeanAccuracy(sets: readonly ScoredSet[]): { threshold: number; value: number; values: number[] } {
  for (const s of sets) if (s.scores.length !== s.gold.length) throw new Error(`chooseThresholdMeanAccuracy: ${s.scores.length} scores, ${s.gold.length} labels`);
  const used = sets.filter((s) => s.scores.length > 0 && (s.weight ?? 1) > 0);
  const total = used.reduce((a, s) => a + (s.weight ?? 1), 0);
  // Per set: positives' and negatives' scores ascending, to count those below a threshold.
  const sorted = sets.map((s) => ({
    pos: s.scores.filter((_, i) => s.gold[i]).sort((a, b) => a - b),
    neg: s.scores.filter((_, i) => !s.gold[i]).sort((a, b) => a - b),
    n: s.scores.length,
    w: total > 0 && s.scores.length > 0 ? (s.weight ?? 1) / total : 0,
  }));
  const below = (xs: readonly number[], t: number) => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((xs[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Accuracy at t: positives scored ≥ t plus negatives scored < t.
  const accuracies = (t: number) => sorted.map(({ pos, neg, n }) => (n ? (pos.length - below(pos, t) + below(neg, t)) / n : NaN));
  if (used.length === 0) return { threshold: 0.5, value: NaN, values: accuracies(0.5) };
  const all = [...new Set(used.flatMap((s) => s.scores))].sort((a, b) => b - a);
  let best = { threshold: 0.5, value: -1, values: [] as number[] };
  for (let i = 0; i < all.length; i++) {
    const threshold = ((all[i] as number) + (i + 1 < all.length ? (all[i + 1] as number) : 0)) / 2;
    const values = accuracies(threshold);
    const value = values.reduce((a, v, k) => ((sorted[k] as { w: number }).w > 0 ? a + v * (sorted[k] as { w: number }).w : a), 0);
    if (value > best.value + 1e-12 || (Math.abs(value - best.value) <= 1e-12 && Math.abs(threshold - 0.5) < Math.abs(best.threshold - 0.5))) best = { threshold, value, values };
  }
  return best;
}

