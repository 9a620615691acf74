import { Queue, Worker, type JobsOptions, type Processor, type WorkerOptions } from 'bullmq';
import type { RedisClient } from '../adapters/redis';
import type { Logger } from '../lib/logger';

/**
 * The one typed queue map: queue name → job name → payload. Payloads carry ids and the minimum
 * needed, never author profiles or post text.
 */
export interface QueueMap {
  posts: { process: { postId: string } };
  /** Repeatable retention sweep (152-ФЗ); no payload. */
  retention: { sweep: Record<string, never> };
  /** Repeatable archive check: saved-search alerts, spikes of the last full hour, scheduled reports. */
  'archive-schedule': { tick: Record<string, never> };
  /** Delayed escalation steps of an incident's deadline (issue 11): ids only. */
  escalations: { escalate: { incidentId: string; stage: 'interim' | 'final'; step: number; dueAt: string } };
}
export type QueueName = keyof QueueMap;
export type JobName<Q extends QueueName> = keyof QueueMap[Q] & string;
export type JobData<Q extends QueueName> = QueueMap[Q][JobName<Q>];

/** BullMQ refuses ':' in custom job ids; post ids are `network:externalId`. */
export function jobIdForPost(postId: string): string {
  return `p|${postId.replaceAll(':', '|')}`;
}

export interface QueuePolicy {
  attempts: number;
}

/** Retention and retry policy in one place. Failed jobs are kept: that is the parking lot. */
export function defaultJobOptions(policy: QueuePolicy): JobsOptions {
  return {
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { age: 30 * 24 * 3600, count: 100_000 },
  };
}

/**
 * Creates a queue whose connection errors are logged: a queue without an `error` listener throws
 * them (Node's rule for EventEmitters), and a connection closed while it still initialises — a
 * worker stopping on SIGTERM — would crash the process instead of letting it drain.
 */
export function createQueue<Q extends QueueName>(name: Q, deps: { connection: RedisClient; prefix: string; policy: QueuePolicy; log: Logger }): Queue<JobData<Q>, unknown, JobName<Q>> {
  const queue = new Queue<JobData<Q>, unknown, JobName<Q>>(name, {
    connection: deps.connection,
    prefix: `${deps.prefix}:bull`,
    defaultJobOptions: defaultJobOptions(deps.policy),
  });
  queue.on('error', (err) => deps.log.warn({ queue: name, err: err.message }, 'queue connection error'));
  return queue;
}

/**
 * Closes a queue or a worker once its connections have finished initialising (at most `waitMs`).
 * bullmq drops every listener of a connection when it closes; an initialisation still running then
 * (the version check of a shared connection, the connect of a worker's own blocking connection)
 * fails a moment later, and that failure is an `error` event nobody hears. A worker stopped on
 * SIGTERM right after it started crashed with exit code 1 ("Connection is closed") instead of
 * draining: first through a queue, later through the escalation worker's blocking connection.
 */
export async function closeWhenReady(target: Pick<Queue, 'waitUntilReady' | 'close'> | Pick<Worker, 'waitUntilReady' | 'close'>, waitMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  await Promise.race([(target.waitUntilReady() as Promise<unknown>).then(() => undefined, () => undefined), timeout]);
  clearTimeout(timer);
  await target.close();
}

/**
 * Creates a worker and logs each final failure once (a retryable failure that still has attempts
 * left is only a warning).
 */
export function createWorker<Q extends QueueName>(
  name: Q,
  processor: Processor<JobData<Q>, unknown, JobName<Q>>,
  deps: { connection: RedisClient; prefix: string; log: Logger; options?: Partial<WorkerOptions> },
): Worker<JobData<Q>, unknown, JobName<Q>> {
  const log = deps.log.child({ queue: name });
  const worker = new Worker<JobData<Q>, unknown, JobName<Q>>(name, processor, {
    connection: deps.connection,
    prefix: `${deps.prefix}:bull`,
    autorun: false,
    ...deps.options,
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    const entry = { jobId: job.id, attempt: job.attemptsMade, reason: err.message };
    if (final) log.error(entry, 'job parked');
    else log.warn(entry, 'job failed, will retry');
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  return worker;
}
