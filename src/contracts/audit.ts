/** The audit trail, read-only (`audit:read`). */
import { z } from 'zod';
import type { Route } from './api';

/** Deep paging is refused (Elasticsearch's from+size window). */
export const AUDIT_MAX_WINDOW = 10_000;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ id: z.string(), username: z.string().nullable(), role: z.string().nullable() }).nullable(),
  action: z.string(),
  outcome: z.enum(['success', 'failure', 'denied']),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditQuery = z
  .object({
    actor: z.string().min(1).max(64).optional(),
    action: z.string().regex(/^[a-z_]+(\.[a-z_]+)*(\.|\.?\*)?$/, 'an action such as auth.login, or a prefix such as incident.*').max(64).optional(),
    outcome: z.enum(['success', 'failure', 'denied']).optional(),
    target: z.string().min(1).max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    page: z.coerce.number().int().min(1).default(1),
    size: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => q.page * q.size <= AUDIT_MAX_WINDOW, { message: `page × size must not exceed ${AUDIT_MAX_WINDOW}`, path: ['page'] })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { message: 'from must not be after to', path: ['from'] });

export const auditPageAnswer = z.object({ total: z.number(), page: z.number(), size: z.number(), items: z.array(auditEntrySchema) });

export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditPage = z.infer<typeof auditPageAnswer>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/audit': Route<{ query: typeof auditQuery; response: typeof auditPageAnswer }>;
  }
}
