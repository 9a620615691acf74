/**
 * Collects single items into batches: a batch is handed to `handler` when it reaches `maxSize`
 * or `maxWaitMs` after its first item, whichever comes first. Each `submit` resolves with its own
 * item's result (the handler returns results in input order) or rejects with the batch's error.
 * Lets a per-job BullMQ processor share one Elasticsearch bulk request with its neighbours.
 */
export interface Batcher<T, R> {
  submit(item: T): Promise<R>;
  /** Hands the pending items to the handler now and waits for every batch in flight. */
  drain(): Promise<void>;
}

export function createBatcher<T, R>(handler: (items: T[]) => Promise<R[]>, opts: { maxSize: number; maxWaitMs: number }): Batcher<T, R> {
  let pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const inFlight = new Set<Promise<void>>();

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const run = (async () => {
      try {
        const results = await handler(batch.map((b) => b.item));
        if (results.length !== batch.length) throw new Error(`batch handler returned ${results.length} results for ${batch.length} items`);
        batch.forEach((b, i) => b.resolve(results[i] as R));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    })();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  }

  return {
    submit(item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= opts.maxSize) flush();
        else if (!timer) timer = setTimeout(flush, opts.maxWaitMs);
      });
    },
    async drain(): Promise<void> {
      flush();
      await Promise.all([...inFlight]);
    },
  };
}
