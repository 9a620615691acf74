import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rateOrganisations } from '../../domain/ratings';
import type { ProductionCalendar } from '../../domain/working-time';
import type { IncidentQueriesRepository } from '../../repositories/incident-queries.repository';
import type { AuthService } from '../../services/auth.service';
import { requirePermission } from '../auth';
import { errorBody } from './schemas';

const period = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  minVolume: z.coerce.number().int().min(1).max(1000).default(5),
});
const ids = z.array(z.string());
const ratingSchema = z.object({
  organisationId: z.string(),
  organisationName: z.string(),
  routed: z.number(),
  counted: z.boolean(),
  medianInterimHours: z.number().nullable(),
  medianFinalHours: z.number().nullable(),
  onTimeShare: z.number().nullable(),
  formalShare: z.number().nullable(),
  reopenedShare: z.number().nullable(),
  satisfiedShare: z.number().nullable(),
  incidents: z.object({ routed: ids, late: ids, formal: ids, reopened: ids, solved: ids, notSolved: ids }),
});

/** Ratings of responsible organisations for a period (default: the last 30 days), with drill-down ids. */
export const ratingsRoutes: FastifyPluginAsyncZod<{ auth: AuthService; queries: IncidentQueriesRepository; calendar: ProductionCalendar }> = async (app, { auth, queries, calendar }) => {
  app.get(
    '/api/ratings/organisations',
    { preHandler: requirePermission(auth, 'incidents:read'), schema: { tags: ['ratings'], querystring: period, response: { 200: z.object({ from: z.string(), to: z.string(), minVolume: z.number(), items: z.array(ratingSchema) }), 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (request) => {
      const now = new Date();
      const to = request.query.to ?? now.toISOString();
      const from = request.query.from ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
      const incidents = await queries.routedBetween(from, to);
      return { from, to, minVolume: request.query.minVolume, items: rateOrganisations(incidents, calendar, { minVolume: request.query.minVolume, now }) };
    },
  );
};
