/** The reports page's model: the built reports (newest first) and building one on demand. */
import { signal } from '@preact/signals';
import type { ReportRecord } from '../../../src/contracts/archive-routes';
import { api, type Body } from '../../shared/api';
import { errorText } from '../../shared/session';

export function createReportsModel() {
  const items = signal<ReportRecord[] | null>(null);
  const error = signal<string | null>(null);
  const building = signal(false);

  const load = async (): Promise<void> => {
    try {
      items.value = (await api('GET /api/reports')).items;
      error.value = null;
    } catch (err) {
      error.value = errorText(err);
    }
  };

  /** Builds now; resolves with the new report (and the list reloaded). */
  const build = async (body: Body<'POST /api/reports'>): Promise<ReportRecord> => {
    building.value = true;
    try {
      const created = await api('POST /api/reports', { body });
      await load();
      return created;
    } finally {
      building.value = false;
    }
  };

  return { items, error, building, load, build };
}
