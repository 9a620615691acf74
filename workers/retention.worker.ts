import type { RedisClient } from '../src/adapters/redis';
import type { Logger } from '../src/lib/logger';
import { closeWhenReady, createQueue, createWorker } from '../src/queue/queues';
import type { RetentionReport, RetentionService } from '../src/services/retention.service';

/** The one scheduler id: every pipeline process upserts the same schedule, so it exists once. */
export const RETENTION_SCHEDULER_ID = 'sweep' as const;

/**
 * The retention job (152-ФЗ): a BullMQ job scheduler adds one `sweep` job every interval, shared
 * by all pipeline processes (the schedule lives in Redis, so adding it again from another process
 * changes nothing); one worker per process with concurrency 1 takes it, so one sweep runs at a
 * time. A failed sweep is retried by the next one: the sweep is idempotent.
 */
export function createRetentionWorker(deps: { retention: Pick<RetentionService, 'run'>; connection: RedisClient; prefix: string; log: Logger; everyMs: number }) {
  const log = deps.log.child({ module: 'retention' });
  const queue = createQueue('retention', { connection: deps.connection, prefix: deps.prefix, policy: { attempts: 1 }, log });
  const reports: RetentionReport[] = [];
  const worker = createWorker(
    'retention',
    async () => {
      const report = await deps.retention.run();
      // Counts and index names only: the report holds no personal data.
      log.info({ cutoff: report.cutoff, mode: report.mode, droppedIndices: report.droppedIndices, posts: report.posts, incidents: report.incidents }, 'retention sweep done');
      return report;
    },
    { connection: deps.connection, prefix: deps.prefix, log, options: { concurrency: 1 } },
  );
  worker.on('completed', (job) => {
    reports.push(job.returnvalue as RetentionReport);
    if (reports.length > 20) reports.shift();
  });

  return {
    /** Installs (or updates) the schedule and starts taking sweeps; the first runs at once. */
    async start(): Promise<void> {
      await queue.upsertJobScheduler(RETENTION_SCHEDULER_ID, { every: deps.everyMs }, { name: 'sweep', data: {}, opts: { removeOnComplete: 50, removeOnFail: 50 } });
      void worker.run();
    },
    /** The last sweeps completed by this process (up to 20), oldest first. */
    completed: (): readonly RetentionReport[] => reports,
    async close(): Promise<void> {
      await closeWhenReady(worker);
      await closeWhenReady(queue);
    },
  };
}
export type RetentionWorker = ReturnType<typeof createRetentionWorker>;
