import { createServer } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ModelsService } from '../classifier-registry/models.service';
import type { Logger } from '../lib/logger';
import type { AuditService } from '../services/audit.service';
import type { AuthService } from '../services/auth.service';
import type { TotpEnrolmentService } from '../services/totp-enrolment.service';
import type { UsersService } from '../services/users.service';
import type { CorrectionsService } from '../services/corrections.service';
import type { DeskService } from '../services/desk.service';
import type { IncidentWorkflowService } from '../services/incident-workflow.service';
import type { ShiftService } from '../services/shift.service';
import { shiftRoutes } from './routes/shift.routes';
import type { ErasureService } from '../services/erasure.service';
import type { Gazetteer } from '../services/gazetteer.service';
import type { HealthService } from '../services/health.service';
import type { IncidentsService } from '../services/incidents.service';
import type { SearchService } from '../services/search.service';
import type { SourcesService } from '../services/sources.service';
import type { WebhookService } from '../services/webhook.service';
import type { OrganisationsService } from '../services/organisations.service';
import { authenticateFirst, corsHook, originGuard } from './auth';
import { registerDashboards } from './dashboards';
import { registerErrorHandler } from './error-handler';
import { auditRoutes, registerAuditTrail } from './routes/audit.routes';
import { authRoutes } from './routes/auth.routes';
import { correctionRoutes } from './routes/corrections.routes';
import { deskRoutes } from './routes/desk.routes';
import { incidentRoutes } from './routes/incidents.routes';
import { metaRoutes } from './routes/meta.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { modelRoutes } from './routes/models.routes';
import { postRoutes } from './routes/posts.routes';
import { privacyRoutes } from './routes/privacy.routes';
import { sourceRoutes } from './routes/sources.routes';
import { usersRoutes } from './routes/users.routes';
import { webhookRoutes } from './routes/webhook.routes';
import { analyticsRoutes } from './routes/analytics.routes';
import { archiveRoutes } from './routes/archive.routes';
import { reportsRoutes } from './routes/reports.routes';
import type { AlertsService } from '../services/alerts.service';
import type { AnalyticsService } from '../services/analytics.service';
import type { ArchiveService } from '../services/archive.service';
import type { ReportsService } from '../services/reports.service';
import { organisationRoutes } from './routes/organisations.routes';
import { responseRoutes } from './routes/response.routes';
import { satisfactionPageRoutes } from './routes/satisfaction-page.routes';
import { ratingsRoutes } from './routes/ratings.routes';
import type { OfficialPagesService } from '../services/official-pages.service';
import { slaRoutes } from './routes/sla.routes';
import type { IncidentQueriesRepository } from '../repositories/incident-queries.repository';
import type { DeadlinesService } from '../services/deadlines.service';
import type { ResponseService } from '../services/response.service';
import type { OrganisationDeskService } from '../services/organisation-desk.service';

export interface AppDeps {
  log: Logger;
  auth: AuthService;
  users: UsersService;
  totpEnrolment: TotpEnrolmentService;
  incidents: IncidentsService;
  search: SearchService;
  gazetteer: Gazetteer;
  health: HealthService;
  webhooks: WebhookService;
  audit: AuditService;
  erasure: ErasureService;
  sources: SourcesService;
  corrections: CorrectionsService;
  incidentWorkflow: IncidentWorkflowService;
  shift: ShiftService;
  models: ModelsService;
  archive: ArchiveService;
  analytics: AnalyticsService;
  alerts: AlertsService;
  reports: ReportsService;
  desk: DeskService;
  organisations: OrganisationsService;
  response: ResponseService;
  organisationDesk: OrganisationDeskService;
  incidentQueries: IncidentQueriesRepository;
  officialPages: OfficialPagesService;
  deadlines: DeadlinesService;
  /** Bearer token for GET /metrics; without it the endpoint answers 404. */
  metricsToken?: string | undefined;
  /** Connection limits and the proxies to trust; the defaults suit tests and a bare host. */
  http?: Partial<HttpOptions>;
}

export interface HttpOptions {
  /** Fastify's `trustProxy`: which proxies' X-Forwarded-For names the client (TRUST_PROXY). */
  trustProxy: boolean | number | string[];
  /** Whole request, headers and body: a slow body is cut with 408. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

const DEFAULT_HTTP: HttpOptions = { trustProxy: false, requestTimeoutMs: 30_000, headersTimeoutMs: 15_000, keepAliveTimeoutMs: 10_000 };

// The dashboards load only their own bundle and style and talk only to this origin: anything
// injected through post text has nowhere to load from or send to.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

/**
 * What a request log line keeps: no query string, since search terms (`?q=`) and filters can be
 * personal data (a name searched for), and no headers (tokens, cookies).
 */
function requestForLog(req: { method?: string; url?: string; ip?: string }): Record<string, unknown> {
  return { method: req.method, url: req.url?.split('?')[0], remoteAddress: req.ip };
}

/** Builds the HTTP app without listening (tests use `inject`; main/api.ts listens). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const http: HttpOptions = { ...DEFAULT_HTTP, ...deps.http };
  const app = Fastify<RawServerDefault>({
    loggerInstance: deps.log.child({ module: 'http' }, { serializers: { req: requestForLog } }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // A hop count trusts that many proxies nearest to us (proxy-addr's meaning of a number).
    trustProxy: typeof http.trustProxy === 'number' ? ((_addr: string, hop: number) => hop < (http.trustProxy as number)) : http.trustProxy,
    requestIdHeader: false,
    // Node checks request deadlines on a timer (30 s by default): check often enough that a slow
    // body is cut close to its deadline, not up to 30 s after it.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: http.requestTimeoutMs,
          headersTimeout: Math.min(http.headersTimeoutMs, http.requestTimeoutMs),
          keepAliveTimeout: http.keepAliveTimeoutMs,
          connectionsCheckingInterval: Math.max(250, Math.min(5000, Math.floor(http.requestTimeoutMs / 4))),
        },
        handler,
      ),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerAuditTrail(app, { audit: deps.audit });
  authenticateFirst(app);

  await app.register(fastifySwagger, {
    openapi: { info: { title: 'Dozor API', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });

  // CORS for the configured origins only; cross-origin writes riding on the session cookie refused.
  app.addHook('onRequest', corsHook(deps.auth.policy.allowedOrigins));
  app.addHook('onRequest', originGuard(deps.auth.policy));

  app.addHook('onSend', async (request, reply, payload) => {
    void reply.headers(SECURITY_HEADERS);
    // API answers carry personal data (authors, texts, accounts, the audit trail): no cache,
    // shared or private, may keep them.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  await app.register(metaRoutes, { auth: deps.auth, gazetteer: deps.gazetteer, health: deps.health });
  await app.register(authRoutes, { auth: deps.auth, totpEnrolment: deps.totpEnrolment });
  await app.register(usersRoutes, { auth: deps.auth, users: deps.users });
  await app.register(incidentRoutes, { auth: deps.auth, incidents: deps.incidents, incidentWorkflow: deps.incidentWorkflow });
  await app.register(shiftRoutes, { auth: deps.auth, shift: deps.shift });
  await app.register(postRoutes, { auth: deps.auth, search: deps.search });
  await app.register(correctionRoutes, { auth: deps.auth, corrections: deps.corrections });
  await app.register(modelRoutes, { auth: deps.auth, models: deps.models });
  await app.register(webhookRoutes, { webhooks: deps.webhooks });
  await app.register(auditRoutes, { auth: deps.auth, audit: deps.audit });
  await app.register(privacyRoutes, { auth: deps.auth, erasure: deps.erasure });
  await app.register(sourceRoutes, { auth: deps.auth, sources: deps.sources });
  await app.register(deskRoutes, { auth: deps.auth, desk: deps.desk });
  await app.register(metricsRoutes, { sources: deps.sources, token: deps.metricsToken });
  await app.register(archiveRoutes, { auth: deps.auth, archive: deps.archive, alerts: deps.alerts });
  await app.register(analyticsRoutes, { auth: deps.auth, analytics: deps.analytics });
  await app.register(reportsRoutes, { auth: deps.auth, reports: deps.reports });
  await app.register(ratingsRoutes, { auth: deps.auth, queries: deps.incidentQueries, calendar: deps.deadlines.calendar, officialPages: deps.officialPages });
  await app.register(slaRoutes, { auth: deps.auth, queries: deps.incidentQueries });
  await app.register(responseRoutes, { auth: deps.auth, response: deps.response, desk: deps.organisationDesk, workflow: deps.incidentWorkflow });
  await app.register(satisfactionPageRoutes, { response: deps.response, desk: deps.organisationDesk });
  await app.register(organisationRoutes, { auth: deps.auth, organisations: deps.organisations, lookup: { municipalities: deps.gazetteer.list(), regionName: deps.gazetteer.region.name } });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await registerDashboards(app);
  return app;
}
