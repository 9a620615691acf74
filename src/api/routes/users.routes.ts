import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { userCreateRequest, userIdParams as idParams, userListAnswer, userPasswordRequest, userUpdateRequest, userViewSchema } from '../../contracts/users';
import type { AuthService } from '../../services/auth.service';
import type { UsersService } from '../../services/users.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * User administration for the technical administrator (`users:manage`). Every change is audited
 * by the service; a change of role or scope, disabling, and password or TOTP resets end the
 * user's sessions, which disconnects their sockets within seconds.
 */
export const usersRoutes: FastifyPluginAsyncZod<{ auth: AuthService; users: UsersService }> = async (app, { auth, users }) => {
  const admin = requirePermission(auth, 'users:manage');

  app.get(
    '/api/users',
    { preHandler: admin, schema: { tags: ['users'], response: { 200: userListAnswer, 401: errorBody, 403: errorBody } } },
    async () => ({ items: await users.listUsers() }),
  );

  app.post(
    '/api/users',
    {
      preHandler: admin,
      schema: {
        tags: ['users'],
        body: userCreateRequest,
        response: { 201: userViewSchema, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await users.createUser(request.body, sessionOf(request).user)),
  );

  app.get(
    '/api/users/:id',
    { preHandler: admin, schema: { tags: ['users'], params: idParams, response: { 200: userViewSchema, ...errors } } },
    async (request) => users.getUser(request.params.id),
  );

  app.patch(
    '/api/users/:id',
    {
      preHandler: admin,
      schema: {
        tags: ['users'],
        params: idParams,
        body: userUpdateRequest,
        response: { 200: userViewSchema, ...errors },
      },
    },
    async (request) => {
      const { displayName, role, scope, organisationId, email } = request.body;
      return users.updateUser(sessionOf(request).user, request.params.id, {
        ...(displayName !== undefined ? { displayName } : {}),
        ...(role !== undefined ? { role } : {}),
        ...(scope !== undefined ? { scope } : {}),
        ...(organisationId !== undefined ? { organisationId } : {}),
        ...(email !== undefined ? { email } : {}),
      });
    },
  );

  for (const [path, disabled] of [
    ['/api/users/:id/disable', true],
    ['/api/users/:id/enable', false],
  ] as const) {
    app.post(path, { preHandler: admin, schema: { tags: ['users'], params: idParams, response: { 200: userViewSchema, ...errors } } }, async (request) =>
      users.setDisabled(sessionOf(request).user, request.params.id, disabled),
    );
  }

  app.post(
    '/api/users/:id/password',
    { preHandler: admin, schema: { tags: ['users'], params: idParams, body: userPasswordRequest, response: { 200: userViewSchema, ...errors } } },
    async (request) => users.resetPassword(sessionOf(request).user, request.params.id, request.body.password),
  );

  app.post(
    '/api/users/:id/totp/reset',
    { preHandler: admin, schema: { tags: ['users'], params: idParams, response: { 200: userViewSchema, ...errors } } },
    async (request) => users.resetTotp(sessionOf(request).user, request.params.id),
  );
};
