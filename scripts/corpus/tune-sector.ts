/**
 * Focused check of the sector head: AdaGrad softmax (the default), one-vs-rest linear SVMs
 * (LinearHead.fitSvm) over the same features, and their ensemble (a weighted average of the two
 * heads' log-odds: the SVM's margins scaled to log-odds on the training examples), on the Feb 2021
 * appeals (validation), the Mar – Apr 2021 appeals and the corpus test split.
 *
 *   npx tsx scripts/corpus/tune-sector.ts '[{"svm": 2}, {"svm": 2, "ens": 0.5}, {"svm": 2, "corpusW": 2}]'
 *   TUNE=1 npx tsx scripts/corpus/tune-sector.ts '…'   # synthetic validation: trains on /tmp/dozor-tune/train
 *                                                      # (compose.ts --tune), scores its test split
 *
 * Grid keys: svm (C per corpus post), ens (weight of the AdaGrad head in the ensemble, 0 … 1),
 * corpusW / spbW (cost multiplier of corpus posts / appeals in the SVM), bal (class weights
 * (mean class mass / class mass)^bal on the SVM's positive examples), passes.
 */
import { HEADS } from '../../src/classifier/classifier';
import { FEATURE_WEIGHTS, type FeatureVector } from '../../src/classifier/features';
import { LinearHead } from '../../src/classifier/linear';
import { macroF1, perClass } from '../../src/classifier/metrics';
import { DEFAULT_OPTIONS, featuresOf, scaleToLogOdds, shuffleKeys, stableShuffle } from '../../src/classifier/train';
import { SECTORS } from '../../src/domain/sector';
import { loadCorpus, loadSpb, trainingSets, type Example } from './datasets';

// FW='{"minN":2}' overrides feature weights (an experiment: a change ships with a FEATURE_SCHEME bump).
Object.assign(FEATURE_WEIGHTS, JSON.parse(process.env.FW ?? '{}'));

const TUNE = process.env.TUNE === '1';
const TUNE_DIR = new URL('file:///tmp/dozor-tune/');
const base = trainingSets(false); // the data every choice was made on (Oct 2020 – Jan 2021 appeals)
const all = [...(TUNE ? loadCorpus('train', TUNE_DIR) : base.corpus), ...base.spbAppeals].filter((e) => e.sector !== null);
const keys = shuffleKeys(all.map((e) => e.text));
const xs = all.map((e) => ({ e, x: featuresOf(e.text) }));
const sets: Record<string, Example[]> = TUNE ? { feb: loadSpb('val'), synthVal: loadCorpus('test', TUNE_DIR) } : { feb: loadSpb('val'), marApr: loadSpb('test'), synthetic: loadCorpus('test') };
const prepared = Object.fromEntries(Object.entries(sets).map(([k, s]) => [k, s.map((e) => ({ e, x: featuresOf(e.text) }))]));
const isCorpus = (e: Example) => e.svmWeight === undefined;

type Grid = { svm?: number; ens?: number; corpusW?: number; spbW?: number; bal?: number; passes?: number; show?: boolean };
const grid: Grid[] = JSON.parse(process.argv[2] ?? '[{}]');

let adagrad: LinearHead | null = null;
function adagradHead(): LinearHead {
  if (adagrad) return adagrad;
  const h = new LinearHead(HEADS.sector, SECTORS);
  const o = DEFAULT_OPTIONS;
  for (let ep = 0; ep < o.epochs; ep++) for (const { e, x } of stableShuffle(xs, keys, 1000 + ep)) h.adagradUpdate(x, SECTORS.indexOf(e.sector!), o.lr, o.l2, e.weight);
  return (adagrad = h);
}

const svmCache = new Map<string, LinearHead>();
function svmHead(g: Grid): LinearHead {
  const id = JSON.stringify([g.svm, g.corpusW ?? 1, g.spbW ?? 1, g.bal ?? 0, g.passes ?? 10]);
  const hit = svmCache.get(id);
  if (hit) return hit;
  const h = new LinearHead(HEADS.sector, SECTORS);
  const local = xs.map((_, i) => i);
  const mass = new Map<string, number>();
  for (const { e } of xs) mass.set(e.sector!, (mass.get(e.sector!) ?? 0) + 1);
  const mean = [...mass.values()].reduce((a, b) => a + b, 0) / mass.size;
  const cost = (e: Example) => g.svm! * (isCorpus(e) ? (g.corpusW ?? 1) : (g.spbW ?? 1));
  SECTORS.forEach((s, c) => {
    const costs = Float64Array.from(xs, ({ e }) => cost(e) * (e.sector === s ? Math.pow(mean / (mass.get(s) ?? mean), g.bal ?? 0) : 1));
    h.fitSvm(c, xs.map(({ x }) => x), xs.map(({ e }) => e.sector === s), costs, (p) => stableShuffle(local, keys, 1000 + p), g.passes ?? 10);
  });
  const t = scaleToLogOdds(h, xs.map(({ e, x }) => ({ x, label: SECTORS.indexOf(e.sector!), weight: isCorpus(e) ? (g.corpusW ?? 1) : (g.spbW ?? 1) })));
  console.log(`  svm ${id}: log-odds scale ${t}`);
  svmCache.set(id, h);
  return h;
}

/** α × AdaGrad + (1 − α) × SVM, one linear head (what would ship: inference unchanged). */
function blend(a: LinearHead, b: LinearHead, alpha: number): LinearHead {
  const h = new LinearHead(HEADS.sector, SECTORS);
  for (let i = 0; i < h.weights.length; i++) h.weights[i] = alpha * (a.weights[i] as number) + (1 - alpha) * (b.weights[i] as number);
  for (let c = 0; c < h.bias.length; c++) h.bias[c] = alpha * (a.bias[c] as number) + (1 - alpha) * (b.bias[c] as number);
  return h;
}

const argmax = (h: LinearHead, x: FeatureVector) => {
  const sc = h.scores(x);
  let b = 0;
  for (let c = 1; c < sc.length; c++) if (sc[c]! > sc[b]!) b = c;
  return SECTORS[b]!;
};
const probes = ['На дороге огромные ямы, асфальт разбит, машины ломают подвеску', 'На дороге огромные ямы, асфальт разбит', 'Огромное спасибо дорожникам за новый асфальт на нашей улице!', 'Во дворе сломаны качели на детской площадке, лавочки разбиты', 'У нас в поселке опять отключили свет, уже сутки без электричества', 'Контейнеры во дворе не вывозят неделю, мусор валяется по всей площадке, регоператор молчит'];
const probeWant = ['roads', 'roads', 'roads', 'improvement', 'energy', 'waste'];

for (const g of grid) {
  const t0 = performance.now();
  const h = g.svm === undefined ? adagradHead() : g.ens === undefined ? svmHead(g) : blend(adagradHead(), svmHead(g), g.ens);
  const out = Object.entries(prepared).map(([k, s]) => {
    const rep = perClass(SECTORS, s.map(({ e }) => e.sector!), s.map(({ x }) => argmax(h, x)));
    if (g.show) console.log(k, rep.filter((r) => r.support > 0).map((r) => `${r.label} ${r.f1.toFixed(3)}`).join(', '));
    return `${k} ${macroF1(rep).toFixed(4)}`;
  });
  const got = probes.map((t) => argmax(h, featuresOf(t)));
  // Margin of the pinned short road text: roads − improvement log-odds.
  const sc = h.scores(featuresOf(probes[1]!));
  const margin = sc[SECTORS.indexOf('roads')]! - sc[SECTORS.indexOf('improvement')]!;
  out.push(`probes ${got.map((p, i) => (p === probeWant[i] ? 'ok' : `✗${p}`)).join(',')} road margin ${margin.toFixed(2)}`);
  console.log(JSON.stringify(g), out.join('  '), `${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
