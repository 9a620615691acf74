import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { escalationIdParams, escalationListAnswer } from '../../contracts/escalations';
import { satisfactionAnswer, satisfactionBody, satisfactionLinkAnswer } from '../../contracts/response';
import { detectFormalAnswer } from '../../domain/formal-answer';
import { NotFoundError } from '../../lib/errors';
import type { AuthService } from '../../services/auth.service';
import type { IncidentWorkflowService } from '../../services/incident-workflow.service';
import type { OrganisationDeskService } from '../../services/organisation-desk.service';
import type { ResponseService } from '../../services/response.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const denied = { 401: errorBody, 403: errorBody };
const idParam = z.object({ id: z.string().min(1).max(600) });
const verdictSchema = z.object({ formal: z.boolean(), score: z.number(), reasons: z.array(z.string()) });

/**
 * Answers, notifications, satisfaction and the responsible organisation's own desk (issue 11).
 * Lifecycle changes go through the incident workflow (issue 10); these routes add what is around them.
 */
export const responseRoutes: FastifyPluginAsyncZod<{ auth: AuthService; response: ResponseService; desk: OrganisationDeskService; workflow: IncidentWorkflowService }> = async (app, { auth, response, desk, workflow }) => {
  const session = requirePermission(auth);
  const work = requirePermission(auth, 'incidents:read');
  const respond = requirePermission(auth, 'organisation:respond');

  app.post(
    '/api/answers/check',
    { preHandler: session, schema: { tags: ['answers'], summary: 'The «отписка» check of an answer before it is sent: flag, score, reasons', body: z.object({ text: z.string().min(1).max(4000) }), response: { 200: verdictSchema, 400: errorBody, 401: errorBody } } },
    async (request) => detectFormalAnswer(request.body.text),
  );

  app.get(
    '/api/escalations',
    { preHandler: session, schema: { tags: ['notifications'], response: { 200: escalationListAnswer, 401: errorBody } } },
    async (request) => response.notificationsOf(sessionOf(request).user),
  );

  app.post(
    '/api/escalations/:id/read',
    { preHandler: session, schema: { tags: ['notifications'], params: escalationIdParams, response: { 204: z.null(), 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (request, reply) => {
      await response.markRead(sessionOf(request).user, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/incidents/:id/answer-templates',
    { preHandler: work, schema: { tags: ['answers'], params: idParam, response: { 200: z.object({ items: z.array(z.object({ id: z.string(), stage: z.enum(['interim', 'final']), title: z.string(), text: z.string() })) }), ...denied, 404: errorBody } } },
    async (request) => ({ items: await desk.templates(sessionOf(request).user, request.params.id) }),
  );

  app.post(
    '/api/incidents/:id/satisfaction',
    { preHandler: requirePermission(auth, 'incidents:work'), schema: { tags: ['satisfaction'], summary: "The resident's verdict, entered by the operator; «not solved» reopens the incident", params: idParam, body: satisfactionBody, response: { 200: satisfactionAnswer, 400: errorBody, ...denied, 404: errorBody } } },
    async (request) => {
      await desk.operatorVerdict(sessionOf(request).user, request.params.id, request.body.verdict, request.ip);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/incidents/:id/satisfaction-link',
    { preHandler: requirePermission(auth, 'incidents:work'), schema: { tags: ['satisfaction'], summary: 'A one-time public link for the resident (shown once, expires)', params: idParam, response: { 201: satisfactionLinkAnswer, 400: errorBody, ...denied, 404: errorBody } } },
    async (request, reply) => {
      const { token, expiresAt } = await response.createLink(sessionOf(request).user, request.params.id, request.ip);
      return reply.status(201).send({ url: `/rate/?t=${token}`, expiresAt });
    },
  );

  // Public (no login): the resident's one-time link. Rate-limited per address; a used or expired link is a clear answer.
  app.get(
    '/api/public/satisfaction/:token',
    { schema: { tags: ['satisfaction'], params: z.object({ token: z.string().min(10).max(100) }), response: { 200: z.object({ state: z.enum(['open', 'used', 'expired']) }), 429: errorBody } } },
    async (request) => {
      await desk.limitPublic(request.ip);
      return { state: await response.linkState(request.params.token) };
    },
  );
  app.post(
    '/api/public/satisfaction/:token',
    { schema: { tags: ['satisfaction'], params: z.object({ token: z.string().min(10).max(100) }), body: z.object({ verdict: z.enum(['solved', 'not_solved']) }), response: { 200: z.object({ state: z.enum(['recorded', 'used', 'expired']) }), 400: errorBody, 429: errorBody } } },
    async (request) => {
      await desk.limitPublic(request.ip);
      return { state: await desk.linkVerdict(request.params.token, request.body.verdict, request.ip) };
    },
  );

  app.get(
    '/api/organisation/incidents',
    { preHandler: respond, schema: { tags: ['organisation'], summary: "Incidents routed to the caller's organisation", response: { 200: z.object({ organisation: z.object({ id: z.string(), name: z.string() }), items: z.array(z.record(z.string(), z.unknown())) }), ...denied } } },
    async (request) => desk.list(sessionOf(request).user),
  );

  app.get(
    '/api/organisation/incidents/:id/answer-templates',
    { preHandler: respond, schema: { tags: ['organisation'], summary: 'Answer templates (placeholders filled) for an incident routed to the caller\'s organisation', params: idParam, response: { 200: z.object({ items: z.array(z.object({ id: z.string(), stage: z.enum(['interim', 'final']), title: z.string(), text: z.string() })) }), ...denied, 404: errorBody } } },
    async (request) => {
      const user = sessionOf(request).user;
      await desk.assertRoutedTo(user, request.params.id);
      return { items: await desk.templates(user, request.params.id) };
    },
  );

  app.post(
    '/api/organisation/incidents/:id/answers',
    {
      preHandler: respond,
      schema: {
        tags: ['organisation'],
        summary: "The organisation answers an incident routed to it (interim or final); the «отписка» flag is kept, the sender may still send",
        params: idParam,
        body: z.object({ version: z.string().min(1), stage: z.enum(['interim', 'final']), text: z.string().trim().min(1).max(4000) }),
        response: { 200: z.record(z.string(), z.unknown()), 400: errorBody, ...denied, 404: errorBody, 409: z.record(z.string(), z.unknown()) },
      },
    },
    async (request) => {
      const user = sessionOf(request).user;
      await desk.assertRoutedTo(user, request.params.id);
      const { version, stage, text } = request.body;
      const detail = await workflow.act(user, request.params.id, { action: 'answer', version, stage, text }, request.ip);
      if (!detail) throw new NotFoundError('Incident');
      return detail as unknown as Record<string, unknown>;
    },
  );
};
