/**
 * The operator page's model: the filters (in the URL query; an old `#sector=` link still works), the list snapshot
 * over REST and the live feed on top of it, counters, the clock that ages «N минут назад», and
 * the «new above» hint. The list's cursor is where the socket starts, so nothing in between is
 * lost; `feed:ready` with `resync` reloads the snapshot.
 */
import { computed, signal } from '@preact/signals';
import type { IncidentCard } from '../../../src/contracts/feed';
import type { Meta } from '../../../src/contracts/meta';
import { SECTORS, type Sector } from '../../../src/domain/sector';
import { api, ApiError, isAbort, type Answer } from '../../shared/api';
import type { Feed } from '../../shared/feed';
import { location, setQuery } from '../../shared/router';
import type { Session } from '../../shared/session';
import type { Toasts } from '../../shared/toasts';
import { isOverdue, makeTitles } from './card';
import type { OpenPanel } from './card-work';
import { createFeedList } from './feed-list';
import { createIncidentWork } from './workflow';

/** Cards kept on the page; older ones fall off the bottom. */
export const MAX_CARDS = 300;
/** How many incidents the REST listing asks for. */
export const LIST_LIMIT = 200;
/** How often «N минут назад» and deadlines are refreshed. */
export const TICK_MS = 15_000;

export function readSectorFromQuery(query: URLSearchParams): Sector | null {
  const code = query.get('sector');
  return code && (SECTORS as readonly string[]).includes(code) ? (code as Sector) : null;
}

const ALERTS_KEY = 'dozor.operator.alerts';
function readAlerts(): { sound: boolean; notify: boolean } {
  try {
    const v = JSON.parse(window.localStorage.getItem(ALERTS_KEY) ?? '{}') as { sound?: unknown; notify?: unknown };
    return { sound: v.sound === true, notify: v.notify === true };
  } catch {
    return { sound: false, notify: false };
  }
}

/** A short two-tone beep for an urgent incident (Web Audio; no file to load). */
function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.setValueAtTime(880, ctx.currentTime);
    osc.frequency.setValueAtTime(660, ctx.currentTime + 0.15);
    gain.gain.setValueAtTime(0.15, ctx.currentTime);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.3);
    osc.onended = () => void ctx.close();
  } catch {
    // No audio output: the card and the title still show it.
  }
}

export function readSectorFromHash(hash: string): Sector | null {
  const m = /(?:^#|&)sector=([^&]+)/.exec(hash);
  const code = m?.[1] ? decodeURIComponent(m[1]) : null;
  return code && (SECTORS as readonly string[]).includes(code) ? (code as Sector) : null;
}

/** The filters besides the sector, kept in the URL query (`?status=open&mine=1&urgent=true`). */
export interface Filters {
  municipality: string;
  urgent: '' | 'true';
  reason: '' | 'complaint' | 'misinformation';
  status: string;
  mine: boolean;
  q: string;
}

export function readFilters(query: URLSearchParams): Filters {
  const reason = query.get('reason');
  return {
    municipality: query.get('municipality') ?? '',
    urgent: query.get('urgent') === 'true' ? 'true' : '',
    reason: reason === 'complaint' || reason === 'misinformation' ? reason : '',
    status: /^[a-z,]+$/.test(query.get('status') ?? '') ? query.get('status')! : '',
    mine: query.get('mine') === '1',
    q: (query.get('q') ?? '').slice(0, 200),
  };
}

/** Does a live or changed card still pass the filters the listing was asked with (all but the text search)? */
export function passes(card: IncidentCard, sector: Sector | null, f: Filters, userId: string | undefined): boolean {
  if (sector && card.sector !== sector) return false;
  if (f.municipality && card.municipality !== f.municipality) return false;
  if (f.urgent && !card.urgent) return false;
  if (f.reason && card.reason !== f.reason) return false;
  if (f.mine && card.assignee?.id !== userId) return false;
  if (f.status) {
    const open = ['new', 'taken', 'routed', 'answered', 'reopened'];
    const wanted = f.status.split(',').flatMap((s) => (s === 'open' ? open : [s]));
    if (!wanted.includes(card.status)) return false;
  }
  // The text search is the server's (stemmed); a substring test here would drop its matches.
  return true;
}

export function createOperatorModel(deps: { feed: Feed; session: Session; toasts: Toasts }) {
  const { feed, session } = deps;
  const meta = signal<Meta | null>(null);
  const sector = signal<Sector | null>(readSectorFromQuery(location.peek().query) ?? readSectorFromHash(window.location.hash));
  const filters = signal<Filters>(readFilters(location.peek().query));
  const list = createFeedList({ max: MAX_CARDS, accept: (card) => passes(card, sector.peek(), filters.peek(), session.user.peek()?.id) });
  const counters = signal<Answer<'GET /api/incidents/counters'> | null>(null);
  const selected = signal<string | null>(null);
  const open = signal<OpenPanel | null>(null);
  const alerts = signal<{ sound: boolean; notify: boolean }>(readAlerts());
  const work = createIncidentWork({ toasts: deps.toasts, onCard: (card) => applyUpdate(card) });
  const countersTimer = { id: undefined as ReturnType<typeof setTimeout> | undefined };
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
      const f = filters.value;
      const page = await api('GET /api/incidents', {
        query: {
          sector: sector.value ?? undefined,
          municipality: f.municipality || undefined,
          urgent: f.urgent || undefined,
          reason: f.reason || undefined,
          status: f.status || undefined,
          assignee: f.mine ? 'me' : undefined,
          q: f.q || undefined,
          limit: LIST_LIMIT,
        },
        signal: abort.signal,
      });
      void loadCounters();
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

  async function loadCounters(): Promise<void> {
    try {
      counters.value = await api('GET /api/incidents/counters');
    } catch {
      // Counters are a hint; the list stays usable.
    }
  }
  /** Live events come in bursts: one counters request per second at most. */
  function countersSoon(): void {
    if (countersTimer.id !== undefined) return;
    countersTimer.id = setTimeout(() => {
      countersTimer.id = undefined;
      void loadCounters();
    }, 1000);
  }

  function alert(card: IncidentCard): void {
    if (!card.urgent) return;
    const a = alerts.peek();
    if (a.sound) beep();
    if (a.notify && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      new Notification('Срочный инцидент', { body: `${card.municipalityName}: ${card.text.slice(0, 140)}`, tag: card.id });
    }
  }

  function onLive(card: IncidentCard): void {
    const r = list.add(card);
    if (r === 'added') {
      alert(card);
      if (window.scrollY >= 80 || document.hidden) unseen.value += 1;
    }
    countersSoon();
  }

  function applyUpdate(card: IncidentCard): void {
    list.update(card);
    countersSoon();
  }

  function onLeft(id: string): void {
    list.remove(id);
    if (open.peek()?.id === id) open.value = null;
    if (selected.peek() === id) selected.value = null;
    countersSoon();
  }

  function pushUrl(): void {
    const f = filters.peek();
    setQuery({ sector: sector.peek(), municipality: f.municipality, urgent: f.urgent, reason: f.reason, status: f.status, mine: f.mine ? '1' : null, q: f.q });
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
    filters,
    counters,
    selected,
    open,
    alerts,
    work,
    applyUpdate,
    setSector(next: Sector | null): void {
      if (next === sector.value) return;
      sector.value = next;
      if (window.location.hash.includes('sector=')) window.history.replaceState(null, '', window.location.pathname + window.location.search);
      pushUrl();
      void loadList();
    },
    setFilters(patch: Partial<Filters>): void {
      filters.value = { ...filters.value, ...patch };
      pushUrl();
      void loadList();
    },
    setAlerts(next: { sound: boolean; notify: boolean }): void {
      alerts.value = next;
      try {
        window.localStorage.setItem(ALERTS_KEY, JSON.stringify(next));
      } catch {
        // Private mode: the toggle lasts for this page only.
      }
      if (next.notify && typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
    },
    clearUnseen(): void {
      unseen.value = 0;
    },
    /** Start: meta, the list, the live feed, the clock. Returns the cleanup (page left). */
    start(): () => void {
      const off = feed.on({ onIncident: onLive, onUpdated: applyUpdate, onLeft, onReady: (info) => info.resync && void loadList() });
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
        clearTimeout(countersTimer.id);
        run.generation++;
        run.abort?.abort();
        feed.stop();
        list.clear();
      };
    },
  };
}

export type OperatorModel = ReturnType<typeof createOperatorModel>;
