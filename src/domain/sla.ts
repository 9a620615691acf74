import { addWorkingDays, addWorkingMinutes, type ProductionCalendar, type WorkdayHours } from './working-time';

/**
 * Deadlines of the responsible organisation's answer (config/sla.json): an interim answer and a
 * final one, per category and urgency. Pure: parsing, validation and computing due times.
 */
export type Span = { workingHours: number } | { workingDays: number } | { hours: number };

export interface StagePolicy {
  interim: Span;
  final: Span;
}

export interface EscalationStep {
  /** Minutes relative to the deadline (negative: before it). */
  offsetMinutes: number;
  level: EscalationLevel;
}

export const ESCALATION_LEVELS = ['organisation', 'sector_lead', 'head'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];
export const ESCALATION_LEVEL_TITLES_RU: Readonly<Record<EscalationLevel, string>> = {
  organisation: 'ответственной организации',
  sector_lead: 'руководителю отраслевого блока',
  head: 'руководителю ЦУР',
};

export type AnswerStage = 'interim' | 'final';
export const ANSWER_STAGES: readonly AnswerStage[] = ['interim', 'final'];

export interface SlaPolicy {
  workday: WorkdayHours;
  default: StagePolicy;
  urgent: StagePolicy;
  categories: Record<string, StagePolicy & { urgent?: StagePolicy }>;
  escalation: { steps: EscalationStep[] };
}

export interface Deadlines {
  interimDueAt: string;
  finalDueAt: string;
  /** Which policy applied, for the card: `default`, `urgent`, `housing.heating`, `housing.heating/urgent`. */
  policy: string;
}

function fail(path: string, problem: string): never {
  throw new Error(`config/sla.json ${path}: ${problem}`);
}

function parseSpan(v: unknown, path: string): Span {
  if (typeof v !== 'object' || v === null) fail(path, 'expected { workingHours | workingDays | hours: n }');
  const keys = Object.keys(v);
  const key = keys[0];
  if (keys.length !== 1 || (key !== 'workingHours' && key !== 'workingDays' && key !== 'hours')) fail(path, 'expected exactly one of workingHours, workingDays, hours');
  const n = (v as Record<string, unknown>)[key];
  if (typeof n !== 'number' || !(n > 0) || n > 10_000) fail(`${path}.${key}`, 'expected a positive number');
  return { [key]: n } as Span;
}

function parseStages(v: unknown, path: string): StagePolicy {
  if (typeof v !== 'object' || v === null) fail(path, 'expected { interim, final }');
  const o = v as Record<string, unknown>;
  return { interim: parseSpan(o.interim, `${path}.interim`), final: parseSpan(o.final, `${path}.final`) };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Parses and validates the document; impossible configurations (final before interim) throw. */
export function parseSlaPolicy(doc: unknown, knownCategory: (code: string) => boolean): SlaPolicy {
  if (typeof doc !== 'object' || doc === null) fail('', 'expected an object');
  const d = doc as Record<string, unknown>;
  const w = (d.workday ?? {}) as Record<string, unknown>;
  if (typeof w.start !== 'string' || !HHMM.test(w.start)) fail('workday.start', 'expected HH:mm');
  if (typeof w.end !== 'string' || !HHMM.test(w.end) || w.end <= w.start) fail('workday.end', 'expected HH:mm after start');
  const shortenedBy = w.shortenedBy ?? 60;
  if (typeof shortenedBy !== 'number' || shortenedBy < 0) fail('workday.shortenedBy', 'expected minutes ≥ 0');
  const categories: SlaPolicy['categories'] = {};
  for (const [code, v] of Object.entries((d.categories ?? {}) as Record<string, unknown>)) {
    if (code.startsWith('$')) continue;
    if (!knownCategory(code)) fail(`categories.${code}`, 'unknown category code (config/taxonomy.json)');
    const stages = parseStages(v, `categories.${code}`);
    const urgent = (v as Record<string, unknown>).urgent;
    categories[code] = { ...stages, ...(urgent !== undefined ? { urgent: parseStages(urgent, `categories.${code}.urgent`) } : {}) };
  }
  const esc = (d.escalation ?? { steps: [] }) as { steps?: unknown };
  if (!Array.isArray(esc.steps)) fail('escalation.steps', 'expected an array');
  const steps = esc.steps.map((s: unknown, i): EscalationStep => {
    const o = (s ?? {}) as Record<string, unknown>;
    if (typeof o.offsetMinutes !== 'number' || !Number.isInteger(o.offsetMinutes)) fail(`escalation.steps[${i}].offsetMinutes`, 'expected an integer');
    if (!ESCALATION_LEVELS.includes(o.level as EscalationLevel)) fail(`escalation.steps[${i}].level`, `one of ${ESCALATION_LEVELS.join(', ')}`);
    return { offsetMinutes: o.offsetMinutes, level: o.level as EscalationLevel };
  });
  return {
    workday: { start: w.start, end: w.end, shortenedBy },
    default: parseStages(d.default, 'default'),
    urgent: parseStages(d.urgent, 'urgent'),
    categories,
    escalation: { steps },
  };
}

/** The stage policy for an incident: category/urgent > category > urgent > default. */
export function stagePolicyFor(policy: SlaPolicy, item: { category?: string | undefined; urgent?: boolean | undefined }): { stages: StagePolicy; name: string } {
  const cat = item.category ? policy.categories[item.category] : undefined;
  if (cat && item.urgent && cat.urgent) return { stages: cat.urgent, name: `${item.category}/urgent` };
  if (cat && !item.urgent) return { stages: cat, name: item.category as string };
  if (item.urgent) return { stages: policy.urgent, name: 'urgent' };
  if (cat) return { stages: cat, name: item.category as string };
  return { stages: policy.default, name: 'default' };
}

export function spanEnd(cal: ProductionCalendar, from: Date, span: Span): Date {
  if ('hours' in span) return new Date(from.getTime() + span.hours * 3_600_000);
  if ('workingHours' in span) return addWorkingMinutes(cal, from, Math.round(span.workingHours * 60));
  return addWorkingDays(cal, from, span.workingDays);
}

export function computeDeadlines(policy: SlaPolicy, cal: ProductionCalendar, item: { category?: string | undefined; urgent?: boolean | undefined }, from: Date): Deadlines {
  const { stages, name } = stagePolicyFor(policy, item);
  return { interimDueAt: spanEnd(cal, from, stages.interim).toISOString(), finalDueAt: spanEnd(cal, from, stages.final).toISOString(), policy: name };
}

/**
 * Checks that every final deadline comes after its interim one, for start times across two weeks
 * (night, weekend, pre-holiday included): spans in different units are only comparable on real
 * dates. Throws naming the policy that is impossible.
 */
export function assertPolicyConsistent(policy: SlaPolicy, cal: ProductionCalendar, probeFrom: Date): void {
  const named: [string, StagePolicy][] = [
    ['default', policy.default],
    ['urgent', policy.urgent],
    ...Object.entries(policy.categories).flatMap(([code, p]): [string, StagePolicy][] => [[`categories.${code}`, p], ...(p.urgent ? [[`categories.${code}.urgent`, p.urgent] as [string, StagePolicy]] : [])]),
  ];
  for (const [name, stages] of named) {
    for (let h = 0; h < 24 * 14; h += 5) {
      const at = new Date(probeFrom.getTime() + h * 3_600_000);
      const interim = spanEnd(cal, at, stages.interim);
      const final = spanEnd(cal, at, stages.final);
      if (final.getTime() <= interim.getTime()) {
        fail(name, `the final answer (${JSON.stringify(stages.final)}) would be due before or with the interim one (${JSON.stringify(stages.interim)}) for an incident at ${at.toISOString()}`);
      }
    }
  }
}
