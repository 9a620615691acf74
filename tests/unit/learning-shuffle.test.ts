import { describe, expect, it } from 'vitest';
import { shuffleKeys, stableShuffle } from '../../src/classifier/train';

/**
 * The trainer's epoch order must not depend on how many examples there are: a retrained model
 * that only adds corrections should visit the old examples in the old relative order, so its
 * figures differ from its parent's by what the corrections teach, not by a reshuffle.
 */
const texts = Array.from({ length: 400 }, (_, i) => `пост номер ${i} про двор и дорогу ${i % 7}`);
const order = (xs: readonly string[], seed: number) => stableShuffle(xs, shuffleKeys(xs), seed);

describe('insertion-stable shuffle', () => {
  it('is a deterministic permutation that really shuffles, and differs per seed (epoch)', () => {
    const a = order(texts, 1000);
    expect([...a].sort()).toEqual([...texts].sort());
    expect(order(texts, 1000)).toEqual(a);
    expect(a).not.toEqual(texts);
    // Items leave their positions: fewer than 5% stay where they were.
    expect(a.filter((t, i) => t === texts[i]).length).toBeLessThan(20);
    const b = order(texts, 1001);
    expect(b).not.toEqual(a);
    // Two epochs are not one order shifted: the first halves share only about half of the items.
    const firstHalf = new Set(a.slice(0, 200));
    const shared = b.slice(0, 200).filter((t) => firstHalf.has(t)).length;
    expect(shared).toBeGreaterThan(70);
    expect(shared).toBeLessThan(130);
  });

  it('keeps the relative order of existing examples when others are added or removed', () => {
    const added = ['исправление оператора 1', 'исправление оператора 2', 'исправление оператора 3'];
    for (const seed of [1000, 1003, 1007]) {
      const before = order(texts, seed);
      const withAdded = order([...texts, ...added], seed);
      expect(withAdded.filter((t) => !added.includes(t))).toEqual(before);
      // Inserted at the front of the input (not only appended): still the same relative order.
      expect(order([...added, ...texts], seed).filter((t) => !added.includes(t))).toEqual(before);
      const removed = texts.filter((_, i) => i % 10 !== 3);
      expect(order(removed, seed)).toEqual(before.filter((t) => removed.includes(t)));
    }
  });

  it('spreads copies of the same text (a heavy correction split into steps) through the epoch', () => {
    const copies = Array.from({ length: 10 }, () => 'одна и та же исправленная запись');
    const xs = [...texts, ...copies];
    const positions = order(xs, 1000)
      .map((t, i) => (t === copies[0] ? i : -1))
      .filter((i) => i >= 0);
    expect(positions).toHaveLength(10);
    // Not bunched together: they span most of the epoch.
    expect(positions.at(-1)! - positions[0]!).toBeGreaterThan(xs.length / 2);
  });

  it('rejects keys that do not match the items', () => {
    expect(() => stableShuffle(texts, shuffleKeys(texts.slice(1)), 1)).toThrow(/400 items, 399 keys/);
  });
});
