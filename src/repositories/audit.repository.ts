import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import { LEGACY_AUDIT_ACTIONS, storedAuditNames, storedAuditPrefixes, type AuditAction, type AuditRecord } from '../domain/audit';
import type { IndexNames } from './indices';

export type { AuditRecord } from '../domain/audit';

export interface AuditQuery {
  /** Actor id or username (exact). */
  actor?: string;
  /** Exact action, or a prefix ending in `.` or `*` (`incident.` matches every incident action). */
  action?: string;
  outcome?: AuditRecord['outcome'];
  target?: string;
  from?: string;
  to?: string;
  offset: number;
  size: number;
}

interface AuditDoc {
  at: string;
  actor_id?: string;
  actor_username?: string;
  actor_role?: string;
  /** An AuditAction, or a legacy name of one in records stored before the rename. */
  action: string;
  outcome: AuditRecord['outcome'];
  target?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

function fromAuditDoc(id: string, d: AuditDoc): AuditRecord & { id: string } {
  return {
    id,
    at: d.at,
    ...(d.actor_id ? { actorId: d.actor_id } : {}),
    ...(d.actor_username ? { actorUsername: d.actor_username } : {}),
    ...(d.actor_role ? { actorRole: d.actor_role } : {}),
    action: (LEGACY_AUDIT_ACTIONS[d.action] ?? d.action) as AuditAction,
    outcome: d.outcome,
    ...(d.target ? { target: d.target } : {}),
    ...(d.ip ? { ip: d.ip } : {}),
    details: d.details ?? {},
  };
}

/**
 * Append-only: documents are created with generated ids (op_type create) and never updated or
 * deleted through the app — this repository has no method that could.
 */
export function createAuditRepository(deps: { es: EsClient; names: IndexNames }) {
  return {
    /** Newest first. Every filter is an exact term on a keyword field (no query syntax). */
    async search(q: AuditQuery): Promise<{ total: number; items: (AuditRecord & { id: string })[] }> {
      const filter: estypes.QueryDslQueryContainer[] = [];
      if (q.actor) filter.push({ bool: { should: [{ term: { actor_id: q.actor } }, { term: { actor_username: q.actor } }], minimum_should_match: 1 } });
      if (q.action) {
        const prefix = /[.*]$/.test(q.action) ? q.action.replace(/\*$/, '') : null;
        // Records stored under a legacy name are found by the current one.
        const prefixes = prefix !== null ? storedAuditPrefixes(prefix) : [];
        filter.push(prefix !== null ? { bool: { should: prefixes.map((p) => ({ prefix: { action: p } })), minimum_should_match: 1 } } : { terms: { action: storedAuditNames(q.action) } });
      }
      if (q.outcome) filter.push({ term: { outcome: q.outcome } });
      if (q.target) filter.push({ term: { target: q.target } });
      if (q.from || q.to) filter.push({ range: { at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } });
      const res = await deps.es.search<AuditDoc>({
        index: deps.names.audit,
        from: q.offset,
        size: q.size,
        track_total_hits: true,
        query: { bool: { filter } },
        sort: [{ at: 'desc' as const }],
      });
      const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
      return { total, items: res.hits.hits.flatMap((h) => (h._source ? [fromAuditDoc(h._id ?? '', h._source)] : [])) };
    },

    async append(rec: AuditRecord): Promise<void> {
      await deps.es.index({
        index: deps.names.auditIndex,
        op_type: 'create',
        document: {
          at: rec.at,
          actor_id: rec.actorId,
          actor_username: rec.actorUsername,
          actor_role: rec.actorRole,
          action: rec.action,
          outcome: rec.outcome,
          target: rec.target,
          ip: rec.ip,
          details: rec.details ?? {},
        },
      });
    },
  };
}
export type AuditRepository = ReturnType<typeof createAuditRepository>;
