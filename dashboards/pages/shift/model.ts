/**
 * The shift handover model: what the outgoing shift leaves (`GET /api/shift/handover`) and the
 * incoming operator's acknowledgement (`POST /api/shift/handover/ack`, recorded and audited).
 */
import { signal } from '@preact/signals';
import { api, type Answer } from '../../shared/api';
import { errorText } from '../../shared/session';

export type Handover = Answer<'GET /api/shift/handover'>;

export function createShiftModel() {
  const handover = signal<Handover | null>(null);
  const error = signal<string | null>(null);
  const busy = signal(false);

  const load = async (): Promise<void> => {
    try {
      handover.value = await api('GET /api/shift/handover');
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  };

  const acknowledge = async (note: string): Promise<boolean> => {
    busy.value = true;
    try {
      const text = note.trim();
      await api('POST /api/shift/handover/ack', { body: text ? { note: text } : {} });
      await load();
      return true;
    } catch (e) {
      error.value = errorText(e);
      return false;
    } finally {
      busy.value = false;
    }
  };

  return { handover, error, busy, load, acknowledge };
}
export type ShiftModel = ReturnType<typeof createShiftModel>;
