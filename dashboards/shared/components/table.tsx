/**
 * A data table from typed column configs: sorting (click a header), paging and column visibility.
 * The state is a model (`createTableState`) so a page can keep it, put it in the URL or reset it.
 * Client paging sorts and slices the rows given; server paging (`total` given) shows the rows as
 * they come and asks for another page through `state.page`.
 */
import { signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { ComponentChildren, HTMLAttributes } from 'preact';
import { EmptyState } from './states';

export interface Column<T> {
  id: string;
  title: string;
  cell: (row: T) => ComponentChildren;
  /** Makes the column sortable (client paging). */
  sort?: (a: T, b: T) => number;
  /** Hidden until the user shows it. */
  hidden?: boolean;
  /** The user may not hide it (the row's name). */
  fixed?: boolean;
  class?: string;
}

export type SortDir = 'asc' | 'desc';

export interface TableState {
  sort: Signal<{ id: string; dir: SortDir } | null>;
  page: Signal<number>;
  pageSize: number;
  hidden: Signal<ReadonlySet<string>>;
}

export function createTableState<T>(columns: readonly Column<T>[], opts: { pageSize?: number; sort?: { id: string; dir: SortDir } } = {}): TableState {
  return {
    sort: signal(opts.sort ?? null),
    page: signal(1),
    pageSize: opts.pageSize ?? 50,
    hidden: signal(new Set(columns.filter((c) => c.hidden).map((c) => c.id))),
  };
}

export function toggleSort(state: TableState, id: string): void {
  const cur = state.sort.value;
  state.sort.value = cur?.id === id ? (cur.dir === 'asc' ? { id, dir: 'desc' } : null) : { id, dir: 'asc' };
  state.page.value = 1;
}

export function toggleColumn(state: TableState, id: string): void {
  const next = new Set(state.hidden.value);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  state.hidden.value = next;
}

/** The rows one page shows (client paging): sorted by the chosen column, then sliced. */
export function visibleRows<T>(rows: readonly T[], columns: readonly Column<T>[], state: TableState): { rows: T[]; pages: number } {
  const s = state.sort.value;
  const col = s ? columns.find((c) => c.id === s.id) : undefined;
  const sorted = col?.sort ? [...rows].sort((a, b) => (s?.dir === 'desc' ? -col.sort!(a, b) : col.sort!(a, b))) : [...rows];
  const pages = Math.max(1, Math.ceil(sorted.length / state.pageSize));
  const page = Math.min(Math.max(1, state.page.value), pages);
  return { rows: sorted.slice((page - 1) * state.pageSize, page * state.pageSize), pages };
}

export interface DataTableProps<T> {
  id?: string;
  class?: string;
  columns: readonly Column<T>[];
  rows: readonly T[] | ReadonlySignal<readonly T[]>;
  rowKey: (row: T) => string;
  state: TableState;
  /** Extra attributes per row (`data-id`, a class). */
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  /** Server paging: the total the server reports; rows are the current page. */
  total?: number;
  emptyTitle?: string;
  emptyHint?: string;
  /** Pager button labels (a time-ordered list reads «Новее / Старее»). */
  pagerLabels?: { prev: string; next: string };
  /** Show the column chooser. */
  columnChooser?: boolean;
  /** The highest page the server allows (deep paging refused). */
  maxPage?: number;
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, state } = props;
  const all = 'value' in props.rows ? props.rows.value : props.rows;
  const shownCols = columns.filter((c) => !state.hidden.value.has(c.id));
  const server = props.total !== undefined;
  const view = server ? { rows: [...all], pages: Math.max(1, Math.ceil((props.total ?? 0) / state.pageSize)) } : visibleRows(all, columns, state);
  const page = Math.min(state.page.value, view.pages);
  const lastPage = Math.min(view.pages, props.maxPage ?? Infinity);
  const labels = props.pagerLabels ?? { prev: '← Назад', next: 'Вперёд →' };
  const sort = state.sort.value;
  return (
    <div class={`table-wrap ${props.class ?? ''}`}>
      {props.columnChooser && (
        <details class="table-columns">
          <summary class="btn btn--ghost btn--small">Столбцы</summary>
          <div class="table-columns__list">
            {columns
              .filter((c) => !c.fixed)
              .map((c) => (
                <label key={c.id} class="table-columns__item">
                  <input type="checkbox" checked={!state.hidden.value.has(c.id)} onChange={() => toggleColumn(state, c.id)} data-column={c.id} />
                  {c.title}
                </label>
              ))}
          </div>
        </details>
      )}
      <table id={props.id} class="table">
        <thead>
          <tr>
            {shownCols.map((c) => (
              <th key={c.id} scope="col" class={c.class} aria-sort={sort?.id === c.id ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.sort && !server ? (
                  <button type="button" class="table__sort" data-column={c.id} onClick={() => toggleSort(state, c.id)}>
                    {c.title}
                    <span aria-hidden="true">{sort?.id === c.id ? (sort.dir === 'asc' ? ' ↑' : ' ↓') : ''}</span>
                  </button>
                ) : (
                  c.title
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.rows.map((row) => (
            <tr key={props.rowKey(row)} {...(props.rowProps?.(row) ?? {})}>
              {shownCols.map((c) => (
                <td key={c.id} class={c.class}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {view.rows.length === 0 && <EmptyState id={props.id ? `${props.id}-empty` : undefined} title={props.emptyTitle ?? 'Ничего не найдено'} hint={props.emptyHint} />}
      {(view.pages > 1 || server) && (
        <nav class="pager" aria-label="Страницы">
          <button type="button" class="btn btn--ghost pager__prev" disabled={page <= 1} onClick={() => (state.page.value = page - 1)}>
            {labels.prev}
          </button>
          <span class="pager__info">
            Страница {page} из {view.pages}
          </span>
          <button type="button" class="btn btn--ghost pager__next" disabled={page >= lastPage} onClick={() => (state.page.value = page + 1)}>
            {labels.next}
          </button>
        </nav>
      )}
    </div>
  );
}

/** A comparator for a text or number key, for `Column.sort`. */
export function by<T>(key: (row: T) => string | number | null | undefined): (a: T, b: T) => number {
  const collator = new Intl.Collator('ru-RU', { numeric: true });
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
  };
}
