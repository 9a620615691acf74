/**
 * The operator page (рабочее место дежурного): the live incident feed with the sector filter.
 * The shell does login, session and the connection indicator; this page keeps the list.
 */
import { useSignalEffect } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { feed, session } from '../../shared/context';
import { Card, sectorClass } from './card';
import { createOperatorModel, MAX_CARDS, type OperatorModel } from './model';

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

export default function OperatorPage() {
  const model = useMemo(() => createOperatorModel({ feed, session }), []);
  useEffect(() => model.start(), [model]);

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
      </div>

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
          {entries.map((e) => (
            <Card key={e.card.id} card={e.card} titles={titles} now={now} live={e.live} />
          ))}
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

