import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import { LEGACY_AUDIT_ACTIONS, storedAuditNames, storedAuditPrefixes, type AuditAction, type AuditRecord } from '../domain/audit';
import { redactValue } from '../domain/audit-redaction';
import type { IndexNames } from './indices';
import { classifyBulkItem, scanDocuments } from './posts.repository';

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
 * Append-only: documents are created with generated ids (op_type create) and never deleted
 * through the app. The one exception is `redact` (erasure on a person's request, 152-ФЗ), which
 * rewrites the person's data out of existing records under the same id and is itself audited.
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

    /**
     * Rewrites every string in the records' `target` and `details` through `rewrite`, keeping who
     * did what and when. `details` is not indexed, so the whole trail is scanned (point in time +
     * search_after); only records that change are re-indexed under their id, guarded by seq_no
     * (a record changed meanwhile is taken again in another pass). Returns how many changed.
     */
    async redact(rewrite: (s: string) => string, opts: { refresh: boolean }): Promise<number> {
      const changed = new Set<string>();
      for (let pass = 0; pass < 3; pass++) {
        let conflicts = 0;
        await scanDocuments<AuditDoc>(deps.es, deps.names.audit, { match_all: {} }, async (hits) => {
          const operations: unknown[] = [];
          const touched: string[] = [];
          for (const h of hits) {
            const target = h._source.target === undefined ? undefined : redactValue(h._source.target, rewrite);
            const details = h._source.details === undefined ? undefined : redactValue(h._source.details, rewrite);
            if (target === h._source.target && details === h._source.details) continue;
            operations.push({ index: { _index: h._index, _id: h._id, if_seq_no: h._seq_no, if_primary_term: h._primary_term } }, { ...h._source, target, details });
            touched.push(h._id);
          }
          if (operations.length === 0) return;
          const res = await deps.es.bulk({ operations, refresh: opts.refresh ? 'wait_for' : false });
          res.items.forEach((it, i) => {
            const r = classifyBulkItem(it.index);
            if (r.ok) changed.add(touched[i] as string);
            else if (r.status === 409) conflicts++;
            else throw new Error(`audit redaction failed: ${r.reason}`);
          });
        });
        if (conflicts === 0) break;
      }
      return changed.size;
    },
  };
}
export type AuditRepository = ReturnType<typeof createAuditRepository>;
