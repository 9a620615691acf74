import type { EsClient } from '../adapters/elasticsearch';
import type { IndexNames } from './indices';

export interface AuditRecord {
  at: string;
  actorId?: string;
  actorUsername?: string;
  actorRole?: string;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

/** Append-only: documents are created with generated ids and never updated through the app. */
export function createAuditRepository(deps: { es: EsClient; names: IndexNames }) {
  return {
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
