/**
 * The technical administrator's audit page: filter the append-only audit trail by user, action,
 * outcome, object and time, newest first, page by page. Read-only by construction (the API has
 * no write route for it). Everything recorded is rendered as text.
 */
import { useSignalEffect } from '@preact/signals';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { AuditEntry } from '../../../src/contracts/audit';
import { ROLE_TITLES_RU, type Role } from '../../../src/domain/access';
import { AUDIT_ACTION_TITLES_RU } from '../../../src/domain/audit';
import { DataTable, createTableState, type Column } from '../../shared/components/table';
import { createAuditModel, EMPTY_FILTER, MAX_PAGE, PAGE_SIZE, type AuditFilter } from './model';

/** Russian titles of the actions the system records (the server's typed union); unknown ones are shown by code. */
const ACTION_TITLES: Readonly<Record<string, string>> = AUDIT_ACTION_TITLES_RU;
const ACTION_GROUPS: [string, string][] = [
  ['auth.*', 'Все: вход и выход'],
  ['access.*', 'Все: отказы в доступе'],
  ['post.*', 'Все: архив сообщений'],
  ['user.*', 'Все: пользователи и роли'],
  ['incident.*', 'Все: действия с инцидентами'],
];
const OUTCOME_TITLES: Record<AuditEntry['outcome'], string> = { success: 'успешно', failure: 'ошибка', denied: 'отказано' };

const when = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const roleTitle = (role: string | null): string => (role && role in ROLE_TITLES_RU ? ROLE_TITLES_RU[role as Role] : (role ?? ''));

const COLUMNS: Column<AuditEntry>[] = [
  {
    id: 'at',
    title: 'Время',
    fixed: true,
    cell: (e) => {
      const at = new Date(e.at);
      return (
        <span class="audit-when" title={e.at}>
          {Number.isNaN(at.getTime()) ? e.at : when.format(at)}
        </span>
      );
    },
  },
  {
    id: 'actor',
    title: 'Пользователь',
    cell: (e) =>
      e.actor ? (
        <>
          <div>{e.actor.username ?? e.actor.id}</div>
          <div class="audit-muted">{roleTitle(e.actor.role)}</div>
        </>
      ) : (
        <span class="audit-muted">система / без входа</span>
      ),
  },
  {
    id: 'action',
    title: 'Действие',
    cell: (e) => (
      <>
        <div>{ACTION_TITLES[e.action] ?? e.action}</div>
        <div class="audit-muted">{e.action}</div>
      </>
    ),
  },
  { id: 'outcome', title: 'Результат', cell: (e) => <span class={`outcome outcome--${e.outcome}`}>{OUTCOME_TITLES[e.outcome] ?? e.outcome}</span> },
  { id: 'target', title: 'Объект', cell: (e) => e.target ?? '—' },
  { id: 'ip', title: 'Адрес', cell: (e) => e.ip ?? '—' },
  {
    id: 'details',
    title: 'Подробности',
    cell: (e) => (Object.keys(e.details).length > 0 ? <code>{JSON.stringify(e.details, null, 1)}</code> : <span class="audit-muted">—</span>),
  },
];

export default function AuditPage() {
  const model = useMemo(createAuditModel, []);
  const table = useMemo(() => createTableState(COLUMNS, { pageSize: PAGE_SIZE }), []);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => model.start(), [model]);
  // The table's pager and the URL are one page number.
  useSignalEffect(() => {
    table.page.value = model.page.value;
  });
  useSignalEffect(() => {
    const wanted = table.page.value;
    if (wanted !== model.page.peek()) model.goTo(wanted);
  });
  // The form shows the filter the URL holds.
  useSignalEffect(() => {
    const f = model.filter.value;
    const el = form.current;
    if (!el) return;
    for (const [k, v] of Object.entries(f)) {
      const input = el.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
      if (input && input.value !== v) input.value = v;
    }
  });

  const read = (): AuditFilter => {
    const data = new FormData(form.current ?? undefined);
    const next = { ...EMPTY_FILTER };
    for (const k of Object.keys(EMPTY_FILTER) as (keyof AuditFilter)[]) (next as Record<string, string>)[k] = String(data.get(k) ?? '');
    return next;
  };

  const result = model.result.value;
  return (
    <div class="audit">
      <div class="page-head">
        <h1 class="page__title">Журнал аудита</h1>
        <span id="summary" class="stat" aria-live="polite">
          {result ? `Записей: ${result.total}` : ''}
        </span>
      </div>
      <form
        id="filters"
        ref={form}
        class="audit-filters"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          model.apply(read());
        }}
      >
        <label class="field">
          <span class="field__label">Пользователь</span>
          <input id="f-actor" name="actor" type="text" autocomplete="off" spellcheck={false} placeholder="логин" maxLength={64} />
        </label>
        <label class="field">
          <span class="field__label">Действие</span>
          <select id="f-action" name="action">
            <option value="">любое</option>
            {ACTION_GROUPS.map(([code, title]) => (
              <option key={code} value={code}>
                {title}
              </option>
            ))}
            {Object.entries(ACTION_TITLES).map(([code, title]) => (
              <option key={code} value={code}>
                {title}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field__label">Результат</span>
          <select id="f-outcome" name="outcome">
            <option value="">любой</option>
            <option value="success">успешно</option>
            <option value="failure">ошибка</option>
            <option value="denied">отказано</option>
          </select>
        </label>
        <label class="field">
          <span class="field__label">Объект</span>
          <input id="f-target" name="target" type="text" autocomplete="off" spellcheck={false} placeholder="логин, id поста…" maxLength={200} />
        </label>
        <label class="field">
          <span class="field__label">С</span>
          <input id="f-from" name="from" type="datetime-local" />
        </label>
        <label class="field">
          <span class="field__label">По</span>
          <input id="f-to" name="to" type="datetime-local" />
        </label>
        <div class="audit-filters__buttons">
          <button id="apply" type="submit" class="btn btn--primary">
            Найти
          </button>
          <button
            id="clear-filters"
            type="button"
            class="btn btn--ghost"
            onClick={() => {
              form.current?.reset();
              model.apply(EMPTY_FILTER);
            }}
          >
            Сбросить
          </button>
        </div>
      </form>

      {model.error.value && (
        <p id="page-message" class="page-message" role="alert">
          {model.error.value}
        </p>
      )}

      <main class="audit-main">
        <DataTable
          id="audit-table"
          class="audit-table"
          columns={COLUMNS}
          rows={result?.items ?? []}
          rowKey={(e) => e.id}
          rowProps={(e) => ({ 'data-id': e.id, 'data-action': e.action, 'data-outcome': e.outcome })}
          state={table}
          total={result?.total ?? 0}
          maxPage={MAX_PAGE}
          emptyTitle="Записей по этим условиям нет"
          pagerLabels={{ prev: '← Новее', next: 'Старее →' }}
          columnChooser
        />
      </main>
    </div>
  );
}
