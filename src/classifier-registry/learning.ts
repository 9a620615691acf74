/**
 * Learning from operators: corrections become weighted training examples; a retrained model is
 * stored in the registry with its figures and activated only when the guard accepts it.
 */
import { createHash } from 'node:crypto';
import { classifierFromHeads, type TextClassifier } from '../classifier/classifier';
import { FEATURE_SCHEME } from '../classifier/features';
import { deserializeModel } from '../classifier/linear';
import { evaluate, trainModel, DEFAULT_OPTIONS, SHUFFLE_SCHEME, type Example, type TrainOptions, type ValidationSets } from '../classifier/train';
import { TONES, type Tone } from '../domain/classification';
import { isSector } from '../domain/sector';
import { categoryCodes } from '../domain/taxonomy';
import { loadTaxonomy } from '../classifier/taxonomy';
import { GUARD_TOLERANCE, guardDecision, RESHUFFLE_TOLERANCE, type GuardDecision, type GuardFigures } from './guard';
import type { ModelRecord, ModelRegistry } from './model-registry';

/**
 * Weight of one corrected post in training. Corpus examples weigh 3 and real appeals 0.3: a
 * correction is a human's verdict on the very post, so it weighs several corpus examples — enough
 * that the retrained model gives that post the corrected label, few enough that one mistaken
 * correction cannot drag a whole class (the guard catches what slips through).
 */
export const CORRECTION_WEIGHT = 30;

/** The stored shape of a correction the trainer needs (see corrections.repository.ts). */
export interface CorrectionForTraining {
  postId: string;
  at: string;
  field: string;
  newValue: unknown;
  text: string;
}

const isTone = (v: unknown): v is Tone => typeof v === 'string' && (TONES as readonly string[]).includes(v);

/**
 * One example per corrected post, carrying only the heads a human corrected (the rest stay null,
 * so they neither train nor score). A later correction of the same field wins. A category
 * correction trains the category head of the sector its code names (the corrections service only
 * accepts a code of the post's sector); codes the trainer's taxonomy (config/taxonomy.json) does
 * not know have no output to learn and are skipped, like fields no head learns (place,
 * organisation, ...), which are applied to the post but not trained on.
 */
export function correctionsToExamples(corrections: readonly CorrectionForTraining[], weight = CORRECTION_WEIGHT, knownCategories: ReadonlySet<string> = trainerCategories()): Example[] {
  const byPost = new Map<string, Example>();
  const sorted = [...corrections].sort((a, b) => a.at.localeCompare(b.at));
  for (const c of sorted) {
    if (!c.text.trim()) continue;
    const e = byPost.get(c.postId) ?? { text: c.text, sector: null, complaint: null, misinformation: null, urgent: null, category: null, tone: null, weight };
    switch (c.field) {
      case 'sector':
        if (isSector(c.newValue)) e.sector = c.newValue;
        break;
      case 'complaint':
        if (typeof c.newValue === 'boolean') e.complaint = c.newValue;
        break;
      case 'misinformation':
        if (typeof c.newValue === 'boolean') e.misinformation = c.newValue;
        break;
      case 'urgency':
        if (typeof c.newValue === 'boolean') e.urgent = c.newValue;
        break;
      case 'category':
        if (typeof c.newValue === 'string' && knownCategories.has(c.newValue)) e.category = c.newValue;
        break;
      case 'tone':
        if (isTone(c.newValue)) e.tone = c.newValue;
        break;
      default:
        break;
    }
    byPost.set(c.postId, e);
  }
  return [...byPost.values()].filter((e) => e.sector !== null || e.complaint !== null || e.misinformation !== null || e.urgent != null || e.category != null || e.tone != null);
}

let trainerCategoryCache: ReadonlySet<string> | undefined;
/** The category codes the trainer's heads have outputs for (the default taxonomy). */
function trainerCategories(): ReadonlySet<string> {
  trainerCategoryCache ??= new Set(categoryCodes(loadTaxonomy()));
  return trainerCategoryCache;
}

/** Largest weight one SGD step takes: a corpus example's. */
export const MAX_STEP_WEIGHT = 3;

/**
 * A heavy example becomes several copies of at most MAX_STEP_WEIGHT each. Weight multiplies the
 * SGD step, so one example of weight 30 would be one step ten times too long — it jolts shared
 * features (character n-grams, the bias) and costs other posts their labels. Ten ordinary steps,
 * shuffled through the epoch, teach the same post without the jolt.
 */
export function spreadWeight(examples: readonly Example[]): Example[] {
  return examples.flatMap((e) => {
    const n = Math.max(1, Math.ceil(e.weight / MAX_STEP_WEIGHT));
    return Array.from({ length: n }, () => ({ ...e, weight: e.weight / n }));
  });
}

/** A content id of the training input: same examples, options and features → same model. */
export function trainingHash(examples: readonly Example[], opts: TrainOptions): string {
  const h = createHash('sha256');
  h.update(`${FEATURE_SCHEME}\n${JSON.stringify(opts)}\n`);
  for (const e of examples) h.update(`${JSON.stringify([e.text, e.sector, e.category ?? null, e.complaint, e.misinformation, e.urgent ?? null, e.tone ?? null, e.weight, e.svmWeight ?? null])}\n`);
  return h.digest('hex');
}

/** A classifier from model file bytes, exactly as a worker would load it (int8 weights). */
export function classifierFromBytes(bytes: Buffer): TextClassifier {
  const { meta, heads } = deserializeModel(bytes);
  if (meta.featureScheme !== FEATURE_SCHEME) throw new Error(`model ${meta.version} uses features "${meta.featureScheme}", this code extracts "${FEATURE_SCHEME}"`);
  return classifierFromHeads(meta, heads);
}

export function guardFigures(clf: TextClassifier, testSet: Example[]): GuardFigures {
  const r = evaluate(clf, testSet);
  return { sectorMacroF1: r.sectorMacroF1, complaintAcc: r.complaintAcc, misinfoF1: r.misinfoF1 };
}

export interface RetrainInput {
  /** Corpus (and other) training examples. */
  base: Example[];
  /** Examples made from corrections (correctionsToExamples). */
  corrections: Example[];
  /** The held-out test split the guard compares on. */
  testSet: Example[];
  /** More labelled sets to record figures for (not guarded). */
  evaluateOn?: Record<string, Example[]>;
  /** Validation sets the thresholds are chosen on (without: 0.5). */
  validation?: ValidationSets;
  /**
   * When `base` adds validation data back (a refit): the base examples every choice was made on.
   * A threshold whose validation set `base` trains on is chosen with a model trained on these plus
   * the corrections (trainModel's `selection`).
   */
  selectionBase?: Example[];
  /** Counts per training source, for the record. */
  dataSummary?: Record<string, number>;
  train?: Partial<TrainOptions>;
  /** Store the model but never activate it. */
  dryRun?: boolean;
  /** Who asked (user name or `cli:<os user>`), for the pointer and history. */
  actor: string;
}

export interface RetrainResult {
  record: ModelRecord;
  decision: GuardDecision;
  activated: boolean;
  previous: string | null;
  /** Why the baseline could not be loaded, if so. */
  baselineProblem?: string;
  classifier: TextClassifier;
}

/**
 * Trains on base + corrections, evaluates the candidate and the active model on the same test
 * split (both as loaded from their files), stores the candidate with its figures and parent, and
 * activates it only if the guard accepts. Never touches the active model otherwise.
 */
export async function retrain(deps: { registry: ModelRegistry }, input: RetrainInput): Promise<RetrainResult> {
  const opts = { ...DEFAULT_OPTIONS, ...input.train };
  const examples = [...input.base, ...spreadWeight(input.corrections)];
  const hash = trainingHash(examples, opts);
  const version = `dozor-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${hash.slice(0, 10)}`;

  let baseline: GuardFigures | null = null;
  let parent: string | null = null;
  let baselineProblem: string | undefined;
  let baselineShuffle: unknown;
  try {
    // Keep the parent restorable even if it is the shipped file, which developers rebuild.
    if ((await deps.registry.active()).source === 'shipped') await deps.registry.adoptShipped();
    const active = await deps.registry.active();
    parent = active.version;
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(active.path);
    baseline = guardFigures(classifierFromBytes(bytes), input.testSet);
    baselineShuffle = deserializeModel(bytes).meta.notes.shuffle;
  } catch (err) {
    baselineProblem = (err as Error).message;
  }

  const trained = trainModel(examples, {
    version,
    corpusHash: hash.slice(0, 12),
    train: opts,
    notes: { trainCounts: { ...input.dataSummary, corrections: input.corrections.length } },
    ...(input.evaluateOn ? { evaluateOn: input.evaluateOn } : {}),
    ...(input.validation ? { validation: input.validation } : {}),
    ...(input.selectionBase ? { selection: [...input.selectionBase, ...spreadWeight(input.corrections)] } : {}),
  });
  const classifier = classifierFromBytes(trained.bytes);
  const candidate = guardFigures(classifier, input.testSet);
  // An active model trained in another epoch order differs by a full reshuffle: allow for that noise.
  const reshuffled = baseline !== null && baselineShuffle !== SHUFFLE_SCHEME;
  const decision = guardDecision(candidate, baseline, reshuffled ? RESHUFFLE_TOLERANCE : GUARD_TOLERANCE);
  if (baselineProblem && baseline === null) decision.reasons = [`no baseline: ${baselineProblem}`];

  const figures = (trained.meta.notes.figures as Record<string, unknown> | undefined) ?? {};
  const record = await deps.registry.save(trained.bytes, {
    version,
    trainedAt: trained.meta.trainedAt,
    parent,
    metrics: { test: candidate, ...figures },
    data: { ...input.dataSummary, corrections: input.corrections.length, total: examples.length },
    guard: { accept: decision.accept, reasons: decision.reasons, deltas: decision.deltas },
  });

  let activated = false;
  if (decision.accept && !input.dryRun && version !== parent) {
    await deps.registry.activate(version, { actor: input.actor, reason: decision.deltas ? `retrained; guard passed (${JSON.stringify(decision.deltas)}${reshuffled ? '; active model trained in another order: reshuffle tolerance' : ''})` : 'retrained; no baseline' });
    activated = true;
  }
  return { record, decision, activated, previous: parent, ...(baselineProblem ? { baselineProblem } : {}), classifier };
}
