import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModelsService } from '../../classifier-registry/models.service';
import type { AuthService } from '../../services/auth.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const modelSchema = z.object({
  version: z.string(),
  contentHash: z.string(),
  trainedAt: z.string(),
  parent: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()),
  data: z.record(z.string(), z.number()),
  guard: z.object({ accept: z.boolean(), reasons: z.array(z.string()), deltas: z.object({ sectorMacroF1: z.number(), complaintAcc: z.number(), misinfoF1: z.number() }).nullable() }).optional(),
  sizeBytes: z.number(),
  source: z.enum(['registry', 'shipped']),
  active: z.boolean().optional(),
});

const versionParam = z.object({ version: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'a model version') });

export const modelRoutes: FastifyPluginAsyncZod<{ auth: AuthService; models: ModelsService }> = async (app, { auth, models }) => {
  app.get(
    '/api/models',
    {
      preHandler: requirePermission(auth, 'model:manage'),
      schema: { tags: ['models'], response: { 200: z.object({ active: z.string(), items: z.array(modelSchema) }), 401: errorBody, 403: errorBody } },
    },
    async () => models.list(),
  );

  app.post(
    '/api/models/:version/activate',
    {
      preHandler: requirePermission(auth, 'model:manage'),
      schema: {
        tags: ['models'],
        summary: 'Make a stored model version the active one (restore); pipeline workers switch without a restart',
        params: versionParam,
        body: z.strictObject({ reason: z.string().trim().min(1).max(300).optional() }).optional(),
        response: { 200: z.object({ previous: z.string().nullable(), active: modelSchema }), 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => models.activate(sessionOf(request).user, request.params.version, request.body?.reason, request.ip),
  );
};
