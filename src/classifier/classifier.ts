import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TONES, type Classification, type Tone } from '../domain/classification';
import { isSector, SECTORS, type Sector } from '../domain/sector';
import { otherCategory, resolveCategory, type Taxonomy } from '../domain/taxonomy';
import type { AnalyzedText } from '../text/analyze';
import { DIM, extractFeatures, featureNames, type FeatureVector, FEATURE_SCHEME } from './features';
import { deserializeModel, type LinearHead, type ModelMeta } from './linear';
import { cueRisk, misinfoCues } from './misinfo-cues';
import { extractOrganisations } from './organisations';
import { loadTaxonomy } from './taxonomy';
import { calibrate, DEFAULT_THRESHOLDS, thresholdsOf, type Thresholds } from './thresholds';
import { urgencyCues, urgencyFromCues } from './urgency';

export interface TextClassifier {
  readonly version: string;
  classify(text: AnalyzedText): Classification;
  /** The few features that drove each label of `classify(text)` (same model, same text). */
  explain(text: AnalyzedText, perLabel?: number): Explanation;
  /** The binary outputs' probabilities before thresholds (for choosing them on validation). */
  raw?(text: AnalyzedText): RawScores;
}

export interface RawScores {
  complaint: number;
  urgency: number;
  /** The learned misinformation head alone. */
  misinformation: number;
}

/** One feature's push towards a label: a stem, a stem pair, a character n-gram, a lexicon or cue hit. */
export interface FeatureContribution {
  feature: string;
  /** Contribution to the label's score (log-odds units) over the other labels' mean. */
  weight: number;
}

export interface LabelExplanation {
  label: string;
  confidence: number;
  features: FeatureContribution[];
  /** Rule cues that fired (urgency, misinformation). */
  reasons?: string[];
}

export interface Explanation {
  modelVersion: string;
  sector: LabelExplanation;
  category: LabelExplanation;
  complaint: LabelExplanation;
  tone: LabelExplanation;
  urgency: LabelExplanation;
  misinformation: LabelExplanation;
}

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/dozor-classifier.bin.gz', import.meta.url));

export const HEADS = { sector: 'sector', complaint: 'complaint', misinformation: 'misinformation', tone: 'tone', urgency: 'urgency' } as const;
/** Category heads, one per sector: `category.<sector>`, labels are category codes. */
export const categoryHead = (sector: Sector) => `category.${sector}`;
/**
 * Weight rows of a category head: the buckets are folded (LinearHead.dim), so all ten heads take
 * ~3.5 MB and stay in cache; folding cost <0.005 category macro-F1 on the validation corpus.
 */
export const CATEGORY_DIM = 1 << 14;

/** All rule cues fed to the model as features: misinformation cues and `u:`-prefixed urgency cues. */
export function cuesOf(normalized: string): { misinfo: string[]; urgency: string[]; all: string[] } {
  const misinfo = misinfoCues(normalized);
  const urgency = urgencyCues(normalized);
  return { misinfo, urgency, all: [...misinfo, ...urgency.map((c) => `u:${c}`)] };
}

/**
 * Builds a classifier from trained heads (the trainer uses this too, before saving). The heads'
 * weights are copied into fused tables here: later changes to the heads are not seen.
 */
export function classifierFromHeads(
  meta: Pick<ModelMeta, 'version'> & { thresholds?: Thresholds },
  heads: ReadonlyMap<string, LinearHead>,
  taxonomy: Taxonomy = loadTaxonomy(),
): TextClassifier {
  const th = meta.thresholds ?? DEFAULT_THRESHOLDS;
  // Built in a separate function so the closures below capture only the packed tables and label
  // lists, never the heads' float weights (~20 MB that can then be freed).
  const { fused, categories, sectorLabels } = prepare(heads);
  // Offsets of each head's outputs in the fused score vector.
  const O = { sector: 0, complaint: 10, misinfo: 11, tone: 12, urgency: 15 } as const;
  const nSectors = sectorLabels.length;

  function run(text: AnalyzedText) {
    const cues = cuesOf(text.normalized);
    const x = extractFeatures(text, cues.all);
    const s = fused.scores(x);
    const sec = softmaxArgmax(s, O.sector, nSectors);
    const sectorLabel = sectorLabels[sec.best] as Sector;
    const catHead = categories.get(sectorLabel) as PackedHead;
    const cs = catHead.scores(x);
    const cat = softmaxArgmax(cs, 0, cs.length);
    const ton = softmaxArgmax(s, O.tone, 3);
    // Probabilities mapped so that the thresholds chosen on validation sit at 0.5.
    const pc = calibrate(sigmoid(s[O.complaint] as number), th.complaint);
    // The model learns phrasing and the cue features; the strongest hand-weighted cue pairs
    // («перешлите всем» + «власти скрывают») still raise the risk on their own.
    const pm = Math.max(calibrate(sigmoid(s[O.misinfo] as number), th.misinformation), cueRisk(cues.misinfo));
    // The danger rules set the floor; the learned head adds phrasing they miss.
    // A post without words (media only) describes no danger: the head's bias alone never flags it.
    const words = text.stems.length > 0;
    const pu = Math.max(words ? calibrate(sigmoid(s[O.urgency] as number), th.urgency) : 0, urgencyFromCues(cues.urgency));
    const category = resolveCategory(taxonomy, sectorLabel, catHead.labels[cat.best] ?? otherCategory(sectorLabel));
    const classification: Classification = {
      sector: { label: sectorLabel, confidence: round(sec.p) },
      category: { code: category.code, title: category.title, confidence: round(cat.p) },
      complaint: { value: pc >= 0.5, confidence: round(pc >= 0.5 ? pc : 1 - pc) },
      tone: { label: TONES[ton.best] as Tone, confidence: round(ton.p) },
      urgency: { value: pu >= 0.5, confidence: round(pu >= 0.5 ? pu : 1 - pu), reasons: cues.urgency },
      misinformation: { score: round(pm), reasons: cues.misinfo },
      organisations: extractOrganisations(text.normalized),
      modelVersion: meta.version,
    };
    return { classification, x, cues, sec: sec.best, cat: cat.best, ton: ton.best, catHead };
  }

  return {
    version: meta.version,
    classify: (text) => run(text).classification,
    raw(text) {
      const s = fused.scores(extractFeatures(text, cuesOf(text.normalized).all));
      return { complaint: sigmoid(s[O.complaint] as number), urgency: sigmoid(s[O.urgency] as number), misinformation: sigmoid(s[O.misinfo] as number) };
    },
    explain(text, perLabel = 5): Explanation {
      const r = run(text);
      const c = r.classification;
      const names = featureNames(text, r.cues.all);
      const top = (out: number, group: readonly [number, number] | null, sign = 1) =>
        named(fused.contributions(r.x, out, group, sign), names, perLabel);
      return {
        modelVersion: meta.version,
        sector: { label: c.sector.label, confidence: c.sector.confidence, features: top(O.sector + r.sec, [O.sector, nSectors]) },
        category: {
          label: c.category.code,
          confidence: c.category.confidence,
          features: named(r.catHead.contributions(r.x, r.cat), names, perLabel),
        },
        complaint: { label: c.complaint.value ? 'complaint' : 'not_complaint', confidence: c.complaint.confidence, features: top(O.complaint, null, c.complaint.value ? 1 : -1) },
        tone: { label: c.tone.label, confidence: c.tone.confidence, features: top(O.tone + r.ton, [O.tone, 3]) },
        urgency: { label: c.urgency.value ? 'urgent' : 'not_urgent', confidence: c.urgency.confidence, features: top(O.urgency, null, c.urgency.value ? 1 : -1), reasons: c.urgency.reasons },
        misinformation: {
          label: c.misinformation.score >= 0.5 ? 'risk' : 'low_risk',
          confidence: c.misinformation.score,
          features: top(O.misinfo, null, c.misinformation.score >= 0.5 ? 1 : -1),
          reasons: c.misinformation.reasons,
        },
      };
    },
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function softmaxArgmax(s: ArrayLike<number>, from: number, n: number): { best: number; p: number } {
  let best = 0;
  for (let i = 1; i < n; i++) if ((s[from + i] as number) > (s[from + best] as number)) best = i;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp((s[from + i] as number) - (s[from + best] as number));
  return { best, p: 1 / sum };
}

interface PackedHead {
  readonly labels: readonly string[];
  scores(x: FeatureVector): Float64Array;
  /** Per-feature contributions to label `c` over the mean of the other labels. */
  contributions(x: FeatureVector, c: number): [number, number][];
}

/**
 * A small head packed for scoring: int8 weights (one scale per head, as the model file stores
 * them, so a loaded model scores exactly as before) in rows of 8 bytes. All ten category heads
 * then take ~1.3 MB and stay in cache: scoring a category is cache hits, not ~200 misses.
 */
function packHead(h: LinearHead): PackedHead {
  const k = h.k;
  const stride = k <= 8 ? 8 : k;
  const mask = h.dim - 1;
  let max = 0;
  for (const v of h.weights) max = Math.max(max, Math.abs(v));
  const scale = max / 127 || 1;
  const q = new Int8Array(h.dim * stride);
  for (let b = 0; b < h.dim; b++) for (let c = 0; c < k; c++) q[b * stride + c] = Math.round((h.weights[b * k + c] as number) / scale);
  const bias = Float64Array.from(h.bias);
  return {
    labels: [...h.labels],
    contributions(x: FeatureVector, c: number): [number, number][] {
      const out: [number, number][] = [];
      for (let j = 0; j < x.idx.length; j++) {
        const row = ((x.idx[j] as number) & mask) * stride;
        let others = 0;
        for (let o = 0; o < k; o++) if (o !== c) others += q[row + o] as number;
        const wv = ((q[row + c] as number) - (k > 1 ? others / (k - 1) : 0)) * scale;
        out.push([x.idx[j] as number, wv * (x.val[j] as number)]);
      }
      return out;
    },
    scores(x: FeatureVector): Float64Array {
      const idx = x.idx;
      const val = x.val;
      const acc = new Float64Array(stride);
      if (stride === 8) {
        // Unrolled into locals: a loop over outputs with array stores is several times slower.
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0; // prettier-ignore
        for (let j = 0; j < idx.length; j++) {
          const r = ((idx[j] as number) & mask) * 8;
          const v = val[j] as number;
          a0 += (q[r] as number) * v;
          a1 += (q[r + 1] as number) * v;
          a2 += (q[r + 2] as number) * v;
          a3 += (q[r + 3] as number) * v;
          a4 += (q[r + 4] as number) * v;
          a5 += (q[r + 5] as number) * v;
          a6 += (q[r + 6] as number) * v;
          a7 += (q[r + 7] as number) * v;
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3; acc[4] = a4; acc[5] = a5; acc[6] = a6; acc[7] = a7; // prettier-ignore
      } else {
        for (let j = 0; j < idx.length; j++) {
          const row = ((idx[j] as number) & mask) * stride;
          const v = val[j] as number;
          for (let c = 0; c < k; c++) acc[c] = (acc[c] as number) + (q[row + c] as number) * v;
        }
      }
      const out = new Float64Array(k);
      for (let c = 0; c < k; c++) out[c] = (bias[c] as number) + (acc[c] as number) * scale;
      return out;
    },
  };
}

/** The strongest positive contributions, named; buckets the text does not name are skipped. */
function named(contribs: [number, number][], names: ReadonlyMap<number, string>, n: number): FeatureContribution[] {
  return contribs
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1])
    .flatMap(([b, w]) => {
      const feature = names.get(b);
      return feature ? [{ feature, weight: round(w) }] : [];
    })
    .slice(0, n);
}

function prepare(heads: ReadonlyMap<string, LinearHead>) {
  const need = (name: string) => {
    const h = heads.get(name);
    if (!h) throw new Error(`model is missing the ${name} head: retrain with npm run train`);
    return h;
  };
  const sector = need(HEADS.sector);
  const tone = need(HEADS.tone);
  if (sector.labels.some((l) => !isSector(l)) || sector.labels.length !== SECTORS.length) throw new Error('model sector labels do not match the domain');
  if (tone.labels.join() !== TONES.join()) throw new Error('model tone labels do not match the domain');
  return {
    fused: fuseHeads([sector, need(HEADS.complaint), need(HEADS.misinformation), tone, need(HEADS.urgency)]),
    categories: new Map(SECTORS.map((s) => [s, packHead(need(categoryHead(s)))])),
    sectorLabels: [...sector.labels] as Sector[],
  };
}

/** Stride of the fused weight rows: 10 sector + 2 binary + 3 tone + 1 urgency outputs = one 64-byte cache line. */
const STRIDE = 16;

/**
 * The heads' weights interleaved by feature bucket: a feature's 16 weights sit in 16 bytes,
 * so scoring a post costs one memory access per feature instead of one per feature per head
 * (hashed buckets are random accesses into 4 MB of int8; the cache misses are most of the cost).
 */
function fuseHeads(heads: readonly LinearHead[]) {
  const n = heads.reduce((a, h) => a + h.k, 0);
  if (n > STRIDE || heads.some((h) => h.dim !== DIM)) throw new Error('unexpected head shapes');
  // int8 weights with one scale per head, as the model file stores them (a loaded model scores
  // as its float copy did): 16 bytes per bucket, 4 MB in all, so far more of it stays in cache.
  const w = new Int8Array(DIM * STRIDE);
  // Padded to STRIDE (unused outputs score 0) so scoring always runs the unrolled loop.
  const bias = new Float64Array(STRIDE);
  const scale = new Float64Array(STRIDE);
  let off = 0;
  for (const h of heads) {
    let max = 0;
    for (const v of h.weights) max = Math.max(max, Math.abs(v));
    const sc = max / 127 || 1;
    for (let b = 0; b < DIM; b++) for (let c = 0; c < h.k; c++) w[b * STRIDE + off + c] = Math.round((h.weights[b * h.k + c] as number) / sc);
    for (let c = 0; c < h.k; c++) {
      bias[off + c] = h.bias[c] as number;
      scale[off + c] = sc;
    }
    off += h.k;
  }
  return {
    scores(x: FeatureVector): Float64Array {
      const idx = x.idx;
      const val = x.val;
      // Sixteen accumulators in locals: a loop over outputs with array stores is several times slower.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0, s15 = 0; // prettier-ignore
      for (let j = 0; j < idx.length; j++) {
        const r = (idx[j] as number) * STRIDE;
        const v = val[j] as number;
        s0 += (w[r] as number) * v;
        s1 += (w[r + 1] as number) * v;
        s2 += (w[r + 2] as number) * v;
        s3 += (w[r + 3] as number) * v;
        s4 += (w[r + 4] as number) * v;
        s5 += (w[r + 5] as number) * v;
        s6 += (w[r + 6] as number) * v;
        s7 += (w[r + 7] as number) * v;
        s8 += (w[r + 8] as number) * v;
        s9 += (w[r + 9] as number) * v;
        s10 += (w[r + 10] as number) * v;
        s11 += (w[r + 11] as number) * v;
        s12 += (w[r + 12] as number) * v;
        s13 += (w[r + 13] as number) * v;
        s14 += (w[r + 14] as number) * v;
        s15 += (w[r + 15] as number) * v;
      }
      const s = Float64Array.of(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15);
      for (let c = 0; c < STRIDE; c++) s[c] = (bias[c] as number) + (s[c] as number) * (scale[c] as number);
      return s;
    },
    /**
     * Per-feature contributions to output `out`: for a softmax group [from, size], over the mean
     * of the group's other outputs; for a binary output, times `sign` (−1 explains a "no").
     */
    contributions(x: FeatureVector, out: number, group: readonly [number, number] | null, sign: number): [number, number][] {
      const res: [number, number][] = [];
      for (let j = 0; j < x.idx.length; j++) {
        const row = (x.idx[j] as number) * STRIDE;
        let wv = (w[row + out] as number) * (scale[out] as number);
        if (group) {
          let others = 0;
          for (let c = group[0]; c < group[0] + group[1]; c++) if (c !== out) others += (w[row + c] as number) * (scale[c] as number);
          wv -= others / (group[1] - 1);
        }
        res.push([x.idx[j] as number, sign * wv * (x.val[j] as number)]);
      }
      return res;
    },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Loads the shipped (or given) model file. */
export async function loadClassifier(modelPath: string = DEFAULT_MODEL_PATH, taxonomy?: Taxonomy): Promise<TextClassifier> {
  const { meta, heads } = deserializeModel(await readFile(modelPath));
  if (meta.featureScheme !== FEATURE_SCHEME) {
    throw new Error(`${modelPath} was trained with features "${meta.featureScheme ?? 'unknown'}", this code extracts "${FEATURE_SCHEME}": retrain with npm run train`);
  }
  return classifierFromHeads({ version: meta.version, thresholds: thresholdsOf(meta.notes) }, heads, taxonomy);
}
