import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NETWORK_TITLES_RU, NETWORKS } from '../../domain/network';
import { SECTOR_TITLES_RU, SECTORS } from '../../domain/sector';
import type { AuthService } from '../../services/auth.service';
import type { Gazetteer } from '../../services/gazetteer.service';
import type { HealthService } from '../../services/health.service';
import { requirePermission } from '../auth';
import { metaAnswer } from '../../contracts/meta';
import { errorBody } from './schemas';

export const metaRoutes: FastifyPluginAsyncZod<{ auth: AuthService; gazetteer: Gazetteer; health: HealthService }> = async (app, { auth, gazetteer, health }) => {
  app.get('/health/live', { schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        response: {
          200: z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.enum(['up', 'down'])) }),
          503: z.object({ status: z.literal('not_ready'), checks: z.record(z.string(), z.enum(['up', 'down'])) }),
        },
      },
    },
    async (_request, reply) => {
      const r = await health.readiness();
      return r.ready ? { status: 'ready' as const, checks: r.checks } : reply.status(503).send({ status: 'not_ready' as const, checks: r.checks });
    },
  );

  app.get(
    '/api/meta',
    {
      preHandler: requirePermission(auth),
      schema: {
        tags: ['meta'],
        response: {
          200: metaAnswer,
          401: errorBody,
        },
      },
    },
    async () => ({
      region: { code: gazetteer.region.code, name: gazetteer.region.name },
      sectors: SECTORS.map((code) => ({ code, title: SECTOR_TITLES_RU[code] })),
      networks: NETWORKS.map((code) => ({ code, title: NETWORK_TITLES_RU[code] })),
      municipalities: gazetteer.list(),
    }),
  );
};
