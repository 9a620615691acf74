/**
 * Experiment (issue 14, docs/CLASSIFIER.md «Sector from a flat category model»): the sector as the
 * sector of the best category of flat models over all 53 categories (one-vs-rest SVMs, an AdaGrad
 * softmax, their ensemble), against the sector heads, on the Feb 2021 appeals (validation) only;
 * the Mar – Apr test month is not scored. `C=1 npx tsx scripts/corpus/tune-flat-category.ts`;
 * `TUNE=1` scores the synthetic validation corpus instead (compose.ts --tune first).
 */
import { HEADS } from '../../src/classifier/classifier';
import type { FeatureVector } from '../../src/classifier/features';
import { LinearHead } from '../../src/classifier/linear';
import { macroF1, perClass } from '../../src/classifier/metrics';
import { featuresOf, shuffleKeys, stableShuffle } from '../../src/classifier/train';
import { SECTORS } from '../../src/domain/sector';
import { loadCorpus, loadSpb, trainingSets } from './datasets';
const TUNE = process.env.TUNE === '1';
const TUNE_DIR = new URL('file:///tmp/dozor-tune/');
const base = trainingSets(false);
const all = [...(TUNE ? loadCorpus('train', TUNE_DIR) : base.corpus), ...base.spbAppeals].filter((e) => e.sector !== null);
const keys = shuffleKeys(all.map((e) => e.text));
const t0 = performance.now();
const xs = all.map((e) => ({ e, x: featuresOf(e.text), cat: e.category ?? `${e.sector}.other` }));
const cats = [...new Set(xs.map((x) => x.cat))].sort();
console.log(`examples ${xs.length}, categories ${cats.length}, features ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const val = TUNE ? loadCorpus('test', TUNE_DIR) : loadSpb('val');
const vx = val.map((e) => ({ e, x: featuresOf(e.text) }));
const C = Number(process.env.C ?? 0.5);
const local = xs.map((_, i) => i);
function fit(labels: readonly string[], labelOf: (i: number) => string): LinearHead {
  const h = new LinearHead(HEADS.sector, labels);
  labels.forEach((l, c) => {
    const costs = Float64Array.from(xs, () => C);
    h.fitSvm(c, xs.map(({ x }) => x), xs.map((_, i) => labelOf(i) === l), costs, (p) => stableShuffle(local, keys, 1000 + p), 10);
  });
  return h;
}
const argmax = (h: LinearHead, x: FeatureVector) => { const s = h.scores(x); let b = 0; for (let c = 1; c < s.length; c++) if (s[c]! > s[b]!) b = c; return b; };
const report = (name: string, pred: string[]) => {
  const rep = perClass(SECTORS, vx.map(({ e }) => e.sector!), pred);
  console.log(`${name}: macro-F1 ${macroF1(rep).toFixed(4)}  ${rep.filter((r) => r.support > 0).map((r) => `${r.label} ${r.f1.toFixed(3)}`).join(', ')}`);
};
let t = performance.now();
const sec = fit(SECTORS, (i) => xs[i]!.e.sector!);
console.log(`sector svm ${((performance.now() - t) / 1000).toFixed(0)} s`);
report(`sector SVM C ${C}`, vx.map(({ x }) => SECTORS[argmax(sec, x)]!));
t = performance.now();
const cat = fit(cats, (i) => xs[i]!.cat);
console.log(`category svm ${((performance.now() - t) / 1000).toFixed(0)} s`);
const catSector = cats.map((c) => c.split('.')[0]!);
report(`flat category SVM C ${C} → sector`, vx.map(({ x }) => catSector[argmax(cat, x)]!));
// AdaGrad softmax heads (as shipped: 5 epochs, lr 0.3, l2 1e-4), sector and flat category.
const o = { epochs: 5, lr: 0.3, l2: 1e-4 };
function ada(labels: readonly string[], labelOf: (i: number) => string): LinearHead {
  const h = new LinearHead(HEADS.sector, labels);
  const idx = xs.map((_, i) => i);
  for (let ep = 0; ep < o.epochs; ep++) for (const i of stableShuffle(idx, keys, 1000 + ep)) h.adagradUpdate(xs[i]!.x, labels.indexOf(labelOf(i)), o.lr, o.l2, xs[i]!.e.weight);
  return h;
}
t = performance.now();
const adaSec = ada(SECTORS, (i) => xs[i]!.e.sector!);
const adaCat = ada(cats, (i) => xs[i]!.cat);
console.log(`adagrad ${((performance.now() - t) / 1000).toFixed(0)} s`);
report('AdaGrad sector', vx.map(({ x }) => SECTORS[argmax(adaSec, x)]!));
report('AdaGrad flat category → sector (argmax)', vx.map(({ x }) => catSector[argmax(adaCat, x)]!));
const sumBySector = (p: number[]) => SECTORS.map((sct) => p.reduce((a, v, j) => a + (catSector[j] === sct ? v : 0), 0));
report('AdaGrad flat category → sector (sum of probabilities)', vx.map(({ x }) => { const q = sumBySector(adaCat.predict(x)); let b = 0; for (let k = 1; k < q.length; k++) if (q[k]! > q[b]!) b = k; return SECTORS[b]!; }));
// Ensembles as shipped: α × AdaGrad + (1 − α) × SVM margins × 3.5 (log-odds scale), per category, then sector by argmax category.
for (const alpha of [0.5, 0.65]) {
  report(`flat ensemble α ${alpha} → sector`, vx.map(({ x }) => { const a = adaCat.scores(x), c = cat.scores(x); let b = 0, bv = -Infinity; for (let j = 0; j < cats.length; j++) { const v = alpha * a[j]! + (1 - alpha) * 3.5 * c[j]!; if (v > bv) { bv = v; b = j; } } return catSector[b]!; }));
  report(`sector ensemble α ${alpha} (shipped kind)`, vx.map(({ x }) => { const a = adaSec.scores(x), c = sec.scores(x); let b = 0, bv = -Infinity; for (let j = 0; j < SECTORS.length; j++) { const v = alpha * a[j]! + (1 - alpha) * 3.5 * c[j]!; if (v > bv) { bv = v; b = j; } } return SECTORS[b]!; }));
}
// Max over each sector's categories, blended with the sector SVM's margin.
for (const w of [0.25, 0.5, 0.75]) {
  report(`blend w=${w} (sector margin + max category margin per sector)`, vx.map(({ x }) => {
    const s = sec.scores(x), c = cat.scores(x);
    const best = SECTORS.map((sct, k) => { let m = -Infinity; cats.forEach((cc, j) => { if (catSector[j] === sct) m = Math.max(m, c[j]!); }); return (1 - w) * s[k]! + w * (m === -Infinity ? s[k]! : m); });
    let b = 0; for (let k = 1; k < best.length; k++) if (best[k]! > best[b]!) b = k; return SECTORS[b]!;
  }));
}
