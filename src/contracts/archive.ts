/**
 * REST contract of the archive (issue 13): search, a post with its incident, export, saved
 * searches, notifications, reports. zod only, so the dashboards can import it too.
 */
import { z } from 'zod';

const iso = z.iso.datetime({ offset: true });

/** Query text plus the period; the period must not run backwards. */
export const archiveFilterSchema = z.object({
  q: z.string().max(1000).optional(),
  from: iso.optional(),
  to: iso.optional(),
});

const periodInOrder = (q: { from?: string | undefined; to?: string | undefined }) => !q.from || !q.to || new Date(q.from) <= new Date(q.to);
export const PERIOD_MESSAGE = 'Начало периода (from) позже его конца (to)';

export const archiveSearchQuerySchema = archiveFilterSchema
  .extend({
    size: z.coerce.number().int().min(1).max(100).default(20),
    sort: z.enum(['date', 'relevance']).default('date'),
    cursor: z.string().max(4096).optional(),
  })
  .refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] });

export const exportQuerySchema = archiveFilterSchema
  .extend({
    format: z.enum(['csv', 'xlsx']).default('csv'),
    limit: z.coerce.number().int().min(1).max(100_000).optional(),
  })
  .refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] });

export const facetSchema = z.object({ key: z.string(), label: z.string(), count: z.number() });
export const drillSchema = z.object({ q: z.string(), from: z.string().optional(), to: z.string().optional() });

export const savedSearchInputSchema = z.object({
  name: z.string().trim().min(1).max(120),
  q: z.string().max(1000),
  shared: z.boolean().default(false),
  alert: z.boolean().default(false),
});
export const savedSearchPatchSchema = savedSearchInputSchema.partial();
export const savedSearchSchema = z.object({
  id: z.string(),
  name: z.string(),
  q: z.string(),
  shared: z.boolean(),
  alert: z.boolean(),
  owner: z.string(),
  mine: z.boolean(),
  createdAt: z.string(),
});

export const notificationSchema = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.enum(['saved_search', 'spike', 'report']),
  title: z.string(),
  drill: drillSchema.optional(),
  postIds: z.array(z.string()).optional(),
  reportId: z.string().optional(),
});

export const reportKindSchema = z.enum(['daily', 'weekly', 'monthly']);
export const reportBuildSchema = z
  .object({ kind: reportKindSchema, from: iso.optional(), to: iso.optional(), sector: z.string().max(32).optional() })
  .refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] })
  .refine((b) => (b.from === undefined) === (b.to === undefined), { message: 'from и to задаются вместе', path: ['to'] });
export const reportRecordSchema = z.object({
  id: z.string(),
  kind: reportKindSchema,
  title: z.string(),
  from: z.string(),
  to: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  totals: z.object({ posts: z.number(), incidents: z.number(), urgent: z.number(), misinformation: z.number() }),
});
