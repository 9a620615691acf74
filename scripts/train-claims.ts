/**
 * `npm run train:claims` — fits the combiner of claim matching (claimSimilarity in
 * src/text/claim-similarity.ts) and writes src/text/claim-model.ts.
 *
 * Only the `dev` rows of data/claims/claims.jsonl are read (the test rows and the second test file
 * are never opened). A logistic regression with an L2 penalty is fitted over claimFeatures of the
 * dev pairs (scripts/claims-pairs.ts); each pair is also shown as it looks without the word lists
 * (LexiconOption in src/text/claim-similarity.ts), so the general features carry weight where a
 * new topic's words are in no list. The penalty and the two thresholds are chosen on held-out
 * families: each dev family is scored by a model fitted on all the others (its pairs, hard
 * negatives included, never seen in fitting), and on those out-of-fold scores
 *  - the penalty is the one with the lowest log-loss;
 *  - the suggestion threshold is the lowest at which precision is at least SUGGEST_PRECISION,
 *    the auto-link threshold the lowest at which it is at least LINK_PRECISION.
 * The model fitted on all dev pairs is then scaled (a monotone map of its logit) so that the
 * suggestion threshold reads 0.5 and the auto-link one 0.6: the desk's bands
 * (DESK_SUGGEST_SIMILARITY, DESK_LINK_SIMILARITY) keep their defaults.
 *
 *   --dry      print the figures, write nothing
 *   --without a,b / --only a,b   ablations: those features set to 0 (with --dry)
 *   --no-dropout                 without the copies seen without the word lists
 *   --families a,b               the out-of-fold figures of those families alone
 *   --pairs                      with --families: every pair of those families with its out-of-fold score
 *   --errors                     the dev pairs the out-of-fold scores misjudge at the suggestion threshold
 *   --top-negatives              the dev negatives with the highest out-of-fold scores
 *   --penalty p                  that penalty only (quicker while trying features)
 *   --fit-vetoed                 fit on vetoed pairs and copies too (as before the ninth round)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { regionPlaces } from '../src/services/claim-matcher.service';
import { loadRegion } from '../src/services/gazetteer.service';
import { CLAIM_FEATURES, claimFeatures, claimFingerprint, copyOf, isVetoed, nothingShared } from '../src/text/claim-similarity';
import { claimPairs, loadClaimRows } from './claims-pairs';

const PENALTIES = [0.000001, 0.000003, 0.00001, 0.00003, 0.0001, 0.0003] as const;
const SUGGEST_PRECISION = 0.95;
const LINK_PRECISION = 0.99;
/** Each pair is also trained on as seen without the word lists (src/text/claim-similarity.ts, LexiconOption). */
const LEXICON_DROPOUT = !process.argv.includes('--no-dropout');
const SUGGEST_SCORE = 0.5;
const LINK_SCORE = 0.6;

interface Example {
  x: number[];
  y: 0 | 1;
  family: string;
  /** False for the copy seen without the word lists (training only; see LexiconOption). */
  served: boolean;
  /** A hard disagreement (isVetoed): the served score stays below the bands whatever the combiner says. */
  vetoed: boolean;
  /** A copy (copyOf): served in the link band whatever the combiner says. */
  copy: boolean;
  /** The pair's texts, for --errors. */
  texts: [string, string];
}

/** Logistic regression by Newton's method: mean log-loss + penalty·|w|² (the bias is not penalised). */
function fit(data: readonly Example[], penalty: number): { w: number[]; b: number } {
  const d = CLAIM_FEATURES.length;
  let theta = new Array<number>(d + 1).fill(0); // [w..., b]
  const n = data.length;
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Array<number>(d + 1).fill(0);
    const hess = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (const e of data) {
      const xb = [...e.x, 1];
      const z = xb.reduce((s, v, i) => s + v * (theta[i] as number), 0);
      const p = 1 / (1 + Math.exp(-z));
      const r = p * (1 - p);
      for (let i = 0; i <= d; i++) {
        grad[i]! += ((p - e.y) * xb[i]!) / n;
        for (let j = 0; j <= d; j++) hess[i]![j]! += (r * xb[i]! * xb[j]!) / n;
      }
    }
    for (let i = 0; i < d; i++) {
      grad[i]! += 2 * penalty * theta[i]!;
      hess[i]![i]! += 2 * penalty;
    }
    hess[d]![d]! += 1e-9;
    const step = solve(hess, grad);
    theta = theta.map((t, i) => t - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { w: theta.slice(0, d), b: theta[d]! };
}

/** Solves A·x = y by Gaussian elimination with partial pivoting. */
function solve(A: number[][], y: number[]): number[] {
  const n = y.length;
  const m = A.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / piv;
      if (f !== 0) for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / (row[i]! || 1e-12));
}

/**
 * Pairs the combiner is fitted on: not those a veto keeps out of the bands or the copy path puts in
 * the link band, whatever their logit (claimSimilarity). Fitted on those too, it learned that a near
 * copy is a hard negative — most vetoed negatives are a copy with one thing changed — and weighed
 * the near-duplicate overlap against a match (docs/ARCHITECTURE.md, the eighth round).
 */
const FIT_SERVED_ONLY = !process.argv.includes('--fit-vetoed');
const fitted = (e: Example) => !FIT_SERVED_ONLY || (!e.vetoed && !e.copy);

const logit = (m: { w: number[]; b: number }, x: readonly number[]) => x.reduce((s, v, i) => s + v * m.w[i]!, m.b);

/** A pair's non-zero features by name, for the --errors and --top-negatives listings. */
const named = (x: readonly number[]) => x.map((v, k) => (v !== 0 ? `${CLAIM_FEATURES[k]}=${v.toFixed(2)}` : '')).filter(Boolean).join(' ');

/** Out-of-fold logits: each family scored by a model fitted on all the others. */
function outOfFold(data: readonly Example[], penalty: number): number[] {
  const z = new Array<number>(data.length).fill(0);
  for (const family of new Set(data.map((e) => e.family))) {
    const model = fit(data.filter((e) => e.family !== family && fitted(e)), penalty);
    data.forEach((e, i) => {
      if (e.family === family) z[i] = logit(model, e.x);
    });
  }
  return z;
}

function at(data: readonly Example[], z: readonly number[], t: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  data.forEach((e, i) => {
    const yes = z[i]! >= t;
    if (yes && e.y) tp++;
    else if (yes) fp++;
    else if (e.y) fn++;
  });
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp / Math.max(1, tp + fn) };
}

/** The lowest threshold (among the scores) at which precision reaches `target`. */
function thresholdFor(data: readonly Example[], z: readonly number[], target: number): number {
  const candidates = [...new Set(z)].sort((a, b) => a - b);
  for (const t of candidates) if (at(data, z, t).precision >= target) return t;
  return candidates[candidates.length - 1]! + 1;
}

function main(): void {
  const dry = process.argv.includes('--dry');
  const arg = (name: string) => (process.argv.includes(name) ? (process.argv[process.argv.indexOf(name) + 1] ?? '') : '');
  // --without a,b / --only a,b: ablations (features set to 0), to see what each adds out of fold.
  const only = arg('--only').split(',').filter(Boolean);
  const dropped = new Set<string>(only.length > 0 ? CLAIM_FEATURES.filter((k) => !only.includes(k)) : arg('--without').split(',').filter(Boolean));
  const rows = loadClaimRows({ files: ['claims.jsonl'], split: 'dev' });
  const places = regionPlaces(loadRegion(process.env.REGION ?? 'omsk'));
  const prints = rows.map((r) => claimFingerprint(r.text, { places }));
  const data: Example[] = claimPairs(rows).flatMap((p) => {
    const a = prints[p.a]!;
    const b = prints[p.b]!;
    // Too short to match: the similarity is 0 before the combiner (claimSimilarity).
    if (a.roots.size < 2 || b.roots.size < 2) return [];
    const x = (lexicons: boolean) => claimFeatures(a, b, { lexicons }).values.map((v, k) => (dropped.has(CLAIM_FEATURES[k]!) ? 0 : v));
    // Served as 0 (claimSimilarity): fitted on, but never above a threshold.
    const asServed = claimFeatures(a, b);
    const vetoed = nothingShared(a, b) || isVetoed(asServed.reasons);
    const copy = !nothingShared(a, b) && copyOf(a, b, asServed.values, asServed.reasons);
    const e = { y: p.same ? (1 as const) : (0 as const), family: rows[p.a]!.family, texts: [rows[p.a]!.text, rows[p.b]!.text] as [string, string], vetoed, copy };
    return [{ ...e, x: x(true), served: true }, ...(LEXICON_DROPOUT ? [{ ...e, x: x(false), served: false }] : [])];
  });
  const f = (x: number) => x.toFixed(3);
  let best: { penalty: number; loss: number; z: number[] } | null = null;
  // Judged on the pairs as served (with the word lists); the copies without them only train.
  const served = data.filter((e) => e.served);
  // --penalty p: only that penalty (quicker, for trying a feature out of fold).
  const fixed = Number(arg('--penalty'));
  for (const penalty of fixed > 0 ? [fixed] : PENALTIES) {
    const raw = outOfFold(data, penalty).filter((_, i) => data[i]!.served);
    // Log-loss over the pairs the combiner decides (fitted): a vetoed pair or a copy is served apart.
    const decided = raw.map((v, i) => (fitted(served[i]!) ? Math.log(1 + Math.exp(served[i]!.y ? -v : v)) : null)).filter((v): v is number => v !== null);
    const loss = decided.reduce((s, v) => s + v, 0) / decided.length;
    // A hard disagreement vetoes the pair whatever its logit (claimSimilarity): it never reaches a band; a copy always links.
    const z = raw.map((v, i) => (served[i]!.copy ? Infinity : served[i]!.vetoed ? -Infinity : v));
    const t = thresholdFor(served, z, SUGGEST_PRECISION);
    const r = at(served, z, t);
    const curve = [0.9, 0.95, 0.97, 0.99].map((p) => `r@p${p}=${f(at(served, z, thresholdFor(served, z, p)).recall)}`).join(' ');
    console.log(`penalty=${penalty} out-of-fold log-loss=${loss.toFixed(4)} suggest: precision=${f(r.precision)} recall=${f(r.recall)} ${curve}`);
    if (!best || loss < best.loss) best = { penalty, loss, z };
  }
  const { penalty, z } = best!;
  const tSuggest = thresholdFor(served, z, SUGGEST_PRECISION);
  const tLink = Math.max(thresholdFor(served, z, LINK_PRECISION), tSuggest + 0.1);
  const s = at(served, z, tSuggest);
  const l = at(served, z, tLink);
  console.log(`chosen penalty=${penalty}; out-of-fold (held-out dev families) suggest: precision=${f(s.precision)} recall=${f(s.recall)}; link: precision=${f(l.precision)} recall=${f(l.recall)}`);
  // --families a,b: the out-of-fold figures of some families alone (those written after the word lists).
  const some = new Set(arg('--families').split(',').filter(Boolean));
  if (some.size > 0) {
    const idx = served.map((e, i) => (some.has(e.family) ? i : -1)).filter((i) => i >= 0);
    const sub = idx.map((i) => served[i]!);
    const zs = idx.map((i) => z[i]!);
    for (const [name, t] of [['suggest', tSuggest], ['link', tLink]] as const) {
      const r = at(sub, zs, t);
      console.log(`families ${[...some].join(',')} ${name}: pairs=${sub.length} precision=${f(r.precision)} recall=${f(r.recall)}`);
    }
  }
  if (process.argv.includes('--pairs')) {
    served.forEach((e, i) => {
      if (!some.has(e.family)) return;
      console.log(`${e.y ? 'POS' : 'NEG'} ${(z[i]! - tSuggest).toFixed(2)} ${named(e.x)}\n   ${e.texts[0]}\n   ${e.texts[1]}`);
    });
  }
  if (process.argv.includes('--errors')) {
    served.forEach((e, i) => {
      if (z[i]! >= tSuggest === (e.y === 1)) return;
      console.log(`${e.y ? 'MISSED' : 'FALSE'} ${(z[i]! - tSuggest).toFixed(2)} ${named(e.x)}\n   ${e.texts[0]}\n   ${e.texts[1]}`);
    });
  }
  if (process.argv.includes('--top-negatives')) {
    const neg = served.map((e, i) => ({ e, z: z[i]! - tSuggest })).filter((x) => !x.e.y).sort((x, y) => y.z - x.z).slice(0, Number(arg('--top-negatives')) || 15);
    for (const { e, z: v } of neg) console.log(`NEG ${v.toFixed(2)} ${e.family} ${named(e.x)}\n   ${e.texts[0]}\n   ${e.texts[1]}`);
  }
  const model = fit(data.filter(fitted), penalty);
  // score = sigmoid(alpha·(z − tSuggest)): tSuggest → 0.5, tLink → 0.6.
  const logitOf = (p: number) => Math.log(p / (1 - p));
  const alpha = (logitOf(LINK_SCORE) - logitOf(SUGGEST_SCORE)) / (tLink - tSuggest);
  const weights = model.w.map((w) => Number((alpha * w).toFixed(4)));
  const bias = Number((alpha * (model.b - tSuggest) + logitOf(SUGGEST_SCORE)).toFixed(4));
  CLAIM_FEATURES.forEach((name, i) => console.log(`  ${name.padEnd(18)} ${weights[i]!.toFixed(3)}`));
  console.log(`  bias               ${bias.toFixed(3)}`);
  if (dry) return;
  const out = `/**
 * Generated by \`npm run train:claims\` (scripts/train-claims.ts); do not edit by hand.
 * Logistic regression over claimFeatures, fitted on ${served.length} dev pairs of ${new Set(served.map((e) => e.family)).size} families${LEXICON_DROPOUT ? ', each also seen without the word lists' : ''} (penalty ${penalty}).
 * Out-of-fold on held-out dev families: suggest (≥${SUGGEST_SCORE}) precision ${f(s.precision)} recall ${f(s.recall)}; auto-link (≥${LINK_SCORE}) precision ${f(l.precision)} recall ${f(l.recall)}.
 */
export const CLAIM_MODEL = {
  features: [${CLAIM_FEATURES.map((x) => `'${x}'`).join(', ')}],
  weights: [${weights.join(', ')}],
  bias: ${bias},
} as const;
`;
  writeFileSync(fileURLToPath(new URL('../src/text/claim-model.ts', import.meta.url)), out);
  console.log('wrote src/text/claim-model.ts');
}

main();
