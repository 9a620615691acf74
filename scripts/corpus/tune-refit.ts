/**
 * Refit and sample-weight check for the sector head (issue 14), on validation data only.
 *
 * The shipped head (0.65 × AdaGrad + 0.35 × one-vs-rest SVMs, C 0.5; sector-experiments.ts) is
 * fitted on the corpus plus the St Petersburg appeals of a range of months, each appeal with an
 * AdaGrad weight (`spbW`, shipped 0.3) and an SVM weight (`svmW`, shipped 3, as a corpus post).
 *
 * Whether refitting on the validation month helps cannot be measured on that month, so it is
 * checked one month earlier, by time as the test is: a model whose appeals end in December (one
 * month before the validation month, as the shipped model's end in January, one month before the
 * test) against one whose appeals end in January, both scored on Feb 2021. The synthetic
 * validation corpus (`TUNE=1`) tells whether adding the Feb 2021 appeals costs the synthetic side.
 *
 *   npx tsx scripts/corpus/tune-refit.ts '[{"to": "2020-12"}, {"to": "2021-01"}, {"to": "2021-01", "spbW": 0.6}]'
 *   TUNE=1 npx tsx scripts/corpus/tune-refit.ts '[{"to": "2021-01"}, {"to": "2021-02"}]'
 *
 * Grid keys: to (last month of appeals in training, shipped 2021-01), spbW, svmW, corpusW (the
 * AdaGrad weight of a corpus post, shipped 3). Scored: Feb 2021 (only when `to` is before it) and,
 * with TUNE=1, the synthetic validation corpus. Never the test sets.
 */
import { HEADS } from '../../src/classifier/classifier';
import { LinearHead } from '../../src/classifier/linear';
import { macroF1, perClass } from '../../src/classifier/metrics';
import { FEATURE_WEIGHTS } from '../../src/classifier/features';
import { featuresOf, scaleToLogOdds, shuffleKeys, type Example } from '../../src/classifier/train';
import { SECTORS } from '../../src/domain/sector';
import { loadCorpus, SPB_SVM_WEIGHT, SPB_WEIGHT } from './datasets';
import { fitSectorHalves } from './sector-experiments';
import { loadSpbAppeals } from './spb-appeals';

// FW='{"lex":3}' overrides feature weights (an experiment: a change ships with a FEATURE_SCHEME bump).
Object.assign(FEATURE_WEIGHTS, JSON.parse(process.env.FW ?? '{}'));

const TUNE = process.env.TUNE === '1';
type Grid = { to?: string; spbW?: number; svmW?: number; corpusW?: number; ens?: number[] };
const grid: Grid[] = JSON.parse(process.argv[2] ?? '[{}]');

const corpus = loadCorpus('train', TUNE ? new URL('file:///tmp/dozor-tune/') : undefined).filter((e) => e.sector !== null);
const appeals = loadSpbAppeals();
const feb: Example[] = appeals.filter((a) => a.month === '2021-02').map((a) => ({ text: a.text, sector: a.sector, complaint: true, misinformation: null, weight: SPB_WEIGHT }));
const sets: Record<string, Example[]> = { feb, ...(TUNE ? { synthVal: loadCorpus('test', new URL('file:///tmp/dozor-tune/')) } : {}) };

const featureCache = new Map<string, ReturnType<typeof featuresOf>>();
const fx = (t: string) => {
  let x = featureCache.get(t);
  if (!x) featureCache.set(t, (x = featuresOf(t)));
  return x;
};
const prepared = Object.fromEntries(Object.entries(sets).map(([k, s]) => [k, s.map((e) => ({ e, x: fx(e.text) }))]));

const argmax = (s: ArrayLike<number>) => {
  let b = 0;
  for (let c = 1; c < s.length; c++) if ((s[c] as number) > (s[b] as number)) b = c;
  return SECTORS[b]!;
};

for (const g of grid) {
  const t0 = performance.now();
  const to = g.to ?? '2021-01';
  const spb: Example[] = appeals
    .filter((a) => a.month <= to)
    .map((a) => ({ text: a.text, sector: a.sector, category: a.category, complaint: true, misinformation: null, weight: g.spbW ?? SPB_WEIGHT, svmWeight: g.svmW ?? SPB_SVM_WEIGHT }));
  const all = [...corpus.map((e) => ({ ...e, weight: g.corpusW ?? e.weight })), ...spb];
  const xs = all.map((e) => ({ e, x: fx(e.text) }));
  const keys = shuffleKeys(all.map((e) => e.text));
  const { ada, svm } = fitSectorHalves(xs, keys);
  const scale = scaleToLogOdds(svm, xs.map(({ e, x }) => ({ x, label: SECTORS.indexOf(e.sector!), weight: e.svmWeight ?? e.weight })));
  for (const a of g.ens ?? [0.65]) {
    const h = new LinearHead(HEADS.sector, SECTORS);
    for (let i = 0; i < h.weights.length; i++) h.weights[i] = a * (ada.weights[i] as number) + (1 - a) * (svm.weights[i] as number);
    for (let c = 0; c < h.bias.length; c++) h.bias[c] = a * (ada.bias[c] as number) + (1 - a) * (svm.bias[c] as number);
    const out = Object.entries(prepared)
      .filter(([k]) => k !== 'feb' || to < '2021-02')
      .map(([k, s]) => `${k} ${macroF1(perClass(SECTORS, s.map(({ e }) => e.sector!), s.map(({ x }) => argmax(h.scores(x))))).toFixed(4)}`);
    const road = h.scores(fx('На дороге огромные ямы, асфальт разбит'));
    out.push(`road margin ${((road[SECTORS.indexOf('roads')] as number) - (road[SECTORS.indexOf('improvement')] as number)).toFixed(2)}`);
    console.log(JSON.stringify({ ...g, ens: a }), `appeals ${spb.length}`, out.join('  '), `svm scale ${scale}`, `${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}
