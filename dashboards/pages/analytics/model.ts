/**
 * The analytics page's model: one filter (query, period, breakdown dimensions, interval) kept in
 * the URL, and the five answers it drives (breakdown, top and recurring problems, misinformation,
 * the map), loaded together; a new filter aborts the loads in flight. A failed part shows its
 * error and leaves the others on screen.
 */
import { effect, signal } from '@preact/signals';
import type { DIMENSION_NAMES } from '../../../src/contracts/analytics';
import type { Breakdown, Misinformation, Recurring, TileMap, TopProblems } from '../../../src/contracts/archive-routes';
import { api, ApiError, isAbort, queryString } from '../../shared/api';
import { dayBound } from '../../shared/drill';
import { location, setQuery } from '../../shared/router';
import { errorText } from '../../shared/session';

export type Dimension = (typeof DIMENSION_NAMES)[number];
export type Interval = '' | 'day' | 'week' | 'month';

export interface AnalyticsFilter {
  q: string;
  /** Days, YYYY-MM-DD. */
  from: string;
  to: string;
  dims: Dimension[];
  interval: Interval;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The breakdown's dimensions (the contract's DIMENSION_NAMES; the type keeps the two equal). */
export const DIMENSIONS: readonly Dimension[] = ['sector', 'category', 'municipality', 'network', 'source', 'tone'] satisfies readonly (typeof DIMENSION_NAMES)[number][];
const isDim = (s: string): s is Dimension => (DIMENSIONS as readonly string[]).includes(s);

/** The URL's filter; the default is the last 30 days by sector, per day. */
export function filterFromUrl(q: URLSearchParams, now = Date.now()): AnalyticsFilter {
  const dims = (q.get('dims') ?? 'sector').split(',').filter(isDim);
  const interval = q.get('interval');
  return {
    q: q.get('q') ?? '',
    from: (q.get('from') ?? day(now - 30 * 86400_000)).slice(0, 10),
    to: (q.get('to') ?? day(now)).slice(0, 10),
    dims: dims.length > 0 ? dims : ['sector'],
    interval: interval === '' || interval === 'none' ? '' : interval === 'week' || interval === 'month' ? interval : 'day',
  };
}

export function urlOf(f: AnalyticsFilter): Record<string, string> {
  return { q: f.q, from: f.from, to: f.to, dims: f.dims.join(','), interval: f.interval || 'none' };
}

/** The period and query every analytics route takes. */
export function baseQuery(f: AnalyticsFilter): { q?: string; from?: string; to?: string } {
  return { q: f.q.trim() || undefined, from: dayBound(f.from, false), to: dayBound(f.to, true) };
}

export function breakdownExportHref(f: AnalyticsFilter): string {
  return `/api/analytics/breakdown/export${queryString({ ...baseQuery(f), dims: f.dims.join(','), interval: f.interval || undefined, format: 'csv' })}`;
}

const failText = (err: unknown) => (err instanceof ApiError && err.status === 400 ? `Ошибка в условиях: ${err.message}` : errorText(err));

export function createAnalyticsModel() {
  const filter = signal<AnalyticsFilter>(filterFromUrl(location.peek().query));
  const breakdown = signal<Breakdown | null>(null);
  const top = signal<TopProblems | null>(null);
  const recurring = signal<Recurring | null>(null);
  const misinfo = signal<Misinformation | null>(null);
  const map = signal<TileMap | null>(null);
  const error = signal<string | null>(null);

  const loadAll = (f: AnalyticsFilter, signal: AbortSignal): void => {
    error.value = null;
    const base = baseQuery(f);
    const part = <T>(p: Promise<T>, set: (v: T) => void) =>
      p.then(set, (err: unknown) => {
        if (!isAbort(err)) error.value = failText(err);
      });
    void part(api('GET /api/analytics/breakdown', { query: { ...base, dims: f.dims.join(','), interval: f.interval || undefined }, signal }), (v) => (breakdown.value = v));
    void part(api('GET /api/analytics/top', { query: base, signal }), (v) => (top.value = v));
    void part(api('GET /api/analytics/recurring', { query: base, signal }), (v) => (recurring.value = v));
    void part(api('GET /api/analytics/misinformation', { query: { ...base, interval: f.interval || 'day' }, signal }), (v) => (misinfo.value = v));
    void part(api('GET /api/analytics/map', { query: base, signal }), (v) => (map.value = v));
  };

  /** Follows the URL: every change of the filter reloads everything once. */
  const start = (): (() => void) =>
    effect(() => {
      const f = filterFromUrl(location.value.query);
      filter.value = f;
      const ctrl = new AbortController();
      loadAll(f, ctrl.signal);
      return () => ctrl.abort();
    });

  const apply = (f: AnalyticsFilter): void => setQuery(urlOf(f));

  return { filter, breakdown, top, recurring, misinfo, map, error, start, apply };
}
