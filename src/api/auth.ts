import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission } from '../domain/access';
import { ForbiddenError } from '../lib/errors';
import type { SessionRecord } from '../repositories/sessions.repository';
import type { AuthService } from '../services/auth.service';

declare module 'fastify' {
  interface FastifyRequest {
    session?: SessionRecord;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/** preHandler: a live session with the permission, or 401/403. */
export function requirePermission(auth: Pick<AuthService, 'authenticate'>, permission?: Permission) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const session = await auth.authenticate(bearerToken(request.headers.authorization));
    if (permission && !can(session.user.role, permission)) throw new ForbiddenError();
    request.session = session;
  };
}

export function sessionOf(request: FastifyRequest): SessionRecord {
  if (!request.session) throw new Error('route is missing its auth preHandler');
  return request.session;
}
