import type { EsClient } from '../adapters/elasticsearch';
import type { IndexNames } from './indices';

export interface EscalationNotification {
  /** Deterministic (escalation job + recipient), so a redelivered job notifies once. */
  id: string;
  recipientId: string;
  kind: 'escalation';
  incidentId: string;
  organisationId?: string;
  stage: 'interim' | 'final';
  level: string;
  title: string;
  body: string;
  at: string;
  readAt?: string;
}

interface NotificationDoc {
  id: string;
  recipient_id: string;
  kind: 'escalation';
  incident_id: string;
  organisation_id?: string;
  stage: 'interim' | 'final';
  level: string;
  title: string;
  body: string;
  at: string;
  read_at?: string;
}

const toDoc = (n: EscalationNotification): NotificationDoc => ({
  id: n.id,
  recipient_id: n.recipientId,
  kind: n.kind,
  incident_id: n.incidentId,
  ...(n.organisationId ? { organisation_id: n.organisationId } : {}),
  stage: n.stage,
  level: n.level,
  title: n.title,
  body: n.body,
  at: n.at,
  ...(n.readAt ? { read_at: n.readAt } : {}),
});
const fromDoc = (d: NotificationDoc): EscalationNotification => ({
  id: d.id,
  recipientId: d.recipient_id,
  kind: d.kind,
  incidentId: d.incident_id,
  ...(d.organisation_id ? { organisationId: d.organisation_id } : {}),
  stage: d.stage,
  level: d.level,
  title: d.title,
  body: d.body,
  at: d.at,
  ...(d.read_at ? { readAt: d.read_at } : {}),
});

/** In-app notifications per recipient (ES; created once per id, marked read in place). */
export function createEscalationNotificationsRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  return {
    /** false when a notification with this id already exists (a redelivered job). */
    async create(n: EscalationNotification): Promise<boolean> {
      try {
        await es.index({ index: names.notificationsIndex, id: n.id, op_type: 'create', document: toDoc(n), refresh: 'wait_for' });
        return true;
      } catch (err) {
        if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) return false;
        throw err;
      }
    },
    async list(recipientId: string, limit: number): Promise<{ items: EscalationNotification[]; unread: number }> {
      const res = await es.search<NotificationDoc>({
        index: names.notifications,
        size: limit,
        query: { term: { recipient_id: recipientId } },
        sort: [{ at: 'desc' as const }, { id: 'asc' as const }],
        aggs: { unread: { filter: { bool: { must_not: [{ exists: { field: 'read_at' } }] } } } },
      });
      const unread = (res.aggregations?.unread as { doc_count?: number } | undefined)?.doc_count ?? 0;
      return { items: res.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._source)] : [])), unread };
    },
    async get(id: string): Promise<EscalationNotification | null> {
      const res = await es.get<NotificationDoc>({ index: names.notificationsIndex, id }, { ignore: [404] });
      return res.found && res._source ? fromDoc(res._source) : null;
    },
    async markRead(n: EscalationNotification, at: string): Promise<void> {
      await es.index({ index: names.notificationsIndex, id: n.id, document: toDoc({ ...n, readAt: at }), refresh: 'wait_for' });
    },
    async forIncident(incidentId: string): Promise<EscalationNotification[]> {
      const res = await es.search<NotificationDoc>({ index: names.notifications, size: 1000, query: { term: { incident_id: incidentId } }, sort: [{ at: 'asc' as const }] });
      return res.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._source)] : []));
    },
  };
}
export type EscalationNotificationsRepository = ReturnType<typeof createEscalationNotificationsRepository>;
