import type { AnalyzedText } from '../text/analyze';

/**
 * Sparse features by the hashing trick: no vocabulary to store or look up, constant memory, and
 * unseen words still land somewhere. Features: stems (topic), stem bigrams (short phrases like
 * «нет отопления»), and character 3–5-grams of each word with boundary marks (Russian endings and
 * typos: «атапление» shares most n-grams with «отопление»).
 */
export const HASH_BITS = 18;
export const DIM = 1 << HASH_BITS;
const MASK = DIM - 1;

/** Longest text (in tokens) that contributes features; a 50 KB post costs no more than this. */
const MAX_TOKENS = 400;

// FNV-1a over UTF-16 units with a namespace seed: fast, and good enough spread for 2^18 buckets.
function hash(seed: number, s: string): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) & MASK;
}

const SEED_STEM = 2166136261;
const SEED_BIGRAM = 374761393;
const SEED_CHAR = 668265263;
const SEED_CUE = 1274126177;

export interface FeatureVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Features of one post, l2-normalised so long and short posts weigh alike. */
export function extractFeatures(text: AnalyzedText, cues: readonly string[] = []): FeatureVector {
  const counts = new Map<number, number>();
  const add = (i: number, v = 1) => counts.set(i, (counts.get(i) ?? 0) + v);
  const n = Math.min(text.stems.length, MAX_TOKENS);
  for (let t = 0; t < n; t++) {
    const stem = text.stems[t] as string;
    add(hash(SEED_STEM, stem));
    if (t + 1 < n) add(hash(SEED_BIGRAM, `${stem} ${text.stems[t + 1] as string}`));
    const token = text.tokens[t] as string;
    if (token.length >= 3 && token.length <= 30) {
      const w = `^${token}$`;
      for (let k = 3; k <= 5; k++) for (let p = 0; p + k <= w.length; p++) add(hash(SEED_CHAR, w.slice(p, p + k)), 0.5);
    }
  }
  for (const c of cues) add(hash(SEED_CUE, c), 2);
  // Punctuation carries register: questions, exclamations.
  if (text.normalized.includes('?')) add(hash(SEED_CUE, '?'));
  if (text.normalized.includes('!')) add(hash(SEED_CUE, '!'));
  if (n === 0) add(hash(SEED_CUE, '<empty>'));

  const idx = new Int32Array(counts.size);
  const val = new Float32Array(counts.size);
  let norm = 0;
  let j = 0;
  for (const [i, v] of counts) {
    idx[j] = i;
    val[j] = v;
    norm += v * v;
    j++;
  }
  const inv = 1 / Math.sqrt(norm || 1);
  for (let k = 0; k < val.length; k++) val[k] = (val[k] as number) * inv;
  return { idx, val };
}
