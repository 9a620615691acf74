import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { breakdownExportQuerySchema, breakdownQuerySchema, breakdownSchema, mapQuerySchema, mapSchema, misinfoQuerySchema, misinfoSchema, recurringQuerySchema, recurringSchema, topProblemsSchema, topQuerySchema } from '../../contracts/analytics';
import { NotFoundError } from '../../lib/errors';
import type { AnalyticsService } from '../../services/analytics.service';
import type { AuthService } from '../../services/auth.service';
import { requirePermission, sessionOf } from '../auth';
import { streamExport } from './export-stream';
import { errorBody } from './schemas';

export const analyticsRoutes: FastifyPluginAsyncZod<{ auth: AuthService; analytics: AnalyticsService }> = async (app, { auth, analytics }) => {
  const guard = requirePermission(auth, 'posts:search');
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody };
  const tags = ['analytics'];

  app.get(
    '/api/analytics/breakdown',
    { preHandler: guard, schema: { tags, description: 'Counts per combination of dims (sector, category, municipality, network, source, tone), optionally over time; every row drills down to its posts. Capped at 10,000 rows (capped + message).', querystring: breakdownQuerySchema, response: { 200: breakdownSchema, ...errors } } },
    async (request) => analytics.breakdown(sessionOf(request).user, request.query),
  );
  app.get(
    '/api/analytics/breakdown/export',
    { preHandler: guard, schema: { tags, querystring: breakdownExportQuerySchema, response: errors } },
    async (request, reply) => streamExport(reply, request.query.format, 'dozor-breakdown', (open) => analytics.exportBreakdown(sessionOf(request).user, request.query, open, request.ip)),
  );
  app.get('/api/analytics/top', { preHandler: guard, schema: { tags, querystring: topQuerySchema, response: { 200: topProblemsSchema, ...errors } } }, async (request) =>
    analytics.topProblems(sessionOf(request).user, request.query),
  );
  app.get('/api/analytics/recurring', { preHandler: guard, schema: { tags, querystring: recurringQuerySchema, response: { 200: recurringSchema, ...errors } } }, async (request) =>
    analytics.recurring(sessionOf(request).user, request.query),
  );
  app.get('/api/analytics/misinformation', { preHandler: guard, schema: { tags, querystring: misinfoQuerySchema, response: { 200: misinfoSchema, ...errors } } }, async (request) =>
    analytics.misinformation(sessionOf(request).user, request.query),
  );
  app.get('/api/analytics/map', { preHandler: guard, schema: { tags, querystring: mapQuerySchema, response: { 200: mapSchema, ...errors } } }, async (request) => analytics.map(sessionOf(request).user, request.query));
  app.get('/api/analytics/map/geojson', { preHandler: guard, schema: { tags, response: { 200: z.unknown(), 401: errorBody, 403: errorBody, 404: errorBody } } }, async () => {
    const g = analytics.geojson();
    if (g === null) throw new NotFoundError('GeoJSON boundaries');
    return g;
  });
};
