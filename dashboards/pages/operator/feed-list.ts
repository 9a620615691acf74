/**
 * The incident list of the live feed, as a model: newest first, de-duplicated by id (a replay
 * resends what is shown), redrawn only when a card changed, at most `max` cards (older ones fall
 * off the bottom). Live events that arrive while the REST snapshot loads are held and applied on
 * top of it, and so are the recent live cards the snapshot does not have yet (the search index
 * lags the live feed by up to a second): switching the sector filter loses nothing the socket
 * already delivered. Pure logic over signals: tested without a DOM.
 */
import { computed, signal } from '@preact/signals';
import type { IncidentCard } from '../../../src/contracts/feed';

export interface FeedEntry {
  card: IncidentCard;
  /** Creation time, the list's order. */
  createdTs: number;
  /** Arrived live (flashes once). */
  live: boolean;
}

export type AddResult = 'added' | 'updated' | 'unchanged' | 'filtered' | 'held';

export function timeOf(card: IncidentCard): number {
  const created = Date.parse(card.createdAt);
  return Number.isFinite(created) ? created : Date.parse(card.publishedAt) || 0;
}

function sameCard(a: IncidentCard, b: IncidentCard): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function createFeedList(opts: { max: number; accept?: (card: IncidentCard) => boolean }) {
  const entries = signal<readonly FeedEntry[]>([]);
  /** True while the snapshot loads: live cards wait in `held`. */
  const loading = signal(false);
  const held: IncidentCard[] = [];
  /** The latest live cards of every sector, newest last. */
  const recent: IncidentCard[] = [];
  const remember = (card: IncidentCard): void => {
    const at = recent.findIndex((c) => c.id === card.id);
    if (at >= 0) recent.splice(at, 1);
    recent.push(card);
    if (recent.length > opts.max) recent.shift();
  };
  const size = computed(() => entries.value.length);

  const accept = (card: IncidentCard): boolean => !opts.accept || opts.accept(card);

  function insert(list: FeedEntry[], card: IncidentCard, live: boolean, append: boolean): AddResult {
    if (!accept(card)) return 'filtered';
    const at = list.findIndex((e) => e.card.id === card.id);
    if (at >= 0) {
      const existing = list[at]!;
      if (sameCard(existing.card, card)) return 'unchanged';
      list[at] = { card, createdTs: timeOf(card), live: existing.live };
      return 'updated';
    }
    const entry: FeedEntry = { card, createdTs: timeOf(card), live };
    if (append) list.push(entry);
    else {
      // Newest first: skip the (rare) cards newer than this one.
      let i = 0;
      while (i < list.length && list[i]!.createdTs > entry.createdTs) i++;
      list.splice(i, 0, entry);
    }
    if (list.length > opts.max) list.length = opts.max;
    return 'added';
  }

  return {
    entries,
    loading,
    size,
    /** A snapshot is being fetched: hold live cards until `reset`. */
    beginLoad(): void {
      loading.value = true;
    },
    /** The snapshot (server order, newest first), then the held live cards on top. */
    reset(cards: readonly IncidentCard[]): void {
      const list: FeedEntry[] = [];
      for (const card of cards) insert(list, card, false, true);
      const inSnapshot = new Set(cards.map((c) => c.id));
      for (const card of recent) if (!inSnapshot.has(card.id)) insert(list, card, false, false);
      for (const card of held.splice(0)) insert(list, card, true, false);
      loading.value = false;
      entries.value = list;
    },
    /** The snapshot failed: keep what is shown, apply the held cards. */
    failLoad(): void {
      loading.value = false;
      const list = [...entries.value];
      for (const card of held.splice(0)) insert(list, card, true, false);
      entries.value = list;
    },
    /** A live card. */
    add(card: IncidentCard): AddResult {
      if (!card || typeof card.id !== 'string') return 'filtered';
      remember(card);
      if (loading.value) {
        held.push(card);
        return 'held';
      }
      const list = [...entries.value];
      const result = insert(list, card, true, false);
      if (result === 'added' || result === 'updated') entries.value = list;
      return result;
    },
    /**
     * A changed card (`incident:updated`, an action's answer): replaced in place when shown, or
     * dropped when it no longer passes the filters; a card not shown is added when it passes.
     */
    update(card: IncidentCard): AddResult {
      if (!card || typeof card.id !== 'string') return 'filtered';
      const known = recent.findIndex((c) => c.id === card.id);
      if (known >= 0) recent[known] = card;
      const list = [...entries.value];
      const at = list.findIndex((e) => e.card.id === card.id);
      if (at >= 0 && !accept(card)) {
        list.splice(at, 1);
        entries.value = list;
        return 'filtered';
      }
      if (at < 0) return this.add(card);
      const result = insert(list, card, false, false);
      if (result === 'updated') entries.value = list;
      return result;
    },
    /** The incident left the user's scope (`incident:left`). */
    remove(id: string): void {
      const known = recent.findIndex((c) => c.id === id);
      if (known >= 0) recent.splice(known, 1);
      const held1 = held.findIndex((c) => c.id === id);
      if (held1 >= 0) held.splice(held1, 1);
      if (entries.value.some((e) => e.card.id === id)) entries.value = entries.value.filter((e) => e.card.id !== id);
    },
    clear(): void {
      held.length = 0;
      recent.length = 0;
      entries.value = [];
    },
  };
}

export type FeedList = ReturnType<typeof createFeedList>;
