import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SECTORS } from '../../domain/sector';
import type { AuthService } from '../../services/auth.service';
import type { IncidentsService } from '../../services/incidents.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody, incidentCardSchema } from './schemas';

export const incidentRoutes: FastifyPluginAsyncZod<{ auth: AuthService; incidents: IncidentsService }> = async (app, { auth, incidents }) => {
  app.get(
    '/api/incidents',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: {
        tags: ['incidents'],
        querystring: z.object({
          sector: z.enum(SECTORS).optional(),
          municipality: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(incidentCardSchema), cursor: z.string() }), 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => incidents.list(sessionOf(request).user, request.query),
  );
};
