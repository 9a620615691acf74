/**
 * The technical administrator's sources page: the registry (add, edit, pause, resume, delete),
 * each source's connector health, and alerts (stopped, silent) highlighted.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { SourceHealthView } from '../../../src/contracts/sources';
import { by, createTableState, DataTable, type Column } from '../../shared/components/table';
import { BarChart } from '../../shared/components/bar-chart';
import { Field, FormError } from '../../shared/components/form';
import { plural } from '../../shared/plural';
import { formatAgo, formatDuration, parseTime } from '../../shared/time';
import { createSourcesModel, KIND_TITLES, KINDS, SETTING_FIELDS, type SettingField, type SourcesModel } from './model';

const ERROR_KIND_TITLES: Record<string, string> = {
  rate_limited: 'лимит запросов',
  flood: 'флуд-контроль',
  network: 'сеть',
  timeout: 'таймаут',
  http: 'HTTP',
  feed: 'формат ленты',
  parse: 'разбор страницы',
  auth: 'токен',
  config: 'настройка',
  quota: 'суточная квота',
  captcha: 'капча',
};

const hhmm = (ts: number): string =>
  new Date(ts).toLocaleTimeString('ru-RU', {
    hour: '2-digit',
    minute: '2-digit',
  });

function StatusBadge({ v }: { v: SourceHealthView }) {
  if (v.source.status === 'paused') return <span class="src-status src-status--paused">на паузе</span>;
  if (v.alert?.kind === 'stopped') return <span class="src-status src-status--stopped">остановлен</span>;
  if (v.alert?.kind === 'quota') return <span class="src-status src-status--silent">квота исчерпана</span>;
  if (v.alert?.kind === 'silent') return <span class="src-status src-status--silent">молчит</span>;
  return <span class="src-status src-status--ok">работает</span>;
}

/** The token's daily method budgets: used / limit, and what the day is planned to end with. */
function QuotaLines({ quota }: { quota: NonNullable<SourceHealthView['health']['quota']> }) {
  return (
    <ul class="src-quota" aria-label="Суточные квоты VK">
      {quota.methods.map((m) => (
        <li key={m.method} title={`План на сутки: ${m.planned} из ${m.limit}`} class={m.used >= m.limit ? 'src-quota--spent' : undefined}>
          {m.method}: {m.used} / {m.limit} (план {m.planned})
        </li>
      ))}
      {quota.stretch > 1 && <li class="muted">интервал опроса ×{quota.stretch}</li>}
    </ul>
  );
}

function columns(model: SourcesModel): Column<SourceHealthView>[] {
  const now = () => Date.now();
  const place = (code: string) => model.municipalities.value.get(code) ?? code;
  return [
    {
      id: 'title',
      title: 'Источник',
      fixed: true,
      sort: by((v) => v.source.title),
      cell: ({ source: s, alert }) => (
        <>
          <div class="src-title">{s.title}</div>
          <div class="src-id muted">{s.id}</div>
          {s.official && <div class="src-official">Госпаблик: {s.official.organisation}</div>}
          {alert && <div class="src-alert">{alert.reason}</div>}
        </>
      ),
    },
    {
      id: 'kind',
      title: 'Тип',
      sort: by((v) => KIND_TITLES[v.source.kind]),
      cell: (v) => KIND_TITLES[v.source.kind],
    },
    {
      id: 'municipality',
      title: 'Муниципалитет',
      sort: by((v) => place(v.source.municipality)),
      cell: (v) => place(v.source.municipality),
    },
    {
      id: 'state',
      title: 'Состояние',
      cell: (v) => {
        const wait = parseTime(v.health.waitUntil);
        return (
          <>
            <StatusBadge v={v} />
            {Number.isFinite(wait) && <div class="src-wait">ждём до {hhmm(wait)}</div>}
            {v.health.quota && <QuotaLines quota={v.health.quota} />}
          </>
        );
      },
    },
    {
      id: 'success',
      title: 'Последний успех',
      sort: by((v) => v.health.lastSuccessAt),
      cell: ({ health: h }) => (
        <span title={h.lastItemAt ? `Последнее сообщение: ${formatAgo(parseTime(h.lastItemAt), now())}` : ''}>
          {h.lastSuccessAt ? formatAgo(parseTime(h.lastSuccessAt), now()) : '—'}
        </span>
      ),
    },
    {
      id: 'lag',
      title: 'Задержка',
      sort: by((v) => v.health.lagMs),
      cell: (v) => (v.health.lagMs === null ? '—' : formatDuration(v.health.lagMs)),
    },
    {
      id: 'hour',
      title: 'За час',
      sort: by((v) => v.health.itemsLastHour),
      cell: (v) => <span title={`Всего: ${v.health.itemsTotal}`}>{String(v.health.itemsLastHour)}</span>,
    },
    {
      id: 'errors',
      title: 'Ошибки',
      cell: ({ health: h }) => {
        const errors = Object.entries(h.errorsByKind).sort(([, a], [, b]) => b - a);
        return (
          <div title={h.lastError ?? ''}>
            {errors.length === 0 ? (
              '—'
            ) : (
              <ul class="src-errors">
                {errors.map(([k, n]) => (
                  <li key={k}>
                    {ERROR_KIND_TITLES[k] ?? k}: {n}
                  </li>
                ))}
              </ul>
            )}
            {h.floodWaits > 0 && <div class="src-wait">ограничений: {h.floodWaits}</div>}
          </div>
        );
      },
    },
    {
      id: 'actions',
      title: '',
      fixed: true,
      class: 'src-actions',
      cell: ({ source: s }) => (
        <>
          <button type="button" class="btn btn--small" onClick={() => model.open(s)}>
            Изменить
          </button>
          {s.status === 'active' ? (
            <button type="button" class="btn btn--small" onClick={() => void model.setStatus(s, 'pause')}>
              Пауза
            </button>
          ) : (
            <button type="button" class="btn btn--small" onClick={() => void model.setStatus(s, 'resume')}>
              Возобновить
            </button>
          )}
          {s.kind === 'webhook' && (
            <button type="button" class="btn btn--small" onClick={() => void model.rotate(s)}>
              Новый секрет
            </button>
          )}
          <button type="button" class="btn btn--small src-danger" onClick={() => void model.remove(s)}>
            Удалить
          </button>
        </>
      ),
    },
  ];
}

function SettingInput({ model, f }: { model: SourcesModel; f: SettingField }) {
  const { form } = model;
  const v = form.values.value;
  const value = v.settings[f.name];
  const set = (x: string | boolean) => form.set('settings', { ...form.values.value.settings, [f.name]: x });
  const id = `f-setting-${f.name}`;
  if (f.type === 'checkbox')
    return (
      <label class="src-check">
        <input id={id} data-setting={f.name} type="checkbox" checked={value === true} onChange={(e) => set(e.currentTarget.checked)} /> {f.label}
      </label>
    );
  const errorKey = f.name === 'latitude' || f.name === 'longitude' ? 'settings.geo' : `settings.${f.name}`;
  return (
    <Field id={id} label={f.label} error={form.errors.value[errorKey]}>
      {f.type === 'select' ? (
        <select id={id} data-setting={f.name} value={String(value ?? '')} onChange={(e) => set(e.currentTarget.value)}>
          {f.options?.map(([code, title]) => (
            <option key={code} value={code}>
              {title}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          data-setting={f.name}
          type={f.type as 'text'}
          placeholder={f.placeholder}
          value={String(value ?? '')}
          onInput={(e) => set(e.currentTarget.value)}
          {...(f.attrs ?? {})}
        />
      )}
    </Field>
  );
}

function Editor({ model }: { model: SourcesModel }) {
  const { form } = model;
  const editing = model.editor.value?.source ?? null;
  const v = form.values.value;
  const title = useRef<HTMLInputElement>(null);
  useEffect(() => title.current?.focus(), [editing]);
  return (
    <section id="editor" class="src-editor">
      <form
        id="editor-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void model.save();
        }}
      >
        <h2 id="editor-title" class="src-editor__title">
          {editing ? `Изменить: ${editing.title}` : 'Новый источник'}
        </h2>
        <div class="src-grid">
          <Field id="f-kind" label="Тип источника" error={form.errors.value.kind}>
            <select id="f-kind" name="kind" disabled={editing !== null} value={v.kind} onChange={(e) => form.set('kind', e.currentTarget.value as typeof v.kind)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_TITLES[k]}
                </option>
              ))}
            </select>
          </Field>
          <Field id="f-title" label="Название" error={form.errors.value.title}>
            <input ref={title} id="f-title" name="title" type="text" maxLength={200} required value={v.title} onInput={(e) => form.set('title', e.currentTarget.value)} />
          </Field>
          <Field id="f-municipality" label="Муниципалитет" error={form.errors.value.municipality}>
            <select id="f-municipality" name="municipality" value={v.municipality} onChange={(e) => form.set('municipality', e.currentTarget.value)}>
              {[...model.municipalities.value].map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="f-poll" label="Интервал опроса, с (пусто — по умолчанию)" error={form.errors.value.pollIntervalSec}>
            <input
              id="f-poll"
              name="pollIntervalSec"
              type="number"
              min={30}
              max={86400}
              step={1}
              value={v.pollIntervalSec}
              onInput={(e) => form.set('pollIntervalSec', e.currentTarget.value)}
            />
          </Field>
        </div>

        <fieldset class="src-kind" data-kind={v.kind}>
          {SETTING_FIELDS[v.kind].map((f) => (
            <SettingInput key={`${v.kind}-${f.name}`} model={model} f={f} />
          ))}
          {form.errors.value.settings && <span class="field__error">{form.errors.value.settings}</span>}
        </fieldset>

        <label class="src-check">
          <input id="f-official" type="checkbox" checked={v.official} onChange={(e) => form.set('official', e.currentTarget.checked)} /> Официальная страница (госпаблик)
        </label>
        {v.official && (
          <Field id="f-org" label="Организация" error={form.errors.value.official}>
            <input id="f-org" type="text" maxLength={200} value={v.organisation} onInput={(e) => form.set('organisation', e.currentTarget.value)} />
          </Field>
        )}

        <FormError form={form} id="editor-message" />
        <div class="src-editor__actions">
          <button id="editor-save" class="btn btn--primary" type="submit" disabled={form.busy.value}>
            Сохранить
          </button>
          <button id="editor-cancel" class="btn btn--ghost" type="button" onClick={() => model.close()}>
            Отмена
          </button>
        </div>
      </form>
    </section>
  );
}

function SecretPanel({ model }: { model: SourcesModel }) {
  const s = model.secret.value;
  const copy = useRef<HTMLButtonElement>(null);
  if (!s) return null;
  return (
    <section id="secret-panel" class="src-secret" aria-live="polite">
      <h2 class="src-secret__title">Секрет отправителя — показывается один раз</h2>
      <p>Передайте его платформе обратной связи для подписи запросов (HMAC-SHA256). Сохранить его повторно будет невозможно; при утере создайте новый.</p>
      <p>
        <span class="muted">Отправитель:</span> <code id="secret-sender">{s.sender}</code>
      </p>
      <code id="secret-value" class="src-secret__value">
        {s.value}
      </code>
      <div class="src-secret__actions">
        <button
          ref={copy}
          id="secret-copy"
          class="btn btn--small"
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(s.value).then(
              () => copy.current && (copy.current.textContent = 'Скопировано'),
              () => copy.current && (copy.current.textContent = 'Не удалось — выделите и скопируйте вручную'),
            );
          }}
        >
          Скопировать
        </button>
        <button id="secret-close" class="btn btn--small btn--ghost" type="button" onClick={() => (model.secret.value = null)}>
          Я сохранил секрет, скрыть
        </button>
      </div>
    </section>
  );
}

/** Messages collected in the last hour, by kind of source. */
function KindChart({ model }: { model: SourcesModel }) {
  const rows = useMemo(() => {
    const byKind = new Map<string, number>();
    for (const v of model.views.value) byKind.set(KIND_TITLES[v.source.kind], (byKind.get(KIND_TITLES[v.source.kind]) ?? 0) + v.health.itemsLastHour);
    return [...byKind].sort((a, b) => b[1] - a[1]);
  }, [model.views.value]);
  if (rows.length === 0) return null;
  return <BarChart id="sources-chart" rows={rows} series="За час" horizontal label="Сообщений за последний час по типам источников" height={Math.max(120, rows.length * 34 + 48)} />;
}

export default function SourcesPage() {
  const model = useMemo(createSourcesModel, []);
  const cols = useMemo(() => columns(model), [model]);
  const table = useMemo(() => createTableState(cols, { pageSize: 100 }), [cols]);
  useEffect(() => model.start(), [model]);

  const total = model.views.value.length;
  const alerts = model.alerts.value;
  const message = model.actionError.value ?? model.stale.value;
  return (
    <div class="sources">
      <div class="toolbar src-toolbar">
        <span id="summary" class="stat" aria-live="polite">
          {model.loaded.value ? `Источников: ${total}, работают: ${model.active.value}` : ''}
        </span>
        {alerts > 0 && (
          <span id="alert-counter" class="stat stat--overdue">
            {plural(alerts, ['тревога', 'тревоги', 'тревог'])}
          </span>
        )}
        <label class="src-filter">
          Тип
          <select id="filter-kind" value={model.kindFilter.value} onChange={(e) => model.setFilter(e.currentTarget.value, model.statusFilter.value)}>
            <option value="">все</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_TITLES[k]}
              </option>
            ))}
          </select>
        </label>
        <label class="src-filter">
          Состояние
          <select id="filter-status" value={model.statusFilter.value} onChange={(e) => model.setFilter(model.kindFilter.value, e.currentTarget.value)}>
            <option value="">все</option>
            <option value="active">работают</option>
            <option value="paused">на паузе</option>
            <option value="alert">с тревогой</option>
          </select>
        </label>
        <span id="refreshed" class="muted">
          {model.refreshedAt.value ? `Обновлено ${model.refreshedAt.value.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}` : ''}
        </span>
        <button id="add" class="btn btn--primary" type="button" onClick={() => model.open(null)}>
          Добавить источник
        </button>
      </div>

      <main class="content">
        {message && (
          <div id="page-message" class="src-message" role="alert">
            {message}
          </div>
        )}
        <SecretPanel model={model} />
        <KindChart model={model} />
        {model.editor.value && <Editor model={model} />}
        <div class="src-table-wrap">
          {!model.loaded.value ? (
            <div class="boot" role="status">
              Загрузка…
            </div>
          ) : (
            <DataTable
              id="sources-table"
              class="src-table"
              columns={cols}
              rows={model.shown}
              rowKey={(v) => v.source.id}
              rowProps={(v) => ({
                class: v.alert ? `src-row src-row--${v.alert.kind}` : 'src-row',
                'data-id': v.source.id,
              })}
              state={table}
              columnChooser
              emptyTitle={model.loaded.value && total === 0 ? 'Источников пока нет' : 'Нет источников с такими условиями'}
              emptyHint={total === 0 ? 'Добавьте сообщества, каналы, ленты и отправителей обращений кнопкой «Добавить источник».' : undefined}
            />
          )}
        </div>
      </main>
    </div>
  );
}
