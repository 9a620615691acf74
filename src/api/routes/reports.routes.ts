import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reportBuildSchema, reportRecordSchema } from '../../contracts/archive';
import { isSector } from '../../domain/sector';
import { ValidationError } from '../../lib/errors';
import type { AuthService } from '../../services/auth.service';
import type { ReportsService } from '../../services/reports.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

export const reportsRoutes: FastifyPluginAsyncZod<{ auth: AuthService; reports: ReportsService }> = async (app, { auth, reports }) => {
  const guard = requirePermission(auth, 'posts:search');
  const tags = ['reports'];
  app.get(
    '/api/reports',
    { preHandler: guard, schema: { tags, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: z.object({ items: z.array(reportRecordSchema) }), 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (request) => ({ items: await reports.list(sessionOf(request).user, request.query.limit) }),
  );
  app.post(
    '/api/reports',
    { preHandler: guard, schema: { tags, description: 'Builds a report (PDF + XLSX) now, in the caller’s scope.', body: reportBuildSchema, response: { 201: reportRecordSchema, 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (request, reply) => {
      const { sector, ...rest } = request.body;
      if (sector !== undefined && !isSector(sector)) throw new ValidationError(`Неизвестное направление «${sector}»`);
      return reply.status(201).send(await reports.buildOnDemand(sessionOf(request).user, { ...rest, ...(sector ? { sector } : {}) }));
    },
  );
  app.get(
    '/api/reports/:id/:format',
    { preHandler: guard, schema: { tags, params: z.object({ id: z.string().min(1).max(64), format: z.enum(['pdf', 'xlsx']) }), response: { 200: z.any(), 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const { record, body } = await reports.download(sessionOf(request).user, request.params.id, request.params.format, request.ip);
      const type = request.params.format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      return reply.header('content-type', type).header('content-disposition', `attachment; filename="dozor-${record.kind}-${record.from.slice(0, 10)}.${request.params.format}"`).send(body);
    },
  );
};
