/**
 * Hyperparameter check on a validation corpus, never on the test split.
 *
 *   npx tsx scripts/corpus/compose.ts --tune     # /tmp/dozor-tune/{train,test}.jsonl from train-side fragments only
 *   npx tsx scripts/corpus/tune.ts '[{}, {"epochs": 12}]'   # one line of validation figures per option set
 *
 * Env: FW='{"char":0.8}' overrides feature weights; SPBW scales the St Petersburg weight;
 * SHOW='{}' (HEAD=c for complaint) prints validation errors; SPBSHOW=1 prints per-class figures
 * on the validation slice of the St Petersburg appeals (1 in 7 of the non-held-out ones).
 */
import { DEFAULT_OPTIONS, evaluate, train, type TrainOptions } from '../../src/classifier/train';
import { FEATURE_WEIGHTS } from '../../src/classifier/features';
Object.assign(FEATURE_WEIGHTS, JSON.parse(process.env.FW ?? '{}'));
import { loadCorpus, loadSpb, loadTweets } from './datasets';
const h = (s: string) => { let x = 2166136261; for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619); return x >>> 0; };
const tr = loadCorpus('train', new URL('file:///tmp/dozor-tune/'));
const val = loadCorpus('test', new URL('file:///tmp/dozor-tune/'));
import { loadSpbAppeals } from './spb-appeals';
const spbAll = loadSpbAppeals().filter((a) => !a.heldOut).map((a) => ({ text: a.text, sector: a.sector, complaint: true, misinformation: null, weight: 0.3 }));
const spbValSet = new Set(spbAll.filter((e) => h(e.text) % 7 === 0).map((e) => e.text));
const spb = loadSpb('train').filter((e) => !spbValSet.has(e.text));
const spbVal = spbAll.filter((e) => spbValSet.has(e.text)).slice(0, 3000);
const spbTr = spb;
const tweets = loadTweets('train');
const grid: Partial<TrainOptions>[] = JSON.parse(process.argv[2] ?? '[{}]');
for (const g of grid) {
  const opts = { ...DEFAULT_OPTIONS, ...g };
  const t0 = performance.now();
  const spbW = Number(process.env.SPBW ?? 1); const { classifier } = train([...tr, ...spbTr.map((e) => ({ ...e, weight: e.weight * spbW })).filter((e) => e.weight > 0), ...tweets], 'tune', opts);
  const v = evaluate(classifier, val);
  const s = evaluate(classifier, spbVal);
  console.log(JSON.stringify(g), 'sector', v.sectorMacroF1.toFixed(3), 'compl', v.complaintAcc.toFixed(3), 'mis', v.misinfoF1.toFixed(3), 'spb', s.sectorMacroF1.toFixed(3), ((performance.now() - t0) / 1000).toFixed(0) + 's');
}
if (process.env.SHOW) {
  const { classifier } = train([...tr, ...spbTr.map((e) => ({ ...e, weight: e.weight * 0.25 })), ...tweets], 'tune', { ...DEFAULT_OPTIONS, ...JSON.parse(process.env.SHOW) });
  const { analyze } = await import('../../src/text/analyze');
  const { readFileSync } = await import('node:fs');
  const recs = readFileSync('/tmp/dozor-tune/test.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const by: Record<string, [number, number]> = {};
  const errs: string[] = [];
  for (const r of recs) { const p = classifier.classify(analyze(r.text)); const ok = process.env.HEAD === "c" ? p.complaint.value === r.complaint : p.sector.label === r.sector; const k = r.register + ':' + r.sector; const b = (by[k] ??= [0, 0]); b[0] += ok ? 1 : 0; b[1]++; if (!ok) errs.push(`${r.register} ${r.sector}->${p.sector.label} ${p.sector.confidence} c=${p.complaint.confidence} | ${r.text}`); }
  console.log(Object.entries(by).filter(([, v]) => v[0] / v[1] < 0.8).map(([k, v]) => `${k} ${v[0]}/${v[1]}`).join('\n'));
  console.log(errs.filter((_, i) => i % 4 === 0).join('\n'));
}
if (process.env.SPBSHOW) {
  const { classifier } = train([...tr, ...spbTr.map((e) => ({ ...e, weight: e.weight * Number(process.env.SPBW ?? 1) })), ...tweets], 'tune', DEFAULT_OPTIONS);
  const { analyze } = await import('../../src/text/analyze');
  const ev = evaluate(classifier, spbVal);
  console.log(ev.sectorReports.map((r) => `${r.label} p=${r.precision.toFixed(2)} r=${r.recall.toFixed(2)} n=${r.support}`).join('\n'));
  const errs = spbVal.map((e) => [e, classifier.classify(analyze(e.text))] as const).filter(([e, p]) => p.sector.label !== e.sector);
  console.log(errs.filter((_, i) => i % 12 === 0).slice(0, 40).map(([e, p]) => `${e.sector}->${p.sector.label} | ${e.text.slice(0, 150)}`).join('\n'));
}
