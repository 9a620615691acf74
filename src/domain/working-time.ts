import { TZDate } from '@date-fns/tz';
import { addDays, addMinutes, differenceInMinutes, format, getDay, set, startOfDay } from 'date-fns';

/**
 * The production calendar (производственный календарь) and working-time arithmetic in a region's
 * time zone. Dates go through date-fns + @date-fns/tz: every instant is viewed as a TZDate in the
 * region's zone, so "09:00", "end of the working day" and "the next day" are the region's own.
 */

/** One year as published by the Government's decree on transferred days off. */
export interface CalendarYear {
  published: boolean;
  act: string;
  /** Weekend days moved to a weekday (`from` stays a day off only if it is a holiday). */
  transfers?: { from: string; to: string }[];
  /** Saturdays or Sundays that are working days (the other side of a transfer). */
  workingWeekends?: string[];
  /** Working days shortened by one hour (the day before a holiday, Labour Code art. 95). */
  shortened?: string[];
  /** Totals for a five-day week, checked when the calendar is loaded. */
  expect?: { workingDays: number; nonWorkingDays: number };
}

export interface ProductionCalendarDoc {
  title: string;
  sources: string[];
  /** MM-DD of the non-working holidays of Labour Code art. 112. */
  fixedHolidays: string[];
  years: Record<string, CalendarYear>;
}

export type DayKind = 'working' | 'shortened' | 'weekend' | 'holiday' | 'day_off';

export interface WorkdayHours {
  /** HH:mm local. */
  start: string;
  end: string;
  /** Minutes a shortened day ends earlier. */
  shortenedBy: number;
}

export interface ProductionCalendar {
  timeZone: string;
  workday: WorkdayHours;
  /** Years the calendar falls back on Labour Code art. 112 + weekends for (not published). */
  fallbackYears: number[];
  dayKind(isoDate: string): DayKind;
  isWorking(isoDate: string): boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const weekdayOf = (isoDate: string) => new Date(`${isoDate}T12:00:00Z`).getUTCDay();
const isWeekend = (isoDate: string) => [0, 6].includes(weekdayOf(isoDate));
const nextIso = (isoDate: string) => new Date(Date.parse(`${isoDate}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * A year from Labour Code art. 112 alone: its holidays, a day off moved from a weekend holiday to
 * the next working day (except the January holidays, which only a decree distributes), and the
 * day before a holiday shortened (art. 95).
 */
function fallbackYear(year: number, fixed: readonly string[]): { off: Set<string>; working: Set<string>; shortened: Set<string> } {
  const holidays = new Set(fixed.map((md) => `${year}-${md}`));
  const off = new Set<string>();
  for (const md of fixed) {
    if (md.startsWith('01-')) continue;
    const day = `${year}-${md}`;
    if (!isWeekend(day)) continue;
    let next = nextIso(day);
    while (isWeekend(next) || holidays.has(next) || off.has(next)) next = nextIso(next);
    off.add(next);
  }
  const shortened = new Set<string>();
  for (const h of holidays) {
    const prev = new Date(Date.parse(`${h}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    if (!isWeekend(prev) && !holidays.has(prev) && !off.has(prev)) shortened.add(prev);
  }
  return { off, working: new Set(), shortened };
}

/**
 * Builds the calendar from its document. A published year's totals are checked against its
 * `expect` figures, so a typo in the data fails at start instead of shifting deadlines.
 */
export function createProductionCalendar(doc: ProductionCalendarDoc, opts: { timeZone: string; workday: WorkdayHours }): ProductionCalendar {
  const fixed = doc.fixedHolidays;
  const cache = new Map<number, { holidays: Set<string>; off: Set<string>; working: Set<string>; shortened: Set<string> }>();
  const fallbackYears: number[] = [];
  const yearData = (year: number) => {
    let y = cache.get(year);
    if (y) return y;
    const holidays = new Set(fixed.map((md) => `${year}-${md}`));
    const published = doc.years[String(year)];
    if (published?.published) {
      const off = new Set((published.transfers ?? []).map((t) => t.to));
      y = { holidays, off, working: new Set(published.workingWeekends ?? []), shortened: new Set(published.shortened ?? []) };
    } else {
      y = { holidays, ...fallbackYear(year, fixed) };
    }
    cache.set(year, y);
    return y;
  };
  const dayKind = (isoDate: string): DayKind => {
    const y = yearData(Number(isoDate.slice(0, 4)));
    if (y.holidays.has(isoDate)) return 'holiday';
    if (y.off.has(isoDate)) return 'day_off';
    if (isWeekend(isoDate) && !y.working.has(isoDate)) return 'weekend';
    return y.shortened.has(isoDate) ? 'shortened' : 'working';
  };
  for (const [key, year] of Object.entries(doc.years)) {
    if (!year.published) {
      fallbackYears.push(Number(key));
      continue;
    }
    if (!year.expect) continue;
    let working = 0;
    const n = Number(key);
    for (let d = iso(n, 1, 1); d.startsWith(key); d = nextIso(d)) if (dayKind(d) === 'working' || dayKind(d) === 'shortened') working++;
    const days = (Date.UTC(n + 1, 0, 1) - Date.UTC(n, 0, 1)) / 86_400_000;
    if (working !== year.expect.workingDays || days - working !== year.expect.nonWorkingDays) {
      throw new Error(`production calendar ${key}: ${working} working / ${days - working} non-working days, the data says ${year.expect.workingDays} / ${year.expect.nonWorkingDays}`);
    }
  }
  return {
    timeZone: opts.timeZone,
    workday: opts.workday,
    fallbackYears,
    dayKind,
    isWorking: (d) => {
      const k = dayKind(d);
      return k === 'working' || k === 'shortened';
    },
  };
}

/** True when a year has no published decree in the calendar (art. 112 fallback applies). */
export function isFallbackYear(doc: ProductionCalendarDoc, year: number): boolean {
  return !doc.years[String(year)]?.published;
}

const hm = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return { hours: h ?? 0, minutes: m ?? 0 };
};

/** Start and end of the working day containing `day` (local), or null on a non-working day. */
function workingWindow(cal: ProductionCalendar, day: TZDate): { start: TZDate; end: TZDate } | null {
  const isoDate = format(day, 'yyyy-MM-dd');
  const kind = cal.dayKind(isoDate);
  if (kind !== 'working' && kind !== 'shortened') return null;
  const base = startOfDay(day);
  const start = set(base, { ...hm(cal.workday.start), seconds: 0, milliseconds: 0 });
  let end = set(base, { ...hm(cal.workday.end), seconds: 0, milliseconds: 0 });
  if (kind === 'shortened') end = addMinutes(end, -cal.workday.shortenedBy);
  return { start, end };
}

const MAX_DAYS = 400;

/** `minutes` of working time after `from` (an incident arriving at night starts counting at 09:00). */
export function addWorkingMinutes(cal: ProductionCalendar, from: Date, minutes: number): Date {
  let cursor = new TZDate(from.getTime(), cal.timeZone);
  let left = minutes;
  for (let i = 0; i < MAX_DAYS; i++) {
    const w = workingWindow(cal, cursor);
    if (w && cursor < w.end) {
      const begin = cursor < w.start ? w.start : cursor;
      const available = differenceInMinutes(w.end, begin);
      if (left <= available) return new Date(addMinutes(begin, left).getTime());
      left -= available;
    }
    cursor = startOfDay(addDays(cursor, 1));
  }
  throw new Error(`working time: no ${minutes} working minutes within ${MAX_DAYS} days of ${from.toISOString()}`);
}

/** End of the `n`-th working day after the day of `from` (the day of receipt is not counted). */
export function addWorkingDays(cal: ProductionCalendar, from: Date, n: number): Date {
  let cursor = startOfDay(new TZDate(from.getTime(), cal.timeZone));
  let counted = 0;
  for (let i = 0; i < MAX_DAYS; i++) {
    cursor = addDays(cursor, 1);
    const w = workingWindow(cal, cursor);
    if (w && ++counted === n) return new Date(w.end.getTime());
  }
  throw new Error(`working time: no ${n} working days within ${MAX_DAYS} days of ${from.toISOString()}`);
}

/** Working minutes between two instants (0 when `to` is not after `from`). */
export function workingMinutesBetween(cal: ProductionCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  let cursor = new TZDate(from.getTime(), cal.timeZone);
  const end = new TZDate(to.getTime(), cal.timeZone);
  let total = 0;
  for (let i = 0; i < 3660 && cursor < end; i++) {
    const w = workingWindow(cal, cursor);
    if (w) {
      const a = cursor < w.start ? w.start : cursor;
      const b = end < w.end ? end : w.end;
      if (b > a) total += differenceInMinutes(b, a);
    }
    cursor = startOfDay(addDays(cursor, 1));
  }
  return total;
}

/** ISO weekday (1 = Monday) of an instant in the calendar's zone; for tests and displays. */
export function localWeekday(cal: ProductionCalendar, at: Date): number {
  return getDay(new TZDate(at.getTime(), cal.timeZone)) || 7;
}

/** Local date (yyyy-MM-dd) of an instant in the calendar's zone. */
export function localDate(cal: Pick<ProductionCalendar, 'timeZone'>, at: Date): string {
  return format(new TZDate(at.getTime(), cal.timeZone), 'yyyy-MM-dd');
}
