/**
 * `npx tsx scripts/train.ts` — trains the classifier on the project corpus, the mapped St
 * Petersburg appeals and RuSentiTweet chatter, reports figures on the held-out sets, and writes
 * models/dozor-classifier.bin.gz. Deterministic (seeded shuffle).
 *
 * Three heads (sector softmax, complaint and misinformation logistic) over the same hashed sparse
 * features (src/classifier/features.ts: stems, stem bigrams, character 3–5-grams, sector and
 * register lexicon hits, cue features), plain SGD. DEFAULT_OPTIONS and the feature weights were
 * chosen on a validation corpus built from train-side fragments only (scripts/corpus/tune.ts),
 * never on the test split. `npm run eval` gives the full figures and the natural baseline.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { classifierFromHeads, DEFAULT_MODEL_PATH, HEADS, type TextClassifier } from '../src/classifier/classifier';
import { extractFeatures, DIM, FEATURE_WEIGHTS, type FeatureVector, FEATURE_SCHEME } from '../src/classifier/features';
import { LinearHead, serializeModel, type ModelMeta } from '../src/classifier/linear';
import { accuracy, binaryF1, macroF1, perClass } from '../src/classifier/metrics';
import { misinfoCues } from '../src/classifier/misinfo-cues';
import { SECTORS } from '../src/domain/sector';
import { analyze } from '../src/text/analyze';
import { loadCorpus, loadSpb, loadTweets, type Example } from './corpus/datasets';

export interface TrainOptions {
  epochs: number;
  lr: number;
  /** Learning-rate decay per epoch: lr / (1 + decay × epoch). */
  decay: number;
  l2: number;
  /** Extra weight of the positive class of the misinformation head (rumours are rare). */
  misinfoPosWeight: number;
  /** Weight multipliers per source, on top of each example's own weight. */
  complaintNegWeight: number;
  /** Epoch from which the weights are averaged (≥ epochs: no averaging). */
  averageFrom: number;
  /** Sector classes weighted by (mean class weight / class weight)^balance: 0 = as is, 1 = fully balanced. */
  sectorBalance: number;
}

export const DEFAULT_OPTIONS: TrainOptions = { epochs: 8, lr: 0.4, decay: 1, l2: 1e-7, misinfoPosWeight: 8, complaintNegWeight: 0.7, averageFrom: 99, sectorBalance: 0 };

function shuffle<T>(xs: T[], seed: number): T[] {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

export function featuresOf(text: string): FeatureVector {
  const a = analyze(text);
  return extractFeatures(a, misinfoCues(a.normalized));
}

export function evaluate(clf: TextClassifier, set: Example[]) {
  const preds = set.map((e) => clf.classify(analyze(e.text)));
  const withSector = set.map((e, i) => [e, preds[i]!] as const).filter(([e]) => e.sector !== null);
  const sectorReports = perClass(SECTORS, withSector.map(([e]) => e.sector as string), withSector.map(([, p]) => p.sector.label));
  const withComplaint = set.map((e, i) => [e, preds[i]!] as const).filter(([e]) => e.complaint !== null);
  const withMisinfo = set.map((e, i) => [e, preds[i]!] as const).filter(([e]) => e.misinformation !== null);
  return {
    sectorMacroF1: macroF1(sectorReports),
    sectorReports,
    complaintAcc: accuracy(withComplaint.map(([e]) => e.complaint), withComplaint.map(([, p]) => p.complaint.value)),
    misinfoF1: binaryF1(withMisinfo.map(([e]) => e.misinformation as boolean), withMisinfo.map(([, p]) => p.misinformation.score >= 0.5)),
  };
}

export function train(examples: Example[], version: string, opts: TrainOptions = DEFAULT_OPTIONS): { heads: Map<string, LinearHead>; classifier: TextClassifier } {
  const { epochs: EPOCHS, lr: LR, l2: L2 } = opts;
  const sector = new LinearHead(HEADS.sector, SECTORS);
  const complaint = new LinearHead(HEADS.complaint, ['no', 'yes']);
  const misinfo = new LinearHead(HEADS.misinformation, ['no', 'yes']);
  const xs = examples.map((e) => ({ e, x: featuresOf(e.text) }));
  const mass = new Map<string, number>();
  for (const e of examples) if (e.sector !== null) mass.set(e.sector, (mass.get(e.sector) ?? 0) + e.weight);
  const meanMass = [...mass.values()].reduce((a, b) => a + b, 0) / Math.max(1, mass.size);
  const sectorW = new Map([...mass].map(([s, m]) => [s, Math.pow(meanMass / m, opts.sectorBalance)]));
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    if (epoch === opts.averageFrom) for (const h of [sector, complaint, misinfo]) h.startAveraging();
    const lr = LR / (1 + opts.decay * epoch);
    for (const { e, x } of shuffle(xs, 1000 + epoch)) {
      if (e.sector !== null) sector.update(x, SECTORS.indexOf(e.sector), lr, L2, e.weight * (sectorW.get(e.sector) ?? 1));
      if (e.complaint !== null) complaint.update(x, e.complaint ? 1 : 0, lr, L2, e.weight * (e.complaint ? 1 : opts.complaintNegWeight));
      // Rumours are rare: weigh them up so the head does not learn to always say no.
      if (e.misinformation !== null) misinfo.update(x, e.misinformation ? 1 : 0, lr, L2, e.weight * (e.misinformation ? opts.misinfoPosWeight : 1));
    }
  }
  for (const h of [sector, complaint, misinfo]) h.finishAveraging();
  const heads = new Map([sector, complaint, misinfo].map((h) => [h.name, h]));
  return { heads, classifier: classifierFromHeads({ version }, heads) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = performance.now();
  const corpusTrain = loadCorpus('train');
  const spbTrain = loadSpb('train');
  const tweetsTrain = loadTweets('train');
  const all = [...corpusTrain, ...spbTrain, ...tweetsTrain];
  const corpusHash = createHash('sha256').update(all.map((e) => e.text).join('\n')).digest('hex').slice(0, 12);
  const version = `dozor-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${corpusHash.slice(0, 8)}`;
  const { heads, classifier } = train(all, version);
  const corpusTest = evaluate(classifier, loadCorpus('test'));
  const spbTest = evaluate(classifier, loadSpb('test'));
  const tweetsTest = evaluate(classifier, loadTweets('test', 2000));
  const meta: ModelMeta = {
    version,
    trainedAt: new Date().toISOString(),
    corpusHash,
    dim: DIM,
    featureScheme: FEATURE_SCHEME,
    notes: {
      features: { ...FEATURE_WEIGHTS, hashBits: Math.log2(DIM) },
      options: DEFAULT_OPTIONS,
      trainCounts: { corpus: corpusTrain.length, spbAppeals: spbTrain.length, rusentitweet: tweetsTrain.length },
      corpusTest: { sectorMacroF1: corpusTest.sectorMacroF1, complaintAcc: corpusTest.complaintAcc, misinfoF1: corpusTest.misinfoF1 },
      spbTest: { sectorMacroF1: spbTest.sectorMacroF1 },
      tweetsTest: { notComplaintAcc: tweetsTest.complaintAcc },
    },
  };
  writeFileSync(DEFAULT_MODEL_PATH, serializeModel(meta, [...heads.values()]));
  process.stderr.write(`trained ${version} on ${all.length} examples in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  process.stderr.write(`${JSON.stringify(meta.notes, null, 1)}\n`);
}
