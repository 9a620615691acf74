/**
 * The ratings model (`GET /api/ratings/organisations`): the period and the minimum volume live in
 * the URL; a chosen figure (organisation × figure) shows the incidents behind it.
 */
import { signal } from '@preact/signals';
import type { OrganisationRatingDto, RatingsDto } from '../../../src/contracts/ratings';
import { api } from '../../shared/api';
import { dayBound } from '../../shared/drill';
import { location, setQuery } from '../../shared/router';
import { errorText } from '../../shared/session';

export type Figure = keyof OrganisationRatingDto['incidents'];

const isoDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

export function createRatingsModel() {
  const q = location.peek().query;
  const from = signal(q.get('from') ?? isoDay(Date.now() - 30 * 86_400_000));
  const to = signal(q.get('to') ?? isoDay(Date.now()));
  const minVolume = signal(Math.max(1, Number(q.get('min') ?? 5) || 5));
  const data = signal<RatingsDto | null>(null);
  const error = signal<string | null>(null);
  const drill = signal<{ organisationName: string; figure: Figure; ids: string[] } | null>(null);

  const load = async (): Promise<void> => {
    setQuery({ from: from.peek(), to: to.peek(), min: String(minVolume.peek()) });
    try {
      const f = dayBound(from.peek(), false);
      const t = dayBound(to.peek(), true);
      data.value = await api('GET /api/ratings/organisations', { query: { ...(f ? { from: f } : {}), ...(t ? { to: t } : {}), minVolume: minVolume.peek() } });
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  };

  const open = (r: OrganisationRatingDto, figure: Figure): void => {
    drill.value = { organisationName: r.organisationName, figure, ids: r.incidents[figure] };
  };

  return { from, to, minVolume, data, error, drill, load, open };
}
export type RatingsModel = ReturnType<typeof createRatingsModel>;
