import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { slaBoardAnswer, slaBoardQuery } from '../../contracts/sla';
import { buildSlaBoard } from '../../domain/sla-board';
import type { IncidentQueriesRepository } from '../../repositories/incident-queries.repository';
import type { AuthService } from '../../services/auth.service';
import { scopedMunicipalities, scopedSectors } from '../../services/incidents.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const EMPTY = { interimSoon: 0, interimOverdue: 0, finalSoon: 0, finalOverdue: 0 };

/** The SLA board (issue 11 point 3), scoped by the caller's sectors and municipalities. */
export const slaRoutes: FastifyPluginAsyncZod<{ auth: AuthService; queries: IncidentQueriesRepository }> = async (app, { auth, queries }) => {
  app.get(
    '/api/sla/board',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: { tags: ['sla'], summary: 'Open routed incidents whose interim or final answer is due soon or overdue, by organisation and sector (in scope)', querystring: slaBoardQuery, response: { 200: slaBoardAnswer, 400: errorBody, 401: errorBody, 403: errorBody } },
    },
    async (request) => {
      const viewer = sessionOf(request).user;
      const now = new Date();
      const sectors = scopedSectors(viewer, request.query.sector);
      const municipalities = scopedMunicipalities(viewer, request.query.municipality);
      const head = { generatedAt: now.toISOString(), soonHours: request.query.soonHours };
      if (sectors?.length === 0 || municipalities?.length === 0) return { ...head, counts: EMPTY, byOrganisation: [], bySector: [], items: [] };
      const open = await queries.openRouted(5000, {
        ...(sectors ? { sectors } : {}),
        ...(municipalities ? { municipalities } : {}),
        ...(request.query.organisation ? { organisationId: request.query.organisation } : {}),
      });
      return { ...head, ...buildSlaBoard(open, now, request.query.soonHours * 60) };
    },
  );
};
