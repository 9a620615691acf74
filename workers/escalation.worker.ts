import type { Worker } from 'bullmq';
import type { RedisClient } from '../src/adapters/redis';
import type { Logger } from '../src/lib/logger';
import { createWorker, type JobData, type JobName } from '../src/queue/queues';
import type { ResponseService } from '../src/services/response.service';

/**
 * Consumes the delayed escalation jobs. Jobs live in Redis, so they survive a restart of every
 * process; a job redelivered after a crash notifies nobody twice (deterministic notification ids,
 * an e-mail marker per recipient).
 */
export function createEscalationWorker(deps: { response: Pick<ResponseService, 'escalate'>; connection: RedisClient; prefix: string; log: Logger }): Worker<JobData<'escalations'>, unknown, JobName<'escalations'>> {
  const log = deps.log.child({ module: 'escalation-worker' });
  return createWorker(
    'escalations',
    async (job) => {
      const res = await deps.response.escalate(job.id ?? '', job.data);
      if (res) log.info({ jobId: job.id, notified: res.notified, emailed: res.emailed }, 'escalation step');
      return res;
    },
    { connection: deps.connection, prefix: deps.prefix, log, options: { concurrency: 4 } },
  );
}
