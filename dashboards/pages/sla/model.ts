/**
 * The SLA board model (`GET /api/sla/board`): due soon / overdue interim and final answers, by
 * organisation and sector; reloaded (debounced) when an incident changes on the live feed.
 */
import { signal } from '@preact/signals';
import type { SlaBoardDto } from '../../../src/contracts/sla';
import { api } from '../../shared/api';
import { feed } from '../../shared/context';
import { errorText } from '../../shared/session';

const RELOAD_DEBOUNCE_MS = 1500;

export function createSlaModel() {
  const board = signal<SlaBoardDto | null>(null);
  const error = signal<string | null>(null);
  const soonHours = signal(4);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = async (): Promise<void> => {
    try {
      board.value = await api('GET /api/sla/board', { query: { soonHours: soonHours.peek() } });
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  };
  const reloadSoon = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void load();
    }, RELOAD_DEBOUNCE_MS);
  };

  /** Subscribes to the live feed; returns the cleanup. */
  const live = (): (() => void) => {
    if (feed.state.peek() === 'idle') feed.start(undefined);
    const off = feed.on({ onUpdated: reloadSoon, onIncident: reloadSoon, onLeft: reloadSoon, onReady: reloadSoon });
    return () => {
      off();
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
  };

  const setSoonHours = (h: number): void => {
    soonHours.value = h;
    void load();
  };

  return { board, error, soonHours, load, live, setSoonHours };
}
export type SlaModel = ReturnType<typeof createSlaModel>;
