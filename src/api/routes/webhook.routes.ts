import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { POST_LIMITS } from '../../domain/post';
import type { WebhookService } from '../../services/webhook.service';
import { errorBody } from './schemas';

/** Largest appeal body accepted; larger requests get 413 before any parsing. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

const appealSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._~:-]+$/, 'latin letters, digits and . _ ~ : - only'),
  text: z.string().trim().min(1).max(POST_LIMITS.maxTextChars),
  createdAt: z.iso.datetime({ offset: true }),
  url: z.url({ protocol: /^https?$/ }).max(POST_LIMITS.maxUrlChars).optional(),
  author: z.object({ id: z.string().min(1).max(128).optional(), name: z.string().max(POST_LIMITS.maxAuthorNameChars).optional() }).optional(),
  municipality: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/, 'a gazetteer code').optional(),
  category: z.string().max(200).optional(),
  address: z.string().max(500).optional(),
});

/**
 * Pushed appeals from feedback platforms. Not session-authenticated: the HMAC signature is the
 * authentication, so the raw bytes are kept (this plugin's own JSON parser) and verified before the
 * body is parsed or validated.
 */
export const webhookRoutes: FastifyPluginAsyncZod<{ webhooks: WebhookService }> = async (app, { webhooks }) => {
  // Scoped to this plugin: other routes keep Fastify's JSON parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/api/webhooks/appeals/:senderId',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      onRequest: async (request) => webhooks.requireSender(request.params.senderId),
      preValidation: async (request) => {
        request.body = (await webhooks.authenticate({
          senderId: request.params.senderId,
          timestamp: header(request.headers['x-dozor-timestamp']),
          signature: header(request.headers['x-dozor-signature']),
          rawBody: Buffer.isBuffer(request.body) ? request.body : undefined,
          ip: request.ip,
        })) as z.infer<typeof appealSchema>;
      },
      schema: {
        tags: ['webhooks'],
        description: 'Signed appeal from a feedback platform. X-Dozor-Signature: sha256=HMAC-SHA256(secret, `${X-Dozor-Timestamp}.${raw body}`). See connectors/webhook/README.md.',
        params: z.object({ senderId: z.string().min(1).max(64) }),
        headers: z.looseObject({ 'x-dozor-timestamp': z.string(), 'x-dozor-signature': z.string() }),
        body: appealSchema,
        response: { 202: z.object({ status: z.literal('queued'), postId: z.string() }), 400: errorBody, 401: errorBody, 404: errorBody, 403: errorBody, 409: errorBody, 413: errorBody, 415: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => reply.status(202).send(await webhooks.accept(request.params.senderId, request.body)),
  );
};

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
