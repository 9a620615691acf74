import { describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../../src/classifier/taxonomy';
import { computeDeadlines } from '../../src/domain/sla';
import { addWorkingDays, addWorkingMinutes, workingMinutesBetween } from '../../src/domain/working-time';
import { loadDeadlineSetup, readConfigJson, SLA_FILE } from '../../src/services/deadlines.service';

// Omsk is UTC+6 all year: 09:00 local = 03:00Z.
const setup = loadDeadlineSetup({ timeZone: 'Asia/Omsk', taxonomy: loadTaxonomy(), now: new Date('2026-12-06T00:00:00Z') });
const cal = setup.calendar;
const at = (s: string) => new Date(s);

describe('production calendar', () => {
  it('knows holidays, transferred days off, working Saturdays and shortened days', () => {
    expect(cal.dayKind('2025-01-07')).toBe('holiday');
    expect(cal.dayKind('2025-05-02')).toBe('day_off'); // from Sat 4 January
    expect(cal.dayKind('2025-05-08')).toBe('day_off'); // from Sun 23 February
    expect(cal.dayKind('2025-06-13')).toBe('day_off'); // from Sat 8 March
    expect(cal.dayKind('2025-11-01')).toBe('shortened'); // a working Saturday, pre-holiday
    expect(cal.dayKind('2025-11-03')).toBe('day_off');
    expect(cal.dayKind('2025-12-31')).toBe('day_off');
    expect(cal.dayKind('2026-01-09')).toBe('day_off');
    expect(cal.dayKind('2026-03-09')).toBe('day_off');
    expect(cal.dayKind('2026-04-30')).toBe('shortened');
    expect(cal.dayKind('2026-06-13')).toBe('weekend');
    expect(cal.dayKind('2026-06-15')).toBe('working');
  });

  it('falls back to Labour Code art. 112 for an unpublished year and warns', () => {
    expect(cal.fallbackYears).toContain(2027);
    expect(setup.warnings.join(' ')).toContain('2027');
    expect(cal.dayKind('2027-01-08')).toBe('holiday');
    expect(cal.dayKind('2027-01-11')).toBe('working');
    // 1 May 2027 is a Saturday: the day off moves to Monday 3 May; 9 May (Sunday) to 10 May.
    expect(cal.dayKind('2027-05-03')).toBe('day_off');
    expect(cal.dayKind('2027-05-10')).toBe('day_off');
    expect(cal.dayKind('2027-11-03')).toBe('shortened');
  });
});

describe('working-time arithmetic (Asia/Omsk, UTC+6)', () => {
  it('counts working hours within the day in local time', () => {
    // Tuesday 10 March 2026, 10:00 Omsk (04:00Z) + 4 working hours = 14:00 Omsk.
    expect(addWorkingMinutes(cal, at('2026-03-10T04:00:00Z'), 240).toISOString()).toBe('2026-03-10T08:00:00.000Z');
  });
  it('carries over the evening, the weekend and a holiday', () => {
    // Friday 6 March 2026 17:00 Omsk + 4 h: 1 h on Friday, then Sat 7, Sun 8, Mon 9 (day off) → Tue 10 at 12:00.
    expect(addWorkingMinutes(cal, at('2026-03-06T11:00:00Z'), 240).toISOString()).toBe('2026-03-10T06:00:00.000Z');
  });
  it('starts counting at 09:00 for an incident that arrives at night', () => {
    expect(addWorkingMinutes(cal, at('2026-03-10T20:00:00Z'), 60).toISOString()).toBe('2026-03-11T04:00:00.000Z');
  });
  it('ends a shortened day an hour early', () => {
    // Thursday 30 April 2026 is shortened (ends 17:00): 16:00 + 2 h → 1 h left; 1–3 May off, Mon 4 May 10:00.
    expect(addWorkingMinutes(cal, at('2026-04-30T10:00:00Z'), 120).toISOString()).toBe('2026-05-04T04:00:00.000Z');
  });
  it('crosses the New Year holidays', () => {
    // Tuesday 29 December 2026, 15:00 Omsk + 7 working days: 30 Dec, then 31 Dec and 1–10 Jan off, 11–15 Jan → the 7th is Tue 12 Jan 2027? count it.
    const due = addWorkingDays(cal, at('2026-12-29T09:00:00Z'), 7);
    // Working days after 29 Dec: 30 Dec (1), 11 Jan (2), 12 (3), 13 (4), 14 (5), 15 (6), 18 Jan (7) — ends 18:00 Omsk.
    expect(due.toISOString()).toBe('2027-01-18T12:00:00.000Z');
    expect(addWorkingMinutes(cal, at('2026-12-30T11:00:00Z'), 240).toISOString()).toBe('2027-01-11T06:00:00.000Z');
  });
  it('measures working minutes between two instants', () => {
    expect(workingMinutesBetween(cal, at('2026-03-06T11:00:00Z'), at('2026-03-10T06:00:00Z'))).toBe(240);
    expect(workingMinutesBetween(cal, at('2026-03-07T00:00:00Z'), at('2026-03-08T23:00:00Z'))).toBe(0);
  });
});

describe('deadline policy', () => {
  it('picks per category and urgency; urgent interim runs around the clock', () => {
    const night = at('2026-03-07T18:00:00Z'); // Sunday 00:00 Omsk
    const urgent = computeDeadlines(setup.policy, cal, { category: 'housing.heating', urgent: true }, night);
    expect(urgent.policy).toBe('housing.heating/urgent');
    expect(urgent.interimDueAt).toBe('2026-03-07T19:00:00.000Z');
    const plain = computeDeadlines(setup.policy, cal, { category: 'roads.potholes' }, night);
    expect(plain.policy).toBe('default');
    expect(plain.interimDueAt).toBe('2026-03-10T07:00:00.000Z'); // Tue 09:00 + 4 h
  });
  it('refuses at start a policy whose final answer is due before the interim one', () => {
    const doc = readConfigJson(SLA_FILE) as Record<string, unknown>;
    const bad = { ...doc, categories: { 'housing.water': { interim: { workingDays: 3 }, final: { workingHours: 4 } } } };
    expect(() => loadDeadlineSetup({ timeZone: 'Asia/Omsk', taxonomy: loadTaxonomy(), slaDoc: bad })).toThrow(/categories\.housing\.water: the final answer/);
    const unknown = { ...doc, categories: { 'housing.teleport': { interim: { hours: 1 }, final: { hours: 2 } } } };
    expect(() => loadDeadlineSetup({ timeZone: 'Asia/Omsk', taxonomy: loadTaxonomy(), slaDoc: unknown })).toThrow(/unknown category/);
  });
  it('refuses calendar data that does not add up to the published totals', () => {
    const doc = readConfigJson('production-calendar.ru.json') as { years: Record<string, { transfers?: unknown[] }> };
    const broken = structuredClone(doc);
    broken.years['2025']!.transfers = broken.years['2025']!.transfers!.slice(1);
    expect(() => loadDeadlineSetup({ timeZone: 'Asia/Omsk', taxonomy: loadTaxonomy(), calendarDoc: broken as never })).toThrow(/2025: 248 working/);
  });
});
