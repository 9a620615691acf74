/** The data table: sorting by header, client paging, column visibility, server paging, empty state. */
import { cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { by, createTableState, DataTable, visibleRows, type Column } from '../../dashboards/shared/components/table';

interface Row {
  id: string;
  name: string;
  count: number;
}

const COLUMNS: Column<Row>[] = [
  { id: 'name', title: 'Название', fixed: true, cell: (r) => r.name, sort: by((r) => r.name) },
  { id: 'count', title: 'Число', cell: (r) => String(r.count), sort: by((r) => r.count) },
  { id: 'secret', title: 'Скрытый', hidden: true, cell: (r) => `s-${r.id}` },
];

const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: String(i), name: `Источник ${String.fromCharCode(1040 + ((i * 7) % 32))}`, count: (i * 37) % 11 }));

afterEach(cleanup);

const bodyTexts = (container: Element, col: number): string[] => [...container.querySelectorAll('tbody tr')].map((tr) => tr.querySelectorAll('td')[col]?.textContent ?? '');

describe('DataTable', () => {
  it('sorts by a header click: ascending, descending, then unsorted', async () => {
    const data = rows(8);
    const state = createTableState(COLUMNS, { pageSize: 50 });
    const { container, getByText, findByText } = render(<DataTable columns={COLUMNS} rows={data} rowKey={(r) => r.id} state={state} />);
    const original = bodyTexts(container, 1);
    fireEvent.click(getByText('Число'));
    await findByText('↑', { exact: false });
    const asc = bodyTexts(container, 1).map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(container.querySelector('th[aria-sort="ascending"]')?.textContent).toContain('Число');
    fireEvent.click(getByText('Число'));
    await findByText('↓', { exact: false });
    const desc = bodyTexts(container, 1).map(Number);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    fireEvent.click(getByText('Число'));
    await expect.poll(() => bodyTexts(container, 1)).toEqual(original);
  });

  it('pages on the client and keeps the page within range', async () => {
    const state = createTableState(COLUMNS, { pageSize: 5 });
    const { container, getByText } = render(<DataTable columns={COLUMNS} rows={rows(12)} rowKey={(r) => r.id} state={state} />);
    expect(container.querySelectorAll('tbody tr')).toHaveLength(5);
    expect(container.querySelector('.pager__info')?.textContent).toBe('Страница 1 из 3');
    expect((container.querySelector('.pager__prev') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(getByText('Вперёд →'));
    fireEvent.click(getByText('Вперёд →'));
    await expect.poll(() => container.querySelectorAll('tbody tr').length).toBe(2);
    expect((container.querySelector('.pager__next') as HTMLButtonElement).disabled).toBe(true);
    state.page.value = 99;
    expect(visibleRows(rows(12), COLUMNS, state).rows).toHaveLength(2);
  });

  it('hides and shows columns; a fixed column cannot be hidden', async () => {
    const state = createTableState(COLUMNS);
    const { container } = render(<DataTable columns={COLUMNS} rows={rows(2)} rowKey={(r) => r.id} state={state} columnChooser />);
    const headers = () => [...container.querySelectorAll('th')].map((th) => th.textContent);
    expect(headers()).toEqual(['Название', 'Число']);
    expect(container.querySelector('input[data-column="name"]')).toBeNull();
    fireEvent.click(container.querySelector('input[data-column="secret"]')!);
    await expect.poll(headers).toEqual(['Название', 'Число', 'Скрытый']);
    fireEvent.click(container.querySelector('input[data-column="count"]')!);
    await expect.poll(headers).toEqual(['Название', 'Скрытый']);
    expect(bodyTexts(container, 1)).toEqual(['s-0', 's-1']);
  });

  it('server paging: shows the rows given, pages from the total, stops at maxPage', () => {
    const state = createTableState(COLUMNS, { pageSize: 5 });
    state.page.value = 2;
    const { container } = render(<DataTable columns={COLUMNS} rows={rows(5)} rowKey={(r) => r.id} state={state} total={40} maxPage={2} />);
    expect(container.querySelectorAll('tbody tr')).toHaveLength(5);
    expect(container.querySelector('.pager__info')?.textContent).toBe('Страница 2 из 8');
    expect((container.querySelector('.pager__next') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the empty state and renders cell text as text', () => {
    const state = createTableState(COLUMNS);
    const { container, getByText, rerender } = render(<DataTable id="t" columns={COLUMNS} rows={[]} rowKey={(r) => r.id} state={state} emptyTitle="Источников нет" />);
    expect(getByText('Источников нет').closest('#t-empty')).not.toBeNull();
    rerender(<DataTable id="t" columns={COLUMNS} rows={[{ id: 'x', name: '<img src=x onerror=alert(1)>', count: 1 }]} rowKey={(r) => r.id} state={state} />);
    expect(container.querySelector('tbody img')).toBeNull();
    expect(bodyTexts(container, 0)).toEqual(['<img src=x onerror=alert(1)>']);
  });
});
