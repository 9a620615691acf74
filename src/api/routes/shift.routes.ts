import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { handoverAckSchema } from '../../contracts/incidents';
import { INCIDENT_STATUSES } from '../../domain/incident';
import type { AuthService } from '../../services/auth.service';
import type { ShiftService } from '../../services/shift.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody, incidentCardSchema } from './schemas';

const staff = z.object({ id: z.string(), username: z.string(), name: z.string() });
const ackSchema = z.object({ at: z.string(), by: staff, note: z.string().optional() });
const handoverSchema = z.object({
  generatedAt: z.string(),
  byStatus: z.record(z.enum(INCIDENT_STATUSES), z.number().int()),
  byOwner: z.array(z.object({ assignee: staff, open: z.number().int(), oldestCreatedAt: z.string() })),
  unassigned: z.number().int(),
  overdue: z.array(incidentCardSchema),
  urgent: z.array(incidentCardSchema),
  notes: z.array(z.object({ incidentId: z.string(), incidentStatus: z.enum(INCIDENT_STATUSES), at: z.string(), author: staff, text: z.string() })),
  acknowledgements: z.array(ackSchema),
});

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
