/**
 * The archive, analytics and reports routes as the dashboards' client sees them (types only: the
 * routes keep their own schemas; this file names the same ones for `ApiRoutes`).
 */
import { z } from 'zod';
import { postCardSchema } from '../api/routes/schemas';
import type { Route } from './api';
import type {
  breakdownQuerySchema,
  breakdownSchema,
  mapQuerySchema,
  mapSchema,
  misinfoQuerySchema,
  misinfoSchema,
  recurringQuerySchema,
  recurringSchema,
  topProblemsSchema,
  topQuerySchema,
} from './analytics';
import { facetSchema } from './archive';
import type { archiveSearchQuerySchema, drillSchema, notificationSchema, reportBuildSchema, reportRecordSchema, savedSearchInputSchema, savedSearchSchema } from './archive';

export const archiveSearchAnswer = z.object({ total: z.number(), items: z.array(postCardSchema), next: z.string().nullable(), facets: z.record(z.string(), z.array(facetSchema)).optional() });
export const archivePostAnswer = z.object({
  post: postCardSchema,
  categoryTitle: z.string().nullable(),
  incident: z.object({ id: z.string(), status: z.string(), reason: z.string(), createdAt: z.string(), dueAt: z.string(), urgent: z.boolean() }).nullable(),
  history: z.array(z.object({ at: z.string(), field: z.string(), by: z.string(), oldValue: z.unknown(), newValue: z.unknown() })),
});
export const idParams = z.object({ id: z.string().min(1).max(300) });
export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });

export type PostCard = z.infer<typeof postCardSchema>;
export type ArchiveSearchAnswer = z.infer<typeof archiveSearchAnswer>;
export type ArchivePostAnswer = z.infer<typeof archivePostAnswer>;
export type Facet = z.infer<typeof facetSchema>;
export type Drill = z.infer<typeof drillSchema>;
export type SavedSearch = z.infer<typeof savedSearchSchema>;
export type NotificationItem = z.infer<typeof notificationSchema>;
export type ReportRecord = z.infer<typeof reportRecordSchema>;
export type Breakdown = z.infer<typeof breakdownSchema>;
export type TopProblems = z.infer<typeof topProblemsSchema>;
export type Recurring = z.infer<typeof recurringSchema>;
export type Misinformation = z.infer<typeof misinfoSchema>;
export type TileMap = z.infer<typeof mapSchema>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/archive/search': Route<{ query: typeof archiveSearchQuerySchema; response: typeof archiveSearchAnswer }>;
    'GET /api/archive/posts/:id': Route<{ params: typeof idParams; response: typeof archivePostAnswer }>;
    'GET /api/saved-searches': Route<{ response: z.ZodObject<{ items: z.ZodArray<typeof savedSearchSchema> }> }>;
    'POST /api/saved-searches': Route<{ body: typeof savedSearchInputSchema; response: typeof savedSearchSchema }>;
    'DELETE /api/saved-searches/:id': Route<{ params: typeof idParams; response: z.ZodNull }>;
    'GET /api/notifications': Route<{ query: typeof limitQuery; response: z.ZodObject<{ items: z.ZodArray<typeof notificationSchema>; unread: z.ZodNumber }> }>;
    'POST /api/notifications/seen': Route<{ response: z.ZodNull }>;
    'GET /api/reports': Route<{ query: typeof limitQuery; response: z.ZodObject<{ items: z.ZodArray<typeof reportRecordSchema> }> }>;
    'POST /api/reports': Route<{ body: typeof reportBuildSchema; response: typeof reportRecordSchema }>;
    'GET /api/analytics/breakdown': Route<{ query: typeof breakdownQuerySchema; response: typeof breakdownSchema }>;
    'GET /api/analytics/top': Route<{ query: typeof topQuerySchema; response: typeof topProblemsSchema }>;
    'GET /api/analytics/recurring': Route<{ query: typeof recurringQuerySchema; response: typeof recurringSchema }>;
    'GET /api/analytics/misinformation': Route<{ query: typeof misinfoQuerySchema; response: typeof misinfoSchema }>;
    'GET /api/analytics/map': Route<{ query: typeof mapQuerySchema; response: typeof mapSchema }>;
  }
}
