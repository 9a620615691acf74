/** Russian time formatting: relative times, durations, deadlines. Pure. */
import { pluralForm } from './plural';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const MINUTES_ACC = ['минуту', 'минуты', 'минут'] as const;
const HOURS = ['час', 'часа', 'часов'] as const;
const DAYS = ['день', 'дня', 'дней'] as const;

function count(n: number, forms: readonly [string, string, string]): string {
  return `${n} ${pluralForm(n, forms)}`;
}

/** Parses an ISO timestamp; NaN when it is missing or malformed. */
export function parseTime(iso: string | null | undefined): number {
  if (!iso) return Number.NaN;
  return Date.parse(iso);
}

const clockFmt = new Intl.DateTimeFormat('ru-RU', { hour: '2-digit', minute: '2-digit' });
const dateFmt = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'short' });
const dateYearFmt = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'short', year: 'numeric' });
const fullFmt = new Intl.DateTimeFormat('ru-RU', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** «14:05», or «12 мар., 14:05» when not today. */
export function formatClock(ts: number, now: number): string {
  if (!Number.isFinite(ts)) return '—';
  const d = new Date(ts);
  const n = new Date(now);
  if (sameDay(d, n)) return clockFmt.format(d);
  const datePart = d.getFullYear() === n.getFullYear() ? dateFmt.format(d) : dateYearFmt.format(d);
  return `${datePart}, ${clockFmt.format(d)}`;
}

/** Full local date and time for tooltips. */
export function formatFull(ts: number): string {
  return Number.isFinite(ts) ? fullFmt.format(new Date(ts)) : '—';
}

/**
 * «только что», «1 минуту назад», «3 минуты назад», «2 часа назад», «вчера, 14:05», «3 дня назад»,
 * then the date. Times slightly in the future (clock skew) count as «только что».
 */
export function formatAgo(ts: number, now: number): string {
  if (!Number.isFinite(ts)) return '—';
  const diff = now - ts;
  if (diff < MINUTE) return 'только что';
  if (diff < HOUR) return `${count(Math.floor(diff / MINUTE), MINUTES_ACC)} назад`;
  if (diff < DAY) return `${count(Math.floor(diff / HOUR), HOURS)} назад`;
  if (diff < 7 * DAY) return `${count(Math.floor(diff / DAY), DAYS)} назад`;
  return formatClock(ts, now);
}

/** Compact duration: «45 мин», «1 ч 20 мин», «2 д 3 ч». Minutes are rounded up, never «0 мин». */
export function formatDuration(ms: number): string {
  const totalMin = Math.max(1, Math.ceil(Math.abs(ms) / MINUTE));
  if (totalMin < 60) return `${totalMin} мин`;
  const totalHours = Math.floor(totalMin / 60);
  const minutes = totalMin % 60;
  if (totalHours < 24) return minutes ? `${totalHours} ч ${minutes} мин` : `${totalHours} ч`;
  const days = Math.floor(totalHours / 24);
  const hours = totalHours % 24;
  return hours ? `${days} д ${hours} ч` : `${days} д`;
}

export type DueState = 'ok' | 'soon' | 'overdue' | 'unknown';

export interface DueInfo {
  state: DueState;
  /** When the answer is due: «14:30» (or with the date when not today). */
  at: string;
  /** «осталось 45 мин» / «просрочено на 1 ч 5 мин». */
  left: string;
}

/** How the response deadline stands. «soon» is the last quarter hour. */
export function describeDue(dueTs: number, now: number, soonMs = 15 * MINUTE): DueInfo {
  if (!Number.isFinite(dueTs)) return { state: 'unknown', at: '—', left: 'срок не задан' };
  const remaining = dueTs - now;
  const at = formatClock(dueTs, now);
  if (remaining <= 0) return { state: 'overdue', at, left: `просрочено на ${formatDuration(-remaining)}` };
  return { state: remaining <= soonMs ? 'soon' : 'ok', at, left: `осталось ${formatDuration(remaining)}` };
}
