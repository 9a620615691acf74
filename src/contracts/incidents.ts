/**
 * REST contract of incident work (issue 10): the request and response schemas of the incident
 * routes. Imported by the API (route schemas, OpenAPI) and by the dashboards (types); keep it free
 * of Node-only imports.
 */
import { z } from 'zod';
import { INCIDENT_STATUSES } from '../domain/incident';
import { MAX_ANSWER_CHARS, MAX_COMMENT_CHARS, MAX_REASON_CHARS } from '../domain/incident-workflow';
import { NETWORKS } from '../domain/network';
import { SECTORS } from '../domain/sector';

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
