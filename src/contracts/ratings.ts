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

/** Official pages (issue 11 point 9): the same period and minimum volume (of resident comments). */
export const officialPagesQuery = ratingsQuery;
export const officialPageRatingSchema = z.object({
  organisationId: z.string(),
  organisationName: z.string(),
  sourceId: z.string(),
  title: z.string(),
  counted: z.boolean(),
  posts: z.number(),
  postsPerWeek: z.number(),
  activeDayShare: z.number(),
  activeWeekShare: z.number(),
  longestGapDays: z.number(),
  residentMessages: z.number(),
  answered: z.number(),
  answeredShare: z.number().nullable(),
  medianAnswerWorkingHours: z.number().nullable(),
  medianAnswerHours: z.number().nullable(),
  pageReplies: z.number(),
  formalShare: z.number().nullable(),
  ids: z.object({ posts: ids, answered: ids, unanswered: ids, formal: ids }),
});
export const officialPagesAnswer = z.object({ from: z.string(), to: z.string(), minVolume: z.number(), items: z.array(officialPageRatingSchema) });
export const officialPageCommentsQuery = z.object({
  organisationId: z.string().min(1).max(200),
  sourceId: z.string().min(1).max(512),
  figure: z.enum(['answered', 'unanswered', 'formal']),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const pageText = z.object({ id: z.string(), url: z.string(), publishedAt: z.string(), text: z.string() });
export const officialPageCommentsAnswer = z.object({
  items: z.array(pageText.extend({ answer: pageText.extend({ formal: z.boolean(), reasons: z.array(z.string()), workingHours: z.number().nullable(), hours: z.number().nullable() }).nullable() })),
  /** Comments behind the figure that lie outside the caller's scope (not shown). */
  hidden: z.number(),
});
export type OfficialPageRatingDto = z.infer<typeof officialPageRatingSchema>;
export type OfficialPagesDto = z.infer<typeof officialPagesAnswer>;
export type OfficialPageCommentsDto = z.infer<typeof officialPageCommentsAnswer>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/ratings/organisations': Route<{ query: typeof ratingsQuery; response: typeof ratingsAnswer }>;
    'GET /api/ratings/official-pages': Route<{ query: typeof officialPagesQuery; response: typeof officialPagesAnswer }>;
    'GET /api/ratings/official-pages/comments': Route<{ query: typeof officialPageCommentsQuery; response: typeof officialPageCommentsAnswer }>;
  }
}
