import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuditEvent } from '../../domain/audit';
import type { AuditService } from '../../services/audit.service';
import type { AuthService } from '../../services/auth.service';
import { requirePermission, sessionOf } from '../auth';
import { auditPageAnswer, auditQuery } from '../../contracts/audit';
import { errorBody } from './schemas';

/**
 * The audit trail, read-only: `GET /api/audit` for holders of `audit:read`. There is no route
 * that changes or removes a record, and the index is written with op_type=create only.
 */
export const auditRoutes: FastifyPluginAsyncZod<{ auth: AuthService; audit: AuditService }> = async (app, { auth, audit }) => {
  app.get(
    '/api/audit',
    {
      preHandler: requirePermission(auth, 'audit:read'),
      schema: {
        tags: ['audit'],
        querystring: auditQuery,
        response: {
          200: auditPageAnswer,
          400: errorBody,
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (request) => audit.search(sessionOf(request).user, request.query, request.ip),
  );
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Audited by their services with more detail (and login has no session yet).
const SELF_AUDITED = new Set(['/api/auth/login', '/api/auth/logout', '/api/privacy/erasure']);

/**
 * Records, after the response, what the routes themselves do not: every denial of an
 * authenticated caller (403, and 404 on an object route — out of scope looks like missing), and
 * every write through the API (incident actions, user and role changes, corrections…), so a new
 * route is audited even before its service records anything. Only the route pattern, its
 * parameters (ids) and the status are kept — never bodies.
 */
export function registerAuditTrail(app: FastifyInstance, deps: { audit: Pick<AuditService, 'record'> }): void {
  app.addHook('onResponse', async (request, reply) => {
    const session = request.session;
    if (!session) return;
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    const status = reply.statusCode;
    const params = request.params && typeof request.params === 'object' ? (request.params as Record<string, unknown>) : {};
    const hasObject = route.includes(':');
    const target = hasObject ? Object.values(params).map(String).join('/') : route;
    const base = { route, method: request.method, status, ...(hasObject ? { params } : {}) };
    let event: Pick<AuditEvent, 'action' | 'outcome'> | null = null;
    if (status === 403) event = { action: 'access.denied', outcome: 'denied' };
    else if (status === 404 && hasObject) event = { action: 'access.not_found', outcome: 'denied' };
    else if (WRITE_METHODS.has(request.method) && !SELF_AUDITED.has(route)) event = { action: 'api.write', outcome: status < 400 ? 'success' : 'failure' };
    if (!event) return;
    try {
      await deps.audit.record(session.user, { ...event, target, ip: request.ip, details: base });
    } catch (err) {
      request.log.error({ err: (err as Error).message, route }, 'audit record failed');
    }
  });
}
