/**
 * The ratings model: organisations (`GET /api/ratings/organisations`) and their official pages
 * (`GET /api/ratings/official-pages`). The tab, the period and the minimum volume live in the URL;
 * a chosen figure shows the incidents behind it, or the comments with the page's answer.
 */
import { signal } from '@preact/signals';
import type { OfficialPageCommentsDto, OfficialPageRatingDto, OfficialPagesDto, OrganisationRatingDto, RatingsDto } from '../../../src/contracts/ratings';
import { api } from '../../shared/api';
import { dayBound } from '../../shared/drill';
import { location, setQuery } from '../../shared/router';
import { errorText } from '../../shared/session';

export type Figure = keyof OrganisationRatingDto['incidents'];
export type PageFigure = 'answered' | 'unanswered' | 'formal';
export type Tab = 'organisations' | 'pages';

const isoDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

export function createRatingsModel() {
  const q = location.peek().query;
  const tab = signal<Tab>(q.get('tab') === 'pages' ? 'pages' : 'organisations');
  const from = signal(q.get('from') ?? isoDay(Date.now() - 30 * 86_400_000));
  const to = signal(q.get('to') ?? isoDay(Date.now()));
  const minVolume = signal(Math.max(1, Number(q.get('min') ?? 5) || 5));
  const data = signal<RatingsDto | null>(null);
  const pages = signal<OfficialPagesDto | null>(null);
  const error = signal<string | null>(null);
  const drill = signal<{ organisationName: string; figure: Figure; ids: string[] } | null>(null);
  const pageDrill = signal<{ page: OfficialPageRatingDto; figure: PageFigure; data: OfficialPageCommentsDto | null } | null>(null);

  const period = () => {
    const f = dayBound(from.peek(), false);
    const t = dayBound(to.peek(), true);
    return { ...(f ? { from: f } : {}), ...(t ? { to: t } : {}) };
  };

  const load = async (): Promise<void> => {
    setQuery({ ...(tab.peek() === 'pages' ? { tab: 'pages' } : {}), from: from.peek(), to: to.peek(), min: String(minVolume.peek()) });
    drill.value = null;
    pageDrill.value = null;
    try {
      if (tab.peek() === 'pages') pages.value = await api('GET /api/ratings/official-pages', { query: { ...period(), minVolume: minVolume.peek() } });
      else data.value = await api('GET /api/ratings/organisations', { query: { ...period(), minVolume: minVolume.peek() } });
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  };

  const setTab = (next: Tab): void => {
    if (tab.peek() === next) return;
    tab.value = next;
    void load();
  };

  const open = (r: OrganisationRatingDto, figure: Figure): void => {
    drill.value = { organisationName: r.organisationName, figure, ids: r.incidents[figure] };
  };

  const openPage = async (page: OfficialPageRatingDto, figure: PageFigure): Promise<void> => {
    pageDrill.value = { page, figure, data: null };
    try {
      const res = await api('GET /api/ratings/official-pages/comments', { query: { ...period(), organisationId: page.organisationId, sourceId: page.sourceId, figure } });
      if (pageDrill.peek()?.page === page && pageDrill.peek()?.figure === figure) pageDrill.value = { page, figure, data: res };
    } catch (e) {
      error.value = errorText(e);
    }
  };

  return { tab, from, to, minVolume, data, pages, error, drill, pageDrill, load, setTab, open, openPage };
}
export type RatingsModel = ReturnType<typeof createRatingsModel>;
