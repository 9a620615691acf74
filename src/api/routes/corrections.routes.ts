import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TONES } from '../../domain/classification';
import { SECTORS } from '../../domain/sector';
import type { AuthService } from '../../services/auth.service';
import { ORGANISATION_KINDS, type CorrectionsService } from '../../services/corrections.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

const postIdParam = z.object({ id: z.string().min(3).max(300).regex(/^([a-z]+:|x\.[A-Za-z0-9_-]+$)/, 'a post id: <network>:<externalId>, or the opaque id the API gave') });
const comment = z.string().trim().min(1).max(500).optional();
const freeText = z.string().trim().min(1).max(300).nullable();

/** One variant per output; `field` picks which, `value` is checked against that output's type. */
const correctionBody = z.discriminatedUnion('field', [
  z.strictObject({ field: z.literal('sector'), value: z.enum(SECTORS), comment }),
  z.strictObject({ field: z.literal('category'), value: z.string().regex(/^[a-z]+\.[a-z][a-z0-9_]*$/, 'a category code: <sector>.<name>'), comment }),
  z.strictObject({ field: z.literal('complaint'), value: z.boolean(), comment }),
  z.strictObject({ field: z.literal('tone'), value: z.enum(TONES), comment }),
  z.strictObject({ field: z.literal('urgency'), value: z.boolean(), comment }),
  z.strictObject({ field: z.literal('misinformation'), value: z.boolean(), comment }),
  z.strictObject({ field: z.literal('municipality'), value: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/, 'a gazetteer code'), comment }),
  z.strictObject({ field: z.literal('address'), value: freeText, comment }),
  z.strictObject({ field: z.literal('organisation'), value: z.strictObject({ kind: z.enum(ORGANISATION_KINDS), name: z.string().trim().min(1).max(300) }).nullable(), comment }),
]);

const correctionView = z.object({
  id: z.string(),
  postId: z.string(),
  field: z.string(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
  modelVersion: z.string(),
  comment: z.string().optional(),
  at: z.string(),
  by: z.object({ id: z.string(), username: z.string() }),
});

export const correctionRoutes: FastifyPluginAsyncZod<{ auth: AuthService; corrections: CorrectionsService }> = async (app, { auth, corrections }) => {
  app.post(
    '/api/posts/:id/corrections',
    {
      preHandler: requirePermission(auth, 'classification:correct'),
      schema: {
        tags: ['posts'],
        summary: 'Correct one classifier output of a post (stored, audited, applied to the post, learned from at the next retraining)',
        params: postIdParam,
        body: correctionBody,
        response: { 201: correctionView, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const view = await corrections.correct(sessionOf(request).user, request.params.id, request.body, request.ip);
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/api/posts/:id/corrections',
    {
      preHandler: requirePermission(auth, 'posts:search'),
      schema: {
        tags: ['posts'],
        params: postIdParam,
        response: { 200: z.object({ items: z.array(correctionView) }), 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => ({ items: await corrections.list(sessionOf(request).user, request.params.id) }),
  );
};
