/**
 * The SLA board (`/sla/`, issue 11 point 3): incidents routed to organisations whose interim or
 * final answer is overdue or due soon — counts, by organisation, by sector, and the list with links
 * to the incidents. Refreshes live when an incident changes.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { SlaBoardDto, SlaEntryDto } from '../../../src/contracts/sla';
import { SECTOR_TITLES_RU } from '../../../src/domain/sector';
import { createTableState, DataTable, type Column } from '../../shared/components/table';
import { formatDuration, formatFull, parseTime } from '../../shared/time';
import { createSlaModel } from './model';

type Counts = SlaBoardDto['counts'];
const STAGE_RU = { interim: 'Промежуточный', final: 'Окончательный' } as const;
const HORIZONS = [1, 4, 8, 24, 72];

const incidentHref = (id: string): string => `/?${new URLSearchParams({ q: id }).toString()}`;
const left = (e: SlaEntryDto): string => (e.state === 'overdue' ? `просрочен на ${formatDuration(-e.minutesLeft * 60_000)}` : `осталось ${formatDuration(e.minutesLeft * 60_000)}`);

const countCols = <T extends Counts>(): Column<T>[] => [
  { id: 'io', title: 'Промежуточный: просрочен', cell: (r) => r.interimOverdue, sort: (a, b) => a.interimOverdue - b.interimOverdue },
  { id: 'is', title: 'Промежуточный: скоро', cell: (r) => r.interimSoon, sort: (a, b) => a.interimSoon - b.interimSoon },
  { id: 'fo', title: 'Окончательный: просрочен', cell: (r) => r.finalOverdue, sort: (a, b) => a.finalOverdue - b.finalOverdue },
  { id: 'fs', title: 'Окончательный: скоро', cell: (r) => r.finalSoon, sort: (a, b) => a.finalSoon - b.finalSoon },
];

type OrgRow = SlaBoardDto['byOrganisation'][number];
type SectorRow = SlaBoardDto['bySector'][number];
const ORG_COLS: Column<OrgRow>[] = [{ id: 'name', title: 'Организация', fixed: true, cell: (r) => r.organisationName, sort: (a, b) => a.organisationName.localeCompare(b.organisationName, 'ru') }, ...countCols<OrgRow>()];
const SECTOR_COLS: Column<SectorRow>[] = [{ id: 'sector', title: 'Направление', fixed: true, cell: (r) => SECTOR_TITLES_RU[r.sector], sort: (a, b) => a.sector.localeCompare(b.sector) }, ...countCols<SectorRow>()];
const ITEM_COLS: Column<SlaEntryDto>[] = [
  { id: 'state', title: 'Состояние', cell: (e) => <span class={`sla__state sla__state--${e.state}`}>{e.state === 'overdue' ? 'Просрочен' : 'Скоро срок'}</span>, sort: (a, b) => a.state.localeCompare(b.state) },
  { id: 'stage', title: 'Ответ', cell: (e) => STAGE_RU[e.stage] },
  { id: 'due', title: 'Срок', cell: (e) => `${formatFull(parseTime(e.dueAt))} (${left(e)})`, sort: (a, b) => a.dueAt.localeCompare(b.dueAt) },
  { id: 'org', title: 'Организация', cell: (e) => e.organisationName, sort: (a, b) => a.organisationName.localeCompare(b.organisationName, 'ru') },
  { id: 'sector', title: 'Направление', cell: (e) => SECTOR_TITLES_RU[e.sector] },
  {
    id: 'text',
    title: 'Инцидент',
    fixed: true,
    cell: (e) => (
      <a href={incidentHref(e.id)} data-incident={e.id}>
        {`${e.urgent ? '⚑ ' : ''}${e.text}`}
      </a>
    ),
  },
];

export default function SlaPage() {
  const model = useMemo(createSlaModel, []);
  const orgTable = useMemo(() => createTableState(ORG_COLS), []);
  const sectorTable = useMemo(() => createTableState(SECTOR_COLS), []);
  const itemTable = useMemo(() => createTableState(ITEM_COLS, { sort: { id: 'due', dir: 'asc' } }), []);
  useEffect(() => {
    void model.load();
    return model.live();
  }, [model]);
  const b = model.board.value;
  const c = b?.counts;

  return (
    <main class="sla">
      <header class="sla__head">
        <h1>Сроки ответов</h1>
        <label class="field">
          <span class="field__label">«Скоро срок» — в ближайшие</span>
          <select id="sla-horizon" value={String(model.soonHours.value)} onChange={(ev) => model.setSoonHours(Number((ev.target as HTMLSelectElement).value))}>
            {HORIZONS.map((h) => (
              <option key={h} value={String(h)}>{`${h} ч`}</option>
            ))}
          </select>
        </label>
        <p id="sla-generated" class="muted">
          {b ? `Обновлено ${formatFull(parseTime(b.generatedAt))}` : 'Загрузка…'}
        </p>
      </header>
      {model.error.value && (
        <p id="page-message" class="sla__message" role="alert">
          {model.error.value}
        </p>
      )}
      <section class="sla__counts" aria-label="Итого">
        <div class="sla__count sla__count--overdue">
          <strong id="count-interim-overdue">{c ? c.interimOverdue : '…'}</strong> промежуточных ответов просрочено
        </div>
        <div class="sla__count sla__count--soon">
          <strong id="count-interim-soon">{c ? c.interimSoon : '…'}</strong> промежуточных — скоро срок
        </div>
        <div class="sla__count sla__count--overdue">
          <strong id="count-final-overdue">{c ? c.finalOverdue : '…'}</strong> окончательных ответов просрочено
        </div>
        <div class="sla__count sla__count--soon">
          <strong id="count-final-soon">{c ? c.finalSoon : '…'}</strong> окончательных — скоро срок
        </div>
      </section>
      <section aria-labelledby="h-items">
        <h2 id="h-items">Инциденты</h2>
        <DataTable id="sla-items" columns={ITEM_COLS} rows={b?.items ?? []} rowKey={(e) => `${e.id}:${e.stage}`} rowProps={(e) => ({ 'data-id': e.id, 'data-state': e.state })} state={itemTable} emptyTitle="Просроченных и близких к сроку ответов нет" />
      </section>
      <section aria-labelledby="h-orgs">
        <h2 id="h-orgs">По организациям</h2>
        <DataTable id="sla-orgs" columns={ORG_COLS} rows={b?.byOrganisation ?? []} rowKey={(r) => r.organisationId} state={orgTable} emptyTitle="Нет" />
      </section>
      <section aria-labelledby="h-sectors">
        <h2 id="h-sectors">По направлениям</h2>
        <DataTable id="sla-sectors" columns={SECTOR_COLS} rows={b?.bySector ?? []} rowKey={(r) => r.sector} state={sectorTable} emptyTitle="Нет" />
      </section>
    </main>
  );
}
