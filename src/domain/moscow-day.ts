/**
 * Moscow calendar days (UTC+3 all year, no daylight saving since 2014): the day boundary of the
 * networks' daily quotas (VK's method limits). Pure; `at` is epoch milliseconds.
 */
const MOSCOW_OFFSET_MS = 3 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The Moscow calendar day of `at`, e.g. `2026-11-20`. */
export function moscowDay(at: number): string {
  return new Date(at + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);
}

/** The next Moscow midnight after `at`. */
export function nextMoscowMidnight(at: number): number {
  return (
    (Math.floor((at + MOSCOW_OFFSET_MS) / DAY_MS) + 1) * DAY_MS -
    MOSCOW_OFFSET_MS
  );
}

/** `HH:MM MSK` of `at`, for messages. */
export function moscowClock(at: number): string {
  return `${new Date(at + MOSCOW_OFFSET_MS).toISOString().slice(11, 16)} MSK`;
}
