import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  alertSchema,
  claimDetailSchema,
  claimIdParam,
  claimPostParams,
  claimSchema,
  createClaimBody,
  decisionBody,
  feedQuery,
  linkBody,
  mergeBody,
  publicationBody,
  queueQuery,
  queueResponse,
  spreadSchema,
  statusBody,
  suggestionSchema,
  verdictBody,
  warningPackSchema,
  warningQuery,
} from '../../contracts/desk';
import { CLAIM_STATUSES } from '../../domain/claim';
import type { AuthService } from '../../services/auth.service';
import type { DeskService } from '../../services/desk.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };
const writeErrors = { ...errors, 409: errorBody };

/** The misinformation desk's API: queue, claims, verdicts, suggestions, spread, warning packs, verdict feed. */
export const deskRoutes: FastifyPluginAsyncZod<{ auth: AuthService; desk: DeskService }> = async (app, { auth, desk }) => {
  const read = requirePermission(auth, 'desk:read');
  const link = requirePermission(auth, 'desk:link');
  const verdict = requirePermission(auth, 'desk:verdict');

  app.get('/api/desk/queue', { preHandler: read, schema: { tags: ['desk'], summary: 'Risky posts ranked by risk × reach × velocity', querystring: queueQuery, response: { 200: queueResponse, ...errors } } }, async (request) =>
    desk.queue(sessionOf(request).user, request.query),
  );

  app.get(
    '/api/desk/claims',
    { preHandler: read, schema: { tags: ['desk'], querystring: z.object({ status: z.enum(CLAIM_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }), response: { 200: z.object({ items: z.array(claimSchema) }), ...errors } } },
    async (request) => ({ items: await desk.listClaims(sessionOf(request).user, request.query) }),
  );

  app.post('/api/desk/claims', { preHandler: link, schema: { tags: ['desk'], summary: 'A new claim from a post; stored copies are linked or suggested', body: createClaimBody, response: { 201: claimDetailSchema, ...writeErrors } } }, async (request, reply) =>
    reply.status(201).send(await desk.createClaim(sessionOf(request).user, request.body, request.ip)),
  );

  app.get('/api/desk/claims/:id', { preHandler: read, schema: { tags: ['desk'], params: claimIdParam, response: { 200: claimDetailSchema, ...errors } } }, async (request) => desk.getClaim(sessionOf(request).user, request.params.id));

  app.post('/api/desk/claims/:id/status', { preHandler: verdict, schema: { tags: ['desk'], params: claimIdParam, body: statusBody, response: { 200: claimSchema, ...writeErrors } } }, async (request) =>
    desk.setStatus(sessionOf(request).user, request.params.id, request.body.status, request.ip),
  );

  app.post(
    '/api/desk/claims/:id/verdict',
    { preHandler: verdict, schema: { tags: ['desk'], summary: 'Record the verdict (false and manipulation need evidence); linked posts and new copies take its risk', params: claimIdParam, body: verdictBody, response: { 200: claimDetailSchema, ...writeErrors } } },
    async (request) => desk.recordVerdict(sessionOf(request).user, request.params.id, request.body, request.ip),
  );

  app.post('/api/desk/claims/:id/posts', { preHandler: link, schema: { tags: ['desk'], params: claimIdParam, body: linkBody, response: { 200: claimDetailSchema, ...writeErrors } } }, async (request) =>
    desk.linkPost(sessionOf(request).user, request.params.id, request.body.postId, request.ip),
  );

  app.delete('/api/desk/claims/:id/posts/:postId', { preHandler: link, schema: { tags: ['desk'], params: claimPostParams, response: { 200: claimDetailSchema, ...writeErrors } } }, async (request) =>
    desk.unlinkPost(sessionOf(request).user, request.params.id, request.params.postId, request.ip),
  );

  app.post(
    '/api/desk/claims/:id/suggestions/:postId',
    { preHandler: link, schema: { tags: ['desk'], summary: 'Confirm or reject a suggested copy (the decision becomes a training example)', params: claimPostParams, body: decisionBody, response: { 200: claimDetailSchema, ...writeErrors } } },
    async (request) => desk.decideSuggestion(sessionOf(request).user, request.params.id, request.params.postId, request.body.accept, request.ip),
  );

  app.post('/api/desk/claims/:id/merge', { preHandler: link, schema: { tags: ['desk'], params: claimIdParam, body: mergeBody, response: { 200: claimDetailSchema, ...writeErrors } } }, async (request) =>
    desk.merge(sessionOf(request).user, request.params.id, request.body.into, request.ip),
  );

  app.post('/api/desk/claims/:id/publications', { preHandler: verdict, schema: { tags: ['desk'], summary: 'Record where the debunk was published and its reach', params: claimIdParam, body: publicationBody, response: { 200: claimDetailSchema, ...writeErrors } } }, async (request) =>
    desk.addPublication(sessionOf(request).user, request.params.id, request.body, request.ip),
  );

  app.get('/api/desk/claims/:id/spread', { preHandler: read, schema: { tags: ['desk'], params: claimIdParam, response: { 200: spreadSchema, ...errors } } }, async (request) => desk.spread(sessionOf(request).user, request.params.id));

  app.get(
    '/api/desk/claims/:id/warning',
    { preHandler: read, schema: { tags: ['desk'], summary: 'The ready-to-publish warning pack (?format=text for plain text)', params: claimIdParam, querystring: warningQuery, response: { 200: z.union([warningPackSchema, z.string()]), ...errors } } },
    async (request, reply) => {
      const pack = await desk.warningPack(sessionOf(request).user, request.params.id);
      if (request.query.format === 'text') return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="warning-${pack.claimId}.txt"`).send(pack.text);
      return pack;
    },
  );

  app.get('/api/desk/suggestions', { preHandler: read, schema: { tags: ['desk'], querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }), response: { 200: z.object({ items: z.array(suggestionSchema) }), ...errors } } }, async (request) => ({
    items: await desk.suggestions(sessionOf(request).user, request.query.limit),
  }));

  app.get('/api/desk/alerts', { preHandler: read, schema: { tags: ['desk'], summary: 'Harmful claims whose copies accelerate', response: { 200: z.object({ items: z.array(alertSchema), perHour: z.number() }), ...errors } } }, async (request) => ({
    items: await desk.alerts(sessionOf(request).user),
    perHour: desk.policy.spreadAlertPerHour,
  }));

  app.get('/api/desk/verdicts', { preHandler: read, schema: { tags: ['desk'], summary: 'Feed of verdicts, newest first (since: a verdict time)', querystring: feedQuery, response: { 200: z.object({ items: z.array(warningPackSchema) }), ...errors } } }, async (request) => ({
    items: await desk.verdictFeed(sessionOf(request).user, request.query),
  }));
};
