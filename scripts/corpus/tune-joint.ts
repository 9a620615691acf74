/**
 * Joint-feature check for the sector head (issue 14): the SVM part of the shipped ensemble fitted
 * over our features and baseline2's TF-IDF row side by side (one SVM per sector over both blocks,
 * each block l2-normalised and scaled by `a` / `b`, a² + b² = 1), then α × our AdaGrad head +
 * (1 − α) × that SVM (margins scaled to log-odds on the training examples). Prints sector
 * macro-F1 on the Feb 2021 appeals (validation), and the Mar – Apr 2021 appeals and corpus test
 * split (for the record) — or, with TUNE=1, Feb 2021 and the synthetic validation corpus.
 *
 *   npx tsx scripts/corpus/tune-joint.ts '[[0.707, 0.707], [0.866, 0.5]]'
 */
import { TfidfVectorizer, type SparseRow } from '../../src/classifier/baseline';
import { DIM } from '../../src/classifier/features';
import { macroF1, perClass } from '../../src/classifier/metrics';
import { DEFAULT_OPTIONS, featuresOf, stableShuffle } from '../../src/classifier/train';
import { SECTORS } from '../../src/domain/sector';
import { fitSectorAdagrad, sectorExperimentData } from './sector-experiments';

const { all, sets, keys } = sectorExperimentData();
const o = DEFAULT_OPTIONS;
const B2_DIM = 1 << 20;
const JOINT_DIM = DIM + B2_DIM;

const xs = all.map((e) => featuresOf(e.text));
const ada = fitSectorAdagrad(all.map((e, i) => ({ e, x: xs[i]! })), keys);
const vec = new TfidfVectorizer().fit([...new Set(all.map((e) => e.text))]);
const joint = (text: string, a: number, b: number, ours = featuresOf(text)): SparseRow => {
  const r = vec.transform(text);
  const idx = new Int32Array(ours.idx.length + r.idx.length);
  const val = new Float32Array(idx.length);
  ours.idx.forEach((v, j) => ((idx[j] = v), (val[j] = ours.val[j]! * a)));
  r.idx.forEach((v, j) => ((idx[ours.idx.length + j] = DIM + v), (val[ours.idx.length + j] = r.val[j]! * b)));
  return { idx, val };
};

/** One-vs-rest squared-hinge SVM by dual coordinate descent (as LinearHead.fitSvm), any dimension. */
function fitSvm(rows: SparseRow[], ys: boolean[], C: number, passes = 10): { w: Float64Array; b: number } {
  const w = new Float64Array(JOINT_DIM);
  let b = 0;
  const alpha = new Float64Array(rows.length);
  const qii = Float64Array.from(rows, (r) => r.val.reduce((s, v) => s + v * v, 1) + 1 / (2 * C));
  const local = rows.map((_, i) => i);
  for (let pass = 0; pass < passes; pass++) {
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (const i of stableShuffle(local, keys, 1000 + pass)) {
      const x = rows[i]!;
      const yi = ys[i] ? 1 : -1;
      let dot = b;
      for (let j = 0; j < x.idx.length; j++) dot += w[x.idx[j]!]! * x.val[j]!;
      const ai = alpha[i]!;
      const g = yi * dot - 1 + ai / (2 * C);
      const pg = ai === 0 ? Math.min(g, 0) : g;
      maxPg = Math.max(maxPg, pg);
      minPg = Math.min(minPg, pg);
      if (pg === 0) continue;
      const next = Math.max(ai - g / qii[i]!, 0);
      const d = (next - ai) * yi;
      alpha[i] = next;
      if (d === 0) continue;
      for (let j = 0; j < x.idx.length; j++) w[x.idx[j]!] = w[x.idx[j]!]! + d * x.val[j]!;
      b += d;
    }
    if (maxPg - minPg < 0.1) break;
  }
  return { w, b };
}
const dot = (m: { w: Float64Array; b: number }, x: SparseRow) => {
  let s = m.b;
  for (let j = 0; j < x.idx.length; j++) s += m.w[x.idx[j]!]! * x.val[j]!;
  return s;
};
function logOddsScale(scored: { s: number[]; label: number }[]): number {
  const loss = (t: number) => {
    let sum = 0;
    for (const { s, label } of scored) {
      const max = Math.max(...s.map((v) => t * v));
      sum += max + Math.log(s.reduce((z, v) => z + Math.exp(t * v - max), 0)) - t * s[label]!;
    }
    return sum;
  };
  let best = 1;
  for (let t = 1.5; t <= 30; t += 0.5) if (loss(t) < loss(best)) best = t;
  return best;
}
const argmax = (s: ArrayLike<number>) => {
  let best = 0;
  for (let c = 1; c < s.length; c++) if ((s[c] as number) > (s[best] as number)) best = c;
  return SECTORS[best]!;
};

for (const [a, b] of JSON.parse(process.argv[2] ?? '[[0.707, 0.707]]') as [number, number][]) {
  const t0 = performance.now();
  const rows = all.map((e, i) => joint(e.text, a, b, xs[i]));
  const svms = SECTORS.map((s) => fitSvm(rows, all.map((e) => e.sector === s), o.sectorSvmC!));
  const scale = logOddsScale(rows.map((r, i) => ({ s: svms.map((m) => dot(m, r)), label: SECTORS.indexOf(all[i]!.sector!) })));
  const scored = Object.entries(sets).map(([k, set]) => [k, set.map((e) => {
    const f = featuresOf(e.text);
    const r = joint(e.text, a, b, f);
    return { gold: e.sector!, m: Array.from(ada.scores(f)), j: svms.map((m) => dot(m, r) * scale) };
  })] as const);
  for (const alpha of [0, 0.5, 0.65, 0.75]) {
    const out = scored.map(([k, s]) => `${k} ${macroF1(perClass(SECTORS, s.map((r) => r.gold), s.map(({ m, j }) => argmax(m.map((v, c) => alpha * v + (1 - alpha) * j[c]!))))).toFixed(4)}`);
    console.log(`blocks ${a}/${b} α ${alpha}  ${out.join('  ')}`);
  }
  console.error(`blocks ${a}/${b}: scale ${scale}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
