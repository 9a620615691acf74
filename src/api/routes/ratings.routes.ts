import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { officialPageCommentsAnswer, officialPageCommentsQuery, officialPagesAnswer, officialPagesQuery, ratingsAnswer, ratingsQuery } from '../../contracts/ratings';
import { rateOrganisations } from '../../domain/ratings';
import type { ProductionCalendar } from '../../domain/working-time';
import type { IncidentQueriesRepository } from '../../repositories/incident-queries.repository';
import type { AuthService } from '../../services/auth.service';
import type { OfficialPagesService } from '../../services/official-pages.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

/** The period asked for, by default the 30 days up to now. */
function period(q: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } {
  const to = q.to ?? new Date().toISOString();
  return { from: q.from ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString(), to };
}

/** Ratings of responsible organisations and of their official pages for a period, with drill-down. */
export const ratingsRoutes: FastifyPluginAsyncZod<{ auth: AuthService; queries: IncidentQueriesRepository; calendar: ProductionCalendar; officialPages: OfficialPagesService }> = async (app, { auth, queries, calendar, officialPages }) => {
  app.get(
    '/api/ratings/organisations',
    { preHandler: requirePermission(auth, 'incidents:read'), schema: { tags: ['ratings'], querystring: ratingsQuery, response: { 200: ratingsAnswer, 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (request) => {
      const now = new Date();
      const { from, to } = period(request.query);
      const incidents = await queries.routedBetween(from, to);
      return { from, to, minVolume: request.query.minVolume, items: rateOrganisations(incidents, calendar, { minVolume: request.query.minVolume, now }) };
    },
  );

  app.get(
    '/api/ratings/official-pages',
    { preHandler: requirePermission(auth, 'incidents:read'), schema: { tags: ['ratings'], querystring: officialPagesQuery, response: { 200: officialPagesAnswer, 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (request) => {
      const p = period(request.query);
      return { ...p, minVolume: request.query.minVolume, items: await officialPages.rate({ ...p, minVolume: request.query.minVolume }) };
    },
  );

  app.get(
    '/api/ratings/official-pages/comments',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: { tags: ['ratings'], querystring: officialPageCommentsQuery, response: { 200: officialPageCommentsAnswer, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody } },
    },
    async (request) => {
      const { organisationId, sourceId, figure } = request.query;
      return officialPages.comments({ ...period(request.query), organisationId, sourceId, figure }, sessionOf(request).user.scope);
    },
  );
};
