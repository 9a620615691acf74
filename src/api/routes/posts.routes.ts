import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NETWORKS } from '../../domain/network';
import { SECTORS } from '../../domain/sector';
import type { AuthService } from '../../services/auth.service';
import type { SearchService } from '../../services/search.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody, postCardSchema, postExplanationSchema } from './schemas';

/** Elasticsearch refuses from+size beyond 10,000 without a scroll; deeper paging is an export. */
const MAX_WINDOW = 10_000;

export const postRoutes: FastifyPluginAsyncZod<{ auth: AuthService; search: SearchService }> = async (app, { auth, search }) => {
  app.get(
    '/api/posts/search',
    {
      preHandler: requirePermission(auth, 'posts:search'),
      schema: {
        tags: ['posts'],
        querystring: z
          .object({
            q: z.string().max(500).optional(),
            sector: z.enum(SECTORS).optional(),
            municipality: z.string().max(64).optional(),
            network: z.enum(NETWORKS).optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
            page: z.coerce.number().int().min(1).default(1),
            size: z.coerce.number().int().min(1).max(100).default(20),
          })
          .refine((q) => q.page * q.size <= MAX_WINDOW, { message: `page × size must not exceed ${MAX_WINDOW}`, path: ['page'] })
          .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] }),
        response: {
          200: z.object({ total: z.number(), page: z.number(), size: z.number(), items: z.array(postCardSchema) }),
          400: errorBody,
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (request) => search.search(sessionOf(request).user, request.query, request.ip),
  );

  app.get(
    '/api/posts/:id/explanation',
    {
      preHandler: requirePermission(auth, 'posts:search'),
      schema: {
        tags: ['posts'],
        description: 'The few features that drove each label of a stored post, from the model version that classified it (else the active one, with a note).',
        params: z.object({ id: z.string().min(1).max(300) }),
        response: { 200: postExplanationSchema, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => search.explain(sessionOf(request).user, request.params.id),
  );
};
