import { z } from 'zod';
import { incidentWorkShape } from '../../contracts/incidents';
import { INCIDENT_STATUSES } from '../../domain/incident';
import { ROLES } from '../../domain/access';
import { NETWORKS } from '../../domain/network';
import { SECTORS } from '../../domain/sector';

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  requestId: z.string(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export const scopeSchema = z.object({
  sectors: z.union([z.literal('all'), z.array(z.enum(SECTORS))]),
  municipalities: z.union([z.literal('all'), z.array(z.string())]),
});

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  scope: scopeSchema,
  organisationId: z.string().optional(),
});

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

export const segmentSchema = z.object({ text: z.string(), hit: z.boolean() });

export const postCardSchema = z.object({
  id: z.string(),
  network: z.enum(NETWORKS),
  kind: z.enum(['post', 'comment']),
  url: z.string(),
  text: z.string(),
  highlight: z.array(z.array(segmentSchema)),
  author: z.object({ name: z.string(), url: z.string().optional() }).nullable(),
  publishedAt: z.string(),
  sector: z.enum(SECTORS),
  sectorConfidence: z.number(),
  municipality: z.string(),
  municipalityName: z.string(),
  complaint: z.boolean(),
  misinformationScore: z.number(),
  category: z.string().nullable(),
  tone: z.enum(['negative', 'neutral', 'positive']).nullable(),
  urgent: z.boolean(),
  urgencyReasons: z.array(z.string()),
  organisations: z.array(z.object({ kind: z.string(), name: z.string() })),
  address: z.object({ street: z.string(), house: z.string().optional(), known: z.boolean() }).nullable(),
  incidentId: z.string().nullable(),
  modelVersion: z.string(),
});

const labelExplanationSchema = z.object({
  label: z.string(),
  confidence: z.number(),
  features: z.array(z.object({ feature: z.string(), weight: z.number() })),
  reasons: z.array(z.string()).optional(),
});

export const postExplanationSchema = z.object({
  postId: z.string(),
  storedModelVersion: z.string(),
  explainedWith: z.string(),
  sameModel: z.boolean(),
  note: z.string().nullable(),
  explanation: z.object({
    modelVersion: z.string(),
    sector: labelExplanationSchema,
    category: labelExplanationSchema,
    complaint: labelExplanationSchema,
    tone: labelExplanationSchema,
    urgency: labelExplanationSchema,
    misinformation: labelExplanationSchema,
  }),
});
