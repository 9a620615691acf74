/**
 * The official-pages rating (issue 11 point 9) as a pure function: regularity of the page's
 * posting, the share of residents' comments the page answered, the median time to the answer and
 * the share of formal answers, with the minimum volume and the drill-down ids.
 */
import { describe, expect, it } from 'vitest';
import { pageComments, rateOfficialPages, type PageDocument } from '../../src/domain/official-pages-rating';
import { incidentReason } from '../../src/domain/incident';
import { createProductionCalendar, type ProductionCalendarDoc } from '../../src/domain/working-time';
import { readConfigJson } from '../../src/services/deadlines.service';

const cal = createProductionCalendar(readConfigJson('production-calendar.ru.json') as ProductionCalendarDoc, { timeZone: 'Asia/Omsk', workday: { start: '09:00', end: '18:00', shortenedBy: 60 } });
const S = 'vk:wall-1';
const doc = (id: string, over: Partial<PageDocument>): PageDocument => ({ id: `vk:${id}`, kind: 'comment', source_id: S, published_at: '2026-03-02T04:00:00.000Z', text: 'текст', ...over });
const CONCRETE = 'Здравствуйте! Бригада выехала, подачу воды восстановят сегодня до 18:00, ответственный мастер Петров И. И., тел. 8 (3812) 00-00-00.';
const FORMAL = 'Ваше обращение принято к сведению и будет рассмотрено в установленном порядке.';

// Period: March 2026 (Mon 2 March 09:00 Omsk = 03:00Z).
const period = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-29T00:00:00.000Z' };
const docs: PageDocument[] = [
  doc('p1', { kind: 'post', from_page: true, published_at: '2026-03-02T03:00:00.000Z' }),
  doc('p2', { kind: 'post', from_page: true, published_at: '2026-03-03T03:00:00.000Z' }),
  doc('p3', { kind: 'post', from_page: true, published_at: '2026-03-20T03:00:00.000Z' }),
  // A resident's post on the page's wall is not the page posting: it is a message the page should
  // answer, here by a comment under it that names no comment (Wed 09:00 → 11:00 Omsk).
  doc('r-post', { kind: 'post', from_page: false, published_at: '2026-03-04T03:00:00.000Z' }),
  doc('a-r', { parent_id: 'vk:r-post', from_page: true, published_at: '2026-03-04T05:00:00.000Z', text: CONCRETE }),
  // The page's own comment under its own post answers nobody.
  doc('note', { parent_id: 'vk:p3', from_page: true, published_at: '2026-03-20T04:00:00.000Z', text: FORMAL }),
  // Outside the period: ignored.
  doc('p0', { kind: 'post', from_page: true, published_at: '2026-02-20T03:00:00.000Z' }),
  // c1 answered concretely after 2 working hours; c2 answered formally the next morning; c3 never.
  doc('c1', { parent_id: 'vk:p1', from_page: false, published_at: '2026-03-02T04:00:00.000Z' }),
  doc('a1', { parent_id: 'vk:p1', from_page: true, reply_to: 'vk:c1', published_at: '2026-03-02T06:00:00.000Z', text: CONCRETE }),
  doc('c2', { parent_id: 'vk:p1', from_page: false, published_at: '2026-03-02T11:00:00.000Z' }),
  doc('a2', { parent_id: 'vk:p1', from_page: true, reply_to: 'vk:c2', published_at: '2026-03-03T04:00:00.000Z', text: FORMAL }),
  doc('a2b', { parent_id: 'vk:p1', from_page: true, reply_to: 'vk:c2', published_at: '2026-03-04T04:00:00.000Z', text: CONCRETE }),
  doc('c3', { parent_id: 'vk:p2', published_at: '2026-03-03T05:00:00.000Z' }),
  // A page reply dated before the comment it names does not answer it (clock skew, bad data).
  doc('c4', { parent_id: 'vk:p2', from_page: false, published_at: '2026-03-10T05:00:00.000Z' }),
  doc('a4', { parent_id: 'vk:p2', from_page: true, reply_to: 'vk:c4', published_at: '2026-03-10T04:00:00.000Z', text: CONCRETE }),
  // Another source's documents do not count here.
  doc('x1', { source_id: 'vk:wall-2', from_page: false }),
];

describe('rateOfficialPages', () => {
  const pages = [
    { organisationId: 'org-a', organisationName: 'Орг А', sourceId: S, title: 'Страница А' },
    { organisationId: 'org-b', organisationName: 'Орг Б', sourceId: 'vk:wall-9', title: 'Пустая' },
  ];
  const [a, b] = rateOfficialPages(pages, docs, cal, { ...period, minVolume: 3 });

  it('counts the page posts and their regularity over the period', () => {
    expect(a).toMatchObject({ organisationId: 'org-a', sourceId: S, posts: 3, postsPerWeek: 0.75 });
    expect(a!.ids.posts).toEqual(['vk:p1', 'vk:p2', 'vk:p3']);
    // 3 active days of the 29 Omsk dates the UTC period touches (UTC+6); weeks 1 and 3 of 4 have posts; the longest gap is 3 → 20 March (17 days).
    expect(a!.activeDayShare).toBe(0.103);
    expect(a!.activeWeekShare).toBe(0.5);
    expect(a!.longestGapDays).toBe(17);
  });

  it('matches answers to comments, the median answer time in working and clock hours, and formal replies', () => {
    expect(a).toMatchObject({ residentMessages: 5, answered: 3, answeredShare: 0.6, pageReplies: 5, formalShare: 0.2, counted: true });
    expect(a!.ids).toMatchObject({ answered: ['vk:c1', 'vk:c2', 'vk:r-post'], unanswered: ['vk:c3', 'vk:c4'], formal: ['vk:a2'] });
    // c1: 2 working hours; c2 at 17:00 Omsk → 10:00 next day = 1 + 1 working hours; r-post 2; median 2.
    // Clock: 2 h, 17 h, 2 h → median 2; with c1 and c2 only it would be 9.5.
    expect(a!.medianAnswerWorkingHours).toBe(2);
    expect(a!.medianAnswerHours).toBe(2);
  });

  it('shows a page below the minimum volume without ranking it, and is deterministic', () => {
    expect(b).toMatchObject({ counted: false, posts: 0, residentMessages: 0, answeredShare: null, formalShare: null, longestGapDays: 28, activeDayShare: 0 });
    expect(rateOfficialPages([...pages].reverse(), [...docs].reverse(), cal, { ...period, minVolume: 3 })).toEqual([a, b]);
    expect(rateOfficialPages(pages, docs, cal, { ...period, minVolume: 6 })[0]!.counted).toBe(false);
  });

  it('lists the drill-down comments with the first answer and its verdict', () => {
    const { comments, replies } = pageComments(S, docs, cal, period);
    expect(comments.map((c) => [c.comment.id, c.answer?.id ?? null, c.answer?.formal ?? null])).toEqual([
      ['vk:c1', 'vk:a1', false],
      ['vk:c2', 'vk:a2', true],
      ['vk:c3', null, null],
      ['vk:r-post', 'vk:a-r', false],
      ['vk:c4', null, null],
    ]);
    expect(replies.find((r) => r.id === 'vk:a2')?.reasons.join(' ')).toMatch(/шаблонные фразы/);
  });
});

describe('a page answering residents is not a complaint', () => {
  const policy = { complaintThreshold: 0.5, misinformationThreshold: 0.6, responseMinutes: 240 };
  it('opens no complaint incident for a page reply, but still sends misinformation to the desk', () => {
    expect(incidentReason({ complaint: { value: true, confidence: 0.9 }, misinformation: { score: 0.1 }, pageReply: true }, policy)).toBeNull();
    expect(incidentReason({ complaint: { value: true, confidence: 0.9 }, misinformation: { score: 0.1 }, pageReply: false }, policy)).toBe('complaint');
    expect(incidentReason({ complaint: { value: false, confidence: 0.9 }, misinformation: { score: 0.9 }, pageReply: true }, policy)).toBe('misinformation');
  });
});

describe('on the demo region official pages (npm start)', () => {
  it('rates the pages the demo directory lists, with answered, unanswered and formal replies', async () => {
    const { loadDemoPosts, toIncomingPost } = await import('../../connectors/demo/demo.connector');
    const { readFileSync } = await import('node:fs');
    const now = new Date('2026-03-04T06:00:00.000Z');
    const docs: PageDocument[] = loadDemoPosts().map((line) => {
      const p = toIncomingPost(line, 0, now);
      return {
        id: `${p.network}:${p.externalId}`,
        kind: p.kind,
        source_id: p.sourceId,
        published_at: p.publishedAt,
        text: p.text,
        ...(p.parentExternalId ? { parent_id: `${p.network}:${p.parentExternalId}` } : {}),
        ...(p.fromPage !== undefined ? { from_page: p.fromPage } : {}),
        ...(p.replyToExternalId ? { reply_to: `${p.network}:${p.replyToExternalId}` } : {}),
      };
    });
    const csv = readFileSync(new URL('../../config/regions/omsk.organisations.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
    const pages = csv.flatMap((row) => {
      const c = row.split(';');
      return (c[10] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((sourceId) => ({ organisationId: c[0]!, organisationName: c[1]!, sourceId, title: sourceId }));
    });
    const rated = rateOfficialPages(pages, docs, cal, { from: '2026-03-01T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z', minVolume: 3 });
    expect(rated.length).toBe(16);
    const magnit = rated.find((r) => r.sourceId === 'vk:wall-170882345')!;
    expect(magnit.counted).toBe(true);
    expect(magnit.answered).toBeGreaterThan(0);
    expect(magnit.ids.unanswered.length).toBeGreaterThan(0);
    expect(rated.reduce((n, r) => n + r.ids.formal.length, 0)).toBeGreaterThan(0);
    expect(rated.reduce((n, r) => n + r.ids.unanswered.length, 0)).toBeGreaterThan(rated.reduce((n, r) => n + r.answered, 0));
    // The page's own posts are counted as its posting, residents' posts on its wall are not.
    expect(magnit.posts).toBe(docs.filter((d) => d.source_id === 'vk:wall-170882345' && d.kind === 'post' && d.from_page === true).length);
  });
});
