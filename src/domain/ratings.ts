import { workingMinutesBetween, type ProductionCalendar } from './working-time';

/**
 * Ratings of responsible organisations over a period, from the incidents routed to them. Pure and
 * deterministic: the same incidents give the same figures; every figure names its incidents.
 */
export interface RatedIncident {
  id: string;
  organisation_id?: string | null;
  organisation_name?: string | null;
  routed_at?: string;
  interim_due_at?: string;
  final_due_at?: string;
  interim_answered_at?: string;
  final_answered_at?: string;
  formal_answer?: boolean;
  reopened_count?: number;
  satisfaction?: { verdict: 'solved' | 'not_solved' | 'no_reply' };
}

export interface OrganisationRating {
  organisationId: string;
  organisationName: string;
  /** Quantity: incidents routed in the period. */
  routed: number;
  /** Below the minimum volume the figures are shown but the organisation is not ranked. */
  counted: boolean;
  /** Speed: median working hours from routing to the interim / final answer (answered ones). */
  medianInterimHours: number | null;
  medianFinalHours: number | null;
  /** Completeness: share answered on time at both stages (of those whose final deadline passed or were answered). */
  onTimeShare: number | null;
  /** Quality. */
  formalShare: number | null;
  reopenedShare: number | null;
  satisfiedShare: number | null;
  /** Drill-down: incident ids behind each figure. */
  incidents: { routed: string[]; late: string[]; formal: string[]; reopened: string[]; solved: string[]; notSolved: string[] };
}

/** The median of `xs` (the mean of the middle two for an even count); null for none. */
export const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
/** n / d to three decimals, as every rating share is shown; null when there is nothing to share. */
export const share = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);
const hours = (min: number) => Math.round((min / 60) * 100) / 100;

export function rateOrganisations(incidents: readonly RatedIncident[], cal: ProductionCalendar, opts: { minVolume: number; now: Date }): OrganisationRating[] {
  const groups = new Map<string, RatedIncident[]>();
  for (const i of incidents) {
    if (!i.organisation_id || !i.routed_at) continue;
    const list = groups.get(i.organisation_id) ?? [];
    list.push(i);
    groups.set(i.organisation_id, list);
  }
  const out: OrganisationRating[] = [];
  for (const [organisationId, list] of groups) {
    const sorted = [...list].sort((a, b) => a.id.localeCompare(b.id));
    const interim = sorted.flatMap((i) => (i.interim_answered_at ? [workingMinutesBetween(cal, new Date(i.routed_at!), new Date(i.interim_answered_at))] : []));
    const final = sorted.flatMap((i) => (i.final_answered_at ? [workingMinutesBetween(cal, new Date(i.routed_at!), new Date(i.final_answered_at))] : []));
    const judged = sorted.filter((i) => i.final_answered_at || (i.final_due_at && Date.parse(i.final_due_at) <= opts.now.getTime()));
    const late = judged.filter((i) => {
      const interimLate = !i.interim_answered_at || (i.interim_due_at !== undefined && i.interim_answered_at > i.interim_due_at);
      const finalLate = !i.final_answered_at || (i.final_due_at !== undefined && i.final_answered_at > i.final_due_at);
      return interimLate || finalLate;
    });
    const answered = sorted.filter((i) => i.interim_answered_at || i.final_answered_at);
    const formal = sorted.filter((i) => i.formal_answer);
    const reopened = sorted.filter((i) => (i.reopened_count ?? 0) > 0);
    const solved = sorted.filter((i) => i.satisfaction?.verdict === 'solved');
    const notSolved = sorted.filter((i) => i.satisfaction?.verdict === 'not_solved');
    out.push({
      organisationId,
      organisationName: sorted.find((i) => i.organisation_name)?.organisation_name ?? organisationId,
      routed: sorted.length,
      counted: sorted.length >= opts.minVolume,
      medianInterimHours: interim.length ? hours(median(interim)!) : null,
      medianFinalHours: final.length ? hours(median(final)!) : null,
      onTimeShare: share(judged.length - late.length, judged.length),
      formalShare: share(formal.length, answered.length),
      reopenedShare: share(reopened.length, answered.length),
      satisfiedShare: share(solved.length, solved.length + notSolved.length),
      incidents: { routed: sorted.map((i) => i.id), late: late.map((i) => i.id), formal: formal.map((i) => i.id), reopened: reopened.map((i) => i.id), solved: solved.map((i) => i.id), notSolved: notSolved.map((i) => i.id) },
    });
  }
  // Ranked ones first (by completeness, then speed), the rest after; ties by id: deterministic.
  return out.sort((a, b) => Number(b.counted) - Number(a.counted) || (b.onTimeShare ?? -1) - (a.onTimeShare ?? -1) || (a.medianFinalHours ?? Infinity) - (b.medianFinalHours ?? Infinity) || a.organisationId.localeCompare(b.organisationId));
}
