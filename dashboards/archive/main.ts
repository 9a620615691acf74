/**
 * Archive page (/archive/): the query language, facets, highlighted results, deep paging with the
 * server's cursor, a post with its incident and history, exports and saved searches. The query
 * and period live in the URL, so every drill-down from analytics is a link here.
 */
import { byId, el, externalLink } from '../operator/dom';
import { clearError, drillHref, link, requireSession, session, showError } from './common';

interface Segment {
  text: string;
  hit: boolean;
}
interface Card {
  id: string;
  network: string;
  text: string;
  url: string;
  highlight: Segment[][];
  author: { name: string } | null;
  publishedAt: string;
  sector: string;
  municipalityName: string;
  category: string | null;
  tone: string | null;
  urgent: boolean;
  incidentId: string | null;
}
interface Facet {
  key: string;
  label: string;
  count: number;
}
interface Page {
  total: number;
  items: Card[];
  next: string | null;
  facets?: Record<string, Facet[]>;
}

const FACET_TITLES: Record<string, string> = { sector: 'Направление', category: 'Категория', municipality: 'Муниципалитет', network: 'Сеть', tone: 'Тональность', urgent: 'Срочность', source: 'Источник' };
const FIELD_OF: Record<string, string> = { sector: 'sector', category: 'category', municipality: 'municipality', network: 'network', tone: 'tone', urgent: 'urgent', source: 'source' };

const qInput = byId<HTMLInputElement>('q');
const fromInput = byId<HTMLInputElement>('from');
const toInput = byId<HTMLInputElement>('to');
const sortInput = byId<HTMLSelectElement>('sort');
let next: string | null = null;
let inFlight: AbortController | null = null;

function isoFromDate(v: string, end: boolean): string | undefined {
  return v ? `${v}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : undefined;
}
function params(): URLSearchParams {
  const p = new URLSearchParams();
  if (qInput.value.trim()) p.set('q', qInput.value.trim());
  const from = isoFromDate(fromInput.value, false);
  const to = isoFromDate(toInput.value, true);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  return p;
}
function readUrl(): void {
  const u = new URLSearchParams(location.search);
  qInput.value = u.get('q') ?? '';
  fromInput.value = (u.get('from') ?? '').slice(0, 10);
  toInput.value = (u.get('to') ?? '').slice(0, 10);
}

function renderCard(c: Card): HTMLElement {
  const text = c.highlight.length > 0 ? el('p', { class: 'result__text' }, ...c.highlight.flatMap((frag) => frag.map((s) => (s.hit ? el('mark', { text: s.text }) : s.text)))) : el('p', { class: 'result__text', text: c.text.slice(0, 300) });
  const li = el(
    'li',
    { class: 'result', dataset: { id: c.id } },
    el('div', { class: 'result__meta', text: `${new Date(c.publishedAt).toLocaleString('ru-RU')} · ${c.network} · ${c.sector}${c.category ? ` / ${c.category}` : ''} · ${c.municipalityName}${c.urgent ? ' · срочно' : ''}${c.author ? ` · ${c.author.name}` : ''}` }),
    text,
  );
  li.addEventListener('click', () => void openPost(c.id));
  return li;
}

async function openPost(id: string): Promise<void> {
  const box = byId('detail');
  try {
    const d = await session.request<{ post: Card; categoryTitle: string | null; incident: { id: string; status: string; createdAt: string; dueAt: string } | null; history: { at: string; field: string; by: string; newValue: unknown }[] }>('GET', `/api/archive/posts/${encodeURIComponent(id)}`);
    box.hidden = false;
    box.replaceChildren(
      el('h2', { text: 'Публикация' }),
      el('p', { class: 'detail__text', text: d.post.text }),
      el('p', { text: `${d.post.municipalityName} · ${d.categoryTitle ?? d.post.sector}` }),
      externalLink(d.post.url, 'Открыть источник', 'detail__link'),
      el('h3', { text: 'Инцидент' }),
      d.incident ? el('p', { class: 'detail__incident', text: `${d.incident.id}: статус «${d.incident.status}», открыт ${new Date(d.incident.createdAt).toLocaleString('ru-RU')}` }) : el('p', { text: 'Инцидента нет' }),
      el('h3', { text: 'История' }),
      d.history.length > 0 ? el('ul', {}, ...d.history.map((h) => el('li', { text: `${new Date(h.at).toLocaleString('ru-RU')} ${h.by}: ${h.field} → ${JSON.stringify(h.newValue)}` }))) : el('p', { text: 'Исправлений не было' }),
    );
  } catch (err) {
    showError(err);
  }
}

function renderFacets(facets: Record<string, Facet[]>): void {
  const box = byId('facets');
  box.replaceChildren(
    ...Object.entries(facets)
      .filter(([, list]) => list.length > 0)
      .map(([name, list]) =>
        el(
          'section',
          { class: 'facet' },
          el('h3', { text: FACET_TITLES[name] ?? name }),
          el(
            'ul',
            {},
            ...list.slice(0, 12).map((f) => {
              const clause = `${FIELD_OF[name] ?? name}:${/^[\p{L}\p{N}_.\-/]+$/u.test(f.key) ? f.key : `"${f.key}"`}`;
              const q = `${qInput.value.trim()} ${clause}`.trim();
              const p = params();
              p.set('q', q);
              return el('li', {}, link(`/archive/?${p.toString()}`, f.label), el('span', { class: 'facet__count', text: String(f.count) }));
            }),
          ),
        ),
      ),
  );
}

async function search(append: boolean): Promise<void> {
  inFlight?.abort();
  inFlight = new AbortController();
  clearError();
  const p = params();
  p.set('size', '20');
  p.set('sort', sortInput.value);
  if (append && next) p.set('cursor', next);
  try {
    const page = await session.request<Page>('GET', `/api/archive/search?${p.toString()}`);
    next = page.next;
    const list = byId('results');
    if (!append) list.replaceChildren();
    list.append(...page.items.map(renderCard));
    if (page.facets) renderFacets(page.facets);
    if (!append) byId('total').textContent = `Найдено: ${page.total.toLocaleString('ru-RU')}`;
    byId('more').hidden = !next;
    const exp = params();
    byId<HTMLAnchorElement>('export-csv').href = `/api/archive/export?${exp.toString()}&format=csv`;
    byId<HTMLAnchorElement>('export-xlsx').href = `/api/archive/export?${exp.toString()}&format=xlsx`;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return;
    showError(err);
    if (!append) {
      byId('results').replaceChildren();
      byId('total').textContent = '';
    }
  }
}

async function loadSaved(): Promise<void> {
  const r = await session.request<{ items: { id: string; name: string; q: string; shared: boolean; alert: boolean; owner: string; mine: boolean }[] }>('GET', '/api/saved-searches');
  byId('saved-list').replaceChildren(
    ...r.items.map((s) => el('li', {}, link(drillHref({ q: s.q }), s.name), el('span', { class: 'saved__meta', text: `${s.shared ? ' · для команды' : ''}${s.alert ? ' · с оповещением' : ''}${s.mine ? '' : ` · ${s.owner}`}` }))),
  );
}

async function main(): Promise<void> {
  await requireSession();
  readUrl();
  byId('search').addEventListener('submit', (e) => {
    e.preventDefault();
    history.replaceState(null, '', `/archive/?${params().toString()}`);
    void search(false);
  });
  byId('more').addEventListener('click', () => void search(true));
  byId('save').addEventListener('click', () => {
    const name = prompt('Название поиска', qInput.value.slice(0, 60));
    if (!name) return;
    const alert = confirm('Оповещать о новых совпадениях?');
    void session
      .request('POST', '/api/saved-searches', { name, q: qInput.value.trim(), shared: false, alert })
      .then(loadSaved)
      .catch(showError);
  });
  await Promise.all([search(false), loadSaved().catch(() => undefined)]);
}

void main();
