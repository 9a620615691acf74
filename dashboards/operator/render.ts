/** Builds and refreshes incident cards. All user-provided text is set as text, never as markup. */
import type { IncidentCard } from '../../src/contracts/feed';
import type { IncidentStatus } from '../../src/domain/incident';
import { isNetwork, NETWORK_TITLES_RU } from '../../src/domain/network';
import { isSector, SECTOR_TITLES_RU } from '../../src/domain/sector';
import { el, externalLink } from './dom';
import { describeDue, formatAgo, formatClock, formatFull, parseTime } from './time';

export interface Titles {
  sector(code: string): string;
  network(code: string): string;
}

/** Titles from /api/meta when it answered, the built-in Russian ones otherwise. */
export function makeTitles(meta?: {
  sectors?: { code: string; title: string }[];
  networks?: { code: string; title: string }[];
}): Titles {
  const sectors = new Map((meta?.sectors ?? []).map((s) => [s.code, s.title]));
  const networks = new Map((meta?.networks ?? []).map((n) => [n.code, n.title]));
  return {
    sector: (code) => sectors.get(code) ?? (isSector(code) ? SECTOR_TITLES_RU[code] : code),
    network: (code) => networks.get(code) ?? (isNetwork(code) ? NETWORK_TITLES_RU[code] : code),
  };
}

/** CSS modifier for a sector's colour; unknown codes look like «Прочее». */
export function sectorClass(code: string): string {
  return `sector--${isSector(code) ? code : 'other'}`;
}

export function sectorChip(code: string, title: string, tag: 'span' | 'button' = 'span'): HTMLElement {
  return el(tag, { class: `chip ${sectorClass(code)}` }, el('span', { class: 'chip__dot', attrs: { 'aria-hidden': 'true' } }), title);
}

const STATUS_RU: Record<IncidentStatus, string> = {
  new: 'Новый',
  taken: 'В работе',
  routed: 'Направлен',
  answered: 'Дан ответ',
  closed: 'Закрыт',
  reopened: 'Возобновлён',
  rejected: 'Не инцидент',
  merged: 'Объединён',
};

const STATUS_DONE_RU: Partial<Record<IncidentStatus, string>> = { answered: 'ответ дан', closed: 'инцидент закрыт' };

const KIND_RU: Record<IncidentCard['kind'], string> = { post: 'пост', comment: 'комментарий' };

/** Scores are 0..1; shown as whole percents. */
export function percent(score: number): string {
  if (!Number.isFinite(score)) return '—';
  const p = Math.round(Math.min(1, Math.max(0, score)) * 100);
  return `${p}%`;
}

/** A deadline only matters while nobody has answered. */
function deadlineApplies(status: IncidentStatus): boolean {
  return status === 'new' || status === 'routed';
}

let textIds = 0;

/** Text longer than this gets the «Показать полностью» toggle even before layout is measured. */
const CLAMP_HINT_CHARS = 320;

export function renderCard(card: IncidentCard, titles: Titles, now: number): HTMLElement {
  const publishedTs = parseTime(card.publishedAt);
  const dueTs = parseTime(card.dueAt);

  const reason =
    card.reason === 'misinformation'
      ? el('span', {
          class: 'badge badge--misinfo',
          text: `Риск недостоверной информации · ${percent(card.misinformationScore)}`,
          title: card.misinformationReasons.length
            ? `Признаки: ${card.misinformationReasons.join('; ')}`
            : 'Оценка риска недостоверной информации',
        })
      : el('span', {
          class: 'badge badge--complaint',
          text: 'Жалоба',
          title: `Уверенность классификатора: ${percent(card.complaintConfidence)}`,
        });

  // Danger to life or health: flagged first, with the cues that fired as the tooltip.
  const urgent = card.urgent
    ? el('span', { class: 'badge badge--urgent', text: 'Срочно', title: card.urgencyReasons?.length ? `Признаки: ${card.urgencyReasons.join('; ')}` : 'Угроза жизни или здоровью' })
    : null;
  const category = card.categoryTitle ? el('span', { class: 'card__category', text: card.categoryTitle, title: card.category ?? '' }) : null;

  const head = el(
    'div',
    { class: 'card__head' },
    ...(urgent ? [urgent] : []),
    sectorChip(card.sector, titles.sector(card.sector)),
    ...(category ? [category] : []),
    reason,
    el('span', { class: 'card__place', text: card.municipalityName || card.municipality || 'Регион' }),
    el('span', { class: 'card__source' }, titles.network(card.network), el('span', { class: 'card__kind', text: KIND_RU[card.kind] ?? card.kind })),
  );

  const text = el('p', { class: 'card__text is-clamped', text: card.text });
  text.id = `incident-text-${++textIds}`;
  const more = el('button', {
    class: 'card__more',
    text: 'Показать полностью',
    attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': text.id },
  });
  more.hidden = card.text.length <= CLAMP_HINT_CHARS && card.text.split('\n').length <= 4;
  more.addEventListener('click', () => {
    const expanded = text.classList.toggle('is-clamped') === false;
    more.textContent = expanded ? 'Свернуть' : 'Показать полностью';
    more.setAttribute('aria-expanded', String(expanded));
  });

  const author = card.author
    ? externalLink(card.author.url, card.author.name || 'без имени', 'card__author-name')
    : el('span', { class: 'card__author-name is-hidden', text: 'скрыт', title: 'Автор скрыт для вашей роли' });

  const foot = el(
    'div',
    { class: 'card__foot' },
    el('span', { class: 'card__author' }, el('span', { class: 'muted', text: 'Автор: ' }), author),
    externalLink(card.url, 'Открыть оригинал ↗', 'card__link'),
  );

  const ago = el('time', { class: 'card__ago', attrs: { datetime: card.publishedAt } });
  const published = el('span', { class: 'card__published muted' });
  const due = el(
    'div',
    { class: 'card__due' },
    el('div', { class: 'card__due-head' }, el('span', { class: 'card__due-label', text: 'Срок ответа' }), el('span', { class: 'card__due-at' })),
    el('span', { class: 'card__due-value' }),
  );
  foot.append(el('span', { class: `card__status status--${card.status}`, text: STATUS_RU[card.status] ?? card.status }));

  const side = el('div', { class: 'card__side' }, el('div', { class: 'card__when' }, ago, published), due);
  const main = el('div', { class: 'card__main' }, head, text, more, foot);

  const article = el(
    'article',
    {
      class: `card ${sectorClass(card.sector)}`,
      dataset: { incidentId: card.id, sector: card.sector, published: String(publishedTs), due: String(dueTs), status: card.status },
      attrs: { 'aria-label': `${titles.sector(card.sector)}, ${card.municipalityName}` },
    },
    main,
    side,
  );
  updateCardTimes(article, now);
  return article;
}

/** After the card is in the document: hide the toggle when the clamped text actually fits. */
export function settleClamp(article: HTMLElement): void {
  const text = article.querySelector<HTMLElement>('.card__text');
  const more = article.querySelector<HTMLButtonElement>('.card__more');
  if (!text || !more || !text.classList.contains('is-clamped')) return;
  more.hidden = text.scrollHeight <= text.clientHeight + 1;
}

/** Refreshes «N минут назад» and the deadline. Returns true when the incident is overdue. */
export function updateCardTimes(article: HTMLElement, now: number): boolean {
  const publishedTs = Number(article.dataset.published);
  const dueTs = Number(article.dataset.due);
  const status = (article.dataset.status ?? 'new') as IncidentStatus;

  const ago = article.querySelector<HTMLElement>('.card__ago');
  if (ago) {
    ago.textContent = formatAgo(publishedTs, now);
    ago.title = `Опубликовано ${formatFull(publishedTs)}`;
  }
  const published = article.querySelector<HTMLElement>('.card__published');
  if (published) published.textContent = formatClock(publishedTs, now);

  const due = article.querySelector<HTMLElement>('.card__due');
  const at = article.querySelector<HTMLElement>('.card__due-at');
  const value = article.querySelector<HTMLElement>('.card__due-value');
  let overdue = false;
  if (due && at && value) {
    const info = describeDue(dueTs, now);
    const applies = deadlineApplies(status);
    overdue = applies && info.state === 'overdue';
    at.textContent = info.at;
    value.textContent = applies ? info.left : STATUS_DONE_RU[status] ?? '';
    due.title = `Срок ответа: ${formatFull(dueTs)}`;
    due.dataset.state = applies ? info.state : 'done';
  }
  article.classList.toggle('is-overdue', overdue);
  return overdue;
}

