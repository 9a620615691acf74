import { readFileSync } from 'node:fs';
import { assertPolicyConsistent, computeDeadlines, parseSlaPolicy, type Deadlines, type SlaPolicy } from '../domain/sla';
import type { Taxonomy } from '../domain/taxonomy';
import { createProductionCalendar, type ProductionCalendar, type ProductionCalendarDoc } from '../domain/working-time';

const CONFIG_DIR = new URL('../../config/', import.meta.url);
export const CALENDAR_FILE = 'production-calendar.ru.json';
export const SLA_FILE = 'sla.json';

export function readConfigJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, CONFIG_DIR), 'utf8'));
}

export interface DeadlineSetup {
  calendar: ProductionCalendar;
  policy: SlaPolicy;
  /** Start-up warnings (years counted without a published decree). */
  warnings: string[];
}

/**
 * Loads the production calendar and the deadline policy for a region and validates them: an
 * impossible policy (a final answer due before the interim one) or calendar data that does not
 * add up to its published totals throws, so the process does not start.
 */
export function loadDeadlineSetup(opts: { timeZone: string; taxonomy: Taxonomy; calendarDoc?: ProductionCalendarDoc; slaDoc?: unknown; now?: Date }): DeadlineSetup {
  const known = new Set(Object.values(opts.taxonomy.sectors).flatMap((cs) => cs.map((c) => c.code)));
  const policy = parseSlaPolicy(opts.slaDoc ?? readConfigJson(SLA_FILE), (code) => known.has(code));
  const doc = opts.calendarDoc ?? (readConfigJson(CALENDAR_FILE) as ProductionCalendarDoc);
  const calendar = createProductionCalendar(doc, { timeZone: opts.timeZone, workday: policy.workday });
  // Probe across the turn of a year and the May holidays of the current year.
  const now = opts.now ?? new Date();
  assertPolicyConsistent(policy, calendar, new Date(Date.UTC(now.getUTCFullYear(), 11, 24)));
  assertPolicyConsistent(policy, calendar, new Date(Date.UTC(now.getUTCFullYear(), 3, 27)));
  const year = now.getUTCFullYear();
  const warnings = [year, year + 1]
    .filter((y) => calendar.fallbackYears.includes(y) || !(String(y) in doc.years))
    .map((y) => `production calendar: no published decree on transferred days off for ${y} in config/${CALENDAR_FILE}; ${y} is counted by Labour Code art. 112 holidays and weekends only`);
  return { calendar, policy, warnings };
}

export function createDeadlinesService(setup: DeadlineSetup) {
  return {
    ...setup,
    /** Interim and final deadlines of an incident routed at `from`. */
    deadlinesFor: (item: { category?: string | undefined; urgent?: boolean | undefined }, from: Date): Deadlines => computeDeadlines(setup.policy, setup.calendar, item, from),
  };
}
export type DeadlinesService = ReturnType<typeof createDeadlinesService>;
