/**
 * REST contract of the ratings of responsible organisations (`GET /api/ratings/organisations`,
 * issue 11 point 8): figures per organisation for a period, each with the incidents behind it.
 */
import { z } from 'zod';
import type { Route } from './api';

export const ratingsQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  minVolume: z.coerce.number().int().min(1).max(1000).default(5),
});
const ids = z.array(z.string());
export const organisationRatingSchema = z.object({
  organisationId: z.string(),
  organisationName: z.string(),
  routed: z.number(),
  counted: z.boolean(),
  medianInterimHours: z.number().nullable(),
  medianFinalHours: z.number().nullable(),
  onTimeShare: z.number().nullable(),
  formalShare: z.number().nullable(),
  reopenedShare: z.number().nullable(),
  satisfiedShare: z.number().nullable(),
  incidents: z.object({ routed: ids, late: ids, formal: ids, reopened: ids, solved: ids, notSolved: ids }),
});
export const ratingsAnswer = z.object({ from: z.string(), to: z.string(), minVolume: z.number(), items: z.array(organisationRatingSchema) });
export type OrganisationRatingDto = z.infer<typeof organisationRatingSchema>;
export type RatingsDto = z.infer<typeof ratingsAnswer>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/ratings/organisations': Route<{ query: typeof ratingsQuery; response: typeof ratingsAnswer }>;
  }
}
