/**
 * Shared set-up of the sector-head experiments (tune-stack.ts, tune-joint.ts, tune-lemma.ts): the
 * training data and evaluation sets, and the shipped sector head (AdaGrad + one-vs-rest SVMs, as
 * src/classifier/train.ts builds it with DEFAULT_OPTIONS) fitted over any features.
 *
 * `TUNE=1`: the synthetic part comes from the tuning corpus (/tmp/dozor-tune, compose.ts --tune)
 * and only the validation sets are returned (Feb 2021 appeals, synthetic validation); otherwise the
 * shipped corpus, and the test sets for the record (Mar – Apr 2021 appeals, synthetic test).
 */
import { HEADS } from '../../src/classifier/classifier';
import type { FeatureVector } from '../../src/classifier/features';
import { LinearHead } from '../../src/classifier/linear';
import { DEFAULT_OPTIONS, shuffleKeys, stableShuffle, type Example } from '../../src/classifier/train';
import { SECTORS } from '../../src/domain/sector';
import { loadCorpus, loadSpb, trainingSets } from './datasets';

type Keys = ReturnType<typeof shuffleKeys>;

export function sectorExperimentData(): { all: Example[]; sets: Record<string, Example[]>; keys: Keys } {
  const tune = process.env.TUNE === '1';
  const dir = new URL('file:///tmp/dozor-tune/');
  const base = trainingSets(false); // the data every choice was made on (Oct 2020 – Jan 2021 appeals)
  const all = [...(tune ? loadCorpus('train', dir) : base.corpus), ...base.spbAppeals].filter((e) => e.sector !== null);
  const sets: Record<string, Example[]> = tune ? { feb: loadSpb('val'), synthVal: loadCorpus('test', dir) } : { feb: loadSpb('val'), marApr: loadSpb('test'), synthetic: loadCorpus('test') };
  return { all, sets, keys: shuffleKeys(all.map((e) => e.text)) };
}

/** The shipped sector head's AdaGrad half fitted over `xs`. */
export function fitSectorAdagrad(xs: readonly { e: Example; x: FeatureVector }[], keys: Keys): LinearHead {
  const o = DEFAULT_OPTIONS;
  const ada = new LinearHead(HEADS.sector, SECTORS);
  for (let ep = 0; ep < o.epochs; ep++) for (const { e, x } of stableShuffle(xs, keys, 1000 + ep)) ada.adagradUpdate(x, SECTORS.indexOf(e.sector!), o.lr, o.l2, e.weight);
  return ada;
}

/** The shipped sector head's two halves fitted over `xs` (the SVMs not yet scaled to log-odds). */
export function fitSectorHalves(xs: readonly { e: Example; x: FeatureVector }[], keys: Keys): { ada: LinearHead; svm: LinearHead } {
  const o = DEFAULT_OPTIONS;
  const ada = fitSectorAdagrad(xs, keys);
  const svm = new LinearHead(HEADS.sector, SECTORS);
  const local = xs.map((_, i) => i);
  SECTORS.forEach((s, c) => {
    const costs = Float64Array.from(xs, ({ e }) => (o.sectorSvmC! * (e.svmWeight ?? e.weight)) / 3);
    svm.fitSvm(c, xs.map(({ x }) => x), xs.map(({ e }) => e.sector === s), costs, (p) => stableShuffle(local, keys, 1000 + p), 10);
  });
  return { ada, svm };
}
