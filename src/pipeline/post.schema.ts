import { z } from 'zod';
import { NETWORKS } from '../domain/network';
import { POST_LIMITS } from '../domain/post';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();

/** The shape every incoming post must have, wherever it comes from (connector, webhook). */
export const incomingPostSchema = z.object({
  network: z.enum(NETWORKS),
  externalId: z.string().trim().min(1).max(POST_LIMITS.maxExternalIdChars),
  kind: z.enum(['post', 'comment']),
  parentExternalId: z.string().min(1).max(POST_LIMITS.maxExternalIdChars).optional(),
  url: z.url({ protocol: /^https?$/ }).max(POST_LIMITS.maxUrlChars),
  text: z.string().max(POST_LIMITS.maxTextChars, `text longer than ${POST_LIMITS.maxTextChars} characters`),
  publishedAt: z.iso.datetime({ offset: true }),
  author: z.object({
    id: z.string().min(1).max(200),
    name: z.string().max(POST_LIMITS.maxAuthorNameChars),
    url: z.url({ protocol: /^https?$/ }).max(POST_LIMITS.maxUrlChars).optional(),
  }),
  sourceId: z.string().min(1).max(200),
  municipality: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/).optional(),
  engagement: z.object({ likes: count, comments: count, reposts: count, views: count }).optional(),
  fromPage: z.boolean().optional(),
  replyToExternalId: z.string().min(1).max(POST_LIMITS.maxExternalIdChars).optional(),
  repostOf: z.string().regex(/^[a-z]+:\S+$/, 'a post id: <network>:<externalId>').max(POST_LIMITS.maxExternalIdChars + 20).optional(),
});

/** Human-readable reasons, each naming the field, for a parked job or a 4xx body. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
