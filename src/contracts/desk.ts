/**
 * REST contract of the misinformation desk (`/api/desk/*`): request and response schemas, shared by
 * the routes (validation, OpenAPI) and the desk page (types).
 */
import { z } from 'zod';
import type { Route } from './api';
import { CLAIM_STATUSES, DESK_LIMITS, EVIDENCE_KINDS, LINK_KINDS, VERDICTS } from '../domain/claim';
import { NETWORKS } from '../domain/network';
import { SECTORS } from '../domain/sector';

export const claimIdParam = z.object({ id: z.string().regex(/^clm_[a-f0-9]{20}$/, 'a claim id: clm_<20 hex>') });
export const claimPostParams = claimIdParam.extend({ postId: z.string().min(3).max(300).regex(/^[a-z]+:/, 'a post id: <network>:<externalId>') });

export const queueQuery = z.object({
  sector: z.enum(SECTORS).optional(),
  municipality: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/, 'a gazetteer code').optional(),
  network: z.enum(NETWORKS).optional(),
  status: z.enum(['open', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const httpUrl = z.string().max(DESK_LIMITS.urlChars).regex(/^https?:\/\//i, 'an http(s) link');

export const createClaimBody = z.strictObject({
  title: z.string().trim().min(1).max(DESK_LIMITS.titleChars),
  postId: z.string().min(3).max(300).regex(/^[a-z]+:/, 'a post id: <network>:<externalId>'),
});

export const statusBody = z.strictObject({ status: z.enum(CLAIM_STATUSES) });

export const evidenceSchema = z.strictObject({
  kind: z.enum(EVIDENCE_KINDS),
  url: httpUrl,
  title: z.string().trim().min(1).max(DESK_LIMITS.evidenceTitleChars),
  publisher: z.string().trim().min(1).max(DESK_LIMITS.evidenceTitleChars).optional(),
});

export const verdictBody = z.strictObject({
  verdict: z.enum(VERDICTS),
  debunk: z.string().trim().min(1).max(DESK_LIMITS.debunkChars, `debunk: at most ${DESK_LIMITS.debunkChars} characters`),
  evidence: z.array(evidenceSchema).max(DESK_LIMITS.evidenceItems).default([]),
});

export const linkBody = z.strictObject({ postId: z.string().min(3).max(300).regex(/^[a-z]+:/, 'a post id: <network>:<externalId>') });
export const mergeBody = z.strictObject({ into: z.string().regex(/^clm_[a-f0-9]{20}$/, 'a claim id: clm_<20 hex>') });
export const decisionBody = z.strictObject({ accept: z.boolean() });

export const publicationBody = z.strictObject({
  url: httpUrl,
  network: z.enum(NETWORKS).optional(),
  publishedAt: z.iso.datetime({ offset: true }),
  reach: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const warningQuery = z.object({ format: z.enum(['json', 'text']).default('json') });
export const feedQuery = z.object({ since: z.iso.datetime({ offset: true }).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

const engagementSchema = z.object({ likes: z.number().optional(), comments: z.number().optional(), reposts: z.number().optional(), views: z.number().optional() });

export const queueItemSchema = z.object({
  postId: z.string(),
  network: z.enum(NETWORKS),
  url: z.string(),
  text: z.string(),
  author: z.object({ name: z.string(), url: z.string().optional() }).nullable(),
  publishedAt: z.string(),
  sector: z.enum(SECTORS),
  municipality: z.string(),
  municipalityName: z.string(),
  risk: z.number(),
  riskReasons: z.array(z.string()),
  reach: z.number(),
  engagement: engagementSchema,
  velocity: z.number(),
  priority: z.number(),
  claim: z.object({ id: z.string(), title: z.string(), status: z.enum(CLAIM_STATUSES), verdict: z.enum(VERDICTS).nullable() }).nullable(),
});
export const queueResponse = z.object({ items: z.array(queueItemSchema), threshold: z.number() });

const verdictSchema = z.object({
  value: z.enum(VERDICTS),
  debunk: z.string(),
  evidence: z.array(evidenceSchema),
  analyst: z.object({ id: z.string(), username: z.string() }),
  at: z.string(),
});
const publicationSchema = z.object({ url: z.string(), network: z.enum(NETWORKS).optional(), publishedAt: z.string(), reach: z.number() });

export const claimSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(CLAIM_STATUSES),
  verdict: verdictSchema.nullable(),
  verdictTitle: z.string().nullable(),
  sector: z.enum(SECTORS),
  municipality: z.string(),
  municipalityName: z.string(),
  publications: z.array(publicationSchema),
  mergedInto: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});

export const claimPostSchema = z.object({
  postId: z.string(),
  network: z.enum(NETWORKS),
  url: z.string(),
  text: z.string(),
  publishedAt: z.string(),
  municipality: z.string(),
  state: z.enum(['linked', 'suggested', 'rejected']),
  kind: z.enum(LINK_KINDS),
  similarity: z.number(),
  reach: z.number(),
});

export const spreadSchema = z.object({
  copies: z.array(z.object({ at: z.string(), copies: z.number(), reach: z.number() })),
  publications: z.array(publicationSchema),
  totals: z.object({ copies: z.number(), reach: z.number(), publications: z.number(), publicationReach: z.number() }),
  copiesLastHour: z.number(),
  copiesPreviousHour: z.number(),
  accelerating: z.boolean(),
});

export const claimDetailSchema = z.object({ claim: claimSchema, posts: z.array(claimPostSchema), suggestions: z.array(claimPostSchema), spread: spreadSchema });
export const suggestionSchema = claimPostSchema.extend({ claimId: z.string(), claimTitle: z.string() });
export const alertSchema = z.object({ claimId: z.string(), title: z.string(), verdict: z.enum(VERDICTS), copiesLastHour: z.number(), copiesPreviousHour: z.number(), threshold: z.number() });
export const warningPackSchema = z.object({
  claimId: z.string(),
  claim: z.string(),
  verdict: z.enum(VERDICTS),
  verdictTitle: z.string(),
  debunk: z.string(),
  sources: z.array(evidenceSchema),
  analyst: z.string(),
  at: z.string(),
  text: z.string(),
});

export type QueueItemDto = z.infer<typeof queueItemSchema>;
export type ClaimDetailDto = z.infer<typeof claimDetailSchema>;
export type ClaimDto = z.infer<typeof claimSchema>;
export type SuggestionDto = z.infer<typeof suggestionSchema>;
export type AlertDto = z.infer<typeof alertSchema>;
export type WarningPackDto = z.infer<typeof warningPackSchema>;

export const suggestionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const suggestionListAnswer = z.object({ items: z.array(suggestionSchema) });
export const alertListAnswer = z.object({ items: z.array(alertSchema), perHour: z.number() });

declare module './api' {
  interface ApiRoutes {
    'GET /api/desk/queue': Route<{ query: typeof queueQuery; response: typeof queueResponse }>;
    'POST /api/desk/claims': Route<{ body: typeof createClaimBody; response: typeof claimDetailSchema }>;
    'GET /api/desk/claims/:id': Route<{ params: typeof claimIdParam; response: typeof claimDetailSchema }>;
    'POST /api/desk/claims/:id/status': Route<{ params: typeof claimIdParam; body: typeof statusBody; response: typeof claimSchema }>;
    'POST /api/desk/claims/:id/verdict': Route<{ params: typeof claimIdParam; body: typeof verdictBody; response: typeof claimDetailSchema }>;
    'POST /api/desk/claims/:id/posts': Route<{ params: typeof claimIdParam; body: typeof linkBody; response: typeof claimDetailSchema }>;
    'DELETE /api/desk/claims/:id/posts/:postId': Route<{ params: typeof claimPostParams; response: typeof claimDetailSchema }>;
    'POST /api/desk/claims/:id/suggestions/:postId': Route<{ params: typeof claimPostParams; body: typeof decisionBody; response: typeof claimDetailSchema }>;
    'GET /api/desk/suggestions': Route<{ query: typeof suggestionsQuery; response: typeof suggestionListAnswer }>;
    'GET /api/desk/alerts': Route<{ response: typeof alertListAnswer }>;
  }
}
