/**
 * `npm run eval:answers`: the «отписка» detector on data/answers/answers.jsonl. The threshold is
 * swept on the tuning split only; the figure reported last is on the test split, whose phrasings
 * the detector was not written from. Last line: `answers=<test size> f1=<test F1>`.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_FORMAL_THRESHOLD, detectFormalAnswer } from '../src/domain/formal-answer';

interface Row {
  text: string;
  formal: boolean;
  split: 'tune' | 'test';
}
const rows = readFileSync(new URL('../data/answers/answers.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Row);

function score(set: Row[], threshold: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of set) {
    const got = detectFormalAnswer(r.text, { threshold }).formal;
    if (got && r.formal) tp++;
    else if (got && !r.formal) fp++;
    else if (!got && r.formal) fn++;
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return { precision, recall, f1: (2 * precision * recall) / Math.max(1e-9, precision + recall) };
}

const tune = rows.filter((r) => r.split === 'tune');
const test = rows.filter((r) => r.split === 'test');
let best = { threshold: DEFAULT_FORMAL_THRESHOLD, f1: -1 };
for (let t = 1; t <= 4.01; t += 0.1) {
  const s = score(tune, Math.round(t * 10) / 10);
  if (s.f1 > best.f1) best = { threshold: Math.round(t * 10) / 10, f1: s.f1 };
}
const shipped = score(test, DEFAULT_FORMAL_THRESHOLD);
const f = (x: number) => x.toFixed(3);
process.stdout.write(`tune: ${tune.length} answers, best threshold ${best.threshold} (f1 ${f(best.f1)}); shipped threshold ${DEFAULT_FORMAL_THRESHOLD}\n`);
process.stdout.write(`test: precision ${f(shipped.precision)} recall ${f(shipped.recall)}\n`);
process.stdout.write(`answers=${test.length} f1=${f(shipped.f1)}\n`);
