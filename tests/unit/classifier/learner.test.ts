import { describe, expect, it } from 'vitest';
import { baselineTokens, OneVsRestSvm, termCounts, TfidfVectorizer, trainLinearSvm } from '../../../src/classifier/baseline';
import type { FeatureVector } from '../../../src/classifier/features';
import { LinearHead } from '../../../src/classifier/linear';
import { calibrate, chooseThreshold, chooseThresholdMeanAccuracy, thresholdsOf, type Thresholds } from '../../../src/classifier/thresholds';
import { trainModel, type Example } from '../../../src/classifier/train';

const vec = (pairs: [number, number][]): FeatureVector => ({ idx: Int32Array.from(pairs.map((p) => p[0])), val: Float32Array.from(pairs.map((p) => p[1])) });

describe('AdaGrad updates (LinearHead.adagradUpdate)', () => {
  it('separates two classes that share a frequent feature, by their rare ones', () => {
    const h = new LinearHead('t', ['a', 'b', 'c']);
    const xa = vec([[1, 0.6], [10, 0.8]]);
    const xb = vec([[1, 0.6], [20, 0.8]]);
    const xc = vec([[1, 0.6], [30, 0.8]]);
    for (let e = 0; e < 30; e++) {
      h.adagradUpdate(xa, 0, 0.5, 0);
      h.adagradUpdate(xb, 1, 0.5, 0);
      h.adagradUpdate(xc, 2, 0.5, 0);
    }
    expect(h.predict(xa)[0]).toBeGreaterThan(0.9);
    expect(h.predict(xb)[1]).toBeGreaterThan(0.9);
    expect(h.predict(xc)[2]).toBeGreaterThan(0.9);
  });

  it('fits a binary head and L2 keeps the weights smaller', () => {
    const train = (l2: number) => {
      const h = new LinearHead('b', ['no', 'yes']);
      for (let e = 0; e < 50; e++) {
        h.adagradUpdate(vec([[5, 1]]), 1, 0.5, l2);
        h.adagradUpdate(vec([[6, 1]]), 0, 0.5, l2);
      }
      return h;
    };
    const free = train(0);
    const reg = train(0.5);
    expect(free.predict(vec([[5, 1]]))[1]).toBeGreaterThan(0.95);
    expect(free.predict(vec([[6, 1]]))[1]).toBeLessThan(0.05);
    expect(Math.abs(reg.weights[5] as number)).toBeLessThan(Math.abs(free.weights[5] as number));
  });
});

describe('TF-IDF + linear SVM baseline', () => {
  it('tokenises with ё → е and counts word, bigram and character n-grams', () => {
    expect(baselineTokens('Ёлка, ДВОР!')).toEqual(['елка', 'двор']);
    const tf = termCounts('нет света');
    // 2 words + 1 bigram + char 2..5-grams of « нет » (5 chars: 4+3+2+1) and « света » (7: 6+5+4+3).
    const total = [...tf.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(2 + 1 + 10 + 18);
  });

  it('gives rare terms more weight and l2-normalises', () => {
    const v = new TfidfVectorizer().fit(['нет света', 'нет воды', 'нет газа']);
    const x = v.transform('нет света');
    const norm = Math.sqrt(x.val.reduce((a, b) => a + b * b, 0));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('the dual coordinate descent SVM separates a separable problem', () => {
    const rows = [vec([[1, 1]]), vec([[2, 1]]), vec([[1, 0.8], [3, 0.6]]), vec([[2, 0.8], [3, 0.6]])];
    const w = trainLinearSvm(rows, Int8Array.from([1, -1, 1, -1]), { C: 1, maxIter: 100 });
    expect((w[1] as number) > 0 && (w[2] as number) < 0).toBe(true);
  });

  it('one-vs-rest predicts the class of held-out texts with the same words', () => {
    const texts = ['нет отопления в квартире', 'батареи холодные отопления нет', 'яма на дороге', 'дорогу разбили ямы', 'мусор не вывозят', 'контейнеры мусор переполнены'];
    const gold = ['housing', 'housing', 'roads', 'roads', 'waste', 'waste'];
    const v = new TfidfVectorizer().fit(texts);
    const svm = new OneVsRestSvm(['housing', 'roads', 'waste']).fit(texts.map((t) => v.transform(t)), gold, { C: 1, maxIter: 50 });
    expect(svm.predict(v.transform('опять нет отопления'))).toBe('housing');
    expect(svm.predict(v.transform('огромная яма на дороге'))).toBe('roads');
    expect(svm.predict(v.transform('мусор лежит неделю'))).toBe('waste');
  });
});

describe('thresholds', () => {
  it('calibrate maps the threshold to 0.5 and keeps the order', () => {
    expect(calibrate(0.3, 0.3)).toBeCloseTo(0.5);
    expect(calibrate(0, 0.3)).toBe(0);
    expect(calibrate(1, 0.3)).toBe(1);
    expect(calibrate(0.2, 0.3)).toBeLessThan(calibrate(0.25, 0.3));
    expect(calibrate(0.7, 0.5)).toBe(0.7);
  });

  it('chooses the F1-best cut between scores', () => {
    const r = chooseThreshold([0.9, 0.8, 0.35, 0.3, 0.1], [true, true, true, false, false], 'f1');
    expect(r.threshold).toBeCloseTo(0.325);
    expect(r.value).toBe(1);
  });

  it('chooses the accuracy-best cut and falls back to 0.5 with one class', () => {
    expect(chooseThreshold([0.9, 0.6, 0.4, 0.2], [true, false, true, false], 'accuracy').value).toBeCloseTo(0.75);
    expect(chooseThreshold([0.9, 0.6], [true, true], 'f1').threshold).toBe(0.5);
  });

  it('weighs a small validation set as much as a big one (mean of the accuracies)', () => {
    const rep = (n: number, v: number) => Array<number>(n).fill(v);
    // Big set: 10 complaints at 0.9, 7 others at 0.1 and 3 at 0.5. Small set: its 2 complaints
    // score only 0.4, its 2 others 0.2.
    const big = { scores: [...rep(10, 0.9), ...rep(7, 0.1), ...rep(3, 0.5)], gold: [...rep(10, 1), ...rep(10, 0)].map(Boolean) };
    const small = { scores: [0.4, 0.4, 0.2, 0.2], gold: [true, true, false, false] };
    // Pooled, the big set's 20 items outvote the small set's 4: the cut stays above 0.5 (22 of 24).
    expect(chooseThreshold([...big.scores, ...small.scores], [...big.gold, ...small.gold], 'accuracy').threshold).toBeCloseTo(0.7);
    // Each set counting alike, the cut goes below the small set's complaints: (0.85 + 1) / 2.
    const r = chooseThresholdMeanAccuracy([big, small]);
    expect(r.threshold).toBeCloseTo(0.3);
    expect(r.values).toEqual([0.85, 1]);
    expect(r.value).toBeCloseTo(0.925);
    // Weight 0: the small set is measured but does not choose — the big set's own cut.
    const measured = chooseThresholdMeanAccuracy([big, { ...small, weight: 0 }]);
    expect(measured.threshold).toBe(chooseThreshold(big.scores, big.gold, 'accuracy').threshold);
    expect(measured.values).toEqual([1, 0.5]);
    expect(measured.value).toBe(1);
    // Weights in between trade one set for the other: at 9:1 the big set keeps its cut (0.95 vs 0.865).
    expect(chooseThresholdMeanAccuracy([{ ...big, weight: 9 }, { ...small, weight: 1 }]).threshold).toBeCloseTo(0.7);
    expect(chooseThresholdMeanAccuracy([]).threshold).toBe(0.5);
  });

  it('reads thresholds from a model\'s notes, 0.5 where missing or malformed', () => {
    expect(thresholdsOf({ thresholds: { complaint: 0.3, urgency: 'x', misinformation: 2 } })).toEqual({ complaint: 0.3, urgency: 0.5, misinformation: 0.5 });
    expect(thresholdsOf(undefined)).toEqual({ complaint: 0.5, urgency: 0.5, misinformation: 0.5 });
  });
});

describe('refit thresholds (trainModel `selection`)', () => {
  const ex = (text: string, complaint: boolean, weight = 3): Example => ({ text, sector: complaint ? 'housing' : null, complaint, misinformation: null, weight });
  const selection = [ex('нет горячей воды в доме третий день', true), ex('в подъезде не горит свет', true), ex('хорошая погода сегодня гуляем', false), ex('смотрим кино вечером дома', false)];
  // The validation month: one appeal and one ordinary post; the refit trains on the appeal too.
  const month = [ex('течёт крыша над квартирой', true), ex('вкусный кофе в новой кофейне', false)];
  const validation = { complaint: month, urgency: [], misinformation: [] };

  it('refuses to choose a threshold on a validation set the model was trained on, without `selection`', () => {
    expect(() => trainModel([...selection, ...month], { version: 't', corpusHash: 'h', validation })).toThrow(/complaint validation set shares texts/);
  });

  it('takes that threshold from the model trained on `selection` and says so in the notes', () => {
    const { meta } = trainModel([...selection, ...month], { version: 't', corpusHash: 'h', validation, selection });
    const selected = trainModel(selection, { version: 's', corpusHash: 'h', validation });
    const v = meta.notes.validation as Record<string, unknown>;
    expect(v.chosenOnSelectionModel).toEqual(['complaint']);
    expect((meta.notes.thresholds as Thresholds).complaint).toBe((selected.meta.notes.thresholds as Thresholds).complaint);
    expect(v.complaintAcc).toBe((selected.meta.notes.validation as Record<string, number>).complaintAcc);
  });
});
