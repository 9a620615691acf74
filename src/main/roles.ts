import type { AddressInfo } from 'node:net';
import { createDemoConnector } from '../../connectors/demo/demo.connector';
import { runConnector } from '../../workers/connector.runner';
import { createPipelineWorker } from '../../workers/pipeline.worker';
import { buildApp } from '../api/app';
import { attachFeedGateway } from '../api/feed.gateway';
import type { Container } from '../container';

export interface RunningRole {
  name: string;
  /** Drains in-flight work and releases the role's own connections (not the container's). */
  stop(): Promise<void>;
}

/** The API process role: HTTP + the live feed socket. */
export async function startApiRole(c: Container): Promise<RunningRole & { url: string }> {
  const app = await buildApp({ log: c.log, ...c.services });
  await app.ready();
  const gateway = attachFeedGateway(app.server, {
    auth: c.services.auth,
    sessions: c.repos.sessions,
    feed: c.repos.feed,
    incidents: c.services.incidents,
    blockingRedis: c.newConnection('api-feed-tail', true),
    log: c.log,
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
  return { name: 'pipeline', stop: () => worker.close() };
}

/** The connector process role: runs the configured pull connectors (for now: the demo replay). */
export async function startConnectorRole(c: Container): Promise<RunningRole> {
  const abort = new AbortController();
  const runs: Promise<void>[] = [];
  if (c.config.DEMO_ENABLED) {
    const demo = createDemoConnector({ ratePerSecond: c.config.DEMO_RATE });
    runs.push(runConnector(demo, { ingest: c.services.ingest, cursors: c.repos.cursors, health: c.repos.sourceHealth, log: c.log }, abort.signal));
    c.log.info({ rate: c.config.DEMO_RATE }, 'demo connector running');
  }
  return {
    name: 'connectors',
    async stop() {
      abort.abort();
      await Promise.all(runs);
    },
  };
}
