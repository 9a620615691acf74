import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../lib/logger';
import type { AuthService } from '../services/auth.service';
import type { Gazetteer } from '../services/gazetteer.service';
import type { HealthService } from '../services/health.service';
import type { IncidentsService } from '../services/incidents.service';
import type { SearchService } from '../services/search.service';
import type { WebhookService } from '../services/webhook.service';
import { registerErrorHandler } from './error-handler';
import { authRoutes } from './routes/auth.routes';
import { incidentRoutes } from './routes/incidents.routes';
import { metaRoutes } from './routes/meta.routes';
import { postRoutes } from './routes/posts.routes';
import { webhookRoutes } from './routes/webhook.routes';

export interface AppDeps {
  log: Logger;
  auth: AuthService;
  incidents: IncidentsService;
  search: SearchService;
  gazetteer: Gazetteer;
  health: HealthService;
  webhooks: WebhookService;
}

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

const DASHBOARDS = fileURLToPath(new URL('../../dashboards/', import.meta.url));

/** Builds the HTTP app without listening (tests use `inject`; main/api.ts listens). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ module: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    requestIdHeader: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  await app.register(fastifySwagger, {
    openapi: { info: { title: 'Dozor API', version: '0.1.0' } },
    transform: jsonSchemaTransform,
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.headers(SECURITY_HEADERS);
    return payload;
  });

  await app.register(metaRoutes, { auth: deps.auth, gazetteer: deps.gazetteer, health: deps.health });
  await app.register(authRoutes, { auth: deps.auth });
  await app.register(incidentRoutes, { auth: deps.auth, incidents: deps.incidents });
  await app.register(postRoutes, { auth: deps.auth, search: deps.search });
  await app.register(webhookRoutes, { webhooks: deps.webhooks });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(fastifyStatic, { root: `${DASHBOARDS}dist`, prefix: '/assets/', decorateReply: false });
  await app.register(fastifyStatic, { root: `${DASHBOARDS}operator`, prefix: '/', index: ['index.html'], decorateReply: false, allowedPath: (path) => path === '/' || path === '/index.html' });
  // Every other page folder with an index.html is served at /<page>/ (its bundle under /assets/).
  for (const page of readdirSync(DASHBOARDS, { withFileTypes: true })) {
    if (!page.isDirectory() || page.name === 'operator' || !existsSync(`${DASHBOARDS}${page.name}/index.html`)) continue;
    await app.register(fastifyStatic, { root: `${DASHBOARDS}${page.name}`, prefix: `/${page.name}/`, index: ['index.html'], decorateReply: false, allowedPath: (path) => path === '/' || path === '/index.html' });
  }
  return app;
}
