import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuthService } from '../../services/auth.service';
import type { IncidentsService } from '../../services/incidents.service';
import { requirePermission, sessionOf } from '../auth';
import { incidentListAnswer, incidentListQuery } from '../../contracts/incidents';
import { errorBody } from './schemas';

export const incidentRoutes: FastifyPluginAsyncZod<{ auth: AuthService; incidents: IncidentsService }> = async (app, { auth, incidents }) => {
  app.get(
    '/api/incidents',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: {
        tags: ['incidents'],
        querystring: incidentListQuery,
        response: { 200: incidentListAnswer, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => incidents.list(sessionOf(request).user, request.query),
  );
};
