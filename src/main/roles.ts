import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createDemoConnector } from '../../connectors/demo/demo.connector';
import { createConnectorFor, maxUpdatesStreams } from '../../workers/connector.factory';
import { runConnector, superviseSources, type SourceSupervisor } from '../../workers/connector.runner';
import { createPipelineWorker } from '../../workers/pipeline.worker';
import { closeWhenReady } from '../queue/queues';
import { createEscalationWorker } from '../../workers/escalation.worker';
import { createRetentionWorker } from '../../workers/retention.worker';
import { createArchiveScheduleWorker } from '../../workers/archive-schedule.worker';
import { buildApp } from '../api/app';
import { attachFeedGateway } from '../api/feed.gateway';
import type { Container, ConnectorWiringOptions } from '../container';

export interface RunningRole {
  name: string;
  /** Drains in-flight work and releases the role's own connections (not the container's). */
  stop(): Promise<void>;
}

/** The API process role: HTTP + the live feed socket. */
export async function startApiRole(c: Container): Promise<RunningRole & { url: string }> {
  const http = { trustProxy: c.config.TRUST_PROXY, requestTimeoutMs: c.config.HTTP_REQUEST_TIMEOUT_MS, headersTimeoutMs: c.config.HTTP_HEADERS_TIMEOUT_MS, keepAliveTimeoutMs: c.config.HTTP_KEEPALIVE_TIMEOUT_MS };
  const app = await buildApp({ log: c.log, ...c.services, metricsToken: c.config.METRICS_TOKEN, http });
  await app.ready();
  const gateway = attachFeedGateway(app.server, {
    auth: c.services.auth,
    sessions: c.repos.sessions,
    feed: c.repos.feed,
    incidents: c.services.incidents,
    blockingRedis: c.newConnection('api-feed-tail', true),
    log: c.log,
    adapter: { redis: c.newConnection('api-socket-adapter', true), streamName: `${c.config.REDIS_PREFIX}:socket.io` },
    sockets: c.repos.socketRegistry,
    notifications: c.repos.notificationChannel,
    limits: { socketsPerUser: c.config.SOCKETS_PER_USER, connectsPerMinute: c.config.SOCKET_CONNECTS_PER_MINUTE, replayMax: c.config.SOCKET_REPLAY_MAX },
  });
  await app.listen({ host: c.config.HOST, port: c.config.PORT });
  const { port } = app.server.address() as AddressInfo;
  const url = c.config.PUBLIC_URL ?? `http://${c.config.HOST}:${port}`;
  return {
    name: 'api',
    url,
    async stop() {
      await gateway.close();
      await app.close();
    },
  };
}

/** The pipeline process role: consumes the posts queue. */
export async function startPipelineRole(c: Container): Promise<RunningRole> {
  const worker = createPipelineWorker({
    pipeline: await c.pipeline(),
    connection: c.newConnection('pipeline-worker', true),
    prefix: c.config.REDIS_PREFIX,
    log: c.log,
    options: { concurrency: c.config.PIPELINE_CONCURRENCY, batchSize: c.config.PIPELINE_BATCH_SIZE, flushMs: c.config.PIPELINE_FLUSH_MS },
  });
  worker.start();
  // Retention (152-ФЗ) runs in the pipeline role: one schedule in Redis, one sweep at a time.
  const retention = createRetentionWorker({
    retention: c.services.retention,
    connection: c.newConnection('retention-worker', true),
    prefix: c.config.REDIS_PREFIX,
    log: c.log,
    everyMs: c.config.RETENTION_INTERVAL_SECONDS * 1000,
  });
  await retention.start();
  // Saved-search alerts, spike alerts and scheduled reports (issue 13): one schedule in Redis.
  const archiveSchedule = createArchiveScheduleWorker({
    alerts: c.services.alerts,
    reports: c.services.reports,
    connection: c.newConnection('archive-schedule-worker', true),
    prefix: c.config.REDIS_PREFIX,
    log: c.log,
    everyMs: c.config.ARCHIVE_SCHEDULE_SECONDS * 1000,
  });
  await archiveSchedule.start();
  // Escalations of overdue answers (delayed jobs in Redis) also run in the pipeline role.
  const escalations = createEscalationWorker({ response: c.services.response, connection: c.newConnection('escalation-worker', true), prefix: c.config.REDIS_PREFIX, log: c.log });
  void escalations.run();
  return {
    name: 'pipeline',
    async stop() {
      await closeWhenReady(escalations);
      await archiveSchedule.close();
      await retention.close();
      await worker.close();
    },
  };
}

const ALERT_CHECK_MS = 60_000;

/** What the connector role may vary: see ConnectorWiringOptions (src/container.ts). */
export type ConnectorRoleOptions = ConnectorWiringOptions;

/**
 * The connector process role: one connector per active pull source of the registry (re-read every
 * SOURCES_RELOAD_MS), plus the demo replay when DEMO_ENABLED. Also logs silence alerts.
 */
export async function startConnectorRole(c: Container, opts: ConnectorRoleOptions = {}): Promise<RunningRole & { supervisor: SourceSupervisor }> {
  const abort = new AbortController();
  const runs: Promise<void>[] = [];
  if (c.config.DEMO_ENABLED) {
    const demo = createDemoConnector({ ratePerSecond: c.config.DEMO_RATE });
    runs.push(runConnector(demo, { ingest: c.services.ingest, cursors: c.repos.cursors, health: c.repos.sourceHealth, log: c.log }, abort.signal));
    c.log.info({ rate: c.config.DEMO_RATE }, 'demo connector running');
  }
  let lastAlertCheck = 0;
  // Several connector processes share the sources: each source runs under one process's lease.
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = Math.max(3 * c.config.SOURCES_RELOAD_MS, 15_000);
  const ctx = c.connectorContext(opts);
  const supervisor = superviseSources({
    listActive: () => c.repos.sources.list({ status: 'active' }),
    build: (source) => createConnectorFor(source, ctx),
    streams: maxUpdatesStreams(ctx),
    runner: { ingest: c.services.ingest, cursors: c.repos.cursors, health: c.repos.sourceHealth, log: c.log },
    reloadMs: c.config.SOURCES_RELOAD_MS,
    lease: {
      acquire: (id) => c.repos.sources.acquireLease(id, owner, leaseMs),
      renew: (id) => c.repos.sources.renewLease(id, owner, leaseMs),
      release: (id) => c.repos.sources.releaseLease(id, owner),
    },
    // Alerts change on a scale of minutes: checked (and logged when they start) once a minute.
    afterReload: async () => {
      if (Date.now() - lastAlertCheck < ALERT_CHECK_MS) return;
      lastAlertCheck = Date.now();
      await c.services.sources.checkAlerts();
    },
  });
  return {
    name: 'connectors',
    supervisor,
    async stop() {
      abort.abort();
      await Promise.all([...runs, supervisor.stop()]);
    },
  };
}
