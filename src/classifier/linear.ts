import { gunzipSync, gzipSync } from 'node:zlib';
import { DIM, type FeatureVector } from './features';

/**
 * A linear head over hashed sparse features: softmax for K > 2 labels, logistic for 2.
 * Why this and not natural's classifiers: BayesClassifier scans its whole vocabulary per call and
 * its LogisticRegressionClassifier trains on dense vectors; a hashed linear model scores a post in
 * a few microseconds (one multiply-add per feature and label) and trains on 100k posts in seconds.
 */
export class LinearHead {
  readonly k: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  /** Weight rows: DIM, or fewer for small heads (feature buckets are folded: bucket & (dim − 1)). */
  readonly dim: number;
  private readonly mask: number;

  constructor(
    readonly name: string,
    readonly labels: readonly string[],
    weights?: Float32Array,
    bias?: Float32Array,
    dim: number = DIM,
  ) {
    if (dim > DIM || (dim & (dim - 1)) !== 0) throw new Error(`head ${name}: dim must be a power of two ≤ ${DIM}`);
    this.dim = dim;
    this.mask = dim - 1;
    this.k = labels.length === 2 ? 1 : labels.length;
    this.weights = weights ?? new Float32Array(dim * this.k);
    this.bias = bias ?? new Float32Array(this.k);
  }

  /** Row of a feature bucket in this head's weights. */
  row(bucket: number): number {
    return (bucket & this.mask) * this.k;
  }

  /** Raw scores per output (one for a binary head). */
  scores(x: FeatureVector): Float64Array {
    const s = new Float64Array(this.k);
    for (let c = 0; c < this.k; c++) s[c] = this.bias[c] as number;
    for (let j = 0; j < x.idx.length; j++) {
      const base = this.row(x.idx[j] as number);
      const v = x.val[j] as number;
      for (let c = 0; c < this.k; c++) s[c] = (s[c] as number) + (this.weights[base + c] as number) * v;
    }
    return s;
  }

  /** Probability per label, in `labels` order. */
  predict(x: FeatureVector): number[] {
    const s = this.scores(x);
    if (this.k === 1) {
      const p = 1 / (1 + Math.exp(-(s[0] as number)));
      return [1 - p, p];
    }
    let max = -Infinity;
    for (const v of s) max = Math.max(max, v);
    let sum = 0;
    const e = Array.from(s, (v) => {
      const ex = Math.exp(v - max);
      sum += ex;
      return ex;
    });
    return e.map((v) => v / sum);
  }

  /** The features that pushed label `label` up the most, as [featureIndex, contribution]. */
  topContributions(x: FeatureVector, label: number, n: number): [number, number][] {
    const c = this.k === 1 ? 0 : label;
    const sign = this.k === 1 && label === 0 ? -1 : 1;
    const out: [number, number][] = [];
    for (let j = 0; j < x.idx.length; j++) out.push([x.idx[j] as number, sign * (this.weights[this.row(x.idx[j] as number) + c] as number) * (x.val[j] as number)]);
    return out.sort((a, b) => b[1] - a[1]).slice(0, n);
  }

  /**
   * One SGD step of cross-entropy loss with L2, weighted by `weight`. With averaging on
   * (`startAveraging`), the running average of the weights is kept as well (Daumé's trick: one
   * extra array, no per-step pass over all weights); `finishAveraging` swaps it in. Averaged SGD
   * generalises better than the last iterate on small, noisy corpora.
   */
  update(x: FeatureVector, label: number, lr: number, l2: number, weight = 1): void {
    const p = this.predict(x);
    const avg = this.avg;
    const t = this.steps;
    for (let c = 0; c < this.k; c++) {
      // Gradient of the loss wrt the score of output c.
      const g = this.k === 1 ? (p[1] as number) - (label === 1 ? 1 : 0) : (p[c] as number) - (label === c ? 1 : 0);
      const step = lr * g * weight;
      this.bias[c] = (this.bias[c] as number) - step;
      if (avg) avg.bias[c] = (avg.bias[c] as number) - t * step;
      for (let j = 0; j < x.idx.length; j++) {
        const w = this.row(x.idx[j] as number) + c;
        const old = this.weights[w] as number;
        const next = old * (1 - lr * l2) - step * (x.val[j] as number);
        this.weights[w] = next;
        if (avg) avg.weights[w] = (avg.weights[w] as number) + t * (next - old);
      }
    }
    if (avg) this.steps++;
  }

  /**
   * One AdaGrad step of the same loss (per-coordinate rates lr / √(Σ g²)): rare features — most
   * words of real text — keep a large step while frequent ones settle, so a few epochs reach what
   * plain SGD needs tens for. L2 is applied to the coordinates the example touches (lazy L2).
   */
  adagradUpdate(x: FeatureVector, label: number, lr: number, l2: number, weight = 1): void {
    const g2 = (this.g2 ??= { weights: new Float32Array(this.weights.length), bias: new Float32Array(this.bias.length) });
    const s = this.scores(x);
    let max = -Infinity;
    for (const v of s) max = Math.max(max, v);
    let sum = 0;
    for (let c = 0; c < this.k; c++) sum += Math.exp((s[c] as number) - (this.k === 1 ? 0 : max));
    for (let c = 0; c < this.k; c++) {
      const p = this.k === 1 ? 1 / (1 + Math.exp(-(s[0] as number))) : Math.exp((s[c] as number) - max) / sum;
      const g = weight * (p - ((this.k === 1 ? label === 1 : label === c) ? 1 : 0));
      if (g === 0) continue;
      const gb = (g2.bias[c] as number) + g * g;
      g2.bias[c] = gb;
      this.bias[c] = (this.bias[c] as number) - (lr * g) / Math.sqrt(gb);
      for (let j = 0; j < x.idx.length; j++) {
        const w = this.row(x.idx[j] as number) + c;
        const old = this.weights[w] as number;
        const gw = g * (x.val[j] as number) + l2 * old;
        const acc = (g2.weights[w] as number) + gw * gw;
        g2.weights[w] = acc;
        this.weights[w] = old - (lr * gw) / Math.sqrt(acc + 1e-12);
      }
    }
  }

  /**
   * Fits output `c` as an L2-regularised squared-hinge linear SVM by dual coordinate descent
   * (Hsieh et al. 2008, LIBLINEAR's solver; the bias is a feature of value 1, regularised like the
   * rest, as LIBLINEAR's `-B 1`). Per example: its feature vector, its target (true = +1) and its
   * cost C_i (C times the example's weight). `orders(pass)` gives the visiting order of each pass
   * (the trainer's insertion-stable shuffle, so the fit is deterministic). Replaces the column's
   * weights; the decision value w·x + b becomes this output's raw score (logit scale).
   *
   * Why for some heads: AdaGrad's per-coordinate rates let rare n-grams of a few templated
   * examples take large weights, while the max-margin fit spreads weight over what separates the
   * classes everywhere — on rumours of unseen topics that generalises far better (docs/CLASSIFIER.md).
   */
  fitSvm(c: number, xs: readonly FeatureVector[], ys: readonly boolean[], costs: Float64Array, orders: (pass: number) => readonly number[], passes: number, eps = 0.1): void {
    const n = xs.length;
    const k = this.k;
    const w = new Float64Array(this.dim);
    let b = 0;
    const alpha = new Float64Array(n);
    const qii = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = (xs[i] as FeatureVector).val;
      let s = 1;
      for (let j = 0; j < v.length; j++) s += (v[j] as number) * (v[j] as number);
      qii[i] = s + 1 / (2 * (costs[i] as number));
    }
    const mask = this.mask;
    for (let pass = 0; pass < passes; pass++) {
      let maxPg = -Infinity;
      let minPg = Infinity;
      for (const i of orders(pass)) {
        const x = xs[i] as FeatureVector;
        const yi = ys[i] ? 1 : -1;
        let dot = b;
        for (let j = 0; j < x.idx.length; j++) dot += (w[(x.idx[j] as number) & mask] as number) * (x.val[j] as number);
        const ai = alpha[i] as number;
        const g = yi * dot - 1 + ai / (2 * (costs[i] as number));
        const pg = ai === 0 ? Math.min(g, 0) : g;
        maxPg = Math.max(maxPg, pg);
        minPg = Math.min(minPg, pg);
        if (pg === 0) continue;
        const next = Math.max(ai - g / (qii[i] as number), 0);
        const d = (next - ai) * yi;
        alpha[i] = next;
        if (d === 0) continue;
        for (let j = 0; j < x.idx.length; j++) {
          const r = (x.idx[j] as number) & mask;
          w[r] = (w[r] as number) + d * (x.val[j] as number);
        }
        b += d;
      }
      if (maxPg - minPg < eps) break;
    }
    for (let r = 0; r < this.dim; r++) this.weights[r * k + c] = w[r] as number;
    this.bias[c] = b;
  }

  /** Frees the optimiser state (AdaGrad's squared-gradient sums) once training is done. */
  dropOptimiserState(): void {
    this.g2 = null;
  }

  private g2: { weights: Float32Array; bias: Float32Array } | null = null;
  private avg: { weights: Float32Array; bias: Float32Array } | null = null;
  private steps = 1;

  startAveraging(): void {
    this.avg = { weights: new Float32Array(this.weights.length), bias: new Float32Array(this.bias.length) };
    this.steps = 1;
  }

  /** Replaces the weights by their average since `startAveraging`. */
  finishAveraging(): void {
    const avg = this.avg;
    if (!avg) return;
    const t = this.steps;
    for (let i = 0; i < this.weights.length; i++) this.weights[i] = (this.weights[i] as number) - (avg.weights[i] as number) / t;
    for (let c = 0; c < this.bias.length; c++) this.bias[c] = (this.bias[c] as number) - (avg.bias[c] as number) / t;
    this.avg = null;
  }
}

export interface ModelMeta {
  version: string;
  trainedAt: string;
  corpusHash: string;
  dim: number;
  /** FEATURE_SCHEME the weights belong to. */
  featureScheme: string;
  /** Free-form training facts (counts, figures) shown by `npm run eval` and the docs. */
  notes: Record<string, unknown>;
}

const MAGIC = 'DOZORLM1';

/**
 * Serialises heads as int8 weights with one scale per head (4× smaller than float32, no
 * measurable loss for a linear model), gzip-compressed: mostly-empty buckets compress away.
 */
export function serializeModel(meta: ModelMeta, heads: readonly LinearHead[]): Buffer {
  const parts: Buffer[] = [];
  const headers = heads.map((h) => {
    let max = 0;
    for (const w of h.weights) max = Math.max(max, Math.abs(w));
    const scale = max / 127 || 1;
    const q = new Int8Array(h.weights.length);
    for (let i = 0; i < q.length; i++) q[i] = Math.round((h.weights[i] as number) / scale);
    parts.push(Buffer.from(q.buffer));
    return { name: h.name, labels: h.labels, scale, bias: Array.from(h.bias), dim: h.dim };
  });
  const header = Buffer.from(JSON.stringify({ meta, heads: headers }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return gzipSync(Buffer.concat([Buffer.from(MAGIC), len, header, ...parts]), { level: 9 });
}

export function deserializeModel(data: Buffer): { meta: ModelMeta; heads: Map<string, LinearHead> } {
  const raw = gunzipSync(data);
  if (raw.subarray(0, MAGIC.length).toString() !== MAGIC) throw new Error('not a Dozor model file');
  const hlen = raw.readUInt32LE(MAGIC.length);
  let off = MAGIC.length + 4;
  const header = JSON.parse(raw.subarray(off, off + hlen).toString('utf8')) as {
    meta: ModelMeta;
    heads: { name: string; labels: string[]; scale: number; bias: number[]; dim?: number }[];
  };
  off += hlen;
  if (header.meta.dim !== DIM) throw new Error(`model has ${header.meta.dim} feature buckets, code expects ${DIM}`);
  const heads = new Map<string, LinearHead>();
  for (const h of header.heads) {
    const k = h.labels.length === 2 ? 1 : h.labels.length;
    const dim = h.dim ?? DIM;
    const n = dim * k;
    const q = new Int8Array(raw.buffer, raw.byteOffset + off, n);
    off += n;
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = (q[i] as number) * h.scale;
    heads.set(h.name, new LinearHead(h.name, h.labels, w, Float32Array.from(h.bias), dim));
  }
  return { meta: header.meta, heads };
}
