import type { SessionUser } from '../domain/access';
import { auditRecord, type AuditAction, type AuditEvent, type AuditRecord } from '../domain/audit';
import type { AuditQuery, AuditRepository } from '../repositories/audit.repository';

export type { AuditEvent } from '../domain/audit';

/** What the audit page shows of one record. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string; username: string | null; role: string | null } | null;
  action: AuditAction;
  outcome: AuditRecord['outcome'];
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface AuditSearchParams {
  actor?: string;
  action?: string;
  outcome?: AuditRecord['outcome'];
  target?: string;
  from?: string;
  to?: string;
  page: number;
  size: number;
}

function present(rec: AuditRecord & { id: string }): AuditEntry {
  return {
    id: rec.id,
    at: rec.at,
    actor: rec.actorId ? { id: rec.actorId, username: rec.actorUsername ?? null, role: rec.actorRole ?? null } : null,
    action: rec.action,
    outcome: rec.outcome,
    target: rec.target ?? null,
    ip: rec.ip ?? null,
    details: rec.details ?? {},
  };
}

/**
 * The audit trail: records events with their actor and lets holders of `audit:read` filter it.
 * There is deliberately no way to change or remove a record.
 */
export function createAuditService(deps: { audit: Pick<AuditRepository, 'append' | 'search'>; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    async record(actor: SessionUser | null, e: AuditEvent): Promise<void> {
      await deps.audit.append(auditRecord(actor, e, now()));
    },

    /**
     * The route has checked `audit:read`; the trail is not scoped by sector (the administrator
     * sees all of it). Reading the trail is itself recorded.
     */
    async search(viewer: SessionUser, p: AuditSearchParams, ip?: string): Promise<{ total: number; page: number; size: number; items: AuditEntry[] }> {
      const q: AuditQuery = {
        ...(p.actor ? { actor: p.actor } : {}),
        ...(p.action ? { action: p.action } : {}),
        ...(p.outcome ? { outcome: p.outcome } : {}),
        ...(p.target ? { target: p.target } : {}),
        ...(p.from ? { from: p.from } : {}),
        ...(p.to ? { to: p.to } : {}),
        offset: (p.page - 1) * p.size,
        size: p.size,
      };
      const res = await deps.audit.search(q);
      await deps.audit.append(auditRecord(viewer, { action: 'audit.search', outcome: 'success', ...(ip ? { ip } : {}), details: { filter: { ...q, offset: undefined }, page: p.page } }, now()));
      return { total: res.total, page: p.page, size: p.size, items: res.items.map(present) };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
