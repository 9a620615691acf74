/**
 * The desk page's model: the queue (filters in the URL, only the latest request's answer shown),
 * the suggestions across claims, the accelerating-claim alerts (polled), the selection, and the
 * right-hand view: a claim, or a queue post to make a new claim from. Misinformation incidents on
 * the shell's live feed refresh the lists.
 */
import { computed, effect, signal } from '@preact/signals';
import type { AlertDto, ClaimDetailDto, QueueItemDto, SuggestionDto } from '../../../src/contracts/desk';
import type { Meta } from '../../../src/contracts/meta';
import { NETWORKS, type Network } from '../../../src/domain/network';
import { SECTORS, type Sector } from '../../../src/domain/sector';
import { api, ApiError, isAbort, type Body, type Query } from '../../shared/api';
import type { Feed } from '../../shared/feed';
import { location, setQuery } from '../../shared/router';
import { errorText, type Session } from '../../shared/session';
import type { Toasts } from '../../shared/toasts';

export const QUEUE_LIMIT = 100;
export const SUGGESTION_LIMIT = 100;
export const ALERT_POLL_MS = 30_000;
/** Live events come in bursts: one reload per burst. */
export const RELOAD_DEBOUNCE_MS = 800;

export type Tab = 'queue' | 'suggestions';

export interface DeskFilter {
  sector: Sector | '';
  municipality: string;
  network: Network | '';
  status: 'open' | 'all';
}

export const EMPTY_FILTER: DeskFilter = {
  sector: '',
  municipality: '',
  network: '',
  status: 'open',
};

export function filterFromUrl(q: URLSearchParams): DeskFilter {
  const sector = q.get('sector') ?? '';
  const network = q.get('network') ?? '';
  const municipality = q.get('municipality') ?? '';
  return {
    sector: (SECTORS as readonly string[]).includes(sector) ? (sector as Sector) : '',
    network: (NETWORKS as readonly string[]).includes(network) ? (network as Network) : '',
    municipality: /^[a-z][a-z0-9-]{0,60}$/.test(municipality) ? municipality : '',
    status: q.get('status') === 'all' ? 'all' : 'open',
  };
}

export function queryOf(f: DeskFilter): Query<'GET /api/desk/queue'> {
  return {
    status: f.status,
    limit: QUEUE_LIMIT,
    sector: f.sector || undefined,
    municipality: f.municipality || undefined,
    network: f.network || undefined,
  };
}

/** The right-hand view. */
export type Detail = { kind: 'claim'; claim: ClaimDetailDto } | { kind: 'post'; item: QueueItemDto } | null;

export function createDeskModel(deps: { feed: Feed; session: Session; toasts: Toasts }) {
  const { feed, session, toasts } = deps;
  const meta = signal<Meta | null>(null);
  const filter = signal<DeskFilter>(EMPTY_FILTER);
  const tab = signal<Tab>('queue');
  const queue = signal<QueueItemDto[]>([]);
  const threshold = signal<number | null>(null);
  const suggestions = signal<SuggestionDto[]>([]);
  const alerts = signal<AlertDto[]>([]);
  const selected = signal(0);
  const detail = signal<Detail>(null);
  const error = signal<string | null>(null);
  const loading = signal(true);
  /** The id of an element to focus once rendered (the new claim's title after `n`). */
  const focus = signal<string | null>(null);
  const run = {
    queueAbort: null as AbortController | null,
    reloadTimer: undefined as ReturnType<typeof setTimeout> | undefined,
  };

  const canLink = computed(() => session.can('desk:link'));
  const canJudge = computed(() => session.can('desk:verdict'));
  const items = computed<readonly (QueueItemDto | SuggestionDto)[]>(() => (tab.value === 'queue' ? queue.value : suggestions.value));

  const fail = (err: unknown): void => {
    if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
    error.value = errorText(err);
  };

  async function loadQueue(): Promise<void> {
    run.queueAbort?.abort();
    const ctrl = new AbortController();
    run.queueAbort = ctrl;
    try {
      const answer = await api('GET /api/desk/queue', {
        query: queryOf(filter.peek()),
        signal: ctrl.signal,
      });
      if (ctrl.signal.aborted) return;
      queue.value = answer.items;
      threshold.value = answer.threshold;
      error.value = null;
    } catch (err) {
      fail(err);
    } finally {
      if (run.queueAbort === ctrl) {
        run.queueAbort = null;
        loading.value = false;
      }
    }
  }

  async function loadSuggestions(): Promise<void> {
    try {
      suggestions.value = (
        await api('GET /api/desk/suggestions', {
          query: { limit: SUGGESTION_LIMIT },
        })
      ).items;
    } catch (err) {
      fail(err);
    }
  }

  async function loadAlerts(): Promise<void> {
    try {
      alerts.value = (await api('GET /api/desk/alerts')).items;
    } catch {
      // Alerts are advisory; the next poll retries.
    }
  }

  const reloadAll = (): Promise<unknown> => Promise.all([loadQueue(), loadSuggestions(), loadAlerts()]);

  function scheduleReload(): void {
    clearTimeout(run.reloadTimer);
    run.reloadTimer = setTimeout(() => void reloadAll(), RELOAD_DEBOUNCE_MS);
  }

  function select(i: number): void {
    const n = items.peek().length;
    selected.value = n === 0 ? 0 : Math.min(n - 1, Math.max(0, i));
  }

  async function openClaim(id: string): Promise<void> {
    try {
      detail.value = {
        kind: 'claim',
        claim: await api('GET /api/desk/claims/:id', { params: { id } }),
      };
      error.value = null;
    } catch (err) {
      fail(err);
    }
  }

  /** Open what is selected: its claim, or (a queue post without one) the new-claim form. */
  function openSelected(opts: { focusNew?: boolean } = {}): void {
    if (tab.peek() === 'queue') {
      const item = queue.peek()[selected.peek()];
      if (!item) return;
      if (item.claim) void openClaim(item.claim.id);
      else {
        detail.value = { kind: 'post', item };
        if (opts.focusNew) focus.value = 'claim-new-title';
      }
    } else {
      const s = suggestions.peek()[selected.peek()];
      if (s) void openClaim(s.claimId);
    }
  }

  /** After a write: show the claim the server answered and refresh the lists. */
  function shown(claim: ClaimDetailDto): void {
    detail.value = { kind: 'claim', claim };
    scheduleReload();
  }

  async function createClaim(title: string, postId: string): Promise<void> {
    const claim = await api('POST /api/desk/claims', {
      body: { title, postId },
    });
    toasts.success('Утверждение создано');
    shown(claim);
  }

  async function recordVerdict(id: string, body: Body<'POST /api/desk/claims/:id/verdict'>): Promise<void> {
    const claim = await api('POST /api/desk/claims/:id/verdict', {
      params: { id },
      body,
    });
    toasts.success('Вердикт сохранён');
    shown(claim);
  }

  async function decide(claimId: string, postId: string, accept: boolean): Promise<void> {
    try {
      shown(
        await api('POST /api/desk/claims/:id/suggestions/:postId', {
          params: { id: claimId, postId },
          body: { accept },
        }),
      );
      toasts.success(accept ? 'Публикация привязана к утверждению' : 'Похожая публикация отклонена');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) toasts.error(errorText(err));
    }
  }

  async function unlink(claimId: string, postId: string): Promise<void> {
    try {
      shown(
        await api('DELETE /api/desk/claims/:id/posts/:postId', {
          params: { id: claimId, postId },
        }),
      );
      toasts.success('Публикация отвязана');
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) toasts.error(errorText(err));
    }
  }

  /** `a` / `r`: decide the open claim's first suggestion. */
  function decideFirst(accept: boolean): void {
    const d = detail.peek();
    const first = d?.kind === 'claim' ? d.claim.suggestions[0] : undefined;
    if (d?.kind === 'claim' && first && canLink.peek()) void decide(d.claim.claim.id, first.postId, accept);
  }

  function setTab(next: Tab): void {
    tab.value = next;
    selected.value = 0;
    void (next === 'queue' ? loadQueue() : loadSuggestions());
  }

  return {
    meta,
    filter,
    tab,
    queue,
    threshold,
    suggestions,
    alerts,
    items,
    selected,
    detail,
    error,
    loading,
    focus,
    canLink,
    canJudge,
    select,
    openClaim,
    openSelected,
    createClaim,
    recordVerdict,
    decide,
    decideFirst,
    unlink,
    setTab,
    close(): void {
      detail.value = null;
    },
    /** A filter from the form: into the URL (which reloads the queue). */
    applyFilter(next: DeskFilter): void {
      setQuery({
        sector: next.sector,
        municipality: next.municipality,
        network: next.network,
        status: next.status === 'all' ? 'all' : null,
      });
    },
    /** Start: meta, the lists (following the URL), the live feed, the alert poll. Returns the cleanup. */
    start(): () => void {
      void api('GET /api/meta').then(
        (m) => (meta.value = m),
        () => undefined,
      );
      const stopUrl = effect(() => {
        filter.value = filterFromUrl(location.value.query);
        selected.value = 0;
        void loadQueue();
      });
      void loadSuggestions();
      void loadAlerts();
      const off = feed.on({
        onIncident: (card) => {
          if (card.reason === 'misinformation') scheduleReload();
        },
        onReady: () => scheduleReload(),
      });
      const startedFeed = session.can('feed:read') && feed.state.peek() === 'idle';
      if (startedFeed) feed.start(undefined);
      const poll = setInterval(() => void loadAlerts(), ALERT_POLL_MS);
      return () => {
        stopUrl();
        off();
        clearInterval(poll);
        clearTimeout(run.reloadTimer);
        run.queueAbort?.abort();
        if (startedFeed) feed.stop();
      };
    },
  };
}

export type DeskModel = ReturnType<typeof createDeskModel>;
