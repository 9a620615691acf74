/** An incident card. All user-provided text is rendered as text, never as markup. */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { IncidentCard } from '../../../src/contracts/feed';
import type { IncidentStatus } from '../../../src/domain/incident';
import { isNetwork, NETWORK_TITLES_RU } from '../../../src/domain/network';
import { isSector, SECTOR_TITLES_RU } from '../../../src/domain/sector';
import { ExternalLink } from '../../shared/components/link';
import { describeDue, formatAgo, formatClock, formatFull, parseTime } from '../../shared/time';

export interface Titles {
  sector(code: string): string;
  network(code: string): string;
}

/** Titles from /api/meta when it answered, the built-in Russian ones otherwise. */
export function makeTitles(meta?: { sectors?: { code: string; title: string }[]; networks?: { code: string; title: string }[] } | null): Titles {
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

const STATUS_RU: Record<IncidentStatus, string> = { new: 'Новый', taken: 'В работе', routed: 'Направлен', answered: 'Дан ответ', closed: 'Закрыт', reopened: 'Возобновлён', rejected: 'Отклонён', merged: 'Объединён' };
const STATUS_DONE_RU: Partial<Record<IncidentStatus, string>> = { answered: 'ответ дан', closed: 'инцидент закрыт' };
const KIND_RU: Record<IncidentCard['kind'], string> = { post: 'пост', comment: 'комментарий' };

/** Text longer than this gets the «Показать полностью» toggle even before layout is measured. */
const CLAMP_HINT_CHARS = 320;

/** Scores are 0..1; shown as whole percents. */
export function percent(score: number): string {
  if (!Number.isFinite(score)) return '—';
  return `${Math.round(Math.min(1, Math.max(0, score)) * 100)}%`;
}

/** A deadline only matters while nobody has answered. */
export function deadlineApplies(status: IncidentStatus): boolean {
  return status === 'new' || status === 'routed';
}

/** Is the incident past its answer deadline at `now`? */
export function isOverdue(card: IncidentCard, now: number): boolean {
  return deadlineApplies(card.status) && describeDue(parseTime(card.dueAt), now).state === 'overdue';
}

export function SectorChip({ code, title }: { code: string; title: string }) {
  return (
    <span class={`chip ${sectorClass(code)}`}>
      <span class="chip__dot" aria-hidden="true" />
      {title}
    </span>
  );
}

export function Card({ card, titles, now, live }: { card: IncidentCard; titles: Titles; now: number; live: boolean }) {
  const [flash, setFlash] = useState(live);
  const [expanded, setExpanded] = useState(false);
  const [fits, setFits] = useState(card.text.length <= CLAMP_HINT_CHARS && card.text.split('\n').length <= 4);
  const text = useRef<HTMLParagraphElement>(null);

  // After layout: hide the toggle when the clamped text actually fits.
  useLayoutEffect(() => {
    const t = text.current;
    if (t && !expanded) setFits(t.scrollHeight <= t.clientHeight + 1);
  }, [card.text]);

  const publishedTs = parseTime(card.publishedAt);
  const dueTs = parseTime(card.dueAt);
  const due = describeDue(dueTs, now);
  const applies = deadlineApplies(card.status);
  const overdue = applies && due.state === 'overdue';
  const textId = `incident-text-${card.id}`;

  return (
    <article
      class={`card ${sectorClass(card.sector)}${overdue ? ' is-overdue' : ''}${flash ? ' is-new' : ''}`}
      data-incident-id={card.id}
      data-sector={card.sector}
      data-status={card.status}
      aria-label={`${titles.sector(card.sector)}, ${card.municipalityName}`}
      onAnimationEnd={(ev) => {
        if (ev.animationName === 'card-flash') setFlash(false);
      }}
    >
      <div class="card__main">
        <div class="card__head">
          {card.urgent && (
            <span class="badge badge--urgent" title={card.urgencyReasons?.length ? `Признаки: ${card.urgencyReasons.join('; ')}` : 'Угроза жизни или здоровью'}>
              Срочно
            </span>
          )}
          <SectorChip code={card.sector} title={titles.sector(card.sector)} />
          {card.categoryTitle && (
            <span class="card__category" title={card.category ?? ''}>
              {card.categoryTitle}
            </span>
          )}
          {card.reason === 'misinformation' ? (
            <span class="badge badge--misinfo" title={card.misinformationReasons.length ? `Признаки: ${card.misinformationReasons.join('; ')}` : 'Оценка риска недостоверной информации'}>
              Риск недостоверной информации · {percent(card.misinformationScore)}
            </span>
          ) : (
            <span class="badge badge--complaint" title={`Уверенность классификатора: ${percent(card.complaintConfidence)}`}>
              Жалоба
            </span>
          )}
          <span class="card__place">{card.municipalityName || card.municipality || 'Регион'}</span>
          <span class="card__source">
            {titles.network(card.network)}
            <span class="card__kind">{KIND_RU[card.kind] ?? card.kind}</span>
          </span>
        </div>
        <p ref={text} id={textId} class={`card__text${expanded ? '' : ' is-clamped'}`}>
          {card.text}
        </p>
        <button type="button" class="card__more" aria-expanded={expanded} aria-controls={textId} hidden={fits && !expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Свернуть' : 'Показать полностью'}
        </button>
        <div class="card__foot">
          <span class="card__author">
            <span class="muted">Автор: </span>
            {card.author ? (
              <ExternalLink href={card.author.url} label={card.author.name || 'без имени'} class="card__author-name" />
            ) : (
              <span class="card__author-name is-hidden" title="Автор скрыт для вашей роли">
                скрыт
              </span>
            )}
          </span>
          <ExternalLink href={card.url} label="Открыть оригинал ↗" class="card__link" />
          <span class={`card__status status--${card.status}`}>{STATUS_RU[card.status] ?? card.status}</span>
        </div>
      </div>
      <div class="card__side">
        <div class="card__when">
          <time class="card__ago" dateTime={card.publishedAt} title={`Опубликовано ${formatFull(publishedTs)}`}>
            {formatAgo(publishedTs, now)}
          </time>
          <span class="card__published muted">{formatClock(publishedTs, now)}</span>
        </div>
        <div class="card__due" title={`Срок ответа: ${formatFull(dueTs)}`} data-state={applies ? due.state : 'done'}>
          <div class="card__due-head">
            <span class="card__due-label">Срок ответа</span>
            <span class="card__due-at">{due.at}</span>
          </div>
          <span class="card__due-value">{applies ? due.left : (STATUS_DONE_RU[card.status] ?? '')}</span>
        </div>
      </div>
    </article>
  );
}
