import type { IncidentCard } from '../contracts/feed';
import { can, type SessionUser } from '../domain/access';
import { auditRecord } from '../domain/audit';
import { INCIDENT_STATUSES, type IncidentStatus } from '../domain/incident';
import { OPEN_STATUSES } from '../domain/incident-workflow';
import { ForbiddenError } from '../lib/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import type { IncidentsRepository } from '../repositories/incidents.repository';
import type { HandoverAck, ShiftRepository } from '../repositories/shift.repository';
import type { IncidentsService } from './incidents.service';

/** How far back the handover looks for notes written for the next shift. */
const NOTES_HOURS = 24;
const LIST_LIMIT = 100;

export interface ShiftNote {
  incidentId: string;
  incidentStatus: IncidentStatus;
  at: string;
  author: { id: string; username: string; name: string };
  text: string;
}

export interface Handover {
  generatedAt: string;
  byStatus: Record<IncidentStatus, number>;
  byOwner: { assignee: { id: string; username: string; name: string }; open: number; oldestCreatedAt: string }[];
  unassigned: number;
  overdue: IncidentCard[];
  urgent: IncidentCard[];
  notes: ShiftNote[];
  acknowledgements: HandoverAck[];
}

/**
 * The shift handover: what the outgoing shift leaves to the incoming one, within the viewer's
 * scope — open incidents by status and owner, overdue and urgent ones, notes written for the next
 * shift — and the incoming operator's acknowledgement (recorded and audited).
 */
export function createShiftService(deps: {
  incidents: Pick<IncidentsRepository, 'count' | 'list'>;
  view: Pick<IncidentsService, 'scopeFilter' | 'withMembers' | 'present' | 'workload' | 'auditAuthorView'>;
  shift: ShiftRepository;
  audit: Pick<AuditRepository, 'append'>;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return {
    async handover(viewer: SessionUser): Promise<Handover> {
      const at = now();
      const scope = deps.view.scopeFilter(viewer, {});
      const byStatus = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0])) as Record<IncidentStatus, number>;
      if (!scope) return { generatedAt: at.toISOString(), byStatus, byOwner: [], unassigned: 0, overdue: [], urgent: [], notes: [], acknowledgements: await deps.shift.recent(5) };
      const open = [...OPEN_STATUSES];
      const [counts, workload, overdue, urgent, noted, acknowledgements] = await Promise.all([
        Promise.all(open.map((s) => deps.incidents.count({ ...scope, statuses: [s] }))),
        deps.view.workload(viewer),
        deps.incidents.list({ ...scope, statuses: open, dueBefore: at.toISOString(), limit: LIST_LIMIT, oldestFirst: true }),
        deps.incidents.list({ ...scope, statuses: open, urgent: true, limit: LIST_LIMIT, oldestFirst: true }),
        deps.incidents.list({ ...scope, shiftNotesSince: new Date(at.getTime() - NOTES_HOURS * 3600_000).toISOString(), limit: LIST_LIMIT, withComments: true }),
        deps.shift.recent(5),
      ]);
      open.forEach((s, i) => (byStatus[s] = counts[i] ?? 0));
      const showAuthor = can(viewer.role, 'posts:author');
      const cards = async (list: typeof overdue) => (await deps.view.withMembers(list)).map((s) => deps.view.present(s, showAuthor));
      const since = at.getTime() - NOTES_HOURS * 3600_000;
      const notes = noted
        .flatMap((v) =>
          (v.doc.comments ?? [])
            .filter((c) => c.for_shift === true && Date.parse(c.at) >= since)
            .map((c): ShiftNote => ({ incidentId: v.doc.id, incidentStatus: v.doc.status, at: c.at, author: c.author, text: c.text })),
        )
        .sort((a, b) => b.at.localeCompare(a.at));
      const shown = [...overdue, ...urgent].map((v) => v.doc.id);
      if (showAuthor && shown.length > 0) await deps.view.auditAuthorView(viewer, [...new Set(shown)]);
      return {
        generatedAt: at.toISOString(),
        byStatus,
        byOwner: workload.items,
        unassigned: workload.unassigned,
        overdue: await cards(overdue),
        urgent: await cards(urgent),
        notes,
        acknowledgements,
      };
    },

    /** The incoming operator confirms they have read the handover. */
    async acknowledge(viewer: SessionUser, note: string | undefined, ip?: string): Promise<HandoverAck> {
      if (!can(viewer.role, 'incidents:work')) throw new ForbiddenError('Принять смену может сотрудник, работающий с инцидентами');
      const ack: HandoverAck = { at: now().toISOString(), by: { id: viewer.id, username: viewer.username, name: viewer.displayName }, ...(note ? { note } : {}) };
      await deps.shift.append(ack);
      await deps.audit.append(auditRecord(viewer, { action: 'shift.handover_ack', outcome: 'success', ...(ip ? { ip } : {}), details: { noted: note !== undefined } }));
      return ack;
    },
  };
}
export type ShiftService = ReturnType<typeof createShiftService>;
