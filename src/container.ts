import type { Config } from './config/env';
import { createEsClient, type EsClient } from './adapters/elasticsearch';
import { createRedis, redisReady, type RedisClient } from './adapters/redis';
import { resolve } from 'node:path';
import { DEFAULT_MODEL_PATH, type TextClassifier } from './classifier/classifier';
import { loadTaxonomy } from './classifier/taxonomy';
import type { ActiveClassifier } from './classifier-registry/active-model';
import { createModelRegistry } from './classifier-registry/model-registry';
import { createModelsService } from './classifier-registry/models.service';
import { inScope, type Scope } from './domain/access';
import type { IncidentPolicy } from './domain/incident';
import { rateOrganisations } from './domain/ratings';
import { createLogger, type Logger } from './lib/logger';
import { createPipelineService } from './pipeline/pipeline.service';
import { closeWhenReady, createQueue } from './queue/queues';
import { createAuditRepository } from './repositories/audit.repository';
import { createCorrectionsRepository } from './repositories/corrections.repository';
import { createDeskRepository } from './repositories/desk.repository';
import { createCursorsRepository } from './repositories/cursors.repository';
import { createFeedRepository } from './repositories/feed.repository';
import { createIncidentsRepository } from './repositories/incidents.repository';
import { ensureIndices, type IndexNames } from './repositories/indices';
import { createPersonalDataRepository, createPostsRepository } from './repositories/posts.repository';
import { createSessionsRepository } from './repositories/sessions.repository';
import { createDenialsRepository } from './repositories/denials.repository';
import { createLoginAttemptsRepository } from './repositories/login-attempts.repository';
import { createTotpStateRepository } from './repositories/totp-state.repository';
import { createTombstonesRepository } from './repositories/tombstones.repository';
import { createReplayGuardRepository } from './repositories/replay-guard.repository';
import { createSocketRegistryRepository } from './repositories/socket-registry.repository';
import { createSourceHealthRepository } from './repositories/source-health.repository';
import { createSourcesRepository } from './repositories/sources.repository';
import { createVkQuotaRepository } from './repositories/vk-quota.repository';
import { createStagingRepository } from './repositories/staging.repository';
import { createUsersRepository } from './repositories/users.repository';
import { createOrganisationsRepository } from './repositories/organisations.repository';
import { createRoutingHistoryRepository } from './repositories/routing-history.repository';
import { createOrganisationsService } from './services/organisations.service';
import { createNotificationsRepository } from './repositories/notifications.repository';
import { createDeadlinesService, loadDeadlineSetup } from './services/deadlines.service';
import { createResponseService } from './services/response.service';
import { createNotificationChannel } from './repositories/notification-channel.repository';
import { createSmtpMailer } from './services/mailer';
import { createVkReplyPublisher } from './services/vk-reply';
import { createIncidentQueriesRepository } from './repositories/incident-queries.repository';
import { createOrganisationDeskService, loadAnswerTemplates } from './services/organisation-desk.service';
import { createAuditService } from './services/audit.service';
import { createAuthService, DEFAULT_AUTH_POLICY } from './services/auth.service';
import { createClaimMatcher, createClaimPropagation, regionPlaces } from './services/claim-matcher.service';
import { createCorrectionsService } from './services/corrections.service';
import { createDeskService } from './services/desk.service';
import { createErasureService } from './services/erasure.service';
import { createGazetteer, loadRegion } from './services/gazetteer.service';
import { createHealthService } from './services/health.service';
import { createIncidentsService } from './services/incidents.service';
import { createIncidentWorkflowService } from './services/incident-workflow.service';
import { createShiftService } from './services/shift.service';
import { createShiftRepository } from './repositories/shift.repository';
import { createGroupingRepository } from './repositories/grouping.repository';
import { DEFAULT_GROUPING, type GroupingPolicy } from './domain/incident-workflow';
import { createIngestService } from './services/ingest.service';
import { createRetentionService } from './services/retention.service';
import { createSearchService } from './services/search.service';
import { createExplanationService, explanationDepsFromRegistry } from './services/explanation.service';
import { createSourcesService } from './services/sources.service';
import { createOfficialPagesService } from './services/official-pages.service';
import { createSecretBox } from './services/totp';
import { createTotpEnrolmentService } from './services/totp-enrolment.service';
import { createUsersService } from './services/users.service';
import { createIdCodec } from './services/post-ids';
import { createWebhookService } from './services/webhook.service';
import { analyze } from './text/analyze';
import { createArchiveRepository, createIncidentStatsRepository } from './repositories/archive.repository';
import { createEscalationNotificationsRepository } from './repositories/escalation-notifications.repository';
import { createReportsRepository } from './repositories/reports.repository';
import { createSavedSearchesRepository } from './repositories/saved-searches.repository';
import { createAlertsService } from './services/alerts.service';
import { createAnalyticsService } from './services/analytics.service';
import { createArchiveService } from './services/archive.service';
import { createReportsService } from './services/reports.service';
import { createSharedRateLimiter } from './repositories/rate-limit.repository';
import type { AddressPolicy } from '../connectors/http/http-client';
import type { ConnectorContext, ConnectorRateLimiters } from '../workers/connector.factory';

/** What a connector process may vary (tests admit loopback, tune the MAX updates stream). */
export interface ConnectorWiringOptions {
  /** Which addresses connectors may reach; default public only. */
  addressPolicy?: AddressPolicy;
  /**
   * The MAX updates stream (live path when MAX_BOT_TOKEN is set; max_chat connectors then only
   * backfill and catch up). Default on with a 30-s long poll; `false` keeps per-chat polling only.
   */
  maxUpdates?: false | NonNullable<ConnectorContext['maxUpdates']>;
}

/**
 * The composition root: config → connections → repositories → services, wired here and nowhere
 * else; the process roles (src/main/roles.ts) only start what it built. Every process — one per
 * role, `npm start`'s three, the multi-node topology of the fault suite — builds it the same way
 * (src/main/process.ts). Connections are opened once and closed by `close`.
 */
export async function createContainer(config: Config, opts: { name: string; log?: Logger }) {
  const log = opts.log ?? createLogger({ level: config.LOG_LEVEL, name: opts.name });
  const es: EsClient = createEsClient({ url: config.ES_URL, ...(config.ES_USERNAME ? { username: config.ES_USERNAME } : {}), ...(config.ES_PASSWORD ? { password: config.ES_PASSWORD } : {}) });
  const redis: RedisClient = createRedis(config.REDIS_URL, { name: `${opts.name}` });
  // BullMQ wants its own connection with no request retry limit.
  const queueRedis: RedisClient = createRedis(config.REDIS_URL, { forBullmq: true, name: `${opts.name}-queue` });
  const prefix = config.REDIS_PREFIX;

  const names: IndexNames = await ensureIndices(es, config.ES_INDEX_PREFIX, { replicas: config.ES_REPLICAS });
  // The shared connection has no offline queue: wait for it so the first commands do not fail.
  // Not fatal: with Redis down the API still starts and answers 503 until it returns.
  await redisReady(redis).catch((err: Error) => log.warn({ err: err.message }, 'Redis not ready at start'));
  const gazetteer = createGazetteer(loadRegion(config.REGION));
  let classifier: Promise<TextClassifier> | null = null;
  let activeModel: ActiveClassifier | null = null;
  // Every retrained model and the active pointer; the shipped model is the fallback.
  const modelRegistry = createModelRegistry({ dir: resolve(config.MODEL_DIR), shippedPath: DEFAULT_MODEL_PATH });

  const secretBox = createSecretBox(config.TOTP_ENCRYPTION_KEY);
  const ids = createIdCodec(secretBox.deriveKey('opaque-ids'));
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
    sources: createSourcesRepository({ es, names, redis, prefix }),
    personalData: createPersonalDataRepository({ es, names }),
    corrections: createCorrectionsRepository({ es, names }),
    archive: createArchiveRepository({ es, names }),
    incidentStats: createIncidentStatsRepository({ es, names }),
    savedSearches: createSavedSearchesRepository({ redis, prefix }),
    notifications: createNotificationsRepository({ redis, prefix }),
    reports: createReportsRepository({ redis, prefix, dir: resolve(config.REPORTS_DIR) }),
    desk: createDeskRepository({ es, names, redis, prefix }),
    loginAttempts: createLoginAttemptsRepository({ redis, prefix }),
    totpState: createTotpStateRepository({ redis, prefix }),
    denials: createDenialsRepository({ redis, prefix }),
    tombstones: createTombstonesRepository({ redis, prefix, fingerprint: (s) => secretBox.fingerprint(s) }),
    replayGuard: createReplayGuardRepository({ redis, prefix }),
    socketRegistry: createSocketRegistryRepository({ redis, prefix }),
    organisations: createOrganisationsRepository({ es, names }),
    escalationNotifications: createEscalationNotificationsRepository({ es, names }),
    notificationChannel: createNotificationChannel({ redis, prefix }),
    grouping: createGroupingRepository({ redis, prefix }),
    vkQuota: createVkQuotaRepository({ redis, prefix }),
  };
  const groupingPolicy: GroupingPolicy = { ...DEFAULT_GROUPING, windowMinutes: config.INCIDENT_GROUPING_WINDOW_MINUTES };
  const postsQueue = createQueue('posts', { connection: queueRedis, prefix, policy: { attempts: config.PIPELINE_ATTEMPTS }, log });
  const policy: IncidentPolicy = {
    complaintThreshold: config.INCIDENT_COMPLAINT_THRESHOLD,
    misinformationThreshold: config.INCIDENT_MISINFO_THRESHOLD,
    responseMinutes: config.INCIDENT_RESPONSE_MINUTES,
  };

  const authPolicy = {
    ...DEFAULT_AUTH_POLICY,
    idleMinutes: config.SESSION_IDLE_MINUTES,
    absoluteHours: config.SESSION_ABSOLUTE_HOURS,
    totpIssuer: config.TOTP_ISSUER,
    cookieSecure: config.COOKIE_SECURE,
    allowedOrigins: config.CORS_ORIGINS,
  };
  const authRepos = { users: repos.users, sessions: repos.sessions, audit: repos.audit, attempts: repos.loginAttempts, totpState: repos.totpState };
  const auth = createAuthService({ ...authRepos, denials: repos.denials, policy: authPolicy, secretBox });
  const users = createUsersService({ ...authRepos, isMunicipality: (code) => gazetteer.isKnown(code) });
  const totpEnrolment = createTotpEnrolmentService({ ...authRepos, secretBox, policy: authPolicy });
  if (!config.TOTP_ENCRYPTION_KEY && config.NODE_ENV === 'production') log.warn('TOTP_ENCRYPTION_KEY is not set: TOTP secrets are stored unsealed');
  const ingest = createIngestService({ staging: repos.staging, queue: postsQueue });
  const sources = createSourcesService({
    sources: repos.sources,
    health: repos.sourceHealth,
    audit: repos.audit,
    gazetteer,
    envSenderIds: Object.keys(config.WEBHOOK_SENDERS),
    secretBox,
    queueCounts: async () => ({ posts: await postsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'paused') }),
    log,
  });
  // Archive, analytics, alerts and reports (issue 13).
  const archive = createArchiveService({ archive: repos.archive, incidents: repos.incidents, corrections: repos.corrections, audit: repos.audit, gazetteer, analyze });
  const analytics = createAnalyticsService({ archive: repos.archive, archiveService: archive, audit: repos.audit, gazetteer, regionCode: config.REGION, ...(config.ANALYTICS_GEOJSON ? { geojsonPath: resolve(config.ANALYTICS_GEOJSON) } : {}) });
  const mailer = config.SMTP_URL ? createSmtpMailer({ url: config.SMTP_URL, from: config.SMTP_FROM ?? 'dozor@localhost' }) : undefined;
  const alerts = createAlertsService({ saved: repos.savedSearches, notifications: repos.notifications, users: repos.users, archive: repos.archive, archiveService: archive, analytics, audit: repos.audit, ...(mailer ? { mail: (to: string, subject: string, text: string) => mailer({ to: [to], subject, text }).catch((err: unknown) => log.warn({ code: (err as { code?: string }).code ?? 'unknown' }, 'alert e-mail not sent (the in-app notification stands; the SMTP error text may name the address, so only its code is logged)')) } : {}) });
  /** Organisations with fewer routed incidents in a report's period are shown but not ranked. */
  const REPORT_RATING_MIN_VOLUME = 5;
  // Report section «SLA and ratings»: the ratings of issue 11 over the incidents routed in the report's scope.
  const reportQueries = createIncidentQueriesRepository({ es, names });
  const reportRatings = async (scope: Scope, from: string, to: string) => {
    const routed = (await reportQueries.routedBetween(from, to)).filter((i) => inScope(scope, i));
    return { minVolume: REPORT_RATING_MIN_VOLUME, items: rateOrganisations(routed, deadlineSetup.calendar, { minVolume: REPORT_RATING_MIN_VOLUME, now: new Date() }) };
  };
  const reports = createReportsService({ archive: repos.archive, incidentStats: repos.incidentStats, analytics, reports: repos.reports, notifications: repos.notifications, users: repos.users, audit: repos.audit, gazetteer, ratings: reportRatings, ...(mailer ? { mail: (to: string, subject: string, text: string, attachments: { filename: string; content: Buffer }[]) => mailer({ to: [to], subject, text, attachments }) } : {}) });
  const corrections = createCorrectionsService({ corrections: repos.corrections, audit: repos.audit, gazetteer, taxonomy: loadTaxonomy(), incidents: repos.incidents, feed: repos.feed, ids });
  // Claim matching: the region's places, the two similarity bands of the desk.
  const claimPlaces = regionPlaces(gazetteer.region);
  const claimBands = { link: config.DESK_LINK_SIMILARITY, suggest: Math.min(config.DESK_SUGGEST_SIMILARITY, config.DESK_LINK_SIMILARITY) };
  const newClaimMatcher = () => createClaimMatcher({ desk: repos.desk, places: claimPlaces, bands: claimBands });
  const incidents = createIncidentsService({ incidents: repos.incidents, grouping: repos.grouping, feed: repos.feed, gazetteer, audit: repos.audit, ids });
  const incidentWorkflow = createIncidentWorkflowService({
    incidents: repos.incidents,
    grouping: repos.grouping,
    feed: repos.feed,
    audit: repos.audit,
    corrections,
    posts: repos.corrections,
    users: repos.users,
    organisations: repos.organisations,
    view: incidents,
    log,
  });
  // Working-time deadlines (issue 11): an impossible policy or bad calendar data stops the start.
  const deadlineSetup = loadDeadlineSetup({ timeZone: gazetteer.region.timeZone ?? 'Europe/Moscow', taxonomy: loadTaxonomy() });
  for (const w of deadlineSetup.warnings) log.warn(w);
  const deadlines = createDeadlinesService(deadlineSetup);
  const escalationQueue = createQueue('escalations', { connection: queueRedis, prefix, policy: { attempts: 5 }, log });
  const response = createResponseService({
    incidents: repos.incidents,
    deadlines,
    queue: escalationQueue,
    notifications: repos.escalationNotifications,
    push: (recipientId, n) => void repos.notificationChannel.publish(recipientId, n).catch((err: Error) => log.warn({ err: err.message }, 'notification push failed')),
    organisations: repos.organisations,
    users: repos.users,
    audit: repos.audit,
    redis,
    prefix,
    escalationEmails: config.ESCALATION_EMAILS,
    mailer,
    publisher: config.VK_COMMUNITY_TOKEN ? createVkReplyPublisher({ apiUrl: config.VK_API_URL, token: config.VK_COMMUNITY_TOKEN, communityId: config.VK_COMMUNITY_ID }) : undefined,
    linkHours: config.SATISFACTION_LINK_HOURS,
    log,
  });
  incidentWorkflow.onTransition((e) => response.onTransition(e));
  const incidentQueries = createIncidentQueriesRepository({ es, names });
  const organisationDesk = createOrganisationDeskService({
    incidents: repos.incidents,
    queries: incidentQueries,
    organisations: repos.organisations,
    response,
    feed: repos.feed,
    gazetteer: { nameOf: (c) => gazetteer.nameOf(c), timeZone: deadlineSetup.calendar.timeZone },
    templates: loadAnswerTemplates(),
    redis,
    prefix,
  });
  const officialPages = createOfficialPagesService({ organisations: repos.organisations, sources: repos.sources, posts: repos.posts, calendar: deadlineSetup.calendar });
  const services = {
    officialPages,
    deadlines,
    response,
    organisationDesk,
    incidentQueries,
    sources,
    auth,
    users,
    totpEnrolment,
    ingest,
    incidents,
    incidentWorkflow,
    shift: createShiftService({ incidents: repos.incidents, view: incidents, shift: createShiftRepository({ redis, prefix }), audit: repos.audit }),
    search: createSearchService({
      posts: repos.posts,
      audit: repos.audit,
      gazetteer,
      analyze,
      ids,
      explainer: createExplanationService(explanationDepsFromRegistry({ registry: modelRegistry, shippedPath: DEFAULT_MODEL_PATH, findPost: (id) => repos.corrections.findPost(id), analyze })),
    }),
    health: createHealthService({ es, redis }),
    webhooks: createWebhookService({ senders: config.WEBHOOK_SENDERS, registry: sources, health: repos.sourceHealth, ingest, audit: repos.audit, gazetteer, log, replays: repos.replayGuard, denials: repos.denials }),
    audit: createAuditService({ audit: repos.audit }),
    erasure: createErasureService({ personalData: repos.personalData, audit: repos.audit, tombstones: repos.tombstones, opaqueId: (id) => ids.encode(id) }),
    retention: createRetentionService({ personalData: repos.personalData, audit: repos.audit, policy: { days: config.RETENTION_DAYS, mode: config.RETENTION_MODE } }),
    corrections,
    desk: createDeskService({
      desk: repos.desk,
      matcher: newClaimMatcher(),
      audit: repos.audit,
      corrections,
      correctionsRepo: repos.corrections,
      gazetteer,
      policy: { queueThreshold: config.DESK_QUEUE_THRESHOLD, queueWindowHours: config.DESK_QUEUE_WINDOW_HOURS, spreadAlertPerHour: config.DESK_SPREAD_ALERT_PER_HOUR },
    }),
    models: createModelsService({ registry: modelRegistry, audit: repos.audit }),
    gazetteer,
    archive,
    analytics,
    alerts,
    reports,
    organisations: createOrganisationsService({
      organisations: repos.organisations,
      audit: repos.audit,
      gazetteer,
      taxonomy: loadTaxonomy(),
      history: createRoutingHistoryRepository({ es, names }),
    }),
  };

  // Connector wiring: one Redis token-bucket family per network, so a token's (or a host's) limit
  // holds across every connector process. Bucket keys within a family are per token or per host.
  const sharedLimiter = (ratePerSecond: number, burst: number) => createSharedRateLimiter({ redis, prefix }, { ratePerSecond, burst });
  const rateLimiters: ConnectorRateLimiters = {
    vk: sharedLimiter(config.VK_REQUESTS_PER_SECOND, 3),
    ok: sharedLimiter(config.OK_REQUESTS_PER_SECOND, 3),
    max: sharedLimiter(config.MAX_REQUESTS_PER_SECOND, 2),
    telegram: sharedLimiter(config.TELEGRAM_REQUESTS_PER_SECOND, 2),
    // Feeds and news sites: one request per second per host is polite and plenty.
    web: sharedLimiter(1, 5),
  };
  /** Everything the connector factory needs, from this root: limiters by network, VK quotas, the policy. */
  const connectorContext = (opts: ConnectorWiringOptions = {}): ConnectorContext => ({
    config,
    rateLimiters,
    log,
    vkQuota: { store: repos.vkQuota, report: (sourceId, snapshot) => repos.sourceHealth.recordQuota(sourceId, snapshot) },
    ...(opts.addressPolicy ? { addressPolicy: opts.addressPolicy } : {}),
    ...(opts.maxUpdates !== false && config.MAX_BOT_TOKEN ? { maxUpdates: opts.maxUpdates ?? {} } : {}),
  });

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
    escalationQueue,
    rateLimiters,
    connectorContext,
    /** Built on first use: only pipeline processes pay for loading the model. */
    async pipeline() {
      // Loaded on demand: the API process never pays for the model.
      // MODEL_PATH pins one file; otherwise the registry's active model, followed without a restart.
      classifier ??= import('./classifier/classifier').then(async (m) => {
        if (config.MODEL_PATH) return m.loadClassifier(config.MODEL_PATH);
        const { createActiveClassifier } = await import('./classifier-registry/active-model');
        activeModel = await createActiveClassifier({ registry: modelRegistry, load: (path) => m.loadClassifier(path), pollMs: config.MODEL_RELOAD_SECONDS * 1000, log, fallbackPath: DEFAULT_MODEL_PATH });
        return activeModel.classifier;
      });
      const claims = createClaimPropagation({ desk: repos.desk, matcher: newClaimMatcher(), log });
      return createPipelineService({ ...repos, names, policy, groupingPolicy, log, analyze, classifier: await classifier, gazetteer, claims });
    },
    /** A fresh connection for blocking reads (XREAD BLOCK, BullMQ workers). */
    newConnection(name: string, forBullmq = false): RedisClient {
      return createRedis(config.REDIS_URL, { forBullmq, name });
    },
    modelRegistry,
    /** The hot-reloading model of this process (null before `pipeline()` or with MODEL_PATH pinned). */
    activeModel: () => activeModel,
    async close(): Promise<void> {
      activeModel?.stop();
      await closeWhenReady(postsQueue);
      await closeWhenReady(escalationQueue);
      mailer?.close();
      redis.disconnect();
      queueRedis.disconnect();
      await es.close();
    },
  };
}
export type Container = Awaited<ReturnType<typeof createContainer>>;
