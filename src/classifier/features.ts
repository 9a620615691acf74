import type { AnalyzedText } from '../text/analyze';
import { lexiconRegisters, lexiconSectors } from './lexicon';

/**
 * Sparse features by the hashing trick: no vocabulary to store or look up, constant memory, and
 * unseen words still land somewhere. Features: stems (topic), stem bigrams (short phrases like
 * «нет отопления»), and character 3–5-grams of each word with boundary marks (Russian endings and
 * typos: «атапление» shares most n-grams with «отопление»), plus cue features.
 *
 * Hot path (every post, ~10 µs): hashes are computed incrementally over UTF-16 units (an n-gram's
 * hash extends its prefix's, so no substring is ever allocated) and counts go into one reusable
 * dense buffer with a list of touched buckets, not a Map.
 */
export const HASH_BITS = 18;
export const DIM = 1 << HASH_BITS;
const MASK = DIM - 1;

/** Longest text (in tokens) that contributes features; a 50 KB post costs no more than this. */
export const MAX_FEATURE_TOKENS = 400;
/** Words longer than this get no character n-grams (junk: base64, keyboard mashing). */
const MAX_NGRAM_WORD = 30;

const FNV_PRIME = 16777619;
const SEED_STEM = 2166136261;
const SEED_BIGRAM = 374761393;
const SEED_CHAR = 668265263;
const SEED_CUE = 1274126177;
const BOUNDARY = 0x5e; // '^' and '$' mark word edges for character n-grams
const END = 0x24;

/** FNV-1a step over one UTF-16 unit. */
const step = (h: number, c: number) => Math.imul(h ^ c, FNV_PRIME);
function extend(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}
/** Final avalanche so the low bits used as the bucket depend on every input unit. */
function bucket(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & MASK;
}

export interface FeatureVector {
  idx: Int32Array;
  val: Float32Array;
}

/**
 * Human-readable names of the features of a text, by bucket (for explanations and debugging):
 * the same walk as `extractFeatures`, naming instead of counting. Where two features share a
 * bucket, the more readable one (stem, phrase, lexicon, cue) keeps the name.
 */
export function featureNames(text: AnalyzedText, cues: readonly string[] = []): Map<number, string> {
  const names = new Map<number, string>();
  const name = (b: number, n: string) => {
    if (!names.has(b)) names.set(b, n);
  };
  const lexWords = new Map<number, { label: string; words: Set<string> }>();
  const addWord = (b: number, label: string, word: string) => {
    const e = lexWords.get(b);
    if (e) e.words.add(word);
    else lexWords.set(b, { label, words: new Set([word]) });
  };
  const { stems, tokens } = text;
  const n = Math.min(stems.length, MAX_FEATURE_TOKENS);
  for (const c of cues) name(bucket(extend(SEED_CUE, c)), `cue:${c}`);
  for (let t = 0; t < n; t++) {
    const stem = stems[t] as string;
    name(bucket(extend(SEED_STEM, stem)), stem);
    if (t + 1 < n) name(bucket(extend(step(extend(SEED_BIGRAM, stem), 32), stems[t + 1] as string)), `${stem} ${stems[t + 1] as string}`);
    for (const sec of lexiconSectors(stem) ?? []) addWord(lexBucket(sec), `lexicon:${sec}`, stem);
    for (const r of lexiconRegisters(stem) ?? []) addWord(lexBucket('reg:' + r), `register:${r}`, stem);
  }
  // Lexicon features name the words that hit them: «lexicon:housing (отоплен, ук)».
  for (const [b, { label, words }] of lexWords) name(b, `${label} (${[...words].slice(0, 4).join(', ')})`);
  for (const [mark, label] of [['?', 'punct:?'], ['!', 'punct:!'], ['<empty>', 'empty text']] as const) name(bucket(extend(SEED_CUE, mark)), label);
  for (let t = 0; t < n; t++) {
    const token = tokens[t] as string;
    const len = token.length;
    if (len < 3 || len > MAX_NGRAM_WORD) continue;
    const marked = `^${token}$`;
    for (let p = 0; p + 3 <= marked.length; p++) {
      let h = SEED_CHAR;
      const maxK = Math.min(FEATURE_WEIGHTS.maxN, marked.length - p);
      for (let k = 0; k < maxK; k++) {
        h = step(h, marked.charCodeAt(p + k));
        if (k >= FEATURE_WEIGHTS.minN - 1) name(bucket(h), `chars:${marked.slice(p, p + k + 1)}`);
      }
    }
  }
  return names;
}

/**
 * Names the feature extraction a model was trained with. Change it whenever features change:
 * hashed weights from another scheme would load fine and classify as noise.
 */
export const FEATURE_SCHEME = 'dozor-features-5';

/**
 * Feature weights (exported for the trainer's experiments; the shipped model fixes them). Character
 * n-grams at 0.6 (features-5; was 0.8): on the validation sets the sector head keeps the Feb 2021
 * appeals (0.806 both) and gains on the synthetic validation corpus (0.852 vs 0.844); 0.5 and 0.4
 * lose on the appeals (scripts/corpus/tune-refit.ts, docs/CLASSIFIER.md).
 */
export const FEATURE_WEIGHTS = { stem: 1, bigram: 1, char: 0.6, minN: 3, maxN: 5, lex: 2, reg: 2, lexWord: 0 };

const SEED_LEX = 2246822519;
const LEX_BUCKETS = new Map<string, number>();
function lexBucket(sector: string): number {
  let b = LEX_BUCKETS.get(sector);
  if (b === undefined) LEX_BUCKETS.set(sector, (b = bucket(extend(SEED_LEX, sector))));
  return b;
}

// Reused between calls: a dense accumulator and the list of buckets touched in this call.
const acc = new Float32Array(DIM);
let touched = new Int32Array(4096);
let nTouched = 0;

function add(i: number, v: number): void {
  if (acc[i] === 0) {
    if (nTouched === touched.length) {
      const grown = new Int32Array(touched.length * 2);
      grown.set(touched);
      touched = grown;
    }
    touched[nTouched++] = i;
  }
  // A bucket whose sum returns to exactly 0 would be listed twice; weights are all positive.
  acc[i] = (acc[i] as number) + v;
}

/** Features of one post, l2-normalised so long and short posts weigh alike. */
export function extractFeatures(text: AnalyzedText, cues: readonly string[] = []): FeatureVector {
  nTouched = 0;
  const { stems, tokens } = text;
  const n = Math.min(stems.length, MAX_FEATURE_TOKENS);
  for (let t = 0; t < n; t++) {
    const stem = stems[t] as string;
    const hs = extend(SEED_STEM, stem);
    add(bucket(hs), FEATURE_WEIGHTS.stem);
    const lex = FEATURE_WEIGHTS.lex > 0 ? lexiconSectors(stem) : undefined;
    if (lex) for (const sec of lex) add(lexBucket(sec), FEATURE_WEIGHTS.lex);
    const reg = FEATURE_WEIGHTS.reg > 0 ? lexiconRegisters(stem) : undefined;
    if (reg) for (const r of reg) add(lexBucket('reg:' + r), FEATURE_WEIGHTS.reg);
    if (t + 1 < n) add(bucket(extend(step(extend(SEED_BIGRAM, stem), 32), stems[t + 1] as string)), FEATURE_WEIGHTS.bigram);
    const token = tokens[t] as string;
    const len = token.length;
    if (len >= 3 && len <= MAX_NGRAM_WORD) {
      // Word with boundary marks: positions 0..len+1, where 0 is '^' and len+1 is '$'.
      const wl = len + 2;
      for (let p = 0; p + 3 <= wl; p++) {
        let h = SEED_CHAR;
        const maxK = Math.min(FEATURE_WEIGHTS.maxN, wl - p);
        for (let k = 0; k < maxK; k++) {
          const q = p + k;
          h = step(h, q === 0 ? BOUNDARY : q === wl - 1 ? END : token.charCodeAt(q - 1));
          if (k >= FEATURE_WEIGHTS.minN - 1) add(bucket(h), FEATURE_WEIGHTS.char);
        }
      }
    }
  }
  if (FEATURE_WEIGHTS.lexWord > 0) {
    // Experiment: each stem crossed with each sector the post's lexicon hits name.
    const secs = new Set<string>();
    for (let t = 0; t < n; t++) for (const sec of lexiconSectors(stems[t] as string) ?? []) secs.add(sec);
    for (const sec of secs) {
      const hs = step(extend(SEED_LEX, sec), 124);
      for (let t = 0; t < n; t++) add(bucket(extend(hs, stems[t] as string)), FEATURE_WEIGHTS.lexWord);
    }
  }
  for (const c of cues) add(bucket(extend(SEED_CUE, c)), 2);
  // Punctuation carries register: questions, exclamations.
  if (text.normalized.includes('?')) add(bucket(extend(SEED_CUE, '?')), 1);
  if (text.normalized.includes('!')) add(bucket(extend(SEED_CUE, '!')), 1);
  if (n === 0) add(bucket(extend(SEED_CUE, '<empty>')), 1);

  const idx = new Int32Array(nTouched);
  const val = new Float32Array(nTouched);
  let norm = 0;
  for (let j = 0; j < nTouched; j++) {
    const i = touched[j] as number;
    const v = acc[i] as number;
    idx[j] = i;
    val[j] = v;
    norm += v * v;
    acc[i] = 0;
  }
  const inv = 1 / Math.sqrt(norm || 1);
  for (let k = 0; k < nTouched; k++) val[k] = (val[k] as number) * inv;
  return { idx, val };
}

