/**
 * Focused check of the sector head: AdaGrad softmax (the default) against one-vs-rest linear SVMs
 * (LinearHead.fitSvm) over the same features, on the Feb 2021 appeals (validation), the Mar – Apr
 * 2021 appeals and the corpus test split.
 *
 *   npx tsx scripts/corpus/tune-sector.ts '[{"svm": 0.5}, {"svm": 0.5, "weighted": true}]'
 */
import { HEADS } from '../../src/classifier/classifier';
import { LinearHead } from '../../src/classifier/linear';
import { macroF1, perClass } from '../../src/classifier/metrics';
import { DEFAULT_OPTIONS, featuresOf, shuffleKeys, stableShuffle } from '../../src/classifier/train';
import { SECTORS } from '../../src/domain/sector';
import { loadCorpus, loadSpb, trainingSets, type Example } from './datasets';

const all = Object.values(trainingSets()).flat();
const keysAll = shuffleKeys(all.map((e) => e.text));
const kept = all.map((e, i) => ({ e, k: keysAll[i] as [number, number] })).filter(({ e }) => e.sector !== null);
const xs = kept.map(({ e }) => ({ e, x: featuresOf(e.text) }));
const keys = kept.map(({ k }) => k);
const sets: Record<string, Example[]> = { feb: loadSpb('val'), marApr: loadSpb('test'), synthetic: loadCorpus('test') };
const prepared = Object.fromEntries(Object.entries(sets).map(([k, s]) => [k, s.map((e) => ({ e, x: featuresOf(e.text) }))]));
const grid: { svm?: number; weighted?: boolean; spbW?: number; passes?: number }[] = JSON.parse(process.argv[2] ?? '[{}]');
for (const g of grid) {
  const t0 = performance.now();
  const h = new LinearHead(HEADS.sector, SECTORS);
  const w = (e: Example) => e.weight * (e.complaint && e.category && e.weight < 1 ? (g.spbW ?? 1) : 1);
  if (g.svm) {
    const local = xs.map((_, i) => i);
    const costs = Float64Array.from(xs, ({ e }) => g.svm! * (g.weighted ? w(e) : 1));
    SECTORS.forEach((s, c) => h.fitSvm(c, xs.map(({ x }) => x), xs.map(({ e }) => e.sector === s), costs, (p) => stableShuffle(local, keys, 1000 + p), g.passes ?? 10));
  } else {
    const o = DEFAULT_OPTIONS;
    for (let ep = 0; ep < o.epochs; ep++) for (const { e, x } of stableShuffle(xs, keys, 1000 + ep)) h.adagradUpdate(x, SECTORS.indexOf(e.sector!), o.lr, o.l2, w(e));
  }
  const out = Object.entries(prepared).map(([k, s]) => {
    const pred = s.map(({ x }) => { const sc = h.scores(x); let b = 0; for (let c = 1; c < sc.length; c++) if (sc[c]! > sc[b]!) b = c; return SECTORS[b]!; });
    return `${k} ${macroF1(perClass(SECTORS, s.map(({ e }) => e.sector!), pred)).toFixed(4)}`;
  });
  const probes = ['На дороге огромные ямы, асфальт разбит, машины ломают подвеску', 'На дороге огромные ямы, асфальт разбит', 'Огромное спасибо дорожникам за новый асфальт на нашей улице!', 'Во дворе сломаны качели на детской площадке, лавочки разбиты'];
  const { analyze } = await import('../../src/text/analyze');
  void analyze;
  out.push(probes.map((t) => { const sc = h.scores(featuresOf(t)); let b = 0; for (let c = 1; c < sc.length; c++) if (sc[c]! > sc[b]!) b = c; return SECTORS[b]; }).join(','));
  console.log(JSON.stringify(g), out.join('  '), `${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
