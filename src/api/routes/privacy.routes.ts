import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NETWORKS } from '../../domain/network';
import { POST_LIMITS } from '../../domain/post';
import type { AuthService } from '../../services/auth.service';
import type { ErasureService } from '../../services/erasure.service';
import { requirePermission, sessionOf } from '../auth';
import { errorBody } from './schemas';

/** Personal data requests (152-ФЗ). */
export const privacyRoutes: FastifyPluginAsyncZod<{ auth: AuthService; erasure: ErasureService }> = async (app, { auth, erasure }) => {
  app.post(
    '/api/privacy/erasure',
    {
      preHandler: requirePermission(auth, 'personal_data:erase'),
      schema: {
        tags: ['privacy'],
        description: "Erases one author's identity (and, with eraseText, their texts) from every post and incident. Idempotent.",
        body: z
          .strictObject({
            network: z.enum(NETWORKS),
            authorId: z.string().trim().min(1).max(POST_LIMITS.maxExternalIdChars).optional(),
            profileUrl: z.url({ protocol: /^https?$/ }).max(POST_LIMITS.maxUrlChars).optional(),
            eraseText: z.boolean().default(false),
            requestRef: z.string().trim().min(1).max(100).optional(),
          })
          .refine((b) => b.authorId !== undefined || b.profileUrl !== undefined, { message: 'authorId or profileUrl is required', path: ['authorId'] }),
        response: {
          200: z.object({ erasureId: z.string(), auditRecords: z.number(), authorsMatched: z.number(), posts: z.number(), incidents: z.number(), corrections: z.number(), eraseText: z.boolean() }),
          400: errorBody,
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (request) => erasure.erase(sessionOf(request).user, request.body, request.ip),
  );
};
