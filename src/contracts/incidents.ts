/** Incidents as the operator sees them (the live feed's cards, see `feed.ts`) and their listing. */
import { z } from 'zod';
import { NETWORKS } from '../domain/network';
import { SECTORS } from '../domain/sector';
import type { Route } from './api';

export const incidentCardSchema = z.object({
  id: z.string(),
  postId: z.string(),
  reason: z.enum(['complaint', 'misinformation']),
  status: z.enum(['new', 'routed', 'answered', 'closed']),
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
});

export const incidentListQuery = z.object({
  sector: z.enum(SECTORS).optional(),
  municipality: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const incidentListAnswer = z.object({ items: z.array(incidentCardSchema), cursor: z.string() });
export type IncidentList = z.infer<typeof incidentListAnswer>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/incidents': Route<{ query: typeof incidentListQuery; response: typeof incidentListAnswer }>;
  }
}
