/** REST contract of analytics (issue 13): breakdowns, top and recurring problems, misinformation, map. */
import { z } from 'zod';
import { archiveFilterSchema, drillSchema, PERIOD_MESSAGE } from './archive';

export const DIMENSION_NAMES = ['sector', 'category', 'municipality', 'network', 'source', 'tone'] as const;
export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;

const periodInOrder = (q: { from?: string | undefined; to?: string | undefined }) => !q.from || !q.to || new Date(q.from) <= new Date(q.to);

/** `dims=sector,municipality`: a comma list of distinct dimensions. */
const dimsSchema = z
  .string()
  .max(200)
  .default('sector')
  .transform((s, ctx) => {
    const parts = s.split(',').map((p) => p.trim()).filter(Boolean);
    for (const p of parts) {
      if (!(DIMENSION_NAMES as readonly string[]).includes(p)) {
        ctx.addIssue({ code: 'custom', message: `неизвестное измерение «${p}»; допустимы: ${DIMENSION_NAMES.join(', ')}` });
        return z.NEVER;
      }
    }
    return [...new Set(parts)] as (typeof DIMENSION_NAMES)[number][];
  });

export const breakdownQuerySchema = archiveFilterSchema
  .extend({ dims: dimsSchema, interval: z.enum(INTERVALS).optional() })
  .refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] });
export const breakdownExportQuerySchema = archiveFilterSchema
  .extend({ dims: dimsSchema, interval: z.enum(INTERVALS).optional(), format: z.enum(['csv', 'xlsx']).default('csv') })
  .refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] });
export const topQuerySchema = archiveFilterSchema.extend({ limit: z.coerce.number().int().min(1).max(50).default(10) }).refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] });
export const recurringQuerySchema = archiveFilterSchema
  .extend({ minRepeats: z.coerce.number().int().min(2).max(1000).default(3), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] });
export const misinfoQuerySchema = archiveFilterSchema.extend({ interval: z.enum(INTERVALS).default('day') }).refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] });
export const mapQuerySchema = archiveFilterSchema.refine(periodInOrder, { message: PERIOD_MESSAGE, path: ['from'] });

export const breakdownSchema = z.object({
  dims: z.array(z.string()),
  interval: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  total: z.number(),
  capped: z.boolean(),
  message: z.string().optional(),
  rows: z.array(z.object({ t: z.string().optional(), keys: z.record(z.string(), z.string()), labels: z.record(z.string(), z.string()), count: z.number(), drill: drillSchema })),
});

export const topProblemsSchema = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number(),
  items: z.array(
    z.object({
      category: z.string(),
      title: z.string(),
      sector: z.string(),
      count: z.number(),
      previous: z.number(),
      urgent: z.number(),
      municipalities: z.array(z.object({ code: z.string(), name: z.string(), count: z.number(), drill: drillSchema })),
      drill: drillSchema,
    }),
  ),
});

export const recurringSchema = z.object({
  from: z.string(),
  to: z.string(),
  minRepeats: z.number(),
  items: z.array(
    z.object({
      street: z.string(),
      houses: z.array(z.string()),
      category: z.string(),
      title: z.string(),
      municipality: z.string(),
      municipalityName: z.string(),
      count: z.number(),
      firstAt: z.string().nullable(),
      lastAt: z.string().nullable(),
      drill: drillSchema,
    }),
  ),
});

export const misinfoSchema = z.object({
  from: z.string(),
  to: z.string(),
  threshold: z.number(),
  total: z.number(),
  misinformation: z.number(),
  share: z.number(),
  drill: drillSchema,
  series: z.array(z.object({ t: z.string(), total: z.number(), misinformation: z.number(), share: z.number(), drill: drillSchema })),
});

export const mapSchema = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number(),
  geojson: z.boolean(),
  items: z.array(z.object({ code: z.string(), name: z.string(), tile: z.tuple([z.number(), z.number()]).nullable(), count: z.number(), urgent: z.number(), drill: drillSchema })),
});
