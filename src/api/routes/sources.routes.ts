import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  sourceAnswer,
  sourceCreatedAnswer,
  sourceFilterSchema as filterSchema,
  sourceHealthListAnswer,
  sourceHealthViewSchema as healthViewSchema,
  sourceIdParams as idParams,
  sourceListAnswer,
  sourceSecretAnswer,
} from '../../contracts/sources';
import type { AuthService } from '../../services/auth.service';
import { createSourceSchema, updateSourceSchema, type SourcesService } from '../../services/sources.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const denied = { 401: errorBody, 403: errorBody };

/**
 * The source registry and connector health, for the technical administrator (`sources:manage`).
 * Every change is audited by the service (source.create/update/delete) besides the trail.
 */
export const sourceRoutes: FastifyPluginAsyncZod<{ auth: AuthService; sources: SourcesService }> = async (app, { auth, sources }) => {
  const preHandler = requirePermission(auth, 'sources:manage');

  app.get(
    '/api/sources',
    { preHandler, schema: { tags: ['sources'], querystring: filterSchema, response: { 200: sourceListAnswer, 400: errorBody, ...denied } } },
    async (request) => ({ items: await sources.list(request.query) }),
  );

  app.post(
    '/api/sources',
    {
      preHandler,
      schema: {
        tags: ['sources'],
        description: 'Registers a source. For a webhook source the response carries the sender secret — the only time it is shown.',
        body: createSourceSchema,
        response: { 201: sourceCreatedAnswer, 400: errorBody, ...denied, 409: errorBody },
      },
    },
    async (request, reply) => reply.status(201).send(await sources.create(sessionOf(request).user, request.body, request.ip)),
  );

  app.get(
    '/api/sources/health',
    { preHandler, schema: { tags: ['sources'], querystring: filterSchema, response: { 200: sourceHealthListAnswer, 400: errorBody, ...denied } } },
    async (request) => sources.health(request.query),
  );

  app.get(
    '/api/sources/:id',
    { preHandler, schema: { tags: ['sources'], params: idParams, response: { 200: sourceAnswer, ...denied, 404: errorBody } } },
    async (request) => ({ source: await sources.get(request.params.id) }),
  );

  app.get(
    '/api/sources/:id/health',
    { preHandler, schema: { tags: ['sources'], params: idParams, response: { 200: healthViewSchema, ...denied, 404: errorBody } } },
    async (request) => sources.healthOf(request.params.id),
  );

  app.patch(
    '/api/sources/:id',
    {
      preHandler,
      schema: {
        tags: ['sources'],
        description: 'Edits a source; settings that change what it watches give it a new id (returned).',
        params: idParams,
        body: updateSourceSchema,
        response: { 200: sourceAnswer, 400: errorBody, ...denied, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => ({ source: await sources.update(sessionOf(request).user, request.params.id, request.body, request.ip) }),
  );

  for (const [action, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const) {
    app.post(
      `/api/sources/:id/${action}`,
      { preHandler, schema: { tags: ['sources'], params: idParams, response: { 200: sourceAnswer, ...denied, 404: errorBody } } },
      async (request) => ({ source: await sources.setStatus(sessionOf(request).user, request.params.id, status, request.ip) }),
    );
  }

  app.post(
    '/api/sources/:id/rotate-secret',
    {
      preHandler,
      schema: { tags: ['sources'], description: 'A new secret for a webhook sender, shown once; the old one stops working.', params: idParams, response: { 200: sourceSecretAnswer, 400: errorBody, ...denied, 404: errorBody } },
    },
    async (request) => sources.rotateSecret(sessionOf(request).user, request.params.id, request.ip),
  );

  app.delete(
    '/api/sources/:id',
    { preHandler, schema: { tags: ['sources'], params: idParams, response: { 204: z.null(), ...denied, 404: errorBody } } },
    async (request, reply) => {
      await sources.remove(sessionOf(request).user, request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
};
