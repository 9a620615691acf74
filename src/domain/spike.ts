/**
 * Spike rule for category × municipality counts (issue 13). The last hour is compared with the
 * same hour of the week in earlier weeks (Monday 9:00 with Mondays 9:00: the weekly rhythm of
 * complaints is strong). Robust to zero counts: the baseline is the median, its spread the MAD
 * (scaled to σ), and neither may fall below the Poisson noise of the median, so a quiet category
 * whose history is all zeros still needs `minCount` posts to alert and a single post at night never does.
 */
export interface SpikePolicy {
  /** Weeks of history behind the baseline. */
  weeks: number;
  /** Posts the hour must reach at all. */
  minCount: number;
  /** How many robust standard deviations above the median. */
  sigmas: number;
  /** And at least this many times the median (when the median is not zero). */
  ratio: number;
}

export const DEFAULT_SPIKE_POLICY: SpikePolicy = { weeks: 8, minCount: 5, sigmas: 4, ratio: 3 };

export interface SpikeVerdict {
  spike: boolean;
  current: number;
  baseline: number;
  threshold: number;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function judgeSpike(current: number, history: readonly number[], policy: SpikePolicy = DEFAULT_SPIKE_POLICY): SpikeVerdict {
  const base = median(history);
  const mad = median(history.map((x) => Math.abs(x - base))) * 1.4826;
  const spread = Math.max(mad, Math.sqrt(base + 1));
  const threshold = Math.max(policy.minCount, base + policy.sigmas * spread, base > 0 ? base * policy.ratio : 0);
  return { spike: current >= threshold, current, baseline: base, threshold: Math.ceil(threshold) };
}

/** Starts of the same hour in the `weeks` weeks before `hourStart` (newest first). */
export function sameHourOfWeek(hourStart: Date, weeks: number): Date[] {
  return Array.from({ length: weeks }, (_, i) => new Date(hourStart.getTime() - (i + 1) * 7 * 24 * 3600_000));
}
