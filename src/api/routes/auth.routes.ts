import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionRecord } from '../../repositories/sessions.repository';
import type { AuthService, LoginOutcome } from '../../services/auth.service';
import type { TotpEnrolmentService } from '../../services/totp-enrolment.service';
import { requirePermission, sessionCookie, sessionOf } from '../auth';
import { loginAnswer, loginRequest, passwordChangeAnswer, passwordChangeRequest, sessionBody, totpConfirmAnswer, totpConfirmRequest, totpLoginRequest, totpSetupAnswer, totpSetupRequest } from '../../contracts/auth';
import { errorBody } from './schemas';

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
        body: loginRequest,
        response: { 200: loginAnswer, 401: errorBody, 403: errorBody, 429: errorBody },
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
        body: totpLoginRequest,
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
        body: totpSetupRequest,
        response: { 200: totpSetupAnswer, 400: errorBody, 401: errorBody, 403: errorBody, 409: errorBody },
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
        body: totpConfirmRequest,
        response: { 200: totpConfirmAnswer, 400: errorBody, 401: errorBody, 403: errorBody, 409: errorBody },
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
        body: passwordChangeRequest,
        response: { 200: passwordChangeAnswer, 400: errorBody, 401: errorBody, 403: errorBody, 429: errorBody },
      },
    },
    async (request) => sessionAnswer(await auth.changePassword(sessionOf(request), request.body.currentPassword, request.body.newPassword, request.ip)),
  );
};
