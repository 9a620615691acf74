/**
 * The official pages tab of `/ratings/` (issue 11 point 9): per organisation × official page, how
 * regularly it posts, the share of residents' comments it answered, the median time to the answer
 * and the share of formal answers; a page below the minimum of comments is shown without a place.
 * The answered / unanswered / formal figures open the comments with the page's answer.
 */
import { useMemo } from 'preact/hooks';
import type { OfficialPageRatingDto } from '../../../src/contracts/ratings';
import { createTableState, DataTable, type Column } from '../../shared/components/table';
import { formatFull, parseTime } from '../../shared/time';
import type { PageFigure, RatingsModel } from './model';

const PAGE_FIGURE_RU: Record<PageFigure, string> = { answered: 'Сообщения жителей с ответом страницы', unanswered: 'Сообщения жителей без ответа', formal: 'Формальные ответы страницы' };
const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
const hrs = (x: number | null): string => (x === null ? '—' : `${x} ч`);
const byNum = (f: (r: OfficialPageRatingDto) => number | null) => (a: OfficialPageRatingDto, b: OfficialPageRatingDto) => (f(a) ?? -1) - (f(b) ?? -1);

function columns(model: RatingsModel): Column<OfficialPageRatingDto>[] {
  const fig = (r: OfficialPageRatingDto, figure: PageFigure, text: string) => (
    <button type="button" class="link-button" data-page-figure={figure} data-source={r.sourceId} onClick={() => void model.openPage(r, figure)} disabled={r.ids[figure].length === 0}>
      {text}
    </button>
  );
  return [
    { id: 'org', title: 'Организация', fixed: true, cell: (r) => r.organisationName, sort: (a, b) => a.organisationName.localeCompare(b.organisationName, 'ru') },
    { id: 'page', title: 'Страница', fixed: true, cell: (r) => (r.counted ? r.title : `${r.title} (мало сообщений, вне рейтинга)`), sort: (a, b) => a.title.localeCompare(b.title, 'ru') },
    { id: 'posts', title: 'Публикаций', cell: (r) => String(r.posts), sort: byNum((r) => r.posts) },
    { id: 'perweek', title: 'В неделю', cell: (r) => String(r.postsPerWeek), sort: byNum((r) => r.postsPerWeek) },
    { id: 'days', title: 'Дней с публикациями', cell: (r) => pct(r.activeDayShare), sort: byNum((r) => r.activeDayShare) },
    { id: 'weeks', title: 'Недель с публикациями', cell: (r) => pct(r.activeWeekShare), sort: byNum((r) => r.activeWeekShare), hidden: true },
    { id: 'gap', title: 'Самый долгий перерыв', cell: (r) => `${r.longestGapDays} дн.`, sort: byNum((r) => r.longestGapDays) },
    { id: 'comments', title: 'Сообщений жителей', cell: (r) => String(r.residentMessages), sort: byNum((r) => r.residentMessages) },
    { id: 'answered', title: 'С ответом страницы', cell: (r) => fig(r, 'answered', `${pct(r.answeredShare)} (${r.answered})`), sort: byNum((r) => r.answeredShare) },
    { id: 'unanswered', title: 'Без ответа', cell: (r) => fig(r, 'unanswered', String(r.ids.unanswered.length)), sort: byNum((r) => r.ids.unanswered.length) },
    { id: 'median', title: 'Время ответа, медиана (рабочие часы)', cell: (r) => hrs(r.medianAnswerWorkingHours), sort: byNum((r) => r.medianAnswerWorkingHours) },
    { id: 'median-clock', title: 'Время ответа, медиана (часы)', cell: (r) => hrs(r.medianAnswerHours), sort: byNum((r) => r.medianAnswerHours), hidden: true },
    { id: 'formal', title: 'Формальные ответы', cell: (r) => fig(r, 'formal', `${pct(r.formalShare)} из ${r.pageReplies}`), sort: byNum((r) => r.formalShare) },
  ];
}

export function OfficialPagesTab({ model }: { model: RatingsModel }) {
  const cols = useMemo(() => columns(model), [model]);
  const table = useMemo(() => createTableState(cols), [cols]);
  const d = model.pages.value;
  const drill = model.pageDrill.value;
  return (
    <>
      {d && <p id="pages-min-note" class="muted">{`В рейтинге — страницы, у которых за период не меньше ${d.minVolume} сообщений жителей (комментариев и постов на стене); остальные показаны без места. Время ответа — в рабочих часах по производственному календарю региона.`}</p>}
      <DataTable
        id="pages-table"
        columns={cols}
        rows={d?.items ?? []}
        rowKey={(r) => `${r.organisationId}|${r.sourceId}`}
        rowProps={(r) => ({ 'data-org': r.organisationId, 'data-source': r.sourceId })}
        state={table}
        columnChooser
        emptyTitle="У организаций справочника нет официальных страниц (госпабликов)"
      />
      {drill && (
        <section id="pages-drill" aria-labelledby="h-pages-drill">
          <h2 id="h-pages-drill">{`${drill.page.title}: ${PAGE_FIGURE_RU[drill.figure]} — ${drill.page.ids[drill.figure].length}`}</h2>
          {!drill.data && <p class="muted">Загрузка…</p>}
          {drill.data && drill.data.hidden > 0 && <p class="muted">{`Вне вашей зоны ответственности: ${drill.data.hidden}`}</p>}
          {drill.data && (
            <ol class="page-comments">
              {drill.data.items.map((c) => (
                <li key={`${c.id}|${c.answer?.id ?? ''}`} data-comment={c.id}>
                  <p>
                    <a href={c.url} target="_blank" rel="noopener noreferrer">
                      {formatFull(parseTime(c.publishedAt))}
                    </a>{' '}
                    {c.text}
                  </p>
                  {c.answer ? (
                    <blockquote class={c.answer.formal ? 'page-answer page-answer--formal' : 'page-answer'} data-answer={c.answer.id}>
                      <p>
                        <strong>{c.answer.formal ? 'Ответ страницы (формальный)' : 'Ответ страницы'}</strong>
                        {c.answer.workingHours !== null ? ` через ${c.answer.workingHours} раб. ч (${c.answer.hours} ч)` : ''}: {c.answer.text}
                      </p>
                      {c.answer.reasons.length > 0 && <p class="muted">{c.answer.reasons.join('; ')}</p>}
                    </blockquote>
                  ) : (
                    <p class="muted">Страница не ответила.</p>
                  )}
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </>
  );
}
