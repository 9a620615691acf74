import type { RedisClient } from '../src/adapters/redis';
import type { Logger } from '../src/lib/logger';
import { closeWhenReady, createQueue, createWorker } from '../src/queue/queues';
import type { AlertsService } from '../src/services/alerts.service';
import type { ReportsService } from '../src/services/reports.service';

export const ARCHIVE_SCHEDULER_ID = 'tick' as const;

/**
 * One repeatable `tick` shared by all pipeline processes (the schedule lives in Redis): checks
 * saved searches with alerts, judges the last full hour for spikes (each spike alerts once, a
 * Redis marker), and builds the reports due today (each once per period). Idempotent, so a failed
 * tick is simply redone by the next one.
 */
export function createArchiveScheduleWorker(deps: {
  alerts: Pick<AlertsService, 'checkSavedSearches' | 'checkSpikes'>;
  reports: Pick<ReportsService, 'runSchedule'>;
  connection: RedisClient;
  prefix: string;
  log: Logger;
  everyMs: number;
}) {
  const log = deps.log.child({ module: 'archive-schedule' });
  const queue = createQueue('archive-schedule', { connection: deps.connection, prefix: deps.prefix, policy: { attempts: 1 }, log });
  const worker = createWorker(
    'archive-schedule',
    async () => {
      const now = new Date();
      const savedSearchAlerts = await deps.alerts.checkSavedSearches(now);
      const lastHour = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000 - 3600_000);
      const spikeAlerts = await deps.alerts.checkSpikes(lastHour);
      const reports = (await deps.reports.runSchedule(now)).length;
      if (savedSearchAlerts + spikeAlerts + reports > 0) log.info({ savedSearchAlerts, spikeAlerts, reports }, 'archive schedule tick');
      return { savedSearchAlerts, spikeAlerts, reports };
    },
    { connection: deps.connection, prefix: deps.prefix, log, options: { concurrency: 1 } },
  );
  return {
    async start(): Promise<void> {
      await queue.upsertJobScheduler(ARCHIVE_SCHEDULER_ID, { every: deps.everyMs }, { name: 'tick', data: {}, opts: { removeOnComplete: 20, removeOnFail: 50 } });
      void worker.run();
    },
    async close(): Promise<void> {
      await closeWhenReady(worker);
      await closeWhenReady(queue);
    },
  };
}
