import type { Config } from './config/env';
import { createEsClient, type EsClient } from './adapters/elasticsearch';
import { createRedis, redisReady, type RedisClient } from './adapters/redis';
import type { TextClassifier } from './classifier/classifier';
import type { IncidentPolicy } from './domain/incident';
import { createLogger, type Logger } from './lib/logger';
import { createPipelineService } from './pipeline/pipeline.service';
import { createQueue } from './queue/queues';
import { createAuditRepository } from './repositories/audit.repository';
import { createCursorsRepository } from './repositories/cursors.repository';
import { createFeedRepository } from './repositories/feed.repository';
import { createIncidentsRepository } from './repositories/incidents.repository';
import { ensureIndices, type IndexNames } from './repositories/indices';
import { createPostsRepository } from './repositories/posts.repository';
import { createSessionsRepository } from './repositories/sessions.repository';
import { createSourceHealthRepository } from './repositories/source-health.repository';
import { createStagingRepository } from './repositories/staging.repository';
import { createUsersRepository } from './repositories/users.repository';
import { createAuthService, DEFAULT_AUTH_POLICY } from './services/auth.service';
import { createGazetteer, loadRegion } from './services/gazetteer.service';
import { createHealthService } from './services/health.service';
import { createIncidentsService } from './services/incidents.service';
import { createIngestService } from './services/ingest.service';
import { createSearchService } from './services/search.service';
import { createWebhookService } from './services/webhook.service';
import { analyze } from './text/analyze';

/**
 * The composition root: every service is wired here and nowhere else. Each process role builds
 * the container and uses the parts it needs; connections are opened once and closed by `close`.
 */
export async function createContainer(config: Config, opts: { name: string; log?: Logger }) {
  const log = opts.log ?? createLogger({ level: config.LOG_LEVEL, name: opts.name });
  const es: EsClient = createEsClient({ url: config.ES_URL, ...(config.ES_USERNAME ? { username: config.ES_USERNAME } : {}), ...(config.ES_PASSWORD ? { password: config.ES_PASSWORD } : {}) });
  const redis: RedisClient = createRedis(config.REDIS_URL, { name: `${opts.name}` });
  // BullMQ wants its own connection with no request retry limit.
  const queueRedis: RedisClient = createRedis(config.REDIS_URL, { forBullmq: true, name: `${opts.name}-queue` });
  const prefix = config.REDIS_PREFIX;

  const names: IndexNames = await ensureIndices(es, config.ES_INDEX_PREFIX);
  // The shared connection has no offline queue: wait for it so the first commands do not fail.
  // Not fatal: with Redis down the API still starts and answers 503 until it returns.
  await redisReady(redis).catch((err: Error) => log.warn({ err: err.message }, 'Redis not ready at start'));
  const gazetteer = createGazetteer(loadRegion(config.REGION));
  let classifier: Promise<TextClassifier> | null = null;

  const repos = {
    posts: createPostsRepository({ es, names }),
    incidents: createIncidentsRepository({ es, names }),
    audit: createAuditRepository({ es, names }),
    users: createUsersRepository({ es, names }),
    staging: createStagingRepository({ redis, prefix }),
    feed: createFeedRepository({ redis, prefix, retention: config.FEED_RETENTION }),
    cursors: createCursorsRepository({ redis, prefix }),
    sessions: createSessionsRepository({ redis, prefix }),
    sourceHealth: createSourceHealthRepository({ redis, prefix }),
  };
  const postsQueue = createQueue('posts', { connection: queueRedis, prefix, policy: { attempts: config.PIPELINE_ATTEMPTS } });
  const policy: IncidentPolicy = {
    complaintThreshold: config.INCIDENT_COMPLAINT_THRESHOLD,
    misinformationThreshold: config.INCIDENT_MISINFO_THRESHOLD,
    responseMinutes: config.INCIDENT_RESPONSE_MINUTES,
  };

  const auth = createAuthService({
    users: repos.users,
    sessions: repos.sessions,
    audit: repos.audit,
    redis,
    prefix,
    policy: { ...DEFAULT_AUTH_POLICY, idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS },
  });
  const ingest = createIngestService({ staging: repos.staging, queue: postsQueue });
  const services = {
    auth,
    ingest,
    incidents: createIncidentsService({ incidents: repos.incidents, feed: repos.feed, gazetteer }),
    search: createSearchService({ posts: repos.posts, audit: repos.audit, gazetteer, analyze }),
    health: createHealthService({ es, redis }),
    webhooks: createWebhookService({ senders: config.WEBHOOK_SENDERS, ingest, audit: repos.audit, gazetteer, log }),
    gazetteer,
  };

  return {
    config,
    log,
    es,
    redis,
    queueRedis,
    names,
    repos,
    services,
    postsQueue,
    /** Built on first use: only pipeline processes pay for loading the model. */
    async pipeline() {
      // Loaded on demand: the API process never pays for the model.
      classifier ??= import('./classifier/classifier').then((m) => m.loadClassifier(config.MODEL_PATH));
      return createPipelineService({ ...repos, names, policy, log, analyze, classifier: await classifier, gazetteer });
    },
    /** A fresh connection for blocking reads (XREAD BLOCK, BullMQ workers). */
    newConnection(name: string, forBullmq = false): RedisClient {
      return createRedis(config.REDIS_URL, { forBullmq, name });
    },
    async close(): Promise<void> {
      await postsQueue.close();
      redis.disconnect();
      queueRedis.disconnect();
      await es.close();
    },
  };
}
export type Container = Awaited<ReturnType<typeof createContainer>>;
