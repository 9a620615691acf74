/**
 * The archive page (/archive/): the query language, facets, highlighted results, deep paging with
 * the server's cursor, a post with its incident and correction history, CSV/XLSX exports, saved
 * searches (optionally alerting on new matches) and the notifications they raise. Highlights are
 * the server's text segments rendered as text: nothing user-written becomes markup.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { PostCard } from '../../../src/contracts/archive-routes';
import { NETWORK_TITLES_RU } from '../../../src/domain/network';
import { SECTOR_TITLES_RU } from '../../../src/domain/sector';
import { confirm } from '../../shared/components/confirm';
import { ExternalLink } from '../../shared/components/link';
import { EmptyState } from '../../shared/components/states';
import { toasts } from '../../shared/context';
import { drillHref } from '../../shared/drill';
import { onLinkClick } from '../../shared/router';
import { errorText } from '../../shared/session';
import { createArchiveModel, exportHref, facetClause, filterFromForm, urlOf } from './model';

const FACET_TITLES: Record<string, string> = { sector: 'Направление', category: 'Категория', municipality: 'Муниципалитет', network: 'Сеть', tone: 'Тональность', urgent: 'Срочность', source: 'Источник' };
const STATUS_TITLES: Record<string, string> = { new: 'новый', routed: 'передан исполнителю', answered: 'дан ответ', closed: 'закрыт' };
const when = (iso: string) => new Date(iso).toLocaleString('ru-RU');

function meta(c: PostCard): string {
  const parts = [when(c.publishedAt), NETWORK_TITLES_RU[c.network] ?? c.network, `${SECTOR_TITLES_RU[c.sector] ?? c.sector}${c.category ? ` / ${c.category}` : ''}`, c.municipalityName];
  if (c.urgent) parts.push('срочно');
  if (c.author) parts.push(c.author.name);
  return parts.join(' · ');
}

function ResultText({ card }: { card: PostCard }) {
  if (card.highlight.length === 0) return <p class="result__text">{card.text.slice(0, 300)}</p>;
  return (
    <p class="result__text">
      {card.highlight.map((fragment, i) => (
        <span key={i} class="result__fragment">
          {fragment.map((s, j) => (s.hit ? <mark key={j}>{s.text}</mark> : s.text))}
        </span>
      ))}
    </p>
  );
}

export default function ArchivePage() {
  const model = useMemo(createArchiveModel, []);
  const form = useRef<HTMLFormElement>(null);
  const saveForm = useRef<HTMLFormElement>(null);

  useEffect(() => model.start(), [model]);
  useEffect(() => {
    void model.loadSaved();
    void model.loadNotifications();
  }, [model]);

  const f = model.filter.value;
  // The form shows what the URL holds.
  useEffect(() => {
    const el = form.current;
    if (!el) return;
    (el.elements.namedItem('q') as HTMLInputElement).value = f.q;
    (el.elements.namedItem('from') as HTMLInputElement).value = f.from.slice(0, 10);
    (el.elements.namedItem('to') as HTMLInputElement).value = f.to.slice(0, 10);
    (el.elements.namedItem('sort') as HTMLSelectElement).value = f.sort;
  }, [f]);

  const read = () => {
    const d = new FormData(form.current ?? undefined);
    return filterFromForm(String(d.get('q') ?? ''), String(d.get('from') ?? ''), String(d.get('to') ?? ''), String(d.get('sort') ?? ''));
  };

  const facetHref = (field: string, key: string): string => {
    const p = new URLSearchParams(urlOf({ ...f, q: `${f.q} ${facetClause(field, key)}`.trim() }));
    for (const [k, v] of [...p.entries()]) if (!v) p.delete(k);
    return `/archive/?${p.toString()}`;
  };

  const total = model.total.value;
  const detail = model.detail.value;
  return (
    <div class="archive-page">
      <div class="page-head">
        <h1 class="page__title">Архив</h1>
      </div>
      <form
        id="search"
        ref={form}
        class="archive-filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          model.apply(read());
        }}
      >
        <label class="field archive-filters__q">
          <span class="field__label">Запрос</span>
          <input id="q" name="q" type="search" autocomplete="off" spellcheck={false} maxLength={1000} placeholder='тепло OR отопление "нет воды" -учения sector:housing municipality:omsk date:2026-01-01..2026-01-31' />
        </label>
        <label class="field">
          <span class="field__label">С</span>
          <input id="from" name="from" type="date" />
        </label>
        <label class="field">
          <span class="field__label">По</span>
          <input id="to" name="to" type="date" />
        </label>
        <label class="field">
          <span class="field__label">Порядок</span>
          <select id="sort" name="sort">
            <option value="date">сначала новые</option>
            <option value="relevance">по релевантности</option>
          </select>
        </label>
        <div class="archive-filters__buttons">
          <button type="submit" class="btn btn--primary">
            Найти
          </button>
          <a id="export-csv" class="btn btn--ghost" href={exportHref(f, 'csv')} download>
            CSV
          </a>
          <a id="export-xlsx" class="btn btn--ghost" href={exportHref(f, 'xlsx')} download>
            XLSX
          </a>
        </div>
      </form>

      {model.error.value && (
        <p id="page-message" class="page-message" role="alert">
          {model.error.value}
        </p>
      )}

      <div class="archive-side-panels">
        <details id="saved" class="archive-panel">
          <summary>Сохранённые поиски ({model.saved.value.length})</summary>
          <ul id="saved-list" class="archive-list">
            {model.saved.value.map((s) => (
              <li key={s.id} data-id={s.id}>
                <a href={drillHref({ q: s.q })} onClick={onLinkClick}>
                  {s.name}
                </a>
                <span class="archive-muted">
                  {s.shared ? ' · для команды' : ''}
                  {s.alert ? ' · с оповещением' : ''}
                  {s.mine ? '' : ` · ${s.owner}`}
                </span>
                {s.mine && (
                  <button
                    type="button"
                    class="btn btn--small btn--ghost"
                    onClick={() =>
                      void confirm({ title: 'Удалить сохранённый поиск?', text: `«${s.name}» и его оповещения будут удалены.`, action: 'Удалить', danger: true }).then((ok) =>
                        ok
                          ? model.removeSaved(s.id).then(
                              () => toasts.success('Поиск удалён'),
                              (err: unknown) => toasts.error(errorText(err)),
                            )
                          : undefined,
                      )
                    }
                  >
                    Удалить
                  </button>
                )}
              </li>
            ))}
          </ul>
          <form
            id="save-search"
            ref={saveForm}
            class="archive-save"
            onSubmit={(e) => {
              e.preventDefault();
              const d = new FormData(saveForm.current ?? undefined);
              const name = String(d.get('name') ?? '').trim() || f.q.slice(0, 60);
              if (!name) return toasts.error('Введите название поиска');
              model.save({ name, alert: d.get('alert') === 'on', shared: d.get('shared') === 'on' }).then(
                () => {
                  saveForm.current?.reset();
                  toasts.success('Поиск сохранён');
                },
                (err: unknown) => toasts.error(errorText(err)),
              );
            }}
          >
            <label class="field">
              <span class="field__label">Сохранить текущий запрос как</span>
              <input id="save-name" name="name" type="text" maxLength={120} placeholder={f.q.slice(0, 60) || 'название'} />
            </label>
            <label>
              <input id="save-alert" name="alert" type="checkbox" /> оповещать о новых совпадениях
            </label>
            <label>
              <input id="save-shared" name="shared" type="checkbox" /> для команды
            </label>
            <button id="save" type="submit" class="btn btn--ghost">
              Сохранить поиск
            </button>
          </form>
        </details>
        <details id="notifications" class="archive-panel" onToggle={(e) => (e.currentTarget as HTMLDetailsElement).open && void model.markSeen()}>
          <summary id="bell">{model.unread.value > 0 ? `Уведомления: ${model.unread.value}` : 'Уведомления'}</summary>
          <ul id="bell-list" class="archive-list">
            {model.notifications.value.map((n) => (
              <li key={n.id}>
                <span class="archive-muted">{when(n.at)} </span>
                {n.drill ? (
                  <a href={drillHref(n.drill)} onClick={onLinkClick}>
                    {n.title}
                  </a>
                ) : (
                  <span>{n.title}</span>
                )}
              </li>
            ))}
          </ul>
          {model.notifications.value.length === 0 && <p class="archive-muted">Уведомлений нет</p>}
        </details>
      </div>

      <div class="archive">
        <aside id="facets" class="facets" aria-label="Фасеты">
          {Object.entries(model.facets.value)
            .filter(([, list]) => list.length > 0)
            .map(([name, list]) => (
              <section key={name} class="facet">
                <h3>{FACET_TITLES[name] ?? name}</h3>
                <ul>
                  {list.slice(0, 12).map((x) => (
                    <li key={x.key}>
                      <a href={facetHref(name, x.key)} onClick={onLinkClick}>
                        {x.label}
                      </a>
                      <span class="facet__count">{x.count}</span>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
        </aside>
        <section class="results">
          <p id="total" class="total" aria-live="polite">
            {total === null ? '' : `Найдено: ${total.toLocaleString('ru-RU')}`}
          </p>
          <ol id="results" class="result-list">
            {model.items.value.map((c) => (
              <li key={c.id} class={`result${detail?.post.id === c.id ? ' result--open' : ''}`} data-id={c.id} tabIndex={0} onClick={() => void model.open(c.id)} onKeyDown={(e) => e.key === 'Enter' && void model.open(c.id)}>
                <div class="result__meta">{meta(c)}</div>
                <ResultText card={c} />
              </li>
            ))}
          </ol>
          {total === 0 && <EmptyState id="archive-empty" title="Ничего не найдено" hint="Измените запрос или период." />}
          {model.next.value && (
            <button id="more" type="button" class="btn btn--ghost" disabled={model.loading.value} onClick={model.more}>
              Показать ещё
            </button>
          )}
        </section>
        {detail && (
          <aside id="detail" class="detail" aria-label="Публикация">
            <h2>Публикация</h2>
            <p class="detail__text">{detail.post.text}</p>
            <p>
              {detail.post.municipalityName} · {detail.categoryTitle ?? SECTOR_TITLES_RU[detail.post.sector] ?? detail.post.sector}
            </p>
            <ExternalLink href={detail.post.url} label="Открыть источник" class="detail__link" />
            <h3>Инцидент</h3>
            {detail.incident ? (
              <p class="detail__incident">
                {detail.incident.id}: статус «{STATUS_TITLES[detail.incident.status] ?? detail.incident.status}», открыт {when(detail.incident.createdAt)}
                {detail.incident.urgent ? ', срочный' : ''}
              </p>
            ) : (
              <p>Инцидента нет</p>
            )}
            <h3>История</h3>
            {detail.history.length > 0 ? (
              <ul class="detail__history">
                {detail.history.map((h, i) => (
                  <li key={i}>
                    {when(h.at)} {h.by}: {h.field} → {JSON.stringify(h.newValue)}
                  </li>
                ))}
              </ul>
            ) : (
              <p>Исправлений не было</p>
            )}
          </aside>
        )}
      </div>
    </div>
  );
}
