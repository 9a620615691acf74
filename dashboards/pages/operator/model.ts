/**
 * The operator page's model: the sector filter (in the URL hash, as before), the list snapshot
 * over REST and the live feed on top of it, counters, the clock that ages «N минут назад», and
 * the «new above» hint. The list's cursor is where the socket starts, so nothing in between is
 * lost; `feed:ready` with `resync` reloads the snapshot.
 */
import { computed, signal } from '@preact/signals';
import type { IncidentCard } from '../../../src/contracts/feed';
import type { Meta } from '../../../src/contracts/meta';
import { SECTORS, type Sector } from '../../../src/domain/sector';
import { api, ApiError, isAbort } from '../../shared/api';
import type { Feed } from '../../shared/feed';
import type { Session } from '../../shared/session';
import { isOverdue, makeTitles } from './card';
import { createFeedList } from './feed-list';

/** Cards kept on the page; older ones fall off the bottom. */
export const MAX_CARDS = 300;
/** How many incidents the REST listing asks for. */
export const LIST_LIMIT = 200;
/** How often «N минут назад» and deadlines are refreshed. */
export const TICK_MS = 15_000;

export function readSectorFromHash(hash: string): Sector | null {
  const m = /(?:^#|&)sector=([^&]+)/.exec(hash);
  const code = m?.[1] ? decodeURIComponent(m[1]) : null;
  return code && (SECTORS as readonly string[]).includes(code) ? (code as Sector) : null;
}

export function createOperatorModel(deps: { feed: Feed; session: Session }) {
  const { feed, session } = deps;
  const meta = signal<Meta | null>(null);
  const sector = signal<Sector | null>(readSectorFromHash(window.location.hash));
  const list = createFeedList({ max: MAX_CARDS, accept: (card) => !sector.peek() || card.sector === sector.peek() });
  const listError = signal<{ text: string } | null>(null);
  const now = signal(Date.now());
  const unseen = signal(0);
  const run = { generation: 0, abort: null as AbortController | null };

  const titles = computed(() => makeTitles(meta.value));
  /** Sectors the user may filter by, in canonical order. */
  const sectors = computed(() => {
    const allowed = session.user.value?.scope.sectors ?? 'all';
    return SECTORS.filter((s) => allowed === 'all' || allowed.includes(s));
  });
  const overdue = computed(() => list.entries.value.filter((e) => isOverdue(e.card, now.value)).length);
  const showEmpty = computed(() => list.size.value === 0 && !list.loading.value && listError.value === null);

  async function loadList(): Promise<void> {
    const generation = ++run.generation;
    run.abort?.abort();
    const abort = new AbortController();
    run.abort = abort;
    list.beginLoad();
    listError.value = null;
    try {
      const page = await api('GET /api/incidents', { query: { sector: sector.value ?? undefined, limit: LIST_LIMIT }, signal: abort.signal });
      if (generation !== run.generation) return;
      list.reset(page.items ?? []);
      // The listing's cursor is where the socket starts, so nothing in between is lost.
      if (feed.state.peek() === 'idle') feed.start(page.cursor);
    } catch (err) {
      if (generation !== run.generation || isAbort(err)) return;
      if (err instanceof ApiError && err.status === 401) return;
      list.failLoad();
      listError.value = { text: err instanceof ApiError && err.status === 0 ? 'Не удалось загрузить список: сервер недоступен.' : 'Не удалось загрузить список инцидентов.' };
      // Live events still help while the listing is unavailable.
      if (feed.state.peek() === 'idle') feed.start(undefined);
    } finally {
      if (generation === run.generation) run.abort = null;
    }
  }

  function onLive(card: IncidentCard): void {
    if (list.add(card) === 'added' && (window.scrollY >= 80 || document.hidden)) unseen.value += 1;
  }

  return {
    meta,
    sector,
    list,
    listError,
    now,
    unseen,
    titles,
    sectors,
    overdue,
    showEmpty,
    loadList,
    setSector(next: Sector | null): void {
      if (next === sector.value) return;
      sector.value = next;
      const url = new URL(window.location.href);
      url.hash = next ? `sector=${encodeURIComponent(next)}` : '';
      window.history.replaceState(null, '', url.href.replace(/#$/, ''));
      void loadList();
    },
    clearUnseen(): void {
      unseen.value = 0;
    },
    /** Start: meta, the list, the live feed, the clock. Returns the cleanup (page left). */
    start(): () => void {
      const off = feed.on({ onIncident: onLive, onReady: (info) => info.resync && void loadList() });
      const ticker = setInterval(() => (now.value = Date.now()), TICK_MS);
      void (async () => {
        try {
          meta.value = await api('GET /api/meta');
        } catch {
          // Titles fall back to the built-in ones.
        }
        if (sector.value && !sectors.value.includes(sector.value)) sector.value = null;
        await loadList();
      })();
      return () => {
        off();
        clearInterval(ticker);
        run.generation++;
        run.abort?.abort();
        feed.stop();
        list.clear();
      };
    },
  };
}

export type OperatorModel = ReturnType<typeof createOperatorModel>;
