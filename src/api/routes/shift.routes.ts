import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { handoverAckAnswer as ackSchema, handoverAckSchema, handoverSchema } from '../../contracts/incidents';
import type { AuthService } from '../../services/auth.service';
import type { ShiftService } from '../../services/shift.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

export const shiftRoutes: FastifyPluginAsyncZod<{ auth: AuthService; shift: ShiftService }> = async (app, { auth, shift }) => {
  app.get(
    '/api/shift/handover',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: { tags: ['shift'], summary: 'What the outgoing shift leaves: open incidents by status and owner, overdue, urgent, notes for the next shift', response: { 200: handoverSchema, 401: errorBody, 403: errorBody } },
    },
    async (request) => shift.handover(sessionOf(request).user),
  );
  app.post(
    '/api/shift/handover/ack',
    {
      preHandler: requirePermission(auth, 'incidents:work'),
      schema: { tags: ['shift'], summary: 'The incoming operator acknowledges the handover (recorded and audited)', body: handoverAckSchema, response: { 201: ackSchema, 400: errorBody, 401: errorBody, 403: errorBody } },
    },
    async (request, reply) => reply.status(201).send(await shift.acknowledge(sessionOf(request).user, request.body.note, request.ip)),
  );
};
