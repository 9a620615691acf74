/**
 * `npm run eval:claims` — quality of claim matching (src/text/claim-similarity.ts) on the labelled
 * pair set data/claims/claims.jsonl (see data/claims/README.md for how pairs are built).
 *
 * A pair is predicted "same claim" when its similarity reaches the suggestion band (the desk sees
 * it, as a link or a suggestion); the auto-link band is reported too. Per split: pairs,
 * positives, precision, recall, and the hard negatives that passed; one line per test file
 * (a later blind file, claims-test-l.jsonl, read once it is there). The last line is the
 * held-out `test` split: `pairs=… precision=… recall=…`. A family found in two files or two
 * splits stops the run (scripts/claims-pairs.ts).
 *
 *   --split dev|test|all   which split the last line reports (default test)
 *   --errors [dev|test]    print the misjudged pairs of one split (default dev)
 *   --sweep                precision and recall over thresholds on dev
 */
import { loadRegion } from '../src/services/gazetteer.service';
import { regionPlaces } from '../src/services/claim-matcher.service';
import { claimFingerprint, claimSimilarity, DEFAULT_MATCH_BANDS, type ClaimFingerprint } from '../src/text/claim-similarity';
import { CLAIM_FILES as FILES, claimPairs as pairsOf, loadClaimRows as load, type ClaimPair as Pair } from './claims-pairs';

function report(name: string, pairs: Pair[], scores: number[], threshold: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let hardFp = 0;
  pairs.forEach((p, k) => {
    const yes = (scores[k] ?? 0) >= threshold;
    if (yes && p.same) tp++;
    else if (yes && !p.same) {
      fp++;
      if (p.hard) hardFp++;
    } else if (!yes && p.same) fn++;
  });
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return { name, pairs: pairs.length, positives: pairs.filter((p) => p.same).length, hard: pairs.filter((p) => p.hard).length, precision, recall, hardFp };
}

function main(): void {
  const args = process.argv.slice(2);
  const splitArg = args.includes('--split') ? args[args.indexOf('--split') + 1] : 'test';
  const rows = load();
  // Places from the region's gazetteer, as the desk service builds them.
  const region = loadRegion(process.env.REGION ?? 'omsk');
  const places = regionPlaces(region);
  const prints: ClaimFingerprint[] = rows.map((r) => claimFingerprint(r.text, { places }));
  const all = pairsOf(rows);
  const scores = all.map((p) => claimSimilarity(prints[p.a] as ClaimFingerprint, prints[p.b] as ClaimFingerprint).score);
  const bands = DEFAULT_MATCH_BANDS;
  const f = (x: number) => x.toFixed(3);
  const lines: [string, (p: Pair) => boolean][] = [
    ['dev', (p) => p.split === 'dev'],
    ['test', (p) => p.split === 'test'],
    ...FILES.map((file): [string, (p: Pair) => boolean] => [`test[${file}]`, (p) => p.split === 'test' && rows[p.a]?.file === file && rows[p.b]?.file === file]),
  ];
  for (const [name, keep] of lines) {
    const idx = all.map((p, k) => (keep(p) ? k : -1)).filter((k) => k >= 0);
    const ps = idx.map((k) => all[k] as Pair);
    const ss = idx.map((k) => scores[k] as number);
    for (const [band, th] of [['match (suggest+link)', bands.suggest], ['auto-link', bands.link]] as const) {
      const r = report(name, ps, ss, th);
      console.log(`${name} ${band} ≥${th}: pairs=${r.pairs} positives=${r.positives} hard_negatives=${r.hard} precision=${f(r.precision)} recall=${f(r.recall)} hard_negatives_passed=${r.hardFp}`);
    }
  }
  if (args.includes('--sweep')) {
    const idx = all.map((p, k) => (p.split === 'dev' ? k : -1)).filter((k) => k >= 0);
    for (let th = 0.3; th <= 0.9; th += 0.02) {
      const r = report('dev', idx.map((k) => all[k] as Pair), idx.map((k) => scores[k] as number), th);
      console.log(`sweep dev ≥${th.toFixed(2)} precision=${f(r.precision)} recall=${f(r.recall)}`);
    }
  }
  // Errors of the dev split only: the test split is for measuring, not for reading (--errors test to override).
  if (args.includes('--errors')) {
    const errSplit = args[args.indexOf('--errors') + 1] === 'test' ? 'test' : 'dev';
    all.forEach((p, k) => {
      if (p.split !== errSplit) return;
      const s = scores[k] as number;
      const yes = s >= bands.suggest;
      const linked = s >= bands.link;
      if (yes !== p.same || (linked && !p.same)) console.log(`${p.split} ${p.same ? 'MISSED' : linked ? 'FALSE-LINK' : 'FALSE'} ${s.toFixed(2)} ${claimSimilarity(prints[p.a] as ClaimFingerprint, prints[p.b] as ClaimFingerprint).reasons.join(',')}\n   ${rows[p.a]?.text}\n   ${rows[p.b]?.text}`);
    });
  }
  const chosen = all.map((p, k) => ({ p, s: scores[k] as number })).filter((x) => splitArg === 'all' || x.p.split === splitArg);
  const r = report(splitArg ?? 'test', chosen.map((x) => x.p), chosen.map((x) => x.s), bands.suggest);
  console.log(`pairs=${r.pairs} precision=${f(r.precision)} recall=${f(r.recall)}`);
}

main();
