import { UnrecoverableError, Worker } from 'bullmq';
import { isEsUnavailable } from '../src/adapters/elasticsearch';
import { isRedisUnavailable, type RedisClient } from '../src/adapters/redis';
import { createBatcher } from '../src/lib/batcher';
import type { Logger } from '../src/lib/logger';
import type { PipelineService, PostOutcome } from '../src/pipeline/pipeline.service';
import { closeWhenReady, createWorker } from '../src/queue/queues';

export interface PipelineWorkerOptions {
  concurrency: number;
  batchSize: number;
  flushMs: number;
}

/** How long the worker stops taking jobs while Elasticsearch or Redis is away. */
const OUTAGE_PAUSE_MS = 2000;

/**
 * The pipeline worker: BullMQ hands it one post id per job; a batcher groups the jobs in flight
 * into one pipeline batch (one ES bulk request). Outcomes map to BullMQ semantics:
 * done → completed; the post's own fault → UnrecoverableError (parked with its reason, never
 * retried); a transient fault → retried with back-off; a backing service down → the job goes
 * back to waiting without using an attempt, and the worker pauses, so an outage parks nothing.
 */
export function createPipelineWorker(deps: { pipeline: PipelineService; connection: RedisClient; prefix: string; log: Logger; options: PipelineWorkerOptions }) {
  const log = deps.log.child({ module: 'pipeline-worker' });
  const batcher = createBatcher<string, PostOutcome>((ids) => deps.pipeline.processBatch(ids), {
    maxSize: deps.options.batchSize,
    maxWaitMs: deps.options.flushMs,
  });

  const worker: Worker = createWorker(
    'posts',
    async (job) => {
      const postId = (job.data as { postId?: unknown }).postId;
      if (typeof postId !== 'string' || postId.length === 0) throw new UnrecoverableError('job data has no postId');
      let outcome: PostOutcome;
      try {
        outcome = await batcher.submit(postId);
      } catch (err) {
        if (isEsUnavailable(err) || isRedisUnavailable(err)) {
          log.warn({ err: (err as Error).message }, 'backing service unavailable, pausing');
          await worker.rateLimit(OUTAGE_PAUSE_MS);
          throw Worker.RateLimitError();
        }
        throw err;
      }
      switch (outcome.status) {
        case 'done':
          return { incident: outcome.incident };
        case 'park':
          throw new UnrecoverableError(outcome.reason);
        case 'retry':
          throw new Error(outcome.reason);
      }
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      log,
      options: { concurrency: deps.options.concurrency, maxStalledCount: 3 },
    },
  ) as unknown as Worker;

  return {
    worker,
    start(): void {
      void worker.run();
    },
    /** Stops taking jobs, finishes the ones in flight (their batches included), then returns. */
    async close(): Promise<void> {
      const closing = closeWhenReady(worker);
      await batcher.drain();
      await closing;
    },
  };
}
