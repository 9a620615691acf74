import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { archiveSearchQuerySchema, exportQuerySchema, facetSchema, notificationSchema, savedSearchInputSchema, savedSearchPatchSchema, savedSearchSchema } from '../../contracts/archive';
import { NotFoundError } from '../../lib/errors';
import type { AlertsService } from '../../services/alerts.service';
import type { ArchiveService } from '../../services/archive.service';
import type { AuthService } from '../../services/auth.service';
import { requirePermission, sessionOf } from '../auth';
import { streamExport } from './export-stream';
import { errorBody, postCardSchema } from './schemas';

const stamp = () => new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');

export const archiveRoutes: FastifyPluginAsyncZod<{ auth: AuthService; archive: ArchiveService; alerts: AlertsService }> = async (app, { auth, archive, alerts }) => {
  const guard = requirePermission(auth, 'posts:search');
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody };

  app.get(
    '/api/archive/search',
    {
      preHandler: guard,
      schema: {
        tags: ['archive'],
        description: 'Archive search in the query language (words by stem, "phrases", AND/OR/NOT, field:value, date:from..to), newest first or by relevance; facets on the first page; `next` is a cursor (point in time + search_after) for the next page, valid 5 minutes.',
        querystring: archiveSearchQuerySchema,
        response: {
          200: z.object({ total: z.number(), items: z.array(postCardSchema), next: z.string().nullable(), facets: z.record(z.string(), z.array(facetSchema)).optional() }),
          ...errors,
        },
      },
    },
    async (request) => archive.search(sessionOf(request).user, request.query, request.ip),
  );

  app.get(
    '/api/archive/posts/:id',
    {
      preHandler: guard,
      schema: {
        tags: ['archive'],
        params: z.object({ id: z.string().min(1).max(300) }),
        response: {
          200: z.object({
            post: postCardSchema,
            categoryTitle: z.string().nullable(),
            incident: z.object({ id: z.string(), status: z.string(), reason: z.string(), createdAt: z.string(), dueAt: z.string(), urgent: z.boolean() }).nullable(),
            history: z.array(z.object({ at: z.string(), field: z.string(), by: z.string(), oldValue: z.unknown(), newValue: z.unknown() })),
          }),
          401: errorBody,
          403: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const found = await archive.post(sessionOf(request).user, request.params.id, request.ip);
      if (!found) throw new NotFoundError('Post');
      return found;
    },
  );

  app.get(
    '/api/archive/export',
    {
      preHandler: guard,
      schema: { tags: ['archive'], description: 'Every match as CSV or XLSX, streamed; at most 100,000 rows (more is a 400 before anything is written). Audited; authors masked unless the caller may see them.', querystring: exportQuerySchema, response: errors },
    },
    async (request, reply) => streamExport(reply, request.query.format, `dozor-archive-${stamp()}`, (open) => archive.exportPosts(sessionOf(request).user, request.query, open, request.ip)),
  );

  app.get('/api/saved-searches', { preHandler: guard, schema: { tags: ['archive'], response: { 200: z.object({ items: z.array(savedSearchSchema) }), 401: errorBody, 403: errorBody } } }, async (request) => ({
    items: await alerts.list(sessionOf(request).user),
  }));
  app.post('/api/saved-searches', { preHandler: guard, schema: { tags: ['archive'], body: savedSearchInputSchema, response: { 201: savedSearchSchema, ...errors } } }, async (request, reply) =>
    reply.status(201).send(await alerts.create(sessionOf(request).user, request.body)),
  );
  app.patch(
    '/api/saved-searches/:id',
    { preHandler: guard, schema: { tags: ['archive'], params: z.object({ id: z.string().min(1).max(64) }), body: savedSearchPatchSchema, response: { 200: savedSearchSchema, ...errors, 404: errorBody } } },
    async (request) => alerts.update(sessionOf(request).user, request.params.id, request.body),
  );
  app.delete('/api/saved-searches/:id', { preHandler: guard, schema: { tags: ['archive'], params: z.object({ id: z.string().min(1).max(64) }), response: { 204: z.null(), 401: errorBody, 403: errorBody, 404: errorBody } } }, async (request, reply) => {
    await alerts.remove(sessionOf(request).user, request.params.id);
    return reply.status(204).send(null);
  });

  app.get(
    '/api/notifications',
    { preHandler: guard, schema: { tags: ['archive'], querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }), response: { 200: z.object({ items: z.array(notificationSchema), unread: z.number() }), ...errors } } },
    async (request) => alerts.notifications(sessionOf(request).user, request.query.limit),
  );
  app.post('/api/notifications/seen', { preHandler: guard, schema: { tags: ['archive'], response: { 204: z.null(), 401: errorBody, 403: errorBody } } }, async (request, reply) => {
    await alerts.markSeen(sessionOf(request).user);
    return reply.status(204).send(null);
  });
};
