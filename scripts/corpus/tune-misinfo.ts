/**
 * Focused check of the misinformation head: trains that head alone (heads share features, not
 * weights, so this is the shipped training for this head), chooses its threshold on the
 * validation set (written validation rumours + 300 validation tweets) and prints validation F1
 * and the written test F1 at that threshold.
 *
 *   npx tsx scripts/corpus/tune-misinfo.ts '[{}, {"misinfoPosWeight": 4}]'
 */
import { analyze } from '../../src/text/analyze';
import { cuesOf, HEADS } from '../../src/classifier/classifier';
import { LinearHead } from '../../src/classifier/linear';
import { cueRisk } from '../../src/classifier/misinfo-cues';
import { binaryF1 } from '../../src/classifier/metrics';
import { chooseThreshold } from '../../src/classifier/thresholds';
import { DEFAULT_OPTIONS, featuresOf, shuffleKeys, stableShuffle, type TrainOptions } from '../../src/classifier/train';
import { loadWritten, trainingSets, validationSets, type Example } from './datasets';

const sets = trainingSets(false); // the data every choice was made on (Oct 2020 – Jan 2021 appeals)
const all = Object.values(sets).flat();
const keysAll = shuffleKeys(all.map((e) => e.text));
const kept = all.map((e, i) => ({ e, k: keysAll[i] as [number, number] })).filter(({ e }) => e.misinformation !== null);
const xs = kept.map(({ e }) => ({ e, x: featuresOf(e.text) }));
const keys = kept.map(({ k }) => k);
const val = validationSets().misinformation;
const test = loadWritten('rumours-test');
const prep = (set: Example[]) => set.map((e) => {
  const a = analyze(e.text);
  const c = cuesOf(a.normalized);
  return { e, x: featuresOf(e.text), cue: cueRisk(c.misinfo) >= 0.5 };
});
const V = prep(val);
const T = prep(test);
const grid: (Partial<TrainOptions> & { noCue?: boolean; float?: boolean; svm?: number; weighted?: boolean; passes?: number })[] = JSON.parse(process.argv[2] ?? '[{}]');
for (const g of grid) {
  const o = { ...DEFAULT_OPTIONS, ...g };
  const h = new LinearHead(HEADS.misinformation, ['no', 'yes']);
  if (g.svm) {
    const orders = (p: number) => stableShuffle(xs.map((_, i) => i), keys, 1000 + p);
    const costs = Float64Array.from(xs, ({ e }) => g.svm! * (g.weighted ? e.weight * (e.misinformation ? o.misinfoPosWeight : 1) : 1));
    h.fitSvm(0, xs.map(({ x }) => x), xs.map(({ e }) => e.misinformation as boolean), costs, orders, g.passes ?? 10);
  } else for (let ep = 0; ep < o.epochs; ep++) for (const { e, x } of stableShuffle(xs, keys, 1000 + ep)) h.adagradUpdate(x, e.misinformation ? 1 : 0, o.lr, o.l2, e.weight * (e.misinformation ? o.misinfoPosWeight : 1));
  // As the model file stores it: int8 with one scale per head.
  let max = 0;
  for (const w of h.weights) max = Math.max(max, Math.abs(w));
  const sc = max / 127 || 1;
  if (!g.float) for (let i = 0; i < h.weights.length; i++) h.weights[i] = Math.round((h.weights[i] as number) / sc) * sc;
  if (process.env.STATS) { let nz = 0; for (const w of h.weights) if (w !== 0) nz++; console.log(`  max |w| ${max.toFixed(3)} nonzero ${nz}`); }
  const score = (r: { x: ReturnType<typeof featuresOf>; cue: boolean }) => (r.cue && !g.noCue ? 1 : (h.predict(r.x)[1] as number));
  const vs = V.map(score);
  const t = chooseThreshold(vs, V.map((r) => r.e.misinformation as boolean), 'f1');
  // Average precision on validation: a threshold-free tie-breaker (F1 on 16 rumours is coarse).
  const ranked = vs.map((s, i) => [s, V[i]!.e.misinformation as boolean] as const).sort((a, b) => b[0] - a[0]);
  let hits = 0;
  let ap = 0;
  ranked.forEach(([, y], i) => { if (y) { hits++; ap += hits / (i + 1); } });
  ap /= Math.max(1, hits);
  const ts = T.map(score);
  const tg = T.map((r) => r.e.misinformation as boolean);
  const f = binaryF1(tg, ts.map((s) => s >= t.threshold));
  const oracle = chooseThreshold(ts, tg, 'f1');
  const fp = T.filter((r, i) => !r.e.misinformation && (ts[i] as number) >= t.threshold).length;
  const fn = T.filter((r, i) => r.e.misinformation && (ts[i] as number) < t.threshold).length;
  console.log(JSON.stringify(g), `val F1 ${t.value.toFixed(3)} AP ${ap.toFixed(3)} @${t.threshold.toFixed(3)} test F1 ${f.toFixed(3)} (fp ${fp} fn ${fn}; best-possible ${oracle.value.toFixed(3)})`);
  if (process.env.SHOW) T.forEach((r, i) => { if ((ts[i]! >= t.threshold) !== r.e.misinformation) console.log(`  ${r.e.misinformation ? 'FN' : 'FP'} ${ts[i]!.toFixed(3)} ${r.cue ? 'cue ' : ''}${r.e.text.slice(0, 110)}`); });
}
