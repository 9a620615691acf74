/**
 * The reusable training core: trains every head of the classifier on labelled examples and
 * evaluates a classifier on a labelled set. scripts/train.ts (the CLI: data loading, the guard,
 * the model registry) and scripts/eval.ts call it. Deterministic (seeded, insertion-stable shuffle).
 *
 * All heads are linear over the same hashed sparse features (./features.ts), trained by AdaGrad
 * (multinomial / binary logistic regression with L2) — or the first models' plain SGD. DEFAULT_OPTIONS
 * were chosen on validation data (Feb 2021 appeals), never on a test set; docs/CLASSIFIER.md.
 */
import { analyze } from '../text/analyze';
import { TONES, type Tone } from '../domain/classification';
import { SECTORS, type Sector } from '../domain/sector';
import { categoryCodes, otherCategory } from '../domain/taxonomy';
import { CATEGORY_DIM, categoryHead, classifierFromHeads, cuesOf, HEADS, type TextClassifier } from './classifier';
import { DIM, extractFeatures, FEATURE_SCHEME, FEATURE_WEIGHTS, type FeatureVector } from './features';
import { LinearHead, serializeModel, type ModelMeta } from './linear';
import { accuracy, binaryF1, macroF1, perClass } from './metrics';
import { cueRisk } from './misinfo-cues';
import { loadTaxonomy } from './taxonomy';
import { chooseThreshold, chooseThresholdMeanAccuracy, type Thresholds } from './thresholds';
import { urgencyFromCues } from './urgency';

/** One labelled training or evaluation example. */
export interface Example {
  text: string;
  /** null: this set says nothing about that head, so it does not train or score it. */
  sector: Sector | null;
  complaint: boolean | null;
  misinformation: boolean | null;
  urgent?: boolean | null;
  /** Problem category code (`housing.heating`); trains the category head of the sector it names. */
  category?: string | null;
  tone?: Tone | null;
  /** Relative weight in training (a corpus post: 3). */
  weight: number;
  /**
   * Weight in the SVM-fitted heads (their cost is C × this / 3) when it differs from `weight`: the
   * real appeals take small AdaGrad steps (0.3) but count as a corpus post in the max-margin fit
   * (chosen on the Feb 2021 appeals, docs/CLASSIFIER.md).
   */
  svmWeight?: number;
}

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
  /** L2 of the complaint head when it differs from `l2` (experiments: scripts/corpus/tune-complaint.ts). */
  complaintL2?: number;
  /**
   * Share of the written social set (`ValidationSets.complaintSocial`) in the complaint threshold's
   * objective: the threshold maximises (1 − s) × accuracy on the mixed Feb 2021 set + s × accuracy
   * on the social set. Unset (0): the mixed set alone chooses, the social set is only measured
   * (its accuracy goes into the model's notes). 0.5 raises the social set from 0.831 to 0.850 but
   * lowers the synthetic corpus's test figure from 0.915 to 0.898, under its 0.90 floor
   * (docs/CLASSIFIER.md, Thresholds).
   */
  complaintSocialWeight?: number;
  /** Epoch from which the weights are averaged (≥ epochs: no averaging). */
  averageFrom: number;
  /** Sector classes weighted by (mean class weight / class weight)^balance: 0 = as is, 1 = fully balanced. */
  sectorBalance: number;
  /** Extra weight of the positive class of the urgency head (urgent posts are rare). */
  urgentPosWeight: number;
  /**
   * 'adagrad': per-coordinate rates (`lr` is AdaGrad's η, `decay` unused), to convergence on real
   * text in ~10 epochs; 'sgd': the first models' plain SGD with a decaying rate.
   */
  optimizer?: 'sgd' | 'adagrad';
  /**
   * When set, the misinformation head is fitted as a linear SVM (squared hinge, dual coordinate
   * descent, LinearHead.fitSvm) instead of by the optimiser above. C is the cost of a corpus post
   * (weight 3): an example's cost is C × svmWeight / 3 (× misinfoPosWeight for a rumour).
   */
  misinfoSvmC?: number;
  /** When set, the sector head is ten one-vs-rest linear SVMs with this C (as misinfoSvmC). */
  sectorSvmC?: number;
  /**
   * With sectorSvmC: the sector head is an ensemble, α × the AdaGrad softmax head + (1 − α) × the
   * SVMs (their margins scaled to log-odds) — one linear head, so inference is unchanged. α here.
   */
  sectorEnsemble?: number;
}

/**
 * AdaGrad, 5 epochs, L2 1e-4: chosen on the Feb 2021 appeals (validation) among L2 1e-6 … 1e-3
 * (sector macro-F1 0.797, 0.792, 0.793, 0.786, 0.770): the strongest regularisation within 0.005
 * of the best. Plain SGD (8 epochs, the first models' optimiser) reached 0.719 on the same data.
 * The sector head is 0.65 × that AdaGrad head + 0.35 × one-vs-rest SVMs with C 0.5 (Feb 2021 0.806
 * vs AdaGrad 0.793, synthetic validation corpus 0.844 vs 0.831; scripts/corpus/tune-sector.ts,
 * docs/CLASSIFIER.md).
 */
export const DEFAULT_OPTIONS: TrainOptions = { epochs: 5, lr: 0.3, decay: 1, l2: 1e-4, misinfoPosWeight: 8, complaintNegWeight: 0.7, averageFrom: 99, sectorBalance: 0, urgentPosWeight: 3, optimizer: 'adagrad', misinfoSvmC: 0.9, sectorSvmC: 0.5, sectorEnsemble: 0.65 };

/** Passes of dual coordinate descent for the SVM-fitted heads (as the baseline: at most 10). */
const SVM_PASSES = 10;

/**
 * Names the epoch order the trainer uses, in every model's meta (`notes.shuffle`). Models trained
 * with different orders differ by a full reshuffle, which the activation guard allows for.
 */
export const SHUFFLE_SCHEME = 'text-hash-1';

/** murmur3's 32-bit finaliser: a cheap, well-mixed integer hash. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Two 32-bit FNV-1a hashes (different offsets) of a string: a 64-bit identity of the text. */
function textHash(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return [a >>> 0, b >>> 0];
}

/**
 * Identity keys for the insertion-stable shuffle: the text's hash and how many earlier examples
 * had the same text (copies made by spreading a heavy example's weight, duplicates in the corpus).
 * An example's key depends on its text and on nothing added after it.
 */
export function shuffleKeys(texts: readonly string[]): [number, number][] {
  const seen = new Map<string, number>();
  return texts.map((t) => {
    const n = seen.get(t) ?? 0;
    seen.set(t, n + 1);
    const [a, b] = textHash(t);
    return [fmix32(a + Math.imul(n, 0x9e3779b9)), fmix32(b ^ n)];
  });
}

/**
 * A seeded order of the items by a hash of their keys — not a position-based Fisher–Yates: adding
 * (or removing) items keeps the relative order of all the others, so one more correction does not
 * reorder the whole epoch and the retrained model differs from its parent only by what was added.
 * Each seed (epoch) gives an independent order; ties (hash collisions) keep input order.
 */
export function stableShuffle<T>(items: readonly T[], keys: readonly (readonly [number, number])[], seed: number): T[] {
  if (keys.length !== items.length) throw new Error(`stableShuffle: ${items.length} items, ${keys.length} keys`);
  const s1 = fmix32(seed ^ 0x5bd1e995);
  const s2 = fmix32(s1 + 0x27d4eb2f);
  const order = keys.map(([a, b], i) => ({ i, k1: fmix32(a ^ s1), k2: fmix32(b ^ s2) }));
  order.sort((x, y) => x.k1 - y.k1 || x.k2 - y.k2 || x.i - y.i);
  return order.map(({ i }) => items[i] as T);
}

export function featuresOf(text: string): FeatureVector {
  const a = analyze(text);
  return extractFeatures(a, cuesOf(a.normalized).all);
}

export function evaluate(clf: TextClassifier, set: Example[]) {
  const preds = set.map((e) => clf.classify(analyze(e.text)));
  const pairs = set.map((e, i) => [e, preds[i]!] as const);
  const withSector = pairs.filter(([e]) => e.sector !== null);
  const sectorReports = perClass(SECTORS, withSector.map(([e]) => e.sector as string), withSector.map(([, p]) => p.sector.label));
  const withComplaint = pairs.filter(([e]) => e.complaint !== null);
  const withMisinfo = pairs.filter(([e]) => e.misinformation !== null);
  const withUrgent = pairs.filter(([e]) => e.urgent !== null && e.urgent !== undefined);
  const withTone = pairs.filter(([e]) => e.tone !== null && e.tone !== undefined);
  const withCategory = pairs.filter(([e]) => e.category);
  const categoryReports = perClass(categoryCodes(loadTaxonomy()), withCategory.map(([e]) => e.category as string), withCategory.map(([, p]) => p.category.code));
  return {
    // NaN where the set has no labels for a head (JSON: null).
    sectorMacroF1: withSector.length ? macroF1(sectorReports) : NaN,
    sectorReports,
    complaintAcc: withComplaint.length ? accuracy(withComplaint.map(([e]) => e.complaint), withComplaint.map(([, p]) => p.complaint.value)) : NaN,
    misinfoF1: withMisinfo.length ? binaryF1(withMisinfo.map(([e]) => e.misinformation as boolean), withMisinfo.map(([, p]) => p.misinformation.score >= 0.5)) : NaN,
    urgentF1: withUrgent.length ? binaryF1(withUrgent.map(([e]) => e.urgent as boolean), withUrgent.map(([, p]) => p.urgency.value)) : NaN,
    toneMacroF1: withTone.length ? macroF1(perClass(TONES, withTone.map(([e]) => e.tone as string), withTone.map(([, p]) => p.tone.label))) : NaN,
    /** Category macro-F1 over all codes present (a wrong sector makes its category wrong too). */
    categoryMacroF1: withCategory.length ? macroF1(categoryReports) : NaN,
    categoryReports,
  };
}

/** Trains every head; returns the heads and a classifier built from them (not yet serialised). */
export function train(examples: Example[], version: string, opts: TrainOptions = DEFAULT_OPTIONS): { heads: Map<string, LinearHead>; classifier: TextClassifier } {
  const { epochs: EPOCHS, lr: LR, l2: L2 } = opts;
  const sector = new LinearHead(HEADS.sector, SECTORS);
  const complaint = new LinearHead(HEADS.complaint, ['no', 'yes']);
  const misinfo = new LinearHead(HEADS.misinformation, ['no', 'yes']);
  const tone = new LinearHead(HEADS.tone, TONES);
  const urgent = new LinearHead(HEADS.urgency, ['no', 'yes']);
  // One category head per sector over the default taxonomy's codes (always with «прочие»).
  const taxonomy = loadTaxonomy();
  const categories = new Map(
    SECTORS.map((s) => {
      const codes = taxonomy.sectors[s].map((c) => c.code);
      return [s, new LinearHead(categoryHead(s), codes.length === 2 ? [...codes, '-'] : codes, undefined, undefined, CATEGORY_DIM)];
    }),
  );
  const all = [sector, complaint, misinfo, tone, urgent, ...categories.values()];
  const xs = examples.map((e) => ({ e, x: featuresOf(e.text) }));
  const keys = shuffleKeys(examples.map((e) => e.text));
  const mass = new Map<string, number>();
  for (const e of examples) if (e.sector !== null) mass.set(e.sector, (mass.get(e.sector) ?? 0) + e.weight);
  const meanMass = [...mass.values()].reduce((a, b) => a + b, 0) / Math.max(1, mass.size);
  const sectorW = new Map([...mass].map(([s, m]) => [s, Math.pow(meanMass / m, opts.sectorBalance)]));
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    if (epoch === opts.averageFrom) for (const h of all) h.startAveraging();
    const adagrad = opts.optimizer === 'adagrad';
    const lr = adagrad ? LR : LR / (1 + opts.decay * epoch);
    const step = (h: LinearHead, x: FeatureVector, label: number, w: number, l2 = L2) => (adagrad ? h.adagradUpdate(x, label, lr, l2, w) : h.update(x, label, lr, l2, w));
    for (const { e, x } of stableShuffle(xs, keys, 1000 + epoch)) {
      if (e.sector !== null && (!opts.sectorSvmC || opts.sectorEnsemble !== undefined)) step(sector, x, SECTORS.indexOf(e.sector), e.weight * (sectorW.get(e.sector) ?? 1));
      if (e.complaint !== null) step(complaint, x, e.complaint ? 1 : 0, e.weight * (e.complaint ? 1 : opts.complaintNegWeight), opts.complaintL2 ?? L2);
      // Rumours are rare: weigh them up so the head does not learn to always say no.
      if (e.misinformation !== null && !opts.misinfoSvmC) step(misinfo, x, e.misinformation ? 1 : 0, e.weight * (e.misinformation ? opts.misinfoPosWeight : 1));
      if (e.tone !== null && e.tone !== undefined) step(tone, x, TONES.indexOf(e.tone), e.weight);
      if (e.urgent !== null && e.urgent !== undefined) step(urgent, x, e.urgent ? 1 : 0, e.weight * (e.urgent ? opts.urgentPosWeight : 1));
      // The code names its sector (`housing.heating`): a category-only example (an operator's
      // correction) trains that sector's head even without a sector label.
      const catSector = e.category ? (e.category.slice(0, e.category.indexOf('.')) as Sector) : null;
      const head = catSector ? categories.get(catSector) : undefined;
      if (head && catSector) {
        const at = head.labels.indexOf(e.category as string);
        step(head, x, at >= 0 ? at : head.labels.indexOf(otherCategory(catSector)), e.weight);
      }
    }
  }
  // The SVM-fitted heads: the same insertion-stable order per pass as the epochs above, over the
  // examples that carry the head's label.
  const svmFit = (h: LinearHead, C: number, has: (e: Example) => boolean, cols: readonly ((e: Example) => boolean)[], posWeight = 1) => {
    const at = xs.flatMap(({ e }, i) => (has(e) ? [i] : []));
    const sub = at.map((i) => keys[i] as [number, number]);
    const local = at.map((_, j) => j);
    const ex = at.map((i) => (xs[i] as { e: Example }).e);
    const fx = at.map((i) => (xs[i] as { x: FeatureVector }).x);
    cols.forEach((target, c) => {
      const costs = Float64Array.from(ex, (e) => (C * (e.svmWeight ?? e.weight) * (target(e) ? posWeight : 1)) / 3);
      h.fitSvm(c, fx, ex.map(target), costs, (pass) => stableShuffle(local, sub, 1000 + pass), SVM_PASSES);
    });
  };
  if (opts.misinfoSvmC) svmFit(misinfo, opts.misinfoSvmC, (e) => e.misinformation !== null, [(e) => e.misinformation === true], opts.misinfoPosWeight);
  if (opts.sectorSvmC) {
    const alpha = opts.sectorEnsemble;
    const svm = alpha === undefined ? sector : new LinearHead(HEADS.sector, SECTORS);
    svmFit(svm, opts.sectorSvmC, (e) => e.sector !== null, SECTORS.map((s) => (e: Example) => e.sector === s));
    // SVM decision values are margins, not log-odds: scale them so the softmax confidence means
    // something (the scale with the least log loss on the training examples; argmax unchanged).
    scaleToLogOdds(svm, xs.filter(({ e }) => e.sector !== null).map(({ e, x }) => ({ x, label: SECTORS.indexOf(e.sector as Sector), weight: e.svmWeight ?? e.weight })));
    if (alpha !== undefined) {
      for (let i = 0; i < sector.weights.length; i++) sector.weights[i] = alpha * (sector.weights[i] as number) + (1 - alpha) * (svm.weights[i] as number);
      for (let c = 0; c < sector.bias.length; c++) sector.bias[c] = alpha * (sector.bias[c] as number) + (1 - alpha) * (svm.bias[c] as number);
    }
  }
  for (const h of all) {
    h.finishAveraging();
    h.dropOptimiserState();
  }
  const heads = new Map(all.map((h) => [h.name, h]));
  return { heads, classifier: classifierFromHeads({ version }, heads) };
}

/** Multiplies a softmax head's weights by the factor (1 … 30) with the least weighted log loss on `set`. */
export function scaleToLogOdds(h: LinearHead, set: readonly { x: FeatureVector; label: number; weight: number }[]): number {
  const scored = set.map(({ x, label, weight }) => ({ s: h.scores(x), label, weight }));
  const loss = (t: number) => {
    let sum = 0;
    for (const { s, label, weight } of scored) {
      let max = -Infinity;
      for (const v of s) max = Math.max(max, t * v);
      let z = 0;
      for (const v of s) z += Math.exp(t * v - max);
      sum += weight * (max + Math.log(z) - t * (s[label] as number));
    }
    return sum;
  };
  let best = 1;
  let bestLoss = loss(1);
  for (let t = 1.5; t <= 30; t += 0.5) {
    const l = loss(t);
    if (l < bestLoss) [best, bestLoss] = [t, l];
  }
  for (let i = 0; i < h.weights.length; i++) h.weights[i] = (h.weights[i] as number) * best;
  for (let c = 0; c < h.bias.length; c++) h.bias[c] = (h.bias[c] as number) * best;
  return best;
}

/** Labelled validation sets for the thresholds: written apart from both training and test. */
export interface ValidationSets {
  /** Mixed real set: appeals (complaints) and ordinary posts; accuracy is maximised. */
  complaint: Example[];
  /**
   * Short social complaints and hard non-complaints (data/written/complaint-val.jsonl): always
   * measured at the complaint threshold (the model's notes: `complaintSocialAcc`); it takes part
   * in choosing the threshold by `TrainOptions.complaintSocialWeight`.
   */
  complaintSocial?: Example[];
  /** Urgent and non-urgent posts; F1 of «urgent» is maximised. */
  urgency: Example[];
  /** Rumours and non-rumours; F1 of «rumour» is maximised. */
  misinformation: Example[];
}

/**
 * Thresholds of the learned heads chosen on validation. An output is «yes» when its head's
 * probability reaches the threshold or its rules fire (urgency cues, a strong misinformation cue
 * pair), so rule-flagged items count as scored 1 here.
 */
export function chooseThresholds(clf: TextClassifier, v: ValidationSets, complaintSocialWeight = 0): { thresholds: Thresholds; validation: Record<string, number> } {
  if (!clf.raw) throw new Error('chooseThresholds: the classifier exposes no raw scores');
  const raw = clf.raw.bind(clf);
  const scored = (set: Example[], label: (e: Example) => boolean | null | undefined, score: (text: string) => number) => {
    const kept = set.filter((e) => label(e) !== null && label(e) !== undefined);
    return { scores: kept.map((e) => score(e.text)), gold: kept.map((e) => label(e) as boolean) };
  };
  const c = scored(v.complaint, (e) => e.complaint, (t) => raw(analyze(t)).complaint);
  const cs = scored(v.complaintSocial ?? [], (e) => e.complaint, (t) => raw(analyze(t)).complaint);
  const u = scored(v.urgency, (e) => e.urgent, (t) => {
    const a = analyze(t);
    return urgencyFromCues(cuesOf(a.normalized).urgency) >= 0.5 ? 1 : raw(a).urgency;
  });
  const m = scored(v.misinformation, (e) => e.misinformation, (t) => {
    const a = analyze(t);
    return cueRisk(cuesOf(a.normalized).misinfo) >= 0.5 ? 1 : raw(a).misinformation;
  });
  // The mixed set chooses (weight 1 alone: chooseThreshold's accuracy-best cut); the social set is measured and, by its weight, chooses too.
  const ct = chooseThresholdMeanAccuracy([
    { ...c, weight: 1 - complaintSocialWeight },
    { ...cs, weight: complaintSocialWeight },
  ]);
  const ut = chooseThreshold(u.scores, u.gold, 'f1');
  const mt = chooseThreshold(m.scores, m.gold, 'f1');
  // A threshold of 1 or more would switch a head off; keep it inside (0, 1).
  const clamp = (t: number) => Math.min(0.98, Math.max(0.02, t));
  return {
    thresholds: { complaint: clamp(ct.threshold), urgency: clamp(ut.threshold), misinformation: clamp(mt.threshold) },
    validation: {
      complaintAcc: ct.values[0] as number,
      ...(cs.gold.length ? { complaintSocialAcc: ct.values[1] as number, complaintSocialN: cs.gold.length, complaintSocialWeight } : {}),
      urgentF1: ut.value,
      misinfoF1: mt.value,
      complaintN: c.gold.length,
      urgencyN: u.gold.length,
      misinformationN: m.gold.length,
    },
  };
}

/**
 * Thresholds for a model trained on `examples`: chosen on its own validation sets, except those
 * whose set overlaps `examples`, which come from a model trained on `selection` (notes say which).
 */
function refitThresholds(clf: TextClassifier, examples: readonly Example[], v: ValidationSets, selection: Example[] | undefined, opts: TrainOptions, version: string): { thresholds: Thresholds; validation: Record<string, unknown> } {
  const seen = new Set(examples.map((e) => e.text));
  // The sets that choose a threshold (the social complaint set is never trained on).
  const overlapping = (['complaint', 'urgency', 'misinformation'] as const).filter((k) => v[k].some((e) => seen.has(e.text)));
  const own = chooseThresholds(clf, v, opts.complaintSocialWeight);
  if (overlapping.length === 0) return own;
  if (!selection) throw new Error(`trainModel: the ${overlapping.join(', ')} validation set shares texts with the training examples; pass \`selection\` (the data the choices were made on)`);
  const before = chooseThresholds(train(selection, `${version}-selection`, opts).classifier, v, opts.complaintSocialWeight);
  const thresholds = { ...own.thresholds };
  const validation: Record<string, unknown> = { ...own.validation };
  for (const k of overlapping) thresholds[k] = before.thresholds[k];
  // The figures of the kept thresholds are the selection model's (the refit model's own on those sets would be seen data).
  if (overlapping.includes('complaint')) validation.complaintAcc = before.validation.complaintAcc;
  if (overlapping.includes('urgency')) validation.urgentF1 = before.validation.urgentF1;
  if (overlapping.includes('misinformation')) validation.misinfoF1 = before.validation.misinfoF1;
  validation.chosenOnSelectionModel = overlapping;
  validation.selectionThresholds = before.thresholds;
  validation.refitOwnThresholds = own.thresholds;
  return { thresholds, validation };
}

export interface TrainedModel {
  /** The serialised model file (gzip), ready to write or store in a registry. */
  bytes: Buffer;
  meta: ModelMeta;
  classifier: TextClassifier;
}

/**
 * Trains on `examples`, evaluates the result on `evaluateOn` and serialises it with those figures
 * and the caller's `notes` (counts, sources) in its meta. The version is the caller's.
 */
export function trainModel(
  examples: Example[],
  options: {
    version: string;
    corpusHash: string;
    train?: Partial<TrainOptions>;
    notes?: Record<string, unknown>;
    /** Labelled sets to evaluate the new model on; their figures go into the notes (`figures`). */
    evaluateOn?: Record<string, Example[]>;
    /** Validation sets to choose the thresholds on (stored in the notes); without: 0.5. */
    validation?: ValidationSets;
    /**
     * The examples every choice was made on, when `examples` adds the validation data back (a
     * refit). A threshold whose validation set shares a text with `examples` (the complaint
     * threshold: its set holds the Feb 2021 appeals) is chosen with a model trained on these, on
     * the same validation set, then kept for the refit model; the others are chosen on the refit
     * model. Without it such a threshold would be chosen on texts the model was trained on: refused.
     */
    selection?: Example[];
  },
): TrainedModel {
  const opts = { ...DEFAULT_OPTIONS, ...options.train };
  const trained = train(examples, options.version, opts);
  const { heads } = trained;
  const chosen = options.validation ? refitThresholds(trained.classifier, examples, options.validation, options.selection, opts, options.version) : null;
  const classifier = chosen ? classifierFromHeads({ version: options.version, thresholds: chosen.thresholds }, heads) : trained.classifier;
  const figures: Record<string, unknown> = {};
  for (const [name, set] of Object.entries(options.evaluateOn ?? {})) {
    const f = evaluate(classifier, set);
    figures[name] = { sectorMacroF1: f.sectorMacroF1, complaintAcc: f.complaintAcc, misinfoF1: f.misinfoF1, urgentF1: f.urgentF1, toneMacroF1: f.toneMacroF1, categoryMacroF1: f.categoryMacroF1 };
  }
  const meta: ModelMeta = {
    version: options.version,
    trainedAt: new Date().toISOString(),
    corpusHash: options.corpusHash,
    dim: DIM,
    featureScheme: FEATURE_SCHEME,
    notes: {
      features: { ...FEATURE_WEIGHTS, hashBits: Math.log2(DIM) },
      options: opts,
      shuffle: SHUFFLE_SCHEME,
      ...options.notes,
      ...(chosen ? { thresholds: chosen.thresholds, validation: chosen.validation } : {}),
      ...(options.evaluateOn ? { figures } : {}),
    },
  };
  return { bytes: serializeModel(meta, [...heads.values()]), meta, classifier };
}
