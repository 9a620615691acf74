/**
 * Dictionary lemmatisation experiment for the sector head (issue 14): the shipped sector head
 * (0.65 × AdaGrad + 0.35 × one-vs-rest SVMs, C 0.5) trained on features whose «stems» are
 *   stem   — the Porter stems (as shipped),
 *   lemma+stem — the Porter stem of the OpenCorpora lemma (Az.js, most probable parse),
 *   lemma  — the lemma itself (the lexicon, keyed by Porter stems, then mostly misses).
 * Az.js is not a dependency: install it elsewhere and point AZ_DIR at its node_modules/az.
 *
 *   AZ_DIR=/tmp/az-try/node_modules/az npx tsx scripts/corpus/tune-lemma.ts stem lemma+stem
 *   TUNE=1 AZ_DIR=… npx tsx scripts/corpus/tune-lemma.ts …   # synthetic validation (compose.ts --tune)
 */
import { createRequire } from 'node:module';
import { cuesOf, HEADS } from '../../src/classifier/classifier';
import { extractFeatures, type FeatureVector } from '../../src/classifier/features';
import { LinearHead } from '../../src/classifier/linear';
import { macroF1, perClass } from '../../src/classifier/metrics';
import { DEFAULT_OPTIONS, scaleToLogOdds } from '../../src/classifier/train';
import { analyze, stem } from '../../src/text/analyze';
import { SECTORS } from '../../src/domain/sector';
import { fitSectorHalves, sectorExperimentData } from './sector-experiments';

type AzParse = { normalize(): { word: string } };
const Az = createRequire(import.meta.url)(process.env.AZ_DIR ?? 'az') as { Morph: ((w: string) => AzParse[]) & { init(dir: string, cb: (err?: Error) => void): void } };
await new Promise<void>((ok, fail) => Az.Morph.init(`${process.env.AZ_DIR ?? 'node_modules/az'}/dicts`, (err) => (err ? fail(err) : ok())));
const lemmaCache = new Map<string, string>();
function lemma(token: string): string {
  let l = lemmaCache.get(token);
  if (l === undefined) {
    const p = /[а-я]/.test(token) && token.length <= 40 ? Az.Morph(token) : [];
    lemmaCache.set(token, (l = p.length ? p[0]!.normalize().word.toLowerCase().replaceAll('ё', 'е') : token));
  }
  return l;
}

const { all, sets, keys } = sectorExperimentData();
const o = DEFAULT_OPTIONS;

function features(mode: string, text: string): FeatureVector {
  const a = analyze(text);
  const stems = mode === 'stem' ? a.stems : a.tokens.map((t, i) => (mode === 'lemma' ? lemma(t) : lemma(t) === t ? (a.stems[i] as string) : stem(lemma(t))));
  return extractFeatures({ ...a, stems }, cuesOf(a.normalized).all);
}

for (const mode of process.argv.slice(2)) {
  const t0 = performance.now();
  const xs = all.map((e) => ({ e, x: features(mode, e.text) }));
  const { ada, svm } = fitSectorHalves(xs, keys);
  scaleToLogOdds(svm, xs.map(({ e, x }) => ({ x, label: SECTORS.indexOf(e.sector!), weight: e.svmWeight ?? e.weight })));
  const heads: [string, LinearHead][] = [['adagrad', ada], ['ensemble', blend(ada, svm, o.sectorEnsemble!)]];
  for (const [name, h] of heads) {
    const out = Object.entries(sets).map(([k, s]) => {
      const pred = s.map((e) => argmax(h.scores(features(mode, e.text))));
      return `${k} ${macroF1(perClass(SECTORS, s.map((e) => e.sector!), pred)).toFixed(4)}`;
    });
    console.log(`${mode} ${name}  ${out.join('  ')}`);
  }
  console.error(`${mode}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

function blend(a: LinearHead, b: LinearHead, alpha: number): LinearHead {
  const h = new LinearHead(HEADS.sector, SECTORS);
  for (let i = 0; i < h.weights.length; i++) h.weights[i] = alpha * (a.weights[i] as number) + (1 - alpha) * (b.weights[i] as number);
  for (let c = 0; c < h.bias.length; c++) h.bias[c] = alpha * (a.bias[c] as number) + (1 - alpha) * (b.bias[c] as number);
  return h;
}
function argmax(s: ArrayLike<number>): string {
  let best = 0;
  for (let c = 1; c < s.length; c++) if ((s[c] as number) > (s[best] as number)) best = c;
  return SECTORS[best]!;
}
