import { describe, expect, it, vi } from 'vitest';
import { createBatcher } from '../../src/lib/batcher';

describe('batcher', () => {
  it('flushes on size and hands each caller its own result', async () => {
    const handler = vi.fn(async (xs: number[]) => xs.map((x) => x * 10));
    const b = createBatcher(handler, { maxSize: 3, maxWaitMs: 10_000 });
    const results = await Promise.all([1, 2, 3].map((x) => b.submit(x)));
    expect(results).toEqual([10, 20, 30]);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('flushes a partial batch after the wait', async () => {
    const handler = vi.fn(async (xs: number[]) => xs);
    const b = createBatcher(handler, { maxSize: 100, maxWaitMs: 5 });
    expect(await Promise.all([b.submit(1), b.submit(2)])).toEqual([1, 2]);
    expect(handler).toHaveBeenCalledWith([1, 2]);
  });

  it('rejects every item of a failed batch, and later batches still work', async () => {
    let fail = true;
    const b = createBatcher(
      async (xs: number[]) => {
        if (fail) throw new Error('es down');
        return xs;
      },
      { maxSize: 2, maxWaitMs: 5 },
    );
    const r = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await b.submit(3)).toBe(3);
  });

  it('drain hands over pending items at once', async () => {
    const b = createBatcher(async (xs: number[]) => xs, { maxSize: 100, maxWaitMs: 60_000 });
    const p = b.submit(7);
    await b.drain();
    expect(await p).toBe(7);
  });

  it('refuses a handler that loses results', async () => {
    const b = createBatcher(async (xs: number[]) => xs.slice(1), { maxSize: 2, maxWaitMs: 5 });
    await expect(Promise.all([b.submit(1), b.submit(2)])).rejects.toThrow(/1 results for 2 items/);
  });
});
