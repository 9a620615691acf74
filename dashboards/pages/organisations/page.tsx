/**
 * The organisation directory (`/organisations/`, `organisations:manage`): organisations with
 * filters in the URL, create/edit (server field errors beside the fields), delete; responsibility
 * rules (sector × category × municipality → organisation, most specific wins); CSV/XLSX import
 * (a broken file names its rows and imports nothing) and export downloads.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { OrganisationView, RuleView } from '../../../src/contracts/organisations';
import { ORGANISATION_KINDS, ORGANISATION_KIND_TITLES_RU } from '../../../src/domain/organisation';
import { SECTORS, SECTOR_TITLES_RU, type Sector } from '../../../src/domain/sector';
import { api } from '../../shared/api';
import { confirm } from '../../shared/components/confirm';
import { createForm, Field, FormError } from '../../shared/components/form';
import { ErrorState } from '../../shared/components/states';
import { createTableState, DataTable, type Column } from '../../shared/components/table';
import { toasts } from '../../shared/context';
import { plural } from '../../shared/plural';
import { location, setQuery } from '../../shared/router';
import { bodyFromForm, createDirectoryModel, EMPTY_FORM, filterFromQuery, filterOrganisations, formFromOrganisation, FORM_FIELDS, type DirectoryModel, type OrganisationFormValues } from './model';

function OrganisationForm({ model, editing, onDone }: { model: DirectoryModel; editing: OrganisationView | null; onDone: () => void }) {
  const form = useMemo(() => createForm<OrganisationFormValues>(editing ? formFromOrganisation(editing) : EMPTY_FORM, { fields: () => FORM_FIELDS }), [editing]);
  const v = form.values.value;
  const e = form.errors.value;
  const municipalities = model.meta.value?.municipalities ?? [];
  const text = (key: keyof OrganisationFormValues & string) => (ev: Event) => form.set(key, (ev.currentTarget as HTMLInputElement).value);

  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    const ok = await form.submit(async (values) => {
      const body = bodyFromForm(values);
      if (editing) {
        await api('PATCH /api/organisations/:id', { params: { id: editing.id }, body: { name: body.name, kind: body.kind, municipality: body.municipality, sectors: body.sectors, contacts: body.contacts, userIds: body.userIds } });
      } else await api('POST /api/organisations', { body });
    });
    if (ok) {
      toasts.success(editing ? 'Организация сохранена' : 'Организация добавлена');
      await model.load();
      onDone();
    }
  };

  return (
    <form id="org-form" class="orgs-form" onSubmit={(ev) => void submit(ev)}>
      <h2>{editing ? `Изменить: ${editing.name}` : 'Новая организация'}</h2>
      <Field id="f-id" label="Код (латиница, цифры, дефис)" error={e.id}>
        <input id="f-id" value={v.id} disabled={!!editing} onInput={text('id')} />
      </Field>
      <Field id="f-name" label="Название" error={e.name}>
        <input id="f-name" value={v.name} onInput={text('name')} />
      </Field>
      <Field id="f-kind" label="Тип" error={e.kind}>
        <select id="f-kind" value={v.kind} onChange={text('kind')}>
          {ORGANISATION_KINDS.map((k) => (
            <option key={k} value={k}>
              {ORGANISATION_KIND_TITLES_RU[k]}
            </option>
          ))}
        </select>
      </Field>
      <Field id="f-municipality" label="Муниципалитет" error={e.municipality}>
        <select id="f-municipality" value={v.municipality} onChange={text('municipality')}>
          <option value="">— выбрать —</option>
          {municipalities.map((m) => (
            <option key={m.code} value={m.code}>
              {m.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="f-sectors" label="Отрасли" error={e.sectors}>
        <div id="f-sectors" class="orgs-form__sectors">
          {SECTORS.map((s) => (
            <label key={s}>
              <input
                type="checkbox"
                checked={v.sectors.includes(s)}
                onChange={(ev) => form.set('sectors', (ev.currentTarget as HTMLInputElement).checked ? [...v.sectors, s] : v.sectors.filter((x) => x !== s))}
              />{' '}
              {SECTOR_TITLES_RU[s]}
            </label>
          ))}
        </div>
      </Field>
      <Field id="f-email" label="E-mail" error={e['contacts.email']}>
        <input id="f-email" value={v.email} onInput={text('email')} />
      </Field>
      <Field id="f-phone" label="Телефон" error={e['contacts.phone']}>
        <input id="f-phone" value={v.phone} onInput={text('phone')} />
      </Field>
      <Field id="f-address" label="Адрес" error={e['contacts.address']}>
        <input id="f-address" value={v.address} onInput={text('address')} />
      </Field>
      <Field id="f-website" label="Сайт" error={e['contacts.website']}>
        <input id="f-website" value={v.website} onInput={text('website')} />
      </Field>
      <Field id="f-users" label="Пользователи организации (логины через запятую)" error={e.userIds}>
        <input id="f-users" value={v.userIds} onInput={text('userIds')} />
      </Field>
      <FormError form={form} id="org-form-error" />
      <div class="orgs-form__actions">
        <button type="submit" class="btn btn--primary" id="org-save" disabled={form.busy.value}>
          Сохранить
        </button>
        <button type="button" class="btn" onClick={onDone}>
          Отмена
        </button>
      </div>
    </form>
  );
}

function RuleForm({ model }: { model: DirectoryModel }) {
  const form = useMemo(() => createForm({ sector: 'housing', category: '', municipality: '', organisationId: '' }), []);
  const v = form.values.value;
  const e = form.errors.value;
  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    const ok = await form.submit(async (values) => {
      await api('POST /api/routing-rules', {
        body: { sector: values.sector as Sector, organisationId: values.organisationId, ...(values.category.trim() ? { category: values.category.trim() } : {}), ...(values.municipality ? { municipality: values.municipality } : {}) },
      });
    });
    if (ok) {
      toasts.success('Правило добавлено');
      form.reset();
      await model.load();
    }
  };
  return (
    <form id="rule-form" class="orgs-rule-form" onSubmit={(ev) => void submit(ev)}>
      <Field id="r-sector" label="Отрасль" error={e.sector}>
        <select id="r-sector" value={v.sector} onChange={(ev) => form.set('sector', (ev.currentTarget as HTMLSelectElement).value)}>
          {SECTORS.map((s) => (
            <option key={s} value={s}>
              {SECTOR_TITLES_RU[s]}
            </option>
          ))}
        </select>
      </Field>
      <Field id="r-category" label="Категория (код, пусто — любая)" error={e.category}>
        <input id="r-category" value={v.category} placeholder="housing.water" onInput={(ev) => form.set('category', (ev.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="r-municipality" label="Муниципалитет" error={e.municipality}>
        <select id="r-municipality" value={v.municipality} onChange={(ev) => form.set('municipality', (ev.currentTarget as HTMLSelectElement).value)}>
          <option value="">любой</option>
          {(model.meta.value?.municipalities ?? []).map((m) => (
            <option key={m.code} value={m.code}>
              {m.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="r-org" label="Организация" error={e.organisationId}>
        <select id="r-org" value={v.organisationId} onChange={(ev) => form.set('organisationId', (ev.currentTarget as HTMLSelectElement).value)}>
          <option value="">— выбрать —</option>
          {model.items.value.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </Field>
      <FormError form={form} id="rule-form-error" />
      <button type="submit" class="btn btn--primary" id="rule-add" disabled={form.busy.value}>
        Добавить правило
      </button>
    </form>
  );
}

function ImportExport({ model }: { model: DirectoryModel }) {
  const file = useRef<HTMLInputElement>(null);
  const table = useSignal<'organisations' | 'rules'>('organisations');
  const res = model.importResult.value;
  const problems = model.importProblems.value;
  const submit = async (ev: Event): Promise<void> => {
    ev.preventDefault();
    const f = file.current?.files?.[0];
    if (!f) return;
    if (await model.importFile(f, table.value)) toasts.success('Файл импортирован');
  };
  return (
    <section class="orgs-io" aria-labelledby="h-io">
      <h2 id="h-io">Импорт и экспорт</h2>
      <p class="orgs-io__links">
        Скачать: <a id="export-xlsx" href="/api/organisations/export?format=xlsx" download>справочник XLSX</a>
        {' · '}
        <a id="export-csv-orgs" href="/api/organisations/export?format=csv&table=organisations" download>
          организации CSV
        </a>
        {' · '}
        <a id="export-csv-rules" href="/api/organisations/export?format=csv&table=rules" download>
          правила CSV
        </a>
      </p>
      <form id="import-form" class="orgs-io__form" onSubmit={(ev) => void submit(ev)}>
        <input id="import-file" ref={file} type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
        <label>
          CSV содержит{' '}
          <select id="import-table" value={table.value} onChange={(ev) => (table.value = (ev.currentTarget as HTMLSelectElement).value as 'organisations' | 'rules')}>
            <option value="organisations">организации</option>
            <option value="rules">правила</option>
          </select>
        </label>
        <button type="submit" class="btn" id="import-submit" disabled={model.importing.value}>
          Импортировать
        </button>
      </form>
      {res && (
        <p id="import-result" role="status">{`Организации: добавлено ${res.organisations.created}, обновлено ${res.organisations.updated}. Правила: добавлено ${res.rules.created}, обновлено ${res.rules.updated}.`}</p>
      )}
      {problems && (
        <div id="import-errors" class="orgs-io__errors" role="alert">
          <p>{problems.message}</p>
          {problems.rows.length > 0 && (
            <ul>
              {problems.rows.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

export default function OrganisationsPage() {
  const model = useMemo(createDirectoryModel, []);
  const editing = useSignal<OrganisationView | 'new' | null>(null);
  useEffect(() => void model.load(), [model]);
  const filter = filterFromQuery(location.value.query);
  const shown = filterOrganisations(model.items.value, filter);
  const put = (key: keyof typeof filter, value: string): void => setQuery({ ...filter, [key]: value });

  const remove = async (o: OrganisationView): Promise<void> => {
    const ok = await confirm({ title: `Удалить «${o.name}»?`, text: 'Правила, ведущие к этой организации, тоже будут удалены.', action: 'Удалить', danger: true });
    if (ok && (await model.remove(o.id))) toasts.success('Организация удалена');
  };
  const removeRule = async (r: RuleView): Promise<void> => {
    const ok = await confirm({ title: 'Удалить правило?', text: `${SECTOR_TITLES_RU[r.sector]} → ${r.organisationName}`, action: 'Удалить', danger: true });
    if (ok && (await model.removeRule(r.id))) toasts.success('Правило удалено');
  };

  const columns = useMemo<Column<OrganisationView>[]>(
    () => [
      { id: 'name', title: 'Название', fixed: true, cell: (o) => o.name, sort: (a, b) => a.name.localeCompare(b.name, 'ru') },
      { id: 'kind', title: 'Тип', cell: (o) => o.kindTitle, sort: (a, b) => a.kindTitle.localeCompare(b.kindTitle, 'ru') },
      { id: 'municipality', title: 'Муниципалитет', cell: (o) => o.municipalityName, sort: (a, b) => a.municipalityName.localeCompare(b.municipalityName, 'ru') },
      { id: 'sectors', title: 'Отрасли', cell: (o) => o.sectors.map((s) => SECTOR_TITLES_RU[s]).join(', ') },
      { id: 'contacts', title: 'Контакты', cell: (o) => [o.contacts.phone, o.contacts.email].filter(Boolean).join(' · ') },
      { id: 'users', title: 'Пользователи', hidden: true, cell: (o) => o.userIds.join(', ') },
      {
        id: 'actions',
        title: '',
        fixed: true,
        cell: (o) => (
          <span class="orgs-actions">
            <button type="button" class="btn btn--small org-edit" onClick={() => (editing.value = o)}>
              Изменить
            </button>
            <button type="button" class="btn btn--small org-delete" onClick={() => void remove(o)}>
              Удалить
            </button>
          </span>
        ),
      },
    ],
    [],
  );
  const state = useMemo(() => createTableState(columns, { sort: { id: 'name', dir: 'asc' } }), [columns]);
  const ruleColumns = useMemo<Column<RuleView>[]>(
    () => [
      { id: 'sector', title: 'Отрасль', cell: (r) => SECTOR_TITLES_RU[r.sector] },
      { id: 'category', title: 'Категория', cell: (r) => r.categoryTitle ?? r.category ?? 'любая' },
      { id: 'municipality', title: 'Муниципалитет', cell: (r) => r.municipalityName ?? r.municipality ?? 'любой' },
      {
        id: 'organisation',
        title: 'Организация',
        fixed: true,
        sort: (a, b) => a.organisationName.localeCompare(b.organisationName, 'ru'),
        cell: (r) => (
          <select
            class="rule-organisation"
            aria-label={`Организация для правила: ${SECTOR_TITLES_RU[r.sector]}`}
            data-rule={r.id}
            value={r.organisationId}
            onChange={(ev) => {
              const to = (ev.currentTarget as HTMLSelectElement).value;
              void model.updateRule(r.id, to).then((ok) => ok && toasts.success('Правило изменено'));
            }}
          >
            {model.items.value.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        ),
      },
      {
        id: 'actions',
        title: '',
        fixed: true,
        cell: (r) => (
          <button type="button" class="btn btn--small rule-delete" onClick={() => void removeRule(r)}>
            Удалить
          </button>
        ),
      },
    ],
    [],
  );
  const ruleState = useMemo(() => createTableState(ruleColumns, { pageSize: 100 }), [ruleColumns]);
  const municipalities = model.meta.value?.municipalities ?? [];
  const n = shown.length;

  return (
    <main class="orgs">
      <header class="orgs__head">
        <h1>Ответственные организации</h1>
        <button type="button" class="btn btn--primary" id="org-new" onClick={() => (editing.value = 'new')}>
          Добавить организацию
        </button>
      </header>
      {model.error.value && <ErrorState id="orgs-error" title={model.error.value} onRetry={() => void model.load()} />}
      {editing.value && <OrganisationForm key={editing.value === 'new' ? 'new' : editing.value.id} model={model} editing={editing.value === 'new' ? null : editing.value} onDone={() => (editing.value = null)} />}
      <div class="orgs__filters">
        <input id="orgs-q" type="search" placeholder="Поиск по названию, коду, контактам" aria-label="Поиск" value={filter.q} onInput={(ev) => put('q', (ev.currentTarget as HTMLInputElement).value)} />
        <select id="orgs-kind" aria-label="Тип" value={filter.kind} onChange={(ev) => put('kind', (ev.currentTarget as HTMLSelectElement).value)}>
          <option value="">Все типы</option>
          {ORGANISATION_KINDS.map((k) => (
            <option key={k} value={k}>
              {ORGANISATION_KIND_TITLES_RU[k]}
            </option>
          ))}
        </select>
        <select id="orgs-municipality" aria-label="Муниципалитет" value={filter.municipality} onChange={(ev) => put('municipality', (ev.currentTarget as HTMLSelectElement).value)}>
          <option value="">Все муниципалитеты</option>
          {municipalities.map((m) => (
            <option key={m.code} value={m.code}>
              {m.name}
            </option>
          ))}
        </select>
        <select id="orgs-sector" aria-label="Отрасль" value={filter.sector} onChange={(ev) => put('sector', (ev.currentTarget as HTMLSelectElement).value)}>
          <option value="">Все отрасли</option>
          {SECTORS.map((s) => (
            <option key={s} value={s}>
              {SECTOR_TITLES_RU[s]}
            </option>
          ))}
        </select>
        <span id="orgs-count" class="orgs__count">
          {`${n} ${plural(n, ['организация', 'организации', 'организаций'])}`}
        </span>
      </div>
      <DataTable id="orgs-table" columns={columns} rows={shown} rowKey={(o) => o.id} state={state} columnChooser emptyTitle={model.loaded.value ? 'Организаций не найдено' : 'Загрузка…'} rowProps={(o) => ({ 'data-id': o.id })} />
      <section aria-labelledby="h-rules">
        <h2 id="h-rules">Правила ответственности</h2>
        <p class="orgs__hint">Отрасль × категория × муниципалитет → организация. Применяется самое конкретное правило (сверху — более конкретные).</p>
        <RuleForm model={model} />
        <DataTable id="rules-table" columns={ruleColumns} rows={model.rules} rowKey={(r) => r.id} state={ruleState} emptyTitle="Правил нет" rowProps={(r) => ({ 'data-id': r.id })} />
      </section>
      <ImportExport model={model} />
    </main>
  );
}
