/**
 * The operator page (рабочее место дежурного): the live incident feed as a workplace — filters
 * in the URL, counters, card actions, timeline and comments, keyboard, urgent alerts.
 * The shell does login, session and the connection indicator; this page keeps the list.
 */
import { useSignalEffect } from '@preact/signals';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { feed, session, toasts } from '../../shared/context';
import { Card, sectorClass } from './card';
import { ActionBar, Panel } from './card-work';
import { KEY_HELP, keyCommand } from './keys';
import { createOperatorModel, MAX_CARDS, type OperatorModel } from './model';
import { availableActions } from './workflow';

const BASE_TITLE = 'Дозор — лента инцидентов';

function SectorFilter({ model }: { model: OperatorModel }) {
  const active = model.sector.value;
  const titles = model.titles.value;
  return (
    <div id="sector-filter" class="filters" role="group" aria-label="Направление">
      <button type="button" class={`chip chip--all filter${active === null ? ' is-active' : ''}`} aria-pressed={active === null} onClick={() => model.setSector(null)}>
        Все направления
      </button>
      {model.sectors.value.map((code) => (
        <button key={code} type="button" class={`chip ${sectorClass(code)} filter${active === code ? ' is-active' : ''}`} aria-pressed={active === code} data-sector={code} onClick={() => model.setSector(code)}>
          <span class="chip__dot" aria-hidden="true" />
          {titles.sector(code)}
        </button>
      ))}
    </div>
  );
}

const STATUS_FILTERS: [string, string][] = [
  ['', 'Все статусы'],
  ['open', 'Открытые'],
  ['new', 'Новые'],
  ['taken', 'В работе'],
  ['routed', 'Направлены'],
  ['answered', 'Дан ответ'],
  ['closed', 'Закрыты'],
];

function Filters({ model, search }: { model: OperatorModel; search: { current: HTMLInputElement | null } }) {
  const f = model.filters.value;
  const c = model.counters.value;
  return (
    <form id="filters" class="filters filters--work" role="search" onSubmit={(e) => (e.preventDefault(), model.setFilters({ q: search.current?.value.trim() ?? '' }))}>
      <input ref={search} id="filter-q" type="search" placeholder="Поиск по тексту  /" defaultValue={f.q} maxLength={200} aria-label="Поиск" />
      <select id="filter-status" aria-label="Статус" value={f.status} onChange={(e) => model.setFilters({ status: (e.currentTarget as HTMLSelectElement).value })}>
        {STATUS_FILTERS.map(([v, t]) => (
          <option key={v} value={v}>
            {t}
          </option>
        ))}
      </select>
      <select id="filter-reason" aria-label="Причина" value={f.reason} onChange={(e) => model.setFilters({ reason: (e.currentTarget as HTMLSelectElement).value as '' })}>
        <option value="">Жалобы и недостоверное</option>
        <option value="complaint">Жалобы</option>
        <option value="misinformation">Недостоверная информация</option>
      </select>
      <select id="filter-municipality" aria-label="Муниципалитет" value={f.municipality} onChange={(e) => model.setFilters({ municipality: (e.currentTarget as HTMLSelectElement).value })}>
        <option value="">Все муниципалитеты</option>
        {(model.meta.value?.municipalities ?? []).map((m) => (
          <option key={m.code} value={m.code}>
            {m.name}
          </option>
        ))}
      </select>
      <label class="check">
        <input id="filter-urgent" type="checkbox" checked={f.urgent === 'true'} onChange={(e) => model.setFilters({ urgent: (e.currentTarget as HTMLInputElement).checked ? 'true' : '' })} /> Срочные
      </label>
      <button id="filter-mine" type="button" class={`chip filter${f.mine ? ' is-active' : ''}`} aria-pressed={f.mine} onClick={() => model.setFilters({ mine: !f.mine })}>
        Мои{c ? ` · ${c.mine}` : ''}
      </button>
      <span id="counters" class="topbar__stats">
        <button type="button" class="stat" data-counter="new" onClick={() => model.setFilters({ status: 'new', mine: false })}>
          Новые: {c?.new ?? '…'}
        </button>
        <button type="button" class="stat" data-counter="mine" onClick={() => model.setFilters({ mine: true, status: 'open' })}>
          Мои: {c?.mine ?? '…'}
        </button>
        <button type="button" class="stat stat--overdue" data-counter="overdue" onClick={() => model.setFilters({ status: 'open' })}>
          Просрочены: {c?.overdue ?? '…'}
        </button>
      </span>
    </form>
  );
}

function Alerts({ model }: { model: OperatorModel }) {
  const a = model.alerts.value;
  return (
    <div class="alerts" role="group" aria-label="Оповещения о срочных">
      <label class="check">
        <input id="alert-sound" type="checkbox" checked={a.sound} onChange={(e) => model.setAlerts({ ...a, sound: (e.currentTarget as HTMLInputElement).checked })} /> Звук
      </label>
      <label class="check">
        <input id="alert-notify" type="checkbox" checked={a.notify} onChange={(e) => model.setAlerts({ ...a, notify: (e.currentTarget as HTMLInputElement).checked })} /> Уведомления
      </label>
    </div>
  );
}

function Help({ onClose }: { onClose: () => void }) {
  return (
    <div id="key-help" class="key-help" role="dialog" aria-label="Клавиши">
      <ul>
        {KEY_HELP.map(([k, t]) => (
          <li key={k}>
            <kbd>{k}</kbd> {t}
          </li>
        ))}
      </ul>
      <button type="button" class="btn btn--small" onClick={onClose}>
        Закрыть <kbd>Esc</kbd>
      </button>
    </div>
  );
}

export default function OperatorPage() {
  const model = useMemo(() => createOperatorModel({ feed, session, toasts }), []);
  useEffect(() => model.start(), [model]);
  const search = useRef<HTMLInputElement>(null);
  const [help, setHelp] = useState(false);

  // One keyboard handler for the page.
  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      const cmd = keyCommand(ev);
      if (!cmd) return;
      const entries = model.list.entries.peek();
      const at = entries.findIndex((e) => e.card.id === model.selected.peek());
      const card = at >= 0 ? entries[at]!.card : null;
      const allowed = card ? availableActions(card, session.user.peek()) : [];
      ev.preventDefault();
      if (cmd === 'next' || cmd === 'prev') {
        const next = entries[Math.max(0, Math.min(entries.length - 1, at + (cmd === 'next' ? 1 : -1)))];
        if (next) {
          model.selected.value = next.card.id;
          document.querySelector(`[data-incident-id="${CSS.escape(next.card.id)}"]`)?.scrollIntoView?.({ block: 'nearest' });
        }
      } else if (cmd === 'take' && card && allowed.includes('take')) void model.work.act(card, { action: 'take' }, 'Инцидент взят в работу');
      else if (cmd === 'close' && card && allowed.includes('close')) void model.work.act(card, { action: 'close' }, 'Инцидент закрыт');
      else if (cmd === 'comment' && card) model.open.value = { id: card.id, mode: 'details' };
      else if (cmd === 'search') search.current?.focus();
      else if (cmd === 'help') setHelp((h) => !h);
      else if (cmd === 'escape') {
        setHelp(false);
        model.open.value = null;
        (document.activeElement as HTMLElement | null)?.blur?.();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [model]);

  // «(3) Дозор — …» while new incidents wait above or in another tab.
  useSignalEffect(() => {
    const n = model.unseen.value;
    document.title = n > 0 ? `(${n}) ${BASE_TITLE}` : BASE_TITLE;
  });
  useEffect(() => {
    const seen = (): void => {
      if (window.scrollY < 80 && !document.hidden) model.clearUnseen();
    };
    window.addEventListener('scroll', seen, { passive: true });
    document.addEventListener('visibilitychange', seen);
    return () => {
      window.removeEventListener('scroll', seen);
      document.removeEventListener('visibilitychange', seen);
    };
  }, [model]);

  const entries = model.list.entries.value;
  const total = entries.length;
  const overdue = model.overdue.value;
  const region = model.meta.value?.region.name;
  const titles = model.titles.value;
  const now = model.now.value;
  const sector = model.sector.value;
  const error = model.listError.value;
  const unseen = model.unseen.value;
  const user = session.user.value;
  return (
    <div class="operator">
      <div class="toolbar">
        <span id="section-title" class="brand__section">
          {region ? `Лента инцидентов · ${region}` : 'Лента инцидентов'}
        </span>
        <div class="topbar__stats">
          <span id="counter" class="stat" aria-live="polite" title={total >= MAX_CARDS ? `Показаны последние ${MAX_CARDS}` : ''}>
            Инцидентов: {total}
          </span>
          {overdue > 0 && (
            <span id="overdue-counter" class="stat stat--overdue">
              Просрочено: {overdue}
            </span>
          )}
        </div>
        <SectorFilter model={model} />
        <Filters model={model} search={search} />
        <Alerts model={model} />
        <button type="button" class="btn btn--ghost btn--small" onClick={() => setHelp(!help)}>
          Клавиши <kbd>?</kbd>
        </button>
      </div>
      {help && <Help onClose={() => setHelp(false)} />}

      {unseen > 0 && window.scrollY >= 80 && (
        <button
          id="new-above"
          class="new-above"
          type="button"
          onClick={() => {
            window.scrollTo({ top: 0, behavior: 'smooth' });
            model.clearUnseen();
          }}
        >
          ↑ Новые инциденты: {unseen}
        </button>
      )}

      <main class="content">
        {model.list.loading.value && (
          <div id="list-status" class="list-status" data-kind="loading">
            <span>Загрузка…</span>
          </div>
        )}
        {error && (
          <div id="list-status" class="list-status" data-kind="error">
            <span>{error.text}</span>
            <button type="button" class="btn btn--small" onClick={() => void model.loadList()}>
              Повторить
            </button>
          </div>
        )}
        <section id="incident-list" class="list" aria-label="Инциденты">
          {entries.map((e) => {
            const open = model.open.value?.id === e.card.id ? model.open.value : null;
            return (
              <div key={e.card.id} class="card-slot" onClick={() => (model.selected.value = e.card.id)}>
                <Card card={e.card} titles={titles} now={now} live={e.live} selected={model.selected.value === e.card.id}>
                  <ActionBar card={e.card} actions={availableActions(e.card, user)} work={model.work} open={model.open.value} onOpen={(p) => (model.open.value = p)} />
                  {open && <Panel card={e.card} work={model.work} mode={open.mode} onClose={() => (model.open.value = null)} />}
                </Card>
              </div>
            );
          })}
        </section>
        {model.showEmpty.value && (
          <div id="empty" class="empty">
            <p id="empty-title" class="empty__title">
              {sector ? `По направлению «${titles.sector(sector)}» инцидентов нет` : 'Инцидентов пока нет'}
            </p>
            <p class="empty__hint">Новые инциденты появятся здесь автоматически, обновлять страницу не нужно.</p>
          </div>
        )}
      </main>
    </div>
  );
}

