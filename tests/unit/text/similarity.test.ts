import { describe, expect, it } from 'vitest';
import { estimateJaccard, featureHashes, jaccard, lshBands, minhash, similarityFeatures, textSimilarity } from '../../../src/text/similarity';

describe('similarity features', () => {
  it('keeps content stems and numbers, drops stop words and placeholders', () => {
    const f = similarityFeatures('Опять нет воды на ул. Ленина 15, это уже третий день! https://vk.com/x');
    expect(f).toContain('#15');
    expect(f.some((x) => x.startsWith('лен'))).toBe(true);
    expect(f.some((x) => x.startsWith('вод'))).toBe(true);
    expect(f).not.toContain('на');
    expect(f).not.toContain('это');
    expect(f).not.toContain('urlx');
  });

  it('meets word forms on a common stem prefix', () => {
    expect(similarityFeatures('отключили')).toEqual(similarityFeatures('отключение'));
  });

  it('is total: junk and empty input give a set, never an exception', () => {
    expect(similarityFeatures('')).toEqual([]);
    expect(Array.isArray(similarityFeatures('\u0000\u200b😀'.repeat(1000)))).toBe(true);
    expect(textSimilarity('', '')).toBe(0);
  });
});

describe('jaccard and MinHash', () => {
  const a = 'Во дворе дома Ленина 15 нет горячей воды третий день, управляющая компания не отвечает';
  const b = 'Третий день нет горячей воды в доме на Ленина 15, управляйка трубку не берёт';
  const c = 'На Красном пути огромная яма на дороге, машины пробивают колёса';

  it('rates a rewording of the same complaint far above a different problem', () => {
    expect(textSimilarity(a, a)).toBe(1);
    expect(textSimilarity(a, b)).toBeGreaterThan(0.35);
    expect(textSimilarity(a, c)).toBeLessThan(0.1);
  });

  it('exact jaccard counts the intersection over the union', () => {
    expect(jaccard([1, 2, 3], [2, 3, 4])).toBeCloseTo(0.5);
    expect(jaccard([], [1])).toBe(0);
  });

  it('estimates the exact index within a few standard errors', () => {
    const fa = featureHashes(similarityFeatures(a));
    const fb = featureHashes(similarityFeatures(b));
    const exact = jaccard(fa, fb);
    expect(Math.abs(estimateJaccard(minhash(fa), minhash(fb)) - exact)).toBeLessThan(0.25);
    expect(estimateJaccard(minhash(fa), minhash(fa))).toBe(1);
    expect(estimateJaccard(minhash([]), minhash([]))).toBe(0);
    // A shorter signature is the longer one's first values; longer than the seeds is refused.
    expect(Array.from(minhash(fa, 16))).toEqual(Array.from(minhash(fa)).slice(0, 16));
    expect(() => minhash(fa, 65)).toThrow(RangeError);
  });

  it('puts near-duplicates in a shared LSH bucket and unrelated texts apart', () => {
    const ka = new Set(lshBands(minhash(featureHashes(similarityFeatures(a)))));
    const kb = lshBands(minhash(featureHashes(similarityFeatures(`${a} срочно`))));
    const kc = lshBands(minhash(featureHashes(similarityFeatures(c))));
    expect(kb.some((k) => ka.has(k))).toBe(true);
    expect(kc.filter((k) => ka.has(k)).length).toBeLessThan(3);
    expect(lshBands(minhash([]))).toEqual([]);
  });
});
