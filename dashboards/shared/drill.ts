/**
 * Drill-downs: every number on the analytics page and every notification links to the archive
 * query that lists exactly its posts (`drill` from the server: query text plus period).
 */
import type { Drill } from '../../src/contracts/archive-routes';

/** The archive URL that lists the posts behind a number. */
export function drillHref(d: Drill): string {
  const p = new URLSearchParams({ q: d.q });
  if (d.from) p.set('from', d.from);
  if (d.to) p.set('to', d.to);
  return `/archive/?${p.toString()}`;
}

/** A date input's value (YYYY-MM-DD) as the start or end of that UTC day, or undefined. */
export function dayBound(day: string, end: boolean): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : undefined;
}
