/**
 * Stacking check for the sector head (issue 14): the shipped sector head (0.65 × AdaGrad + 0.35 ×
 * one-vs-rest SVMs over our features, C 0.5) and baseline2's sector SVMs (TF-IDF over character
 * 2–5-grams and word 1–2-grams, C 0.5; src/classifier/baseline.ts) and the first models' plain SGD
 * head over our features, trained once on the same data, and their combination (1 − w − v) × our
 * log-odds + w × baseline2's margins scaled to log-odds (the factor with the least log loss on the
 * training examples) + v × the SGD head's log-odds. Prints sector macro-F1 per (w, v) on the
 * Feb 2021 appeals (validation) and the Mar – Apr 2021 appeals and corpus test split (test: for
 * the record, never to choose w).
 *
 *   npx tsx scripts/corpus/tune-stack.ts            # Feb 2021, Mar – Apr 2021, synthetic test
 *   TUNE=1 npx tsx scripts/corpus/tune-stack.ts     # Feb 2021 and the synthetic validation corpus
 *                                                   # (/tmp/dozor-tune, compose.ts --tune)
 */
import { HEADS } from '../../src/classifier/classifier';
import { OneVsRestSvm, TfidfVectorizer } from '../../src/classifier/baseline';
import { LinearHead } from '../../src/classifier/linear';
import { macroF1, perClass } from '../../src/classifier/metrics';
import { DEFAULT_OPTIONS, featuresOf, scaleToLogOdds, stableShuffle } from '../../src/classifier/train';
import { SECTORS } from '../../src/domain/sector';
import { fitSectorHalves, sectorExperimentData } from './sector-experiments';

const { all, sets, keys } = sectorExperimentData();
const t0 = performance.now();
const lap = (what: string) => console.error(`${what}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);

// Our sector head, as train.ts builds it with DEFAULT_OPTIONS.
const xs = all.map((e) => ({ e, x: featuresOf(e.text) }));
const o = DEFAULT_OPTIONS;
const { ada, svm } = fitSectorHalves(xs, keys);
const train = xs.map(({ e, x }) => ({ x, label: SECTORS.indexOf(e.sector!), weight: e.svmWeight ?? e.weight }));
scaleToLogOdds(svm, train);
const a = o.sectorEnsemble!;
const ours = new LinearHead(HEADS.sector, SECTORS);
for (let i = 0; i < ours.weights.length; i++) ours.weights[i] = a * (ada.weights[i] as number) + (1 - a) * (svm.weights[i] as number);
for (let c = 0; c < ours.bias.length; c++) ours.bias[c] = a * (ada.bias[c] as number) + (1 - a) * (svm.bias[c] as number);
lap('our sector head');

// The first models' plain SGD head (8 epochs, η 0.4 / (1 + epoch), L2 1e-7): strong on the
// synthetic split (its bias towards frequent features, the lexicon), weak on real appeals.
const sgd = new LinearHead(HEADS.sector, SECTORS);
for (let ep = 0; ep < 8; ep++) for (const { e, x } of stableShuffle(xs, keys, 1000 + ep)) sgd.update(x, SECTORS.indexOf(e.sector!), 0.4 / (1 + ep), 1e-7, e.weight);
lap('SGD head');

// baseline2's sector SVMs (as scripts/eval.ts trainStrongBaseline: C 0.5, 10 passes).
const vec = new TfidfVectorizer().fit([...new Set(all.map((e) => e.text))]);
const b2 = new OneVsRestSvm(SECTORS).fit(all.map((e) => vec.transform(e.text)), all.map((e) => e.sector!), { C: 0.5, maxIter: 10 });
lap('baseline2');

/** Scale of baseline2's margins to log-odds: least log loss on the training examples. */
function logOddsScale(scored: { s: number[]; label: number }[]): number {
  const loss = (t: number) => {
    let sum = 0;
    for (const { s, label } of scored) {
      let max = -Infinity;
      for (const v of s) max = Math.max(max, t * v);
      let z = 0;
      for (const v of s) z += Math.exp(t * v - max);
      sum += max + Math.log(z) - t * (s[label] as number);
    }
    return sum;
  };
  let best = 1;
  for (let t = 1.5; t <= 30; t += 0.5) if (loss(t) < loss(best)) best = t;
  return best;
}
const scale = logOddsScale(all.map((e) => ({ s: b2.scores(vec.transform(e.text)), label: SECTORS.indexOf(e.sector!) })));
console.log(`baseline2 log-odds scale ${scale}`);

const scored = Object.fromEntries(
  Object.entries(sets).map(([k, s]) => [k, s.map((e) => ({ gold: e.sector!, m: ours.scores(featuresOf(e.text)), g: sgd.scores(featuresOf(e.text)), b: b2.scores(vec.transform(e.text)).map((v) => v * scale) }))]),
);
const argmax = (s: ArrayLike<number>) => {
  let best = 0;
  for (let c = 1; c < s.length; c++) if ((s[c] as number) > (s[best] as number)) best = c;
  return SECTORS[best]!;
};
const grid: [number, number][] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((w) => [w, 0]);
for (const v of [0.1, 0.2, 0.3, 0.4, 0.5, 1]) for (const w of [0, 0.1, 0.2, 0.3]) if (v + w <= 1) grid.push([w, v]);
for (const [w, v] of grid) {
  const out = Object.entries(scored).map(([k, s]) => {
    const pred = s.map(({ m, g, b }) => argmax(m.map((x, c) => (1 - w - v) * x + w * (b[c] as number) + v * (g[c] as number))));
    return `${k} ${macroF1(perClass(SECTORS, s.map((r) => r.gold), pred)).toFixed(4)}`;
  });
  console.log(`baseline2 w ${w.toFixed(1)} SGD v ${v.toFixed(1)}  ${out.join('  ')}`);
}
lap('done');
