/**
 * The strong baseline `npm run eval` trains beside the model in the same run: TF-IDF over
 * character 2–5-grams (within words, with boundary marks) and word 1–2-grams, l2-normalised, and a
 * one-vs-rest linear SVM (L2-regularised squared hinge loss, dual coordinate descent — the
 * algorithm of LIBLINEAR / scikit-learn's LinearSVC, Hsieh et al. 2008). It is what a competent
 * engineer would try first; the model has to beat it on real text, not on our own synthetic split.
 *
 * Features are hashed into 2^20 buckets (collisions are rare at this size); IDF is smooth
 * (scikit-learn's: ln((1 + n) / (1 + df)) + 1) and computed on the training texts only.
 */

const BITS = 20;
const MASK = (1 << BITS) - 1;
const SEED_WORD = 2166136261;
const SEED_BIGRAM = 2654435761;
const SEED_CHAR = 3266489917;

function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) & MASK;
}

export interface SparseRow {
  idx: Int32Array;
  val: Float32Array;
}

/** Word tokens of a text for the baseline: lowercased, ё → е, letters and digits. */
export function baselineTokens(text: string): string[] {
  return text.toLowerCase().replaceAll('ё', 'е').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Term counts of a text by hashed bucket (raw tf; IDF and normalisation come later). */
export function termCounts(text: string): Map<number, number> {
  const tf = new Map<number, number>();
  const add = (b: number) => tf.set(b, (tf.get(b) ?? 0) + 1);
  const words = baselineTokens(text);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    add(finish(fnv(SEED_WORD, w)));
    if (i + 1 < words.length) add(finish(fnv(fnv(SEED_BIGRAM, w), ' ' + (words[i + 1] as string))));
    const m = ` ${w} `;
    for (let n = 2; n <= 5; n++) for (let p = 0; p + n <= m.length; p++) add(finish(fnv(SEED_CHAR, m.slice(p, p + n))));
  }
  return tf;
}

export class TfidfVectorizer {
  private idf = new Float32Array(0);

  fit(texts: readonly string[]): this {
    const df = new Uint32Array(1 << BITS);
    for (const t of texts) for (const b of termCounts(t).keys()) df[b] = (df[b] as number) + 1;
    const n = texts.length;
    this.idf = new Float32Array(1 << BITS);
    for (let b = 0; b < df.length; b++) this.idf[b] = Math.log((1 + n) / (1 + (df[b] as number))) + 1;
    return this;
  }

  transform(text: string): SparseRow {
    if (this.idf.length === 0) throw new Error('TfidfVectorizer: fit before transform');
    const tf = termCounts(text);
    const idx = new Int32Array(tf.size);
    const val = new Float32Array(tf.size);
    let j = 0;
    let norm = 0;
    for (const [b, c] of tf) {
      const v = c * (this.idf[b] as number);
      idx[j] = b;
      val[j++] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm || 1);
    for (let k = 0; k < val.length; k++) val[k] = (val[k] as number) * inv;
    return { idx, val };
  }
}

/** Deterministic PRNG for the coordinate order (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Binary L2-regularised L2-loss linear SVM by dual coordinate descent. `y` is ±1; returns the
 * weights (with a bias feature of value 1 in the last slot, as LIBLINEAR's `-B 1`).
 */
export function trainLinearSvm(rows: readonly SparseRow[], y: Int8Array, opts: { C: number; maxIter: number; eps?: number; seed?: number }): Float64Array {
  const n = rows.length;
  const dim = 1 << BITS;
  const w = new Float64Array(dim + 1);
  const alpha = new Float64Array(n);
  const D = 1 / (2 * opts.C);
  const qii = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1; // the bias feature
    const v = (rows[i] as SparseRow).val;
    for (let k = 0; k < v.length; k++) s += (v[k] as number) * (v[k] as number);
    qii[i] = s + D;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rand = rng(opts.seed ?? 1);
  const eps = opts.eps ?? 0.1;
  for (let iter = 0; iter < opts.maxIter; iter++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (let o = 0; o < n; o++) {
      const i = order[o] as number;
      const r = rows[i] as SparseRow;
      const yi = y[i] as number;
      let dot = w[dim] as number;
      for (let k = 0; k < r.idx.length; k++) dot += (w[r.idx[k] as number] as number) * (r.val[k] as number);
      const ai = alpha[i] as number;
      const g = yi * dot - 1 + D * ai;
      const pg = ai === 0 ? Math.min(g, 0) : g;
      maxPg = Math.max(maxPg, pg);
      minPg = Math.min(minPg, pg);
      if (pg === 0) continue;
      const next = Math.max(ai - g / (qii[i] as number), 0);
      const d = (next - ai) * yi;
      alpha[i] = next;
      if (d === 0) continue;
      for (let k = 0; k < r.idx.length; k++) w[r.idx[k] as number] = (w[r.idx[k] as number] as number) + d * (r.val[k] as number);
      w[dim] = (w[dim] as number) + d;
    }
    if (maxPg - minPg < eps) break;
  }
  return w;
}

/** Trained SVM weights, kept dense (float32) or, for the many small category heads, sparse. */
export type SvmWeights = { dense: Float32Array; bias: number } | { sparse: Map<number, number>; bias: number };

function pack(w: Float64Array, sparse: boolean): SvmWeights {
  const bias = w[w.length - 1] as number;
  if (!sparse) return { dense: Float32Array.from(w.subarray(0, w.length - 1)), bias };
  const m = new Map<number, number>();
  for (let b = 0; b < w.length - 1; b++) if (w[b] !== 0) m.set(b, w[b] as number);
  return { sparse: m, bias };
}

export function svmScore(w: SvmWeights, x: SparseRow): number {
  let s = w.bias;
  if ('dense' in w) for (let k = 0; k < x.idx.length; k++) s += (w.dense[x.idx[k] as number] as number) * (x.val[k] as number);
  else for (let k = 0; k < x.idx.length; k++) s += (w.sparse.get(x.idx[k] as number) ?? 0) * (x.val[k] as number);
  return s;
}

/** One-vs-rest over `labels`: the label with the highest decision value wins. */
export class OneVsRestSvm {
  private readonly ws: SvmWeights[] = [];
  constructor(readonly labels: readonly string[]) {}

  fit(rows: readonly SparseRow[], gold: readonly string[], opts: { C: number; maxIter: number; sparse?: boolean }): this {
    for (const [c, label] of this.labels.entries()) {
      const y = Int8Array.from(gold, (g) => (g === label ? 1 : -1));
      // A binary problem needs one machine: the second label's score is the first's negation.
      if (this.labels.length === 2 && c === 1) {
        const first = this.ws[0] as SvmWeights;
        this.ws.push('dense' in first ? { dense: first.dense.map((v) => -v), bias: -first.bias } : { sparse: new Map([...first.sparse].map(([b, v]) => [b, -v])), bias: -first.bias });
        break;
      }
      this.ws.push(pack(trainLinearSvm(rows, y, { ...opts, seed: c + 1 }), opts.sparse ?? false));
    }
    return this;
  }

  /** Decision value per label, in `labels` order. */
  scores(x: SparseRow): number[] {
    return this.ws.map((w) => svmScore(w, x));
  }

  predict(x: SparseRow): string {
    const s = this.scores(x);
    let best = 0;
    for (let c = 1; c < s.length; c++) if ((s[c] as number) > (s[best] as number)) best = c;
    return this.labels[best] as string;
  }
}
