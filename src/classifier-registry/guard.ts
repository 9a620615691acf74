/**
 * The activation guard: a retrained model replaces the active one only if, on the same held-out
 * test split (data/corpus/test.jsonl: 1,096 posts, 70 rumours), it does not lose sector macro-F1
 * and is not worse on complaint accuracy or misinformation F1 beyond a small tolerance.
 *
 * The tolerances are the measured retraining noise, not room to trade quality for corrections:
 * SGD visits the examples in a seeded shuffle whose permutation depends on the example count, so
 * adding even one neutral example reorders all of them. Measured: one duplicated corpus example
 * moved a small model's sector macro-F1 by −0.005 and complaint accuracy by −0.0036; three
 * sector-only corrections moved the full model's misinformation F1 by −0.034 (≈3 of 70 rumours;
 * that head does not even see sector-only examples). An insertion-stable shuffle in the trainer
 * would let these shrink towards zero.
 */
export interface GuardFigures {
  sectorMacroF1: number;
  complaintAcc: number;
  misinfoF1: number;
}

/** Largest drop allowed per figure (absolute, on a 0..1 scale). */
export const GUARD_TOLERANCE: Readonly<GuardFigures> = { sectorMacroF1: 0.005, complaintAcc: 0.005, misinfoF1: 0.04 };

export interface GuardDecision {
  accept: boolean;
  /** One line per figure that failed, or why there was nothing to compare with. */
  reasons: string[];
  candidate: GuardFigures;
  baseline: GuardFigures | null;
  /** candidate − baseline per figure (null without a baseline). */
  deltas: GuardFigures | null;
}

const NAMES: Record<keyof GuardFigures, string> = { sectorMacroF1: 'sector macro-F1', complaintAcc: 'complaint accuracy', misinfoF1: 'misinformation F1' };

/**
 * Compares the candidate with the active model's figures. Without a baseline (no active model can
 * be loaded, e.g. the feature scheme changed) the candidate is accepted and the reason says so.
 */
export function guardDecision(candidate: GuardFigures, baseline: GuardFigures | null, tolerance: Readonly<GuardFigures> = GUARD_TOLERANCE): GuardDecision {
  if (!baseline) return { accept: true, reasons: ['no active model to compare with'], candidate, baseline: null, deltas: null };
  const deltas = {} as GuardFigures;
  const reasons: string[] = [];
  for (const k of Object.keys(NAMES) as (keyof GuardFigures)[]) {
    const d = candidate[k] - baseline[k];
    deltas[k] = round(d);
    if (d < -tolerance[k]) reasons.push(`${NAMES[k]} ${fmt(candidate[k])} < active ${fmt(baseline[k])} (Δ ${fmt(d)}, tolerance ${tolerance[k]})`);
  }
  return { accept: reasons.length === 0, reasons, candidate, baseline, deltas };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const fmt = (x: number) => x.toFixed(4);
