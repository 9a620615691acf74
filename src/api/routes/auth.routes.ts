import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService } from '../../services/auth.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody, userSchema } from './schemas';

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService }> = async (app, { auth }) => {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
        response: { 200: z.object({ token: z.string(), user: userSchema }), 401: errorBody, 429: errorBody },
      },
    },
    async (request) => auth.login(request.body.username, request.body.password, request.ip),
  );

  app.post(
    '/api/auth/logout',
    { preHandler: requirePermission(auth), schema: { tags: ['auth'], response: { 204: z.null(), 401: errorBody } } },
    async (request, reply) => {
      await auth.logout(sessionOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    { preHandler: requirePermission(auth), schema: { tags: ['auth'], response: { 200: z.object({ user: userSchema }), 401: errorBody } } },
    async (request) => ({ user: sessionOf(request).user }),
  );
};
