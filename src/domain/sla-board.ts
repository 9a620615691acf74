import type { Sector } from './sector';

/**
 * The SLA board (issue 11 point 3): open routed incidents whose interim or final answer is due
 * soon or overdue, grouped by organisation and by sector. Pure: the same incidents and `now` give
 * the same board.
 */
export interface BoardIncident {
  id: string;
  sector: Sector;
  municipality: string;
  text: string;
  status: string;
  urgent?: boolean;
  organisation_id?: string | null;
  organisation_name?: string | null;
  interim_due_at?: string;
  final_due_at?: string;
  interim_answered_at?: string;
  final_answered_at?: string;
}

export type SlaStage = 'interim' | 'final';
export type SlaState = 'overdue' | 'soon';

export interface SlaEntry {
  id: string;
  stage: SlaStage;
  state: SlaState;
  dueAt: string;
  /** Minutes left (negative when overdue), calendar time. */
  minutesLeft: number;
  sector: Sector;
  municipality: string;
  organisationId: string;
  organisationName: string;
  urgent: boolean;
  text: string;
}

export interface SlaCounts {
  interimSoon: number;
  interimOverdue: number;
  finalSoon: number;
  finalOverdue: number;
}

export interface SlaBoard {
  counts: SlaCounts;
  byOrganisation: ({ organisationId: string; organisationName: string } & SlaCounts)[];
  bySector: ({ sector: Sector } & SlaCounts)[];
  /** Overdue first (longest overdue first), then due soon (nearest first). */
  items: SlaEntry[];
}

const zero = (): SlaCounts => ({ interimSoon: 0, interimOverdue: 0, finalSoon: 0, finalOverdue: 0 });
const key = (stage: SlaStage, state: SlaState): keyof SlaCounts => `${stage}${state === 'soon' ? 'Soon' : 'Overdue'}`;
const TEXT_CHARS = 200;

/** Due within `soonMinutes` from `now` is "soon"; past due is "overdue"; answered stages drop out. */
export function buildSlaBoard(incidents: readonly BoardIncident[], now: Date, soonMinutes: number): SlaBoard {
  const items: SlaEntry[] = [];
  for (const i of incidents) {
    if (!i.organisation_id) continue;
    const stages: [SlaStage, string | undefined, string | undefined][] = [
      ['interim', i.interim_due_at, i.interim_answered_at ?? i.final_answered_at],
      ['final', i.final_due_at, i.final_answered_at],
    ];
    for (const [stage, due, answered] of stages) {
      if (!due || answered) continue;
      const minutesLeft = Math.floor((Date.parse(due) - now.getTime()) / 60_000);
      const state: SlaState | null = Date.parse(due) <= now.getTime() ? 'overdue' : minutesLeft < soonMinutes ? 'soon' : null;
      if (!state) continue;
      items.push({
        id: i.id,
        stage,
        state,
        dueAt: due,
        minutesLeft,
        sector: i.sector,
        municipality: i.municipality,
        organisationId: i.organisation_id,
        organisationName: i.organisation_name ?? i.organisation_id,
        urgent: i.urgent === true,
        text: i.text.length > TEXT_CHARS ? `${i.text.slice(0, TEXT_CHARS)}…` : i.text,
      });
    }
  }
  items.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id.localeCompare(b.id) || a.stage.localeCompare(b.stage));
  const counts = zero();
  const orgs = new Map<string, { organisationId: string; organisationName: string } & SlaCounts>();
  const sectors = new Map<Sector, { sector: Sector } & SlaCounts>();
  for (const e of items) {
    const k = key(e.stage, e.state);
    counts[k] += 1;
    const o = orgs.get(e.organisationId) ?? { organisationId: e.organisationId, organisationName: e.organisationName, ...zero() };
    o[k] += 1;
    orgs.set(e.organisationId, o);
    const s = sectors.get(e.sector) ?? { sector: e.sector, ...zero() };
    s[k] += 1;
    sectors.set(e.sector, s);
  }
  const total = (c: SlaCounts) => c.interimOverdue + c.finalOverdue;
  return {
    counts,
    byOrganisation: [...orgs.values()].sort((a, b) => total(b) - total(a) || a.organisationName.localeCompare(b.organisationName, 'ru')),
    bySector: [...sectors.values()].sort((a, b) => total(b) - total(a) || a.sector.localeCompare(b.sector)),
    items,
  };
}
