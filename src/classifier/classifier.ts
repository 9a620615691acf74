import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Classification } from '../domain/classification';
import { isSector, SECTORS, type Sector } from '../domain/sector';
import type { AnalyzedText } from '../text/analyze';
import { DIM, extractFeatures, type FeatureVector, FEATURE_SCHEME } from './features';
import { deserializeModel, type LinearHead, type ModelMeta } from './linear';
import { cueRisk, misinfoCues } from './misinfo-cues';

export interface TextClassifier {
  readonly version: string;
  classify(text: AnalyzedText): Classification;
}

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/dozor-classifier.bin.gz', import.meta.url));

export const HEADS = { sector: 'sector', complaint: 'complaint', misinformation: 'misinformation' } as const;

/**
 * Builds a classifier from trained heads (the trainer uses this too, before saving). The heads'
 * weights are copied into one fused table here: later changes to the heads are not seen.
 */
export function classifierFromHeads(meta: Pick<ModelMeta, 'version'>, heads: ReadonlyMap<string, LinearHead>): TextClassifier {
  const sector = heads.get(HEADS.sector);
  const complaint = heads.get(HEADS.complaint);
  const misinfo = heads.get(HEADS.misinformation);
  if (!sector || !complaint || !misinfo) throw new Error('model is missing a head (sector, complaint, misinformation)');
  if (sector.labels.some((l) => !isSector(l)) || sector.labels.length !== SECTORS.length) throw new Error('model sector labels do not match the domain');

  const fused = fuseHeads(sector, complaint, misinfo);
  const nSectors = sector.labels.length;
  return {
    version: meta.version,
    classify(text: AnalyzedText): Classification {
      const cues = misinfoCues(text.normalized);
      const x = extractFeatures(text, cues);
      const s = fused.scores(x);
      // Softmax over the sector outputs, logistic for the two binary heads.
      let best = 0;
      for (let i = 1; i < nSectors; i++) if ((s[i] as number) > (s[best] as number)) best = i;
      let sum = 0;
      for (let i = 0; i < nSectors; i++) sum += Math.exp((s[i] as number) - (s[best] as number));
      const pBest = 1 / sum;
      const pc = sigmoid(s[nSectors] as number);
      // The model learns phrasing; the cues generalise to phrasing it never saw. Either can raise the risk.
      const pm = Math.max(sigmoid(s[nSectors + 1] as number), cueRisk(cues));
      return {
        sector: { label: sector.labels[best] as Sector, confidence: round(pBest) },
        complaint: { value: pc >= 0.5, confidence: round(pc >= 0.5 ? pc : 1 - pc) },
        misinformation: { score: round(pm), reasons: cues },
        modelVersion: meta.version,
      };
    },
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Stride of the fused weight rows: 10 sector + 2 binary outputs, padded to one 64-byte cache line. */
const STRIDE = 16;

/**
 * All heads' weights interleaved by feature bucket: a feature's 12 weights sit in one cache line,
 * so scoring a post costs one memory access per feature instead of one per feature per head
 * (hashed buckets are random accesses into ~10 MB; the cache misses are most of the cost).
 */
function fuseHeads(sector: LinearHead, complaint: LinearHead, misinfo: LinearHead) {
  const ks = sector.k;
  if (ks + 2 > STRIDE || complaint.k !== 1 || misinfo.k !== 1) throw new Error('unexpected head shapes');
  const w = new Float32Array(DIM * STRIDE);
  for (let b = 0; b < DIM; b++) {
    const row = b * STRIDE;
    for (let c = 0; c < ks; c++) w[row + c] = sector.weights[b * ks + c] as number;
    w[row + ks] = complaint.weights[b] as number;
    w[row + ks + 1] = misinfo.weights[b] as number;
  }
  const bias = new Float64Array(ks + 2);
  for (let c = 0; c < ks; c++) bias[c] = sector.bias[c] as number;
  bias[ks] = complaint.bias[0] as number;
  bias[ks + 1] = misinfo.bias[0] as number;
  const n = ks + 2;
  return {
    scores(x: FeatureVector): Float64Array {
      const s = bias.slice();
      const idx = x.idx;
      const val = x.val;
      for (let j = 0; j < idx.length; j++) {
        const row = (idx[j] as number) * STRIDE;
        const v = val[j] as number;
        for (let c = 0; c < n; c++) s[c] = (s[c] as number) + (w[row + c] as number) * v;
      }
      return s;
    },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Loads the shipped (or given) model file. */
export async function loadClassifier(modelPath: string = DEFAULT_MODEL_PATH): Promise<TextClassifier> {
  const { meta, heads } = deserializeModel(await readFile(modelPath));
  if (meta.featureScheme !== FEATURE_SCHEME) {
    throw new Error(`${modelPath} was trained with features "${meta.featureScheme ?? 'unknown'}", this code extracts "${FEATURE_SCHEME}": retrain with npm run train`);
  }
  return classifierFromHeads(meta, heads);
}
