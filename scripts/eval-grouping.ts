/**
 * `npm run eval:grouping` — quality of "one card per problem" on a labelled set of post pairs
 * (data/grouping/pairs.jsonl: same problem / different problem, with hard cases: the same street
 * or building with another problem, the same problem in other words, the same template with
 * another house or route number, the same problem in another town).
 *
 * Each text goes through the real pipeline enrichment (analysis, classifier, place) and the pair
 * through the same rule grouping applies (src/domain/incident-workflow.ts `groupingVerdict` on the
 * features of src/text/similarity.ts). `link` is the positive prediction; suggestions are counted
 * separately. The pairs are split (src/pipeline/grouping-eval.ts): the thresholds are chosen on the
 * validation half, precision and recall are measured on the held-out test half. The last line is
 * `pairs=… precision=… recall=…` of automatic linking on the test pairs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadClassifier } from '../src/classifier/classifier';
import { DEFAULT_GROUPING, disjointNonEmpty } from '../src/domain/incident-workflow';
import { chooseThresholds, measure, splitPairs, verdictOf, type PairMetrics, type ScoredPair } from '../src/pipeline/grouping-eval';
import { decideIncident, enrichPost } from '../src/pipeline/enrich';
import { groupCandidate } from '../src/pipeline/pipeline.service';
import { createGazetteer, loadRegion } from '../src/services/gazetteer.service';
import { analyze } from '../src/text/analyze';
import { jaccard } from '../src/text/similarity';

interface Pair {
  same: boolean;
  note: string;
  a: string;
  b: string;
  /** Municipality of the source of `a` (and of `b` unless `mb`). */
  m: string;
  mb?: string;
}

const file = resolve(process.argv[2] ?? 'data/grouping/pairs.jsonl');
const pairs = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Pair);

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
  return { ...groupCandidate(post, `inc:${post.id}`), opens: decideIncident(post, policy, now) !== null };
}

const scored: (ScoredPair & { score: number })[] = pairs.map((p) => {
  const a = candidate(p.a, p.m);
  const b = candidate(p.b, p.mb ?? p.m);
  // Candidates are found per municipality: another town is never the same incident.
  const sameTown = a.buckets[0]?.split(':')[0] === b.buckets[0]?.split(':')[0];
  const similarity = sameTown ? jaccard(a.features, b.features) : 0;
  const samePlace = sameTown && a.placeKey !== null && a.placeKey === b.placeKey;
  return { same: p.same, note: p.note, similarity, samePlace, numbersConflict: disjointNonEmpty(a.numbers, b.numbers), bothOpen: a.opens && b.opens, score: similarity };
});

const { validation, test } = splitPairs(scored);
const chosen = chooseThresholds(validation, DEFAULT_GROUPING);
const onValidation = measure(validation, chosen);
const onDefaults = measure(test, DEFAULT_GROUPING);
const m = measure(test, chosen);
for (const p of test) {
  const v = verdictOf(p, chosen);
  if ((v === 'link') !== p.same) console.log(`test: ${p.same ? 'missed' : 'wrongly linked'} (${v}, similarity ${p.similarity.toFixed(2)}${p.samePlace ? ', same place' : ''}${p.bothOpen ? '' : ', a post opens no incident'}): ${p.note}`);
}
const fmt = (x: PairMetrics) => `pairs=${x.pairs} precision=${x.precision.toFixed(3)} recall=${x.recall.toFixed(3)}`;
console.log(`split: ${validation.length} validation pairs (thresholds chosen), ${test.length} test pairs (reported)`);
console.log(`chosen on validation: link ≥ ${chosen.autoLink}, suggest ≥ ${chosen.suggest}, place bonus ${chosen.placeBonus} (validation ${fmt(onValidation)})`);
console.log(`DEFAULT_GROUPING: link ≥ ${DEFAULT_GROUPING.autoLink}, suggest ≥ ${DEFAULT_GROUPING.suggest}, place bonus ${DEFAULT_GROUPING.placeBonus} (test ${fmt(onDefaults)})${chosen.autoLink === DEFAULT_GROUPING.autoLink && chosen.suggest === DEFAULT_GROUPING.suggest && chosen.placeBonus === DEFAULT_GROUPING.placeBonus ? '' : ' — differs from the chosen thresholds: update DEFAULT_GROUPING'}`);
console.log(`suggestion band on test (operator confirms): ${m.suggested.same} same-problem pairs, ${m.suggested.different} different-problem pairs`);
console.log(fmt(m));
