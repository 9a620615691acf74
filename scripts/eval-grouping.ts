/**
 * `npm run eval:grouping` — quality of "one card per problem" on a labelled set of post pairs
 * (data/grouping/pairs.jsonl: same problem / different problem, with hard cases: the same street
 * or building with another problem, the same problem in other words, the same template with
 * another house or route number, the same problem in another town).
 *
 * Each text goes through the real pipeline enrichment (analysis, classifier, place) and the pair
 * through the same rule grouping applies (src/domain/incident-workflow.ts `groupingVerdict` on the
 * features of src/text/similarity.ts). `link` is the positive prediction; suggestions are counted
 * separately. The last line is `pairs=… precision=… recall=…` of automatic linking.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadClassifier } from '../src/classifier/classifier';
import { DEFAULT_GROUPING, disjointNonEmpty, groupingVerdict } from '../src/domain/incident-workflow';
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

let tp = 0;
let fp = 0;
let fn = 0;
let suggested = { same: 0, different: 0 };
const mistakes: string[] = [];
for (const p of pairs) {
  const a = candidate(p.a, p.m);
  const b = candidate(p.b, p.mb ?? p.m);
  // Candidates are found per municipality: another town is never the same incident.
  const sameTown = a.buckets[0]?.split(':')[0] === b.buckets[0]?.split(':')[0];
  const similarity = sameTown ? jaccard(a.features, b.features) : 0;
  const samePlace = sameTown && a.placeKey !== null && a.placeKey === b.placeKey;
  // A post that opens no incident (a thank-you, a neutral note) is never grouped.
  const { verdict, score } = a.opens && b.opens ? groupingVerdict(similarity, samePlace, DEFAULT_GROUPING, disjointNonEmpty(a.numbers, b.numbers)) : { verdict: 'separate' as const, score: 0 };
  if (verdict === 'link' && p.same) tp++;
  if (verdict === 'link' && !p.same) fp++;
  if (verdict !== 'link' && p.same) fn++;
  if (verdict === 'suggest') suggested = p.same ? { ...suggested, same: suggested.same + 1 } : { ...suggested, different: suggested.different + 1 };
  if ((verdict === 'link') !== p.same) mistakes.push(`${p.same ? 'missed' : 'wrongly linked'} (${verdict}, score ${score.toFixed(2)}${samePlace ? ', same place' : ''}): ${p.note}`);
}
const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
for (const m of mistakes) console.log(m);
console.log(`suggestion band (operator confirms): ${suggested.same} same-problem pairs, ${suggested.different} different-problem pairs`);
console.log(`thresholds: link ≥ ${DEFAULT_GROUPING.autoLink}, suggest ≥ ${DEFAULT_GROUPING.suggest}, place bonus ${DEFAULT_GROUPING.placeBonus}`);
console.log(`pairs=${pairs.length} precision=${precision.toFixed(3)} recall=${recall.toFixed(3)}`);
