import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ratingsAnswer, ratingsQuery } from '../../contracts/ratings';
import { rateOrganisations } from '../../domain/ratings';
import type { ProductionCalendar } from '../../domain/working-time';
import type { IncidentQueriesRepository } from '../../repositories/incident-queries.repository';
import type { AuthService } from '../../services/auth.service';
import { requirePermission } from '../auth';
import { errorBody } from './schemas';

/** Ratings of responsible organisations for a period (default: the last 30 days), with drill-down ids. */
export const ratingsRoutes: FastifyPluginAsyncZod<{ auth: AuthService; queries: IncidentQueriesRepository; calendar: ProductionCalendar }> = async (app, { auth, queries, calendar }) => {
  app.get(
    '/api/ratings/organisations',
    { preHandler: requirePermission(auth, 'incidents:read'), schema: { tags: ['ratings'], querystring: ratingsQuery, response: { 200: ratingsAnswer, 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (request) => {
      const now = new Date();
      const to = request.query.to ?? now.toISOString();
      const from = request.query.from ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
      const incidents = await queries.routedBetween(from, to);
      return { from, to, minVolume: request.query.minVolume, items: rateOrganisations(incidents, calendar, { minVolume: request.query.minVolume, now }) };
    },
  );
};
