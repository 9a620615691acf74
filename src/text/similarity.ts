/**
 * Near-duplicate similarity of short Russian texts: "do these two posts say the same thing?".
 *
 * A text becomes a set of features — word stems cut to a common prefix (so `отключили` and
 * `отключение` meet), numbers (house numbers, route numbers, times) and nothing else: stop words,
 * placeholders and one-letter tokens are dropped. Two texts are compared by the Jaccard index of
 * their feature sets, exactly (`jaccard`) or estimated from MinHash signatures (`minhash`,
 * `estimateJaccard`); `lshBands` turns a signature into bucket keys so candidates are found
 * without comparing against everything.
 *
 * Pure and total: any string in, never an exception out. Used by incident grouping and by the
 * misinformation desk's claim matching.
 */
import { analyze, stem } from './analyze';

/** Stems are cut to this many characters: Porter leaves suffixes that differ across word forms. */
export const STEM_PREFIX = 6;
/**
 * Incident grouping cuts shorter (посёлок/поселк, мёрзнут/мерзн, прорвало/прорыв meet): chosen
 * on the tuning pairs of `npm run eval:grouping`, where it raised recall at equal precision.
 */
export const GROUPING_STEM_PREFIX = 5;
/** MinHash signature length: the estimate's standard error is about sqrt(J(1-J)/k) ≈ 0.06. */
export const MINHASH_SIZE = 64;

// Function words and fillers: they say nothing about what a post is about.
const STOP_WORDS = new Set(
  (
    'и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только ее её мне было вот от меня еще ещё нет о об из ему ' +
    'теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где ' +
    'есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ' +
    'ним здесь этом один почти мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше ' +
    'тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им ' +
    'более всегда конечно всю между это очень снова весь вся свой наш наша наши наше ваш это эта сегодня вчера уже просто который которая ' +
    'которые которых также там тут вообще пожалуйста спасибо люди народ кто-нибудь что-то кто-то когда-нибудь почему сколько'
  ).split(/\s+/),
);
const PLACEHOLDERS = new Set(['urlx', 'mentionx', 'emojix', 'emojipos', 'emojineg']);
// Stop words are matched on stems so that the pipeline, which keeps only stems, needs no re-analysis.
const STOP_STEMS = new Set([...STOP_WORDS].map(stem));
const DIGITS = /^\d+$/;

/** The feature set of a text: sorted, unique. Numbers are kept as `#<n>`. */
export function similarityFeatures(text: string): string[] {
  return featuresFromStems(analyze(text).stems);
}

/** The same features from a text's stems (`analyze(text).stems`, or a stored `text_stems` split on spaces). */
export function featuresFromStems(stems: readonly string[], prefix = STEM_PREFIX): string[] {
  const out = new Set<string>();
  for (const s of stems) {
    if (DIGITS.test(s)) {
      // Leading zeros and absurd lengths (phone numbers) carry no place information.
      if (s.length <= 6) out.add(`#${String(Number(s))}`);
      continue;
    }
    if (s.length < 3 || STOP_STEMS.has(s) || STOP_WORDS.has(s) || PLACEHOLDERS.has(s)) continue;
    out.add(s.length > prefix ? s.slice(0, prefix) : s);
  }
  return [...out].sort();
}

/** 32-bit FNV-1a of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Feature hashes, sorted ascending and unique: a compact, comparable form of the feature set. */
export function featureHashes(features: readonly string[]): number[] {
  return [...new Set(features.map(hash32))].sort((a, b) => a - b);
}

/** Exact Jaccard index of two sorted unique number arrays (1 for two empty sets is avoided: 0). */
export function jaccard(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}

/** Jaccard similarity of two texts' feature sets. */
export function textSimilarity(a: string, b: string): number {
  return jaccard(featureHashes(similarityFeatures(a)), featureHashes(similarityFeatures(b)));
}

// murmur3's finaliser: a cheap, well-mixed permutation of 32-bit values.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS: readonly number[] = Array.from({ length: MINHASH_SIZE }, (_, i) => fmix32(0x9e3779b9 + i * 0x632be5ab));

/**
 * MinHash signature of a set of feature hashes: for each of the first `size` (at most
 * `MINHASH_SIZE`) permutations the smallest permuted value. An empty set gives all-0xffffffff
 * (similar to nothing non-empty).
 */
export function minhash(hashes: readonly number[], size = MINHASH_SIZE): Uint32Array {
  if (!Number.isInteger(size) || size < 1 || size > MINHASH_SIZE) throw new RangeError(`minhash: size ${size} outside 1..${MINHASH_SIZE}`);
  const sig = new Uint32Array(size).fill(0xffffffff);
  for (const h of hashes) {
    for (let k = 0; k < size; k++) {
      const v = fmix32((h ^ (SEEDS[k] as number)) >>> 0);
      if (v < (sig[k] as number)) sig[k] = v;
    }
  }
  return sig;
}

/** Share of equal positions of two signatures: an unbiased estimate of the sets' Jaccard index. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let same = 0;
  for (let k = 0; k < n; k++) if (a[k] === b[k] && a[k] !== 0xffffffff) same++;
  return same / n;
}

/**
 * Locality-sensitive bucket keys: the signature cut into bands of `rows` values, each band
 * hashed. Two sets with Jaccard J share at least one key with probability 1-(1-J^rows)^bands;
 * with rows=2 and 32 bands that is 0.95 at J=0.3 and 0.99+ at J=0.5.
 */
export function lshBands(sig: Uint32Array, rows = 2): string[] {
  const keys: string[] = [];
  for (let start = 0, band = 0; start + rows <= sig.length; start += rows, band++) {
    if (sig[start] === 0xffffffff) continue;
    let h = 0x811c9dc5 ^ band;
    for (let r = 0; r < rows; r++) h = fmix32((h ^ (sig[start + r] as number)) >>> 0);
    keys.push(`${band}:${h.toString(36)}`);
  }
  return keys;
}

/**
 * Bands of incident grouping's candidate search: 16 single-value bands. A post and an open incident
 * with Jaccard J share one with probability 1-(1-J)^16: 0.997 at the link threshold (0.30), 0.94 at
 * the suggestion threshold (0.16); candidates are ranked by how many they share (about 16·J). Chosen
 * over 32 two-value bands (0.95 at 0.30, 0.56 at 0.16) for half the bucket work per post in Redis
 * and as many tuning pairs found (`npm run eval:grouping` prints the share of pairs found).
 */
export const GROUPING_BANDS = 16;

/** The LSH bucket keys grouping files a post's feature hashes under (not yet scoped to a municipality). */
export function groupingBands(features: readonly number[]): string[] {
  return lshBands(minhash(features, GROUPING_BANDS), 1);
}
