/**
 * Ratings of responsible organisations (`/ratings/`, issue 11 point 8): for a chosen period the
 * quantity routed, speed (median working hours to the interim and final answer), completeness
 * (share on time), quality (formal answers, reopened, satisfaction); below the minimum volume an
 * organisation is shown but not ranked. Every figure opens the incidents behind it. The second tab
 * rates the organisations' official pages (official-pages.tsx).
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { OrganisationRatingDto } from '../../../src/contracts/ratings';
import { BarChart } from '../../shared/components/bar-chart';
import { createTableState, DataTable, type Column } from '../../shared/components/table';
import { createRatingsModel, type Figure, type RatingsModel } from './model';
import { OfficialPagesTab } from './official-pages';

const FIGURE_RU: Record<Figure, string> = { routed: 'Направлено', late: 'С нарушением срока', formal: 'Формальные ответы', reopened: 'Возобновлены', solved: 'Решено (по оценке жителя)', notSolved: 'Не решено (по оценке жителя)' };
const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
const hrs = (x: number | null): string => (x === null ? '—' : `${x} ч`);
const byNum = (f: (r: OrganisationRatingDto) => number | null) => (a: OrganisationRatingDto, b: OrganisationRatingDto) => (f(a) ?? -1) - (f(b) ?? -1);

function columns(model: RatingsModel): Column<OrganisationRatingDto>[] {
  const fig = (r: OrganisationRatingDto, figure: Figure, text: string) => (
    <button type="button" class="link-button" data-figure={figure} data-org={r.organisationId} onClick={() => model.open(r, figure)} disabled={r.incidents[figure].length === 0 && figure !== 'routed'}>
      {text}
    </button>
  );
  return [
    { id: 'name', title: 'Организация', fixed: true, cell: (r) => (r.counted ? r.organisationName : `${r.organisationName} (мало обращений, вне рейтинга)`), sort: (a, b) => a.organisationName.localeCompare(b.organisationName, 'ru') },
    { id: 'routed', title: 'Направлено', cell: (r) => fig(r, 'routed', String(r.routed)), sort: byNum((r) => r.routed) },
    { id: 'interim', title: 'Промежуточный ответ, медиана', cell: (r) => hrs(r.medianInterimHours), sort: byNum((r) => r.medianInterimHours) },
    { id: 'final', title: 'Окончательный ответ, медиана', cell: (r) => hrs(r.medianFinalHours), sort: byNum((r) => r.medianFinalHours) },
    { id: 'ontime', title: 'В срок', cell: (r) => fig(r, 'late', `${pct(r.onTimeShare)} (нарушений: ${r.incidents.late.length})`), sort: byNum((r) => r.onTimeShare) },
    { id: 'formal', title: 'Формальные ответы', cell: (r) => fig(r, 'formal', pct(r.formalShare)), sort: byNum((r) => r.formalShare) },
    { id: 'reopened', title: 'Возобновлены', cell: (r) => fig(r, 'reopened', pct(r.reopenedShare)), sort: byNum((r) => r.reopenedShare) },
    { id: 'satisfied', title: 'Решено по оценке жителей', cell: (r) => fig(r, 'solved', pct(r.satisfiedShare)), sort: byNum((r) => r.satisfiedShare) },
    { id: 'notsolved', title: 'Не решено', cell: (r) => fig(r, 'notSolved', String(r.incidents.notSolved.length)), hidden: true },
  ];
}

export default function RatingsPage() {
  const model = useMemo(createRatingsModel, []);
  const cols = useMemo(() => columns(model), [model]);
  const table = useMemo(() => createTableState(cols, { sort: { id: 'ontime', dir: 'desc' } }), [cols]);
  useEffect(() => void model.load(), [model]);
  const d = model.data.value;
  const tab = model.tab.value;
  const counted = (d?.items ?? []).filter((r) => r.counted && r.onTimeShare !== null);
  const drill = model.drill.value;

  return (
    <main class="ratings">
      <h1>Рейтинг организаций</h1>
      <nav class="ratings__tabs" aria-label="Разделы рейтинга">
        <button id="tab-organisations" type="button" class="ratings__tab" aria-pressed={tab === 'organisations'} onClick={() => model.setTab('organisations')}>
          Организации
        </button>
        <button id="tab-pages" type="button" class="ratings__tab" aria-pressed={tab === 'pages'} onClick={() => model.setTab('pages')}>
          Официальные страницы
        </button>
      </nav>
      <form
        id="ratings-filter"
        class="ratings__filter"
        onSubmit={(ev) => {
          ev.preventDefault();
          void model.load();
        }}
      >
        <label class="field">
          <span class="field__label">С</span>
          <input id="ratings-from" type="date" value={model.from.value} onInput={(e) => (model.from.value = (e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span class="field__label">По</span>
          <input id="ratings-to" type="date" value={model.to.value} onInput={(e) => (model.to.value = (e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span class="field__label">{tab === 'pages' ? 'Минимум сообщений жителей для рейтинга' : 'Минимум обращений для рейтинга'}</span>
          <input id="ratings-min" type="number" min={1} max={1000} value={String(model.minVolume.value)} onInput={(e) => (model.minVolume.value = Math.max(1, Number((e.target as HTMLInputElement).value) || 1))} />
        </label>
        <button type="submit" class="btn btn--primary">
          Показать
        </button>
      </form>
      {model.error.value && (
        <p id="page-message" role="alert">
          {model.error.value}
        </p>
      )}
      {tab === 'pages' && <OfficialPagesTab model={model} />}
      {tab === 'organisations' && d && <p id="ratings-min-note" class="muted">{`В рейтинге — организации, которым направлено не меньше ${d.minVolume} обращений за период; остальные показаны без места.`}</p>}
      {tab === 'organisations' && counted.length > 0 && <BarChart id="ratings-chart" label="Доля ответов в срок, %" series="В срок, %" horizontal rows={counted.map((r) => [r.organisationName, Math.round((r.onTimeShare ?? 0) * 100)] as const)} />}
      {tab === 'organisations' && <DataTable id="ratings-table" columns={cols} rows={d?.items ?? []} rowKey={(r) => r.organisationId} rowProps={(r) => ({ 'data-org': r.organisationId })} state={table} columnChooser emptyTitle="За период обращения в организации не направлялись" />}
      {tab === 'organisations' && drill && (
        <section id="ratings-drill" aria-labelledby="h-drill">
          <h2 id="h-drill">{`${drill.organisationName}: ${FIGURE_RU[drill.figure]} — ${drill.ids.length}`}</h2>
          <ul>
            {drill.ids.map((id) => (
              <li key={id}>
                <a href={`/?${new URLSearchParams({ q: id }).toString()}`} data-incident={id}>
                  {id}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
