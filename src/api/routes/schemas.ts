import { z } from 'zod';
import { NETWORKS } from '../../domain/network';
import { SECTORS } from '../../domain/sector';

// Moved to src/contracts/ (shared with the dashboards); re-exported for the routes.
export { errorBody } from '../../contracts/common';
export { scopeSchema, userSchema } from '../../contracts/auth';
export { incidentCardSchema } from '../../contracts/incidents';

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
