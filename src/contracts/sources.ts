/** The source registry and connector health (technical administrator, `sources:manage`). */
import { z } from 'zod';
import { SOURCE_KINDS } from '../domain/source';
import type { createSourceSchema, updateSourceSchema } from '../services/sources.service';
import type { Route } from './api';

export const sourceSchema = z.object({
  id: z.string(),
  kind: z.enum(SOURCE_KINDS),
  title: z.string(),
  municipality: z.string(),
  official: z.object({ organisation: z.string() }).optional(),
  status: z.enum(['active', 'paused']),
  pollIntervalSec: z.number().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  settings: z.record(z.string(), z.unknown()),
});

export const sourceHealthSchema = z.object({
  sourceId: z.string(),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lagMs: z.number().nullable(),
  itemsTotal: z.number(),
  itemsLastHour: z.number(),
  errorsByKind: z.record(z.string(), z.number()),
  floodWaits: z.number(),
  waitUntil: z.string().nullable(),
  lastItemAt: z.string().nullable(),
  usualGapMs: z.number().nullable(),
  gapSamples: z.number(),
  stopped: z.object({ at: z.string(), reason: z.string() }).nullable(),
  /** VK: the token's daily method budgets (used / limit / planned) and the pause while one is spent. */
  quota: z
    .object({
      at: z.string(),
      resetAt: z.string(),
      stretch: z.number(),
      pausedUntil: z.string().nullable(),
      methods: z.array(z.object({ method: z.string(), used: z.number(), limit: z.number(), planned: z.number() })),
    })
    .nullable(),
});

export const sourceAlertSchema = z.object({ sourceId: z.string(), kind: z.enum(['stopped', 'quota', 'silent']), reason: z.string(), since: z.string() });
export const sourceHealthViewSchema = z.object({ source: sourceSchema, health: sourceHealthSchema, alert: sourceAlertSchema.nullable() });

export const sourceFilterSchema = z.object({
  kind: z.enum(SOURCE_KINDS).optional(),
  status: z.enum(['active', 'paused']).optional(),
  municipality: z.string().min(1).max(64).optional(),
});
/** Source ids are `<kind>:<key>` (a feed's id holds its URL): pass them URL-encoded. */
export const sourceIdParams = z.object({ id: z.string().min(1).max(512) });

export const sourceListAnswer = z.object({ items: z.array(sourceSchema) });
export const sourceHealthListAnswer = z.object({ items: z.array(sourceHealthViewSchema), alerts: z.array(sourceAlertSchema) });
export const sourceAnswer = z.object({ source: sourceSchema });
export const sourceCreatedAnswer = z.object({ source: sourceSchema, secret: z.string().optional() });
export const sourceSecretAnswer = z.object({ source: sourceSchema, secret: z.string() });

export type SourceView = z.infer<typeof sourceSchema>;
export type SourceHealthView = z.infer<typeof sourceHealthViewSchema>;
export type SourceAlertView = z.infer<typeof sourceAlertSchema>;
export type SourceKindCode = SourceView['kind'];

declare module './api' {
  interface ApiRoutes {
    'GET /api/sources': Route<{ query: typeof sourceFilterSchema; response: typeof sourceListAnswer }>;
    'POST /api/sources': Route<{ body: typeof createSourceSchema; response: typeof sourceCreatedAnswer }>;
    'GET /api/sources/health': Route<{ query: typeof sourceFilterSchema; response: typeof sourceHealthListAnswer }>;
    'GET /api/sources/:id': Route<{ params: typeof sourceIdParams; response: typeof sourceAnswer }>;
    'GET /api/sources/:id/health': Route<{ params: typeof sourceIdParams; response: typeof sourceHealthViewSchema }>;
    'PATCH /api/sources/:id': Route<{ params: typeof sourceIdParams; body: typeof updateSourceSchema; response: typeof sourceAnswer }>;
    'POST /api/sources/:id/pause': Route<{ params: typeof sourceIdParams; response: typeof sourceAnswer }>;
    'POST /api/sources/:id/resume': Route<{ params: typeof sourceIdParams; response: typeof sourceAnswer }>;
    'POST /api/sources/:id/rotate-secret': Route<{ params: typeof sourceIdParams; response: typeof sourceSecretAnswer }>;
    'DELETE /api/sources/:id': Route<{ params: typeof sourceIdParams; response: z.ZodNull }>;
  }
}
