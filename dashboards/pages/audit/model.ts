/**
 * The audit page's model: the filter (kept in the URL, so a reload or a shared link shows the
 * same records), the current page, and the answer. Only the latest request's answer is shown:
 * a new filter aborts the one in flight.
 */
import { effect, signal } from '@preact/signals';
import type { AuditPage } from '../../../src/contracts/audit';
import { api, ApiError, isAbort, type Query } from '../../shared/api';
import { location, setQuery } from '../../shared/router';
import { errorText } from '../../shared/session';

export const PAGE_SIZE = 50;
/** Elasticsearch's from+size window: the server refuses deeper pages. */
export const MAX_PAGE = Math.floor(10_000 / PAGE_SIZE);

export interface AuditFilter {
  actor: string;
  action: string;
  outcome: '' | 'success' | 'failure' | 'denied';
  target: string;
  /** datetime-local values (the browser's local time). */
  from: string;
  to: string;
}

export const EMPTY_FILTER: AuditFilter = { actor: '', action: '', outcome: '', target: '', from: '', to: '' };
const KEYS = Object.keys(EMPTY_FILTER) as (keyof AuditFilter)[];

/** A datetime-local value as an ISO instant, or undefined. */
export function isoOf(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function filterFromUrl(q: URLSearchParams): { filter: AuditFilter; page: number } {
  const filter = { ...EMPTY_FILTER };
  for (const k of KEYS) (filter as Record<string, string>)[k] = q.get(k) ?? '';
  if (!['', 'success', 'failure', 'denied'].includes(filter.outcome)) filter.outcome = '';
  const page = Math.min(MAX_PAGE, Math.max(1, Number(q.get('page')) || 1));
  return { filter, page };
}

export function queryOf(filter: AuditFilter, page: number): Query<'GET /api/audit'> {
  return {
    page,
    size: PAGE_SIZE,
    actor: filter.actor.trim() || undefined,
    action: filter.action || undefined,
    outcome: filter.outcome || undefined,
    target: filter.target.trim() || undefined,
    from: isoOf(filter.from),
    to: isoOf(filter.to),
  };
}

export function createAuditModel() {
  const result = signal<AuditPage | null>(null);
  const error = signal<string | null>(null);
  const loading = signal(false);
  const page = signal(1);
  const filter = signal<AuditFilter>(EMPTY_FILTER);

  /** Apply a filter from the form: back to page 1, into the URL. */
  const apply = (next: AuditFilter): void => {
    setQuery({ ...next, page: null });
  };

  /** Follows the URL: every change of filter or page loads once, aborting the previous load. */
  const start = (): (() => void) =>
    effect(() => {
      const parsed = filterFromUrl(location.value.query);
      filter.value = parsed.filter;
      page.value = parsed.page;
      const ctrl = new AbortController();
      loading.value = true;
      error.value = null;
      api('GET /api/audit', { query: queryOf(parsed.filter, parsed.page), signal: ctrl.signal }).then(
        (answer) => {
          result.value = answer;
          loading.value = false;
        },
        (err: unknown) => {
          if (isAbort(err)) return;
          loading.value = false;
          if (err instanceof ApiError && err.status === 400) error.value = `Проверьте условия поиска: ${err.message}`;
          else if (err instanceof ApiError && err.status === 403) error.value = 'Недостаточно прав для просмотра журнала аудита.';
          else error.value = errorText(err);
        },
      );
      return () => ctrl.abort();
    });

  const goTo = (n: number): void => {
    setQuery({ ...filter.value, page: n > 1 ? n : null });
  };

  return { result, error, loading, page, filter, apply, start, goTo };
}
