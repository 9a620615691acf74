/**
 * REST contract of the SLA board (`GET /api/sla/board`, issue 11 point 3): open routed incidents
 * whose interim or final answer is due soon or overdue, by organisation and by sector.
 */
import { z } from 'zod';
import type { Route } from './api';
import { SECTORS } from '../domain/sector';

export const slaBoardQuery = z.object({
  /** "Due soon" horizon, calendar hours. */
  soonHours: z.coerce.number().int().min(1).max(168).default(4),
  sector: z.enum(SECTORS).optional(),
  municipality: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/, 'a gazetteer code').optional(),
  organisation: z.string().min(1).max(100).optional(),
});

const counts = { interimSoon: z.number(), interimOverdue: z.number(), finalSoon: z.number(), finalOverdue: z.number() };

export const slaEntrySchema = z.object({
  id: z.string(),
  stage: z.enum(['interim', 'final']),
  state: z.enum(['overdue', 'soon']),
  dueAt: z.string(),
  minutesLeft: z.number(),
  sector: z.enum(SECTORS),
  municipality: z.string(),
  organisationId: z.string(),
  organisationName: z.string(),
  urgent: z.boolean(),
  text: z.string(),
});

export const slaBoardAnswer = z.object({
  generatedAt: z.string(),
  soonHours: z.number(),
  counts: z.object(counts),
  byOrganisation: z.array(z.object({ organisationId: z.string(), organisationName: z.string(), ...counts })),
  bySector: z.array(z.object({ sector: z.enum(SECTORS), ...counts })),
  items: z.array(slaEntrySchema),
});

export type SlaEntryDto = z.infer<typeof slaEntrySchema>;
export type SlaBoardDto = z.infer<typeof slaBoardAnswer>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/sla/board': Route<{ query: typeof slaBoardQuery; response: typeof slaBoardAnswer }>;
  }
}
