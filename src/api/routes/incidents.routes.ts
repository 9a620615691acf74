import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  commentCreateSchema,
  commentListSchema,
  commentSchema,
  countersSchema,
  incidentActionSchema,
  incidentCardSchema,
  incidentDetailSchema,
  incidentIdParams,
  incidentListAnswer,
  incidentListQuery,
  workloadSchema,
} from '../../contracts/incidents';
import type { AuthService } from '../../services/auth.service';
import type { IncidentWorkflowService } from '../../services/incident-workflow.service';
import type { IncidentsService } from '../../services/incidents.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const idParam = incidentIdParams;
/** 409: the action lost (stale version) or does not apply; `current` is the incident as it is now. */
const conflictBody = errorBody.extend({ reason: z.string().optional(), current: incidentCardSchema.optional() });
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

export const incidentRoutes: FastifyPluginAsyncZod<{ auth: AuthService; incidents: IncidentsService; incidentWorkflow: IncidentWorkflowService }> = async (
  app,
  { auth, incidents, incidentWorkflow },
) => {
  app.get(
    '/api/incidents',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: {
        tags: ['incidents'],
        summary: 'Incidents in the caller’s scope, newest first, filtered (status, assignee=me, municipality, urgent, reason, overdue, q)',
        querystring: incidentListQuery,
        response: { 200: incidentListAnswer, ...errors },
      },
    },
    async (request) => incidents.list(sessionOf(request).user, request.query),
  );

  app.get(
    '/api/incidents/counters',
    { preHandler: requirePermission(auth, 'incidents:read'), schema: { tags: ['incidents'], summary: 'New, mine, overdue and urgent open incidents in scope', response: { 200: countersSchema, ...errors } } },
    async (request) => incidents.counters(sessionOf(request).user),
  );

  app.get(
    '/api/incidents/workload',
    { preHandler: requirePermission(auth, 'incidents:read'), schema: { tags: ['incidents'], summary: 'Who holds how many open incidents in scope, the oldest first', response: { 200: workloadSchema, ...errors } } },
    async (request) => incidents.workload(sessionOf(request).user),
  );

  app.get(
    '/api/incidents/:id',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: { tags: ['incidents'], summary: 'One incident with its version, owner, grouped posts and timeline', params: idParam, response: { 200: incidentDetailSchema, ...errors } },
    },
    async (request) => incidentWorkflow.get(sessionOf(request).user, request.params.id),
  );

  app.post(
    '/api/incidents/:id/actions',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: {
        tags: ['incidents'],
        summary: 'Take, release, assign, route, answer, close, reopen, reject, merge, split, dismiss a suggestion, correct — with the version last seen',
        params: idParam,
        body: incidentActionSchema,
        response: { 200: incidentDetailSchema, ...errors, 409: conflictBody },
      },
    },
    async (request) => incidentWorkflow.act(sessionOf(request).user, request.params.id, request.body, request.ip),
  );

  app.get(
    '/api/incidents/:id/comments',
    { preHandler: requirePermission(auth, 'incidents:read'), schema: { tags: ['incidents'], summary: 'Internal notes on an incident', params: idParam, response: { 200: commentListSchema, ...errors } } },
    async (request) => ({ items: await incidentWorkflow.comments(sessionOf(request).user, request.params.id) }),
  );

  app.post(
    '/api/incidents/:id/comments',
    {
      preHandler: requirePermission(auth, 'incidents:read'),
      schema: { tags: ['incidents'], summary: 'Add an internal note (never leaves the system)', params: idParam, body: commentCreateSchema, response: { 201: commentSchema, ...errors, 409: errorBody } },
    },
    async (request, reply) => reply.status(201).send(await incidentWorkflow.addComment(sessionOf(request).user, request.params.id, request.body, request.ip)),
  );
};
