/**
 * Focused check of the complaint head: trains that head alone (heads share features, not weights,
 * so this is the shipped training for this head: same examples, order, optimiser and int8 weights)
 * and prints its validation figures, never a test figure:
 *   - `feb`: accuracy on the mixed Feb 2021 set (appeals + validation tweets, 3,658 texts);
 *   - `val`: accuracy on the written social set (data/written/complaint-val.jsonl, 160 posts);
 *   - `synth`: with TUNE=1 the corpus part is the tuning corpus (/tmp/dozor-tune, compose.ts
 *     --tune) and its held-out phrasings are scored (the synthetic validation); otherwise omitted.
 * Each at the threshold of the equal-weight rule (`chooseThresholdMeanAccuracy`, complaintSocialWeight
 * 0.5: the mean of the accuracies on the mixed Feb set and the written set), then at the shipped
 * rule's (the mixed Feb set alone, «old rule»), and the written set's ROC AUC (threshold-free).
 *
 *   npx tsx scripts/corpus/tune-complaint.ts '[{}, {"complaintNegWeight": 0.5}, {"clauses": 0.3}]'
 *
 * Variant keys: any TrainOptions key; `spb`, `tweets`, `corpus`: multipliers of those sources'
 * weights; `clauses`: weight of the short first clauses of the training appeals added as
 * complaints (`appealClauses`), 0 or absent: none; `corpusNeg`: multiplier of the corpus's
 * non-complaints; `svm`: the head fitted as a linear SVM with this C (as the misinformation head);
 * `rumourLabels`: the written training rumours labelled for the complaint head (below); `written`:
 * the weight of the written training posts (data/written/complaint-train.jsonl; trainingSets()
 * itself holds them at WRITTEN_COMPLAINT_WEIGHT, here the base's are dropped and this weight used).
 * SHOW=1 prints the written validation errors; REGISTERS=1 (with TUNE=1) the synthetic validation's
 * accuracy per register.
 */
import { readFileSync } from 'node:fs';
import { HEADS } from '../../src/classifier/classifier';
import type { FeatureVector } from '../../src/classifier/features';
import { LinearHead } from '../../src/classifier/linear';
import { chooseThreshold, chooseThresholdMeanAccuracy } from '../../src/classifier/thresholds';
import { DEFAULT_OPTIONS, featuresOf, shuffleKeys, stableShuffle, type Example, type TrainOptions } from '../../src/classifier/train';
import { appealClauses, loadCorpus, loadWritten, mixedComplaintSet, trainingSets } from './datasets';

type Variant = Partial<TrainOptions> & { spb?: number; tweets?: number; corpus?: number; clauses?: number; corpusNeg?: number; svm?: number; rumourLabels?: boolean; written?: number };

const tune = process.env.TUNE === '1';
// The data every choice is made on (Oct 2020 – Jan 2021 appeals: the mixed Feb set stays unseen).
const base = trainingSets(false);
const corpus = tune ? loadCorpus('train', new URL('file:///tmp/dozor-tune/')) : base.corpus;
const cache = new Map<string, FeatureVector>();
const fx = (t: string) => {
  let x = cache.get(t);
  if (!x) cache.set(t, (x = featuresOf(t)));
  return x;
};

// `rumourLabels`: the written training rumours labelled for the complaint head too (a non-rumour in
// `complaint` style is a complaint, every other post is not); the loader leaves them unlabelled.
const rumourStyles = readFileSync(new URL('../../data/written/rumours-train.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { style: string; misinformation: boolean })
  .map((r) => (r.misinformation ? 'rumour' : r.style));

const feb = mixedComplaintSet('val');
const val = loadWritten('complaint-val');
const synth = tune ? loadCorpus('test', new URL('file:///tmp/dozor-tune/')) : [];
const synthRegisters = tune ? readFileSync('/tmp/dozor-tune/test.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { register: string }).register) : [];
const prep = (set: Example[]) => set.filter((e) => e.complaint !== null).map((e) => ({ e, x: fx(e.text) }));
const F = prep(feb);
const V = prep(val);
const S = prep(synth);

function auc(scores: number[], gold: boolean[]): number {
  let pairs = 0;
  let wins = 0;
  scores.forEach((p, i) => {
    if (!gold[i]) return;
    scores.forEach((n, j) => {
      if (gold[j]) return;
      pairs++;
      wins += p > n ? 1 : p === n ? 0.5 : 0;
    });
  });
  return wins / pairs;
}
const acc = (scores: number[], gold: boolean[], t: number) => scores.filter((s, i) => s >= t === gold[i]).length / scores.length;

const grid: Variant[] = JSON.parse(process.argv[2] ?? '[{}]');
for (const g of grid) {
  const t0 = performance.now();
  const o = { ...DEFAULT_OPTIONS, ...g };
  const scaled = (set: Example[], m = 1) => (m === 1 ? set : set.map((e) => ({ ...e, weight: e.weight * m })));
  // The shipped order: the training sets as scripts/train.ts lists them, shuffle keys over all of them.
  const rumours = g.rumourLabels ? base.writtenRumours.map((e, i) => ({ ...e, complaint: rumourStyles[i] === 'complaint' })) : base.writtenRumours;
  const corpusSet = g.corpusNeg ? scaled(corpus, g.corpus).map((e) => (e.complaint === false ? { ...e, weight: e.weight * g.corpusNeg! } : e)) : scaled(corpus, g.corpus);
  const written = g.written ? loadWritten('complaint-train').map((e) => ({ ...e, weight: g.written as number })) : [];
  const all = [...corpusSet, ...scaled(base.spbAppeals, g.spb), ...scaled(base.rusentitweet, g.tweets), ...rumours, ...written, ...(g.clauses ? appealClauses(base.spbAppeals, g.clauses) : [])];
  const keysAll = shuffleKeys(all.map((e) => e.text));
  const kept = all.map((e, i) => ({ e, k: keysAll[i] as [number, number] })).filter(({ e }) => e.complaint !== null && e.weight > 0);
  const xs = kept.map(({ e }) => ({ e, x: fx(e.text) }));
  const keys = kept.map(({ k }) => k);
  const h = new LinearHead(HEADS.complaint, ['no', 'yes']);
  if (g.svm) {
    const costs = Float64Array.from(xs, ({ e }) => (g.svm! * (e.svmWeight ?? e.weight) * (e.complaint ? 1 : o.complaintNegWeight)) / 3);
    h.fitSvm(0, xs.map(({ x }) => x), xs.map(({ e }) => e.complaint as boolean), costs, (p) => stableShuffle(xs.map((_, i) => i), keys, 1000 + p), 10);
  } else for (let ep = 0; ep < o.epochs; ep++) for (const { e, x } of stableShuffle(xs, keys, 1000 + ep)) h.adagradUpdate(x, e.complaint ? 1 : 0, o.lr, o.complaintL2 ?? o.l2, e.weight * (e.complaint ? 1 : o.complaintNegWeight));
  // As the model file stores it: int8 with one scale per head.
  let max = 0;
  for (const w of h.weights) max = Math.max(max, Math.abs(w));
  const sc = max / 127 || 1;
  for (let i = 0; i < h.weights.length; i++) h.weights[i] = Math.round((h.weights[i] as number) / sc) * sc;
  const score = (r: { x: FeatureVector }) => h.predict(r.x)[1] as number;
  const fs = F.map(score);
  const fg = F.map((r) => r.e.complaint as boolean);
  const vs = V.map(score);
  const vg = V.map((r) => r.e.complaint as boolean);
  const old = chooseThreshold(fs, fg, 'accuracy');
  const t = chooseThresholdMeanAccuracy([{ scores: fs, gold: fg }, { scores: vs, gold: vg }]);
  const parts = [
    `feb ${acc(fs, fg, t.threshold).toFixed(3)} val ${acc(vs, vg, t.threshold).toFixed(3)} (${V.filter((r, i) => r.e.complaint && (vs[i] as number) >= t.threshold).length}/${V.filter((r) => r.e.complaint).length} found) @${t.threshold.toFixed(3)}`,
    `val AUC ${auc(vs, vg).toFixed(3)}`,
    `old rule @${old.threshold.toFixed(3)}: feb ${old.value.toFixed(3)} val ${acc(vs, vg, old.threshold).toFixed(3)}`,
  ];
  if (tune) {
    const ss = S.map(score);
    const sg = S.map((r) => r.e.complaint as boolean);
    parts.push(`synth ${acc(ss, sg, t.threshold).toFixed(3)} (old rule ${acc(ss, sg, old.threshold).toFixed(3)}, own best ${chooseThreshold(ss, sg, 'accuracy').value.toFixed(3)})`);
    // Per register of the synthetic validation (complaint, news, question, …): accuracy at the rule's threshold.
    if (process.env.REGISTERS) {
      const by = new Map<string, [number, number]>();
      S.forEach((r, i) => {
        const k = synthRegisters[i] as string;
        const b = by.get(k) ?? [0, 0];
        b[0] += (ss[i] as number) >= t.threshold === r.e.complaint ? 1 : 0;
        b[1]++;
        by.set(k, b);
      });
      parts.push([...by].map(([k, [ok, n]]) => `${k} ${ok}/${n}`).join(' '));
    }
  }
  console.log(JSON.stringify(g), parts.join(' | '), `${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (process.env.SHOW) V.forEach((r, i) => { if (((vs[i] as number) >= t.threshold) !== r.e.complaint) console.log(`  ${r.e.complaint ? 'FN' : 'FP'} ${(vs[i] as number).toFixed(3)} ${r.e.text.slice(0, 110)}`); });
}
