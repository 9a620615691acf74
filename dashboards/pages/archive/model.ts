/**
 * The archive page's model: the query and period live in the URL (so every drill-down from
 * analytics or a notification is a link here); a new query aborts the one in flight. Deep paging
 * follows the server's `next` cursor; facets come with the first page.
 */
import { effect, signal } from '@preact/signals';
import type { ArchivePostAnswer, Facet, NotificationItem, PostCard, SavedSearch } from '../../../src/contracts/archive-routes';
import { api, ApiError, isAbort, queryString } from '../../shared/api';
import { location, setQuery } from '../../shared/router';
import { errorText } from '../../shared/session';
import { dayBound } from '../../shared/drill';

export const PAGE_SIZE = 20;

export interface ArchiveFilter {
  q: string;
  /** ISO instants (from the URL) or ''. */
  from: string;
  to: string;
  sort: 'date' | 'relevance';
}

export function filterFromUrl(q: URLSearchParams): ArchiveFilter {
  return { q: q.get('q') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '', sort: q.get('sort') === 'relevance' ? 'relevance' : 'date' };
}

/** The filter typed into the form: dates are whole days. */
export function filterFromForm(q: string, fromDay: string, toDay: string, sort: string): ArchiveFilter {
  return { q: q.trim(), from: dayBound(fromDay, false) ?? '', to: dayBound(toDay, true) ?? '', sort: sort === 'relevance' ? 'relevance' : 'date' };
}

/** The URL query of a filter (sort only when not the default). */
export function urlOf(f: ArchiveFilter): Record<string, string> {
  return { q: f.q, from: f.from, to: f.to, ...(f.sort === 'relevance' ? { sort: 'relevance' } : {}) };
}

export function exportHref(f: ArchiveFilter, format: 'csv' | 'xlsx'): string {
  return `/api/archive/export${queryString({ q: f.q, from: f.from, to: f.to, format })}`;
}

/** `municipality:omsk` or `source:"a b"`: a facet value as a query clause. */
export function facetClause(field: string, key: string): string {
  return `${field}:${/^[\p{L}\p{N}_.\-/]+$/u.test(key) ? key : `"${key.replace(/"/g, '')}"`}`;
}

/** A query error (400) is the user's to fix: the server's message says where (позиция N). */
function searchErrorText(err: unknown): string {
  if (err instanceof ApiError && err.status === 400) return `Ошибка в запросе: ${err.message}`;
  return errorText(err);
}

export function createArchiveModel() {
  const filter = signal<ArchiveFilter>(filterFromUrl(location.peek().query));
  const items = signal<PostCard[]>([]);
  const total = signal<number | null>(null);
  const facets = signal<Record<string, Facet[]>>({});
  const next = signal<string | null>(null);
  const loading = signal(false);
  const error = signal<string | null>(null);
  const detail = signal<ArchivePostAnswer | null>(null);
  const saved = signal<SavedSearch[]>([]);
  const notifications = signal<NotificationItem[]>([]);
  const unread = signal(0);
  const state = { ctrl: null as AbortController | null };

  const load = async (f: ArchiveFilter, cursor: string | null): Promise<void> => {
    state.ctrl?.abort();
    const ctrl = new AbortController();
    state.ctrl = ctrl;
    loading.value = true;
    error.value = null;
    try {
      const page = await api('GET /api/archive/search', {
        query: { q: f.q || undefined, from: f.from || undefined, to: f.to || undefined, sort: f.sort, size: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
        signal: ctrl.signal,
      });
      items.value = cursor ? [...items.value, ...page.items] : page.items;
      next.value = page.next;
      if (!cursor) {
        total.value = page.total;
        facets.value = page.facets ?? {};
      }
    } catch (err) {
      if (isAbort(err)) return;
      error.value = searchErrorText(err);
      if (!cursor) {
        items.value = [];
        total.value = null;
        facets.value = {};
        next.value = null;
      }
    } finally {
      if (state.ctrl === ctrl) loading.value = false;
    }
  };

  /** Follows the URL: each change of the query searches afresh. */
  const start = (): (() => void) => {
    const stop = effect(() => {
      const f = filterFromUrl(location.value.query);
      filter.value = f;
      void load(f, null);
    });
    return () => {
      stop();
      state.ctrl?.abort();
    };
  };

  const apply = (f: ArchiveFilter): void => setQuery(urlOf(f));
  const more = (): void => {
    if (next.value) void load(filter.value, next.value);
  };

  const open = async (id: string): Promise<void> => {
    try {
      detail.value = await api('GET /api/archive/posts/:id', { params: { id } });
    } catch (err) {
      error.value = errorText(err);
    }
  };

  const loadSaved = async (): Promise<void> => {
    try {
      saved.value = (await api('GET /api/saved-searches')).items;
    } catch (err) {
      error.value = errorText(err);
    }
  };
  const save = async (input: { name: string; alert: boolean; shared: boolean }): Promise<SavedSearch> => {
    const created = await api('POST /api/saved-searches', { body: { ...input, q: filter.value.q } });
    await loadSaved();
    return created;
  };
  const removeSaved = async (id: string): Promise<void> => {
    await api('DELETE /api/saved-searches/:id', { params: { id } });
    await loadSaved();
  };

  const loadNotifications = async (): Promise<void> => {
    try {
      const n = await api('GET /api/notifications', { query: { limit: 20 } });
      notifications.value = n.items;
      unread.value = n.unread;
    } catch {
      notifications.value = [];
    }
  };
  const markSeen = async (): Promise<void> => {
    if (unread.value === 0) return;
    try {
      await api('POST /api/notifications/seen');
      unread.value = 0;
    } catch {
      // Unread stays unread; nothing is lost.
    }
  };

  return { filter, items, total, facets, next, loading, error, detail, saved, notifications, unread, start, apply, more, open, loadSaved, save, removeSaved, loadNotifications, markSeen };
}
