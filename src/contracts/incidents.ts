/**
 * Incidents as the operator sees them (the live feed's cards, see `feed.ts`), their listing, and
 * the REST contract of incident work (issue 10): actions, comments, detail, counters, workload,
 * shift handover. Imported by the API (route schemas, OpenAPI) and by the dashboards (types).
 */
import { z } from 'zod';
import { INCIDENT_STATUSES } from '../domain/incident';
import { MAX_ANSWER_CHARS, MAX_COMMENT_CHARS, MAX_REASON_CHARS } from '../domain/incident-workflow';
import { NETWORKS } from '../domain/network';
import { SECTORS } from '../domain/sector';
import type { Route } from './api';

const version = z.string().min(1).max(100);
const id = z.string().min(1).max(300);
const staff = z.object({ id: z.string(), username: z.string(), name: z.string() });

/** `POST /api/incidents/:id/actions`: one action, with the version the client last saw. */
export const incidentActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('take'), version }),
  z.object({ action: z.literal('release'), version }),
  z.object({ action: z.literal('assign'), version, userId: id }),
  z.object({ action: z.literal('route'), version, organisationId: id }),
  z.object({ action: z.literal('answer'), version, stage: z.enum(['interim', 'final']), text: z.string().trim().min(1).max(MAX_ANSWER_CHARS) }),
  z.object({ action: z.literal('close'), version, resolution: z.string().trim().max(MAX_REASON_CHARS).optional() }),
  z.object({ action: z.literal('reopen'), version, reason: z.string().trim().max(MAX_REASON_CHARS).optional() }),
  z.object({ action: z.literal('reject'), version, reason: z.string().trim().min(1).max(MAX_REASON_CHARS) }),
  z.object({ action: z.literal('merge'), version, targetId: id }),
  z.object({ action: z.literal('split'), version, postId: id }),
  z.object({ action: z.literal('dismiss_suggestion'), version }),
  z.discriminatedUnion('field', [
    z.object({ action: z.literal('correct'), version, field: z.literal('sector'), value: z.enum(SECTORS) }),
    z.object({ action: z.literal('correct'), version, field: z.literal('category'), value: z.string().min(1).max(100) }),
    z.object({ action: z.literal('correct'), version, field: z.literal('complaint'), value: z.boolean() }),
    z.object({ action: z.literal('correct'), version, field: z.literal('misinformation'), value: z.boolean() }),
  ]),
]);
export type IncidentActionInput = z.infer<typeof incidentActionSchema>;

/** Fields of an incident card beyond the post snapshot (added to the card schema of the API). */
export const incidentWorkShape = {
  version: z.string(),
  assignee: staff.nullable(),
  organisation: z.object({ id: z.string(), name: z.string() }).nullable(),
  postCount: z.number().int(),
  networks: z.array(z.enum(NETWORKS)),
  firstAt: z.string(),
  lastAt: z.string(),
  reach: z.number(),
  commentCount: z.number().int(),
  updatedAt: z.string(),
  mergedInto: z.string().optional(),
  suggestion: z.object({ incidentId: z.string(), similarity: z.number() }).optional(),
};

export const incidentCardSchema = z.object({
  id: z.string(),
  postId: z.string(),
  reason: z.enum(['complaint', 'misinformation']),
  status: z.enum(INCIDENT_STATUSES),
  sector: z.enum(SECTORS),
  municipality: z.string(),
  municipalityName: z.string(),
  network: z.enum(NETWORKS),
  kind: z.enum(['post', 'comment']),
  text: z.string(),
  url: z.string(),
  author: z.object({ name: z.string(), url: z.string().optional() }).nullable(),
  publishedAt: z.string(),
  createdAt: z.string(),
  dueAt: z.string(),
  complaintConfidence: z.number(),
  misinformationScore: z.number(),
  misinformationReasons: z.array(z.string()),
  category: z.string().optional(),
  categoryTitle: z.string().optional(),
  urgent: z.boolean().optional(),
  urgencyReasons: z.array(z.string()).optional(),
  ...incidentWorkShape,
});

export const historyEntrySchema = z.object({
  at: z.string(),
  action: z.string(),
  /** Null for system events (a post attached by grouping). */
  actor: staff.nullable(),
  from: z.enum(INCIDENT_STATUSES).optional(),
  to: z.enum(INCIDENT_STATUSES).optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type HistoryEntryView = z.infer<typeof historyEntrySchema>;

export const commentSchema = z.object({ id: z.string(), at: z.string(), author: staff, text: z.string(), forShift: z.boolean() });
export type CommentView = z.infer<typeof commentSchema>;

export const commentCreateSchema = z.object({
  text: z.string().trim().min(1).max(MAX_COMMENT_CHARS),
  /** A note for the next shift: listed on the handover page. */
  forShift: z.boolean().default(false),
});

export const answerSchema = z.object({ stage: z.enum(['interim', 'final']), at: z.string(), by: z.object({ id: z.string(), name: z.string() }), text: z.string() });

export const memberSchema = z.object({ postId: z.string(), network: z.enum(NETWORKS), publishedAt: z.string(), reach: z.number() });

/** `GET /api/incidents?…`: filters kept in the operator page's URL. */
export const incidentListQuerySchema = z.object({
  sector: z.enum(SECTORS).optional(),
  municipality: z.string().max(64).optional(),
  /** One status or several, comma-separated (`new,taken`); `open` = every status still in work. */
  status: z
    .string()
    .max(200)
    .regex(/^[a-z,]+$/)
    .optional(),
  /** `me`, or a user id (leads looking at someone's desk). */
  assignee: z.string().max(100).optional(),
  urgent: z.enum(['true', 'false']).optional(),
  reason: z.enum(['complaint', 'misinformation']).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type IncidentListQueryInput = z.infer<typeof incidentListQuerySchema>;

export const workloadSchema = z.object({
  items: z.array(z.object({ assignee: staff, open: z.number().int(), oldestCreatedAt: z.string() })),
  unassigned: z.number().int(),
});

export const countersSchema = z.object({ new: z.number().int(), mine: z.number().int(), overdue: z.number().int(), urgent: z.number().int() });

export const handoverAckSchema = z.object({ note: z.string().trim().max(MAX_COMMENT_CHARS).optional() });

/** The listing's query (kept under its earlier name for the dashboards). */
export const incidentListQuery = incidentListQuerySchema;
export const incidentListAnswer = z.object({ items: z.array(incidentCardSchema), cursor: z.string() });
export type IncidentList = z.infer<typeof incidentListAnswer>;

export const incidentIdParams = z.object({ id: z.string().min(1).max(300) });
export const incidentDetailSchema = incidentCardSchema.extend({ history: z.array(historyEntrySchema), answers: z.array(answerSchema), members: z.array(memberSchema) });
export const commentListSchema = z.object({ items: z.array(commentSchema) });

const shiftStaff = z.object({ id: z.string(), username: z.string(), name: z.string() });
export const handoverAckAnswer = z.object({ at: z.string(), by: shiftStaff, note: z.string().optional() });
export const handoverSchema = z.object({
  generatedAt: z.string(),
  byStatus: z.record(z.enum(INCIDENT_STATUSES), z.number().int()),
  byOwner: z.array(z.object({ assignee: shiftStaff, open: z.number().int(), oldestCreatedAt: z.string() })),
  unassigned: z.number().int(),
  overdue: z.array(incidentCardSchema),
  urgent: z.array(incidentCardSchema),
  notes: z.array(z.object({ incidentId: z.string(), incidentStatus: z.enum(INCIDENT_STATUSES), at: z.string(), author: shiftStaff, text: z.string() })),
  acknowledgements: z.array(handoverAckAnswer),
});

declare module './api' {
  interface ApiRoutes {
    'GET /api/incidents': Route<{ query: typeof incidentListQuery; response: typeof incidentListAnswer }>;
    'GET /api/incidents/counters': Route<{ response: typeof countersSchema }>;
    'GET /api/incidents/workload': Route<{ response: typeof workloadSchema }>;
    'GET /api/incidents/:id': Route<{ params: typeof incidentIdParams; response: typeof incidentDetailSchema }>;
    'POST /api/incidents/:id/actions': Route<{ params: typeof incidentIdParams; body: typeof incidentActionSchema; response: typeof incidentDetailSchema }>;
    'GET /api/incidents/:id/comments': Route<{ params: typeof incidentIdParams; response: typeof commentListSchema }>;
    'POST /api/incidents/:id/comments': Route<{ params: typeof incidentIdParams; body: typeof commentCreateSchema; response: typeof commentSchema }>;
    'GET /api/shift/handover': Route<{ response: typeof handoverSchema }>;
    'POST /api/shift/handover/ack': Route<{ body: typeof handoverAckSchema; response: typeof handoverAckAnswer }>;
  }
}
