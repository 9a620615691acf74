/**
 * `npm run eval:grouping` — quality of "one card per problem" on labelled sets of post pairs
 * (same problem / different problem, with hard cases: the same street or building with another
 * problem, the same problem in other words, the same template with another house or route number,
 * the same problem in another town or district).
 *
 * Each text goes through the real pipeline enrichment (analysis, classifier, place) and the
 * pipeline's grouping candidate (src/pipeline/pipeline.service.ts `groupCandidate`: concept
 * features, numbers, sector, street, districts), and each pair through the rule grouping applies
 * (src/domain/incident-workflow.ts `groupingVerdict`). `link` is the positive prediction;
 * suggestions are counted separately. The first post of a pair is the earlier one: a pair links
 * when both open an incident, or when the first opens one and the second, opening none, is a
 * follow-up (`canFollowUp`) at the link threshold, or when the first, opening none, waited as a
 * follow-up and the second opens an incident that links it.
 *
 * The thresholds are chosen on the development pairs: the tuning pairs (data/grouping/pairs.jsonl,
 * first argument) and the held-out files whose errors have been read — data/grouping/heldout.jsonl
 * and heldout-2.jsonl … heldout-21.jsonl (second to twenty-second arguments; the last twenty written by
 * other hands that read no code, each run once as the test of its iteration and read after). Their
 * errors are listed and their figures flatter. data/grouping/heldout-22.jsonl (twenty-third argument,
 * written the same way) is the test now: its errors are not listed and it picks nothing. The last
 * line is `pairs=… precision=… recall=…` of automatic linking on the last held-out file present.
 * `--tuning` runs the tuning pairs alone (thresholds chosen on them) for quick feature work;
 * `--folds` adds how thresholds carry over to a file written apart: each read held-out file in
 * turn is left out, the thresholds chosen on the rest and measured on it. `--operators=<file>`
 * measures the shipped rule on the operators' own decisions (`npm run export:grouping-labels`:
 * merges, splits and dismissed suggestions on the stream); they choose nothing. No threshold, concept or
 * veto comes from the test file (data/grouping/README.md says what reading the others informed).
 * Lines starting with `#` in either file are comments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadClassifier } from '../src/classifier/classifier';
import { DEFAULT_GROUPING, type GroupingPolicy } from '../src/domain/incident-workflow';
import { chooseThresholds, fBeta, measure, pairEvidence, verdictOf, type GroupingPair, type PairMetrics, type ScoredPair } from '../src/pipeline/grouping-eval';
import { decideIncident, enrichPost } from '../src/pipeline/enrich';
import { canFollowUp, groupCandidate } from '../src/pipeline/pipeline.service';
import { createGazetteer, loadRegion } from '../src/services/gazetteer.service';
import { analyze } from '../src/text/analyze';
import { WAIT_BANDS } from '../src/repositories/grouping.repository';

const load = (file: string) =>
  readFileSync(resolve(file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => JSON.parse(l) as GroupingPair);

const classifier = await loadClassifier();
const gazetteer = createGazetteer(loadRegion(process.env.REGION ?? 'omsk'));
const now = new Date();
// The service's defaults (INCIDENT_COMPLAINT_THRESHOLD, INCIDENT_MISINFO_THRESHOLD): only posts that open an incident are grouped.
const policy = { complaintThreshold: 0.5, misinformationThreshold: 0.6, responseMinutes: 240 };
let seq = 0;
function candidate(text: string, municipality: string) {
  seq++;
  const post = enrichPost(
    { network: 'vk', externalId: `e${seq}`, kind: 'post', url: 'https://vk.com/x', text, publishedAt: now.toISOString(), author: { id: 'a', name: 'a' }, sourceId: 'eval', municipality },
    { analyze, classifier, gazetteer },
    now,
  );
  const c = groupCandidate(post, `inc:${post.id}`);
  return { ...c, opens: decideIncident(post, policy, now) !== null, follows: canFollowUp(post, c) };
}

const score = (pairs: GroupingPair[]): (ScoredPair & { found: boolean })[] =>
  pairs.map((p) => {
    const a = candidate(p.a, p.m);
    const b = candidate(p.b, p.mb ?? p.m);
    // Found: the candidate search (LSH bands or the place bucket) puts the two in one bucket.
    const bands = new Set(a.buckets);
    const found = b.buckets.some((k) => bands.has(k)) || (a.placeKey !== null && a.placeKey === b.placeKey);
    // A waiting follow-up is listed under the place bucket and the first WAIT_BANDS bands only.
    const waitFound = (a.placeKey !== null && a.placeKey === b.placeKey) || a.buckets.slice(0, WAIT_BANDS).some((k) => b.buckets.slice(0, WAIT_BANDS).includes(k));
    return { same: p.same, note: p.note, ...pairEvidence(a, b), bothOpen: a.opens && b.opens, followUp: a.opens && !b.opens && b.follows, waiting: !a.opens && a.follows && b.opens && waitFound, found };
  });
/** Of the same-problem pairs the rule links or suggests, how many the candidate search finds at all. */
const retrieval = (pairs: readonly (ScoredPair & { found: boolean })[]) => {
  const reachable = pairs.filter((p) => p.same && verdictOf(p, DEFAULT_GROUPING) !== 'separate');
  return `${reachable.filter((p) => p.found).length} of ${reachable.length}`;
};

// `--tuning`: the tuning pairs only (while working on features: the held-out pairs stay unseen).
const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]));
const operatorsFile = process.argv.slice(2).find((a) => a.startsWith('--operators='))?.slice('--operators='.length);
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const tuningOnly = flags.has('--tuning');
const tuning = score(load(args[0] ?? 'data/grouping/pairs.jsonl'));
// Read held-out files (their errors listed) and the blind test file (not listed, so it stays unread).
// heldout.jsonl, then heldout-2 … heldout-LAST_READ; the test is the file after them.
const LAST_READ = 21;
const readNames = ['heldout', ...Array.from({ length: LAST_READ - 1 }, (_, k) => `heldout-${k + 2}`)];
const read = tuningOnly
  ? []
  : readNames
      .map((name, i) => args[i + 1] ?? `data/grouping/${name}.jsonl`)
      .filter((f) => existsSync(f))
      .map((f) => ({ file: f, pairs: score(load(f)) }));
const development = [...tuning, ...read.flatMap((r) => r.pairs)];
const chosen = chooseThresholds(development, DEFAULT_GROUPING);
const fmt = (x: PairMetrics) => `pairs=${x.pairs} precision=${x.precision.toFixed(3)} recall=${x.recall.toFixed(3)}`;
const show = (p: GroupingPolicy) => `link ≥ ${p.autoLink}, suggest ≥ ${p.suggest}, place bonus ${p.placeBonus}, anchor bonus ${p.anchorBonus}, other-sector penalty ${p.otherSectorPenalty}, sector veto ${p.sectorVeto === null ? 'off' : `at confidence ≥ ${p.sectorVeto}`}`;
const errors = (name: string, pairs: readonly ScoredPair[]) => {
  for (const p of pairs) {
    const v = verdictOf(p, DEFAULT_GROUPING);
    const why = `${v}, similarity ${p.similarity.toFixed(2)}${p.samePlace ? ', same place' : ''}${p.sameSector ? '' : `, other sector (confidence ${p.otherSectorConfidence?.toFixed(2)})`}${p.conflict ? `, ${p.conflict} conflict` : ''}${p.bothOpen ? '' : p.followUp ? ', a follow-up' : p.waiting ? ', an earlier follow-up waiting' : ', a post opens no incident'}`;
    if ((v === 'link') !== p.same) console.log(`${name}: ${p.same ? 'missed' : 'wrongly linked'} (${why}): ${p.note}`);
  }
};
errors('tuning', tuning);
if (tuningOnly) {
  console.log(`chosen on ${tuning.length} tuning pairs: ${show(chosen)} (tuning ${fmt(measure(tuning, chosen))})`);
  console.log(`tuning with DEFAULT_GROUPING: ${fmt(measure(tuning, DEFAULT_GROUPING))}`);
  process.exit(0);
}
if (flags.has('--folds')) {
  const folds = read.map((r) => ({ file: r.file, m: measure(r.pairs, chooseThresholds([...tuning, ...read.filter((o) => o !== r).flatMap((o) => o.pairs)], DEFAULT_GROUPING)) }));
  console.log(`leave one read file out (thresholds chosen on the others): mean F0.5 ${(folds.reduce((s, f) => s + fBeta(f.m, 0.5), 0) / Math.max(1, folds.length)).toFixed(3)}; ${folds.map((f) => `${f.file} ${f.m.precision.toFixed(2)}/${f.m.recall.toFixed(2)}`).join(', ')}`);
}
if (operatorsFile !== undefined) {
  const decided = score(load(operatorsFile));
  const m = measure(decided, DEFAULT_GROUPING);
  console.log(`operators' decisions (${operatorsFile}, ${decided.filter((p) => p.same).length} merges, ${decided.filter((p) => !p.same).length} splits or dismissed suggestions): ${fmt(m)}; suggestion band ${m.suggested.same} merged later, ${m.suggested.different} dismissed or split`);
}
const testFile = args[LAST_READ + 1] ?? `data/grouping/heldout-${LAST_READ + 1}.jsonl`;
const test = existsSync(testFile) ? { file: testFile, pairs: score(load(testFile)) } : null;
for (const r of read) errors(r.file, r.pairs);
const same = chosen.autoLink === DEFAULT_GROUPING.autoLink && chosen.suggest === DEFAULT_GROUPING.suggest && chosen.placeBonus === DEFAULT_GROUPING.placeBonus && chosen.anchorBonus === DEFAULT_GROUPING.anchorBonus && chosen.otherSectorPenalty === DEFAULT_GROUPING.otherSectorPenalty && chosen.sectorVeto === DEFAULT_GROUPING.sectorVeto;
console.log(`chosen on ${development.length} development pairs (tuning and read held-out files): ${show(chosen)} (development ${fmt(measure(development, chosen))})`);
console.log(`DEFAULT_GROUPING: ${show(DEFAULT_GROUPING)}${same ? '' : ' — differs from the chosen thresholds: update DEFAULT_GROUPING'}`);
const all = [...read, ...(test ? [test] : [])];
console.log(`candidate search (LSH bands, place bucket) finds the same-problem pairs the rule links or suggests: tuning ${retrieval(tuning)}${all.map((r) => `, ${r.file} ${retrieval(r.pairs)}`).join('')}`);
console.log(`tuning: ${fmt(measure(tuning, DEFAULT_GROUPING))}`);
for (const r of all) {
  const m = measure(r.pairs, DEFAULT_GROUPING);
  console.log(`suggestion band on ${r.file} (operator confirms): ${m.suggested.same} same-problem pairs, ${m.suggested.different} different-problem pairs`);
}
for (const r of read) console.log(`${r.file} (${r.pairs.length} pairs, held out when written, its errors since read): ${fmt(measure(r.pairs, DEFAULT_GROUPING))}`);
const last = test ?? read.at(-1);
if (last) {
  console.log(test ? `held-out ${test.file} (${test.pairs.length} pairs written by another hand that read no code; its errors are not listed):` : `held-out ${last.file} (${last.pairs.length} pairs, its errors read):`);
  console.log(fmt(measure(last.pairs, DEFAULT_GROUPING)));
}
