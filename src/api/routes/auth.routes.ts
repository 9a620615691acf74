import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionRecord } from '../../repositories/sessions.repository';
import type { AuthService, LoginOutcome } from '../../services/auth.service';
import type { TotpEnrolmentService } from '../../services/totp-enrolment.service';
import { requirePermission, sessionCookie, sessionOf } from '../auth';
import { errorBody, userSchema } from './schemas';

/**
 * `mode: "cookie"` (the default, for the dashboards): the session goes into an HttpOnly cookie
 * and never reaches page scripts; the body carries the anti-CSRF token. `mode: "bearer"` (API
 * clients, scripts): the body carries the token, no cookie is set.
 */
const mode = z.enum(['cookie', 'bearer']).default('cookie');

const sessionBody = z.object({
  user: userSchema,
  csrfToken: z.string(),
  /** True while the role requires TOTP and the user has not enrolled: only enrolment is allowed. */
  totpEnrolmentRequired: z.boolean(),
  /** True while the password is one an administrator set: only changing it is allowed. */
  passwordChangeRequired: z.boolean(),
  token: z.string().optional(),
});
const loginBody = z.union([sessionBody, z.object({ totpRequired: z.literal(true), challenge: z.string() })]);

function sessionAnswer(s: SessionRecord) {
  return { user: s.user, csrfToken: s.csrf, totpEnrolmentRequired: s.totpEnrolment === true, passwordChangeRequired: s.passwordChange === true };
}

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService; totpEnrolment: TotpEnrolmentService }> = async (app, { auth, totpEnrolment }) => {
  const secure = auth.policy.cookieSecure;

  function answer(reply: FastifyReply, out: LoginOutcome & { kind: 'session' }, how: 'cookie' | 'bearer') {
    if (how === 'bearer') return { ...sessionAnswer(out.session), token: out.token };
    void reply.header('set-cookie', sessionCookie(secure, out.token)).header('cache-control', 'no-store');
    return sessionAnswer(out.session);
  }

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256), mode }),
        response: { 200: loginBody, 401: errorBody, 403: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const out = await auth.login(request.body.username, request.body.password, request.ip);
      if (out.kind === 'totp') return { totpRequired: true as const, challenge: out.challenge };
      return answer(reply, out, request.body.mode);
    },
  );

  app.post(
    '/api/auth/login/totp',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ challenge: z.string().min(1).max(100), code: z.string().regex(/^\d{6}$/, 'six digits'), mode }),
        response: { 200: sessionBody, 401: errorBody, 403: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const out = await auth.completeTotpLogin(request.body.challenge, request.body.code, request.ip);
      return answer(reply, out, request.body.mode);
    },
  );

  app.post(
    '/api/auth/logout',
    { preHandler: requirePermission(auth), schema: { tags: ['auth'], response: { 204: z.null(), 401: errorBody, 403: errorBody } } },
    async (request, reply) => {
      await auth.logout(sessionOf(request));
      return reply.status(204).header('set-cookie', sessionCookie(secure, null)).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    { preHandler: requirePermission(auth), schema: { tags: ['auth'], response: { 200: sessionBody, 401: errorBody } } },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return sessionAnswer(sessionOf(request));
    },
  );

  app.post(
    '/api/auth/totp/setup',
    {
      preHandler: requirePermission(auth),
      schema: {
        tags: ['auth'],
        description: 'Starts TOTP enrolment; needs the current password, so a session alone cannot enrol a factor the owner does not hold.',
        body: z.object({ password: z.string().min(1).max(256) }),
        response: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }), 400: errorBody, 401: errorBody, 403: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return totpEnrolment.setup(sessionOf(request), request.body.password, request.ip);
    },
  );

  app.post(
    '/api/auth/totp/confirm',
    {
      preHandler: requirePermission(auth),
      schema: {
        tags: ['auth'],
        body: z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }),
        response: { 200: sessionBody.omit({ token: true }), 400: errorBody, 401: errorBody, 403: errorBody, 409: errorBody },
      },
    },
    async (request) => sessionAnswer(await totpEnrolment.confirm(sessionOf(request), request.body.code, request.ip)),
  );

  app.post(
    '/api/auth/password',
    {
      preHandler: requirePermission(auth),
      schema: {
        tags: ['auth'],
        description: 'The owner changes their password (required after an administrator set it); ends their other sessions.',
        body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
        response: { 200: sessionBody.omit({ token: true }), 400: errorBody, 401: errorBody, 403: errorBody, 429: errorBody },
      },
    },
    async (request) => sessionAnswer(await auth.changePassword(sessionOf(request), request.body.currentPassword, request.body.newPassword, request.ip)),
  );
};
