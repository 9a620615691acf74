import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { UnauthorizedError } from '../../lib/errors';
import { METRICS_CONTENT_TYPE } from '../../services/source-metrics';
import type { SourcesService } from '../../services/sources.service';
import { bearerToken } from '../auth';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `GET /metrics` for Prometheus (text format 0.0.4), authenticated by the bearer METRICS_TOKEN.
 * Without a token configured the endpoint does not exist (404): metrics are never open.
 */
export const metricsRoutes: FastifyPluginAsyncZod<{ sources: Pick<SourcesService, 'metrics'>; token: string | undefined }> = async (app, { sources, token }) => {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!token) return reply.status(404).send({ error: 'not_found', message: 'Route not found', requestId: request.id });
    const given = bearerToken(request.headers.authorization);
    // Compared as digests: constant time whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), digest(token))) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedError('A valid metrics bearer token is required');
    }
    return reply.header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store').send(await sources.metrics());
  });
};
