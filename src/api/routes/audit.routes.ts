import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditEvent } from '../../domain/audit';
import type { AuditService } from '../../services/audit.service';
import type { AuthService } from '../../services/auth.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

/** Deep paging is refused (Elasticsearch's from+size window). */
const MAX_WINDOW = 10_000;

const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ id: z.string(), username: z.string().nullable(), role: z.string().nullable() }).nullable(),
  action: z.string(),
  outcome: z.enum(['success', 'failure', 'denied']),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

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
        querystring: z
          .object({
            actor: z.string().min(1).max(64).optional(),
            action: z.string().regex(/^[a-z_]+(\.[a-z_]+)*(\.|\.?\*)?$/, 'an action such as auth.login, or a prefix such as incident.*').max(64).optional(),
            outcome: z.enum(['success', 'failure', 'denied']).optional(),
            target: z.string().min(1).max(200).optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
            page: z.coerce.number().int().min(1).default(1),
            size: z.coerce.number().int().min(1).max(200).default(50),
          })
          .refine((q) => q.page * q.size <= MAX_WINDOW, { message: `page × size must not exceed ${MAX_WINDOW}`, path: ['page'] })
          .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { message: 'from must not be after to', path: ['from'] }),
        response: {
          200: z.object({ total: z.number(), page: z.number(), size: z.number(), items: z.array(auditEntrySchema) }),
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
