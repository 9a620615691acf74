/** Classification metrics (pure). */
export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export function perClass(labels: readonly string[], gold: readonly string[], pred: readonly string[]): ClassReport[] {
  return labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      const p = pred[i];
      if (p === label && g === label) tp++;
      else if (p === label) fp++;
      else if (g === label) fn++;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support: tp + fn };
  });
}

/** Mean F1 over the labels that occur in the gold data. */
export function macroF1(reports: readonly ClassReport[]): number {
  const present = reports.filter((r) => r.support > 0);
  return present.length === 0 ? 0 : present.reduce((s, r) => s + r.f1, 0) / present.length;
}

export function binaryF1(gold: readonly boolean[], pred: readonly boolean[]): number {
  const r = perClass(['1'], gold.map((g) => (g ? '1' : '0')), pred.map((p) => (p ? '1' : '0')));
  return r[0]?.f1 ?? 0;
}

export function accuracy<T>(gold: readonly T[], pred: readonly T[]): number {
  return gold.length === 0 ? 0 : gold.filter((g, i) => g === pred[i]).length / gold.length;
}

/** rows = gold, columns = predicted, in `labels` order. */
export function confusion(labels: readonly string[], gold: readonly string[], pred: readonly string[]): number[][] {
  const m = labels.map(() => labels.map(() => 0));
  const at = new Map(labels.map((l, i) => [l, i]));
  gold.forEach((g, i) => {
    const r = at.get(g);
    const c = at.get(pred[i] as string);
    if (r !== undefined && c !== undefined) (m[r] as number[])[c]!++;
  });
  return m;
}
