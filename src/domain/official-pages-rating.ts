import { detectFormalAnswer } from './formal-answer';
import { localDate, workingMinutesBetween, type ProductionCalendar } from './working-time';
import { median, share } from './ratings';

/**
 * Rating of official pages (госпаблики, issue 11 point 9): for each organisation × official source
 * over a period, how regularly the page posts and how it answers residents under its posts. Pure
 * and deterministic: the same documents give the same figures; every figure names its posts.
 *
 * - A page post is a `post` document of the source not marked as a resident's (`from_page !==
 *   false`: connectors that cannot tell deliver only the page's own posts).
 * - A resident's message is a `comment` not written by the page (`from_page !== true`), or a
 *   resident's post on the page's wall (`post` with `from_page === false`).
 * - A page reply is the page's comment that names a comment (`reply_to`), or, naming none, sits
 *   under a resident's post or comment (`parent_id`: it answers that message).
 * - A message is answered by the earliest page reply to it published at or after it. Replies may
 *   come after the period ends.
 * - Answer time: working hours (the production calendar, as the organisation ratings) and clock hours.
 * - Formal answers: the «отписка» detector over the page's replies (its comments that answer a
 *   comment, `reply_to`) published in the period; a page comment answering nobody is not counted.
 */
export interface PageDocument {
  id: string;
  kind: 'post' | 'comment';
  source_id: string;
  published_at: string;
  parent_id?: string;
  from_page?: boolean;
  reply_to?: string;
  text: string;
}

/** One official page of one organisation (an organisation's `officialSourceIds`, a source's `official`). */
export interface OfficialPageRef {
  organisationId: string;
  organisationName: string;
  sourceId: string;
  title: string;
}

export interface OfficialPageRating {
  organisationId: string;
  organisationName: string;
  sourceId: string;
  title: string;
  /** Below the minimum volume of residents' messages the figures are shown but the page is not ranked. */
  counted: boolean;
  /** Regularity: the page's own posts in the period. */
  posts: number;
  postsPerWeek: number;
  /** Share of the period's days (region's local dates) with at least one post. */
  activeDayShare: number;
  /** Share of the period's 7-day spans (counted from `from`) with at least one post. */
  activeWeekShare: number;
  /** Longest stretch without a post, in days, the period's edges included. */
  longestGapDays: number;
  /** Residents' comments and their posts on the page's wall. */
  residentMessages: number;
  answered: number;
  answeredShare: number | null;
  /** Median time from a resident's comment to the page's answer (answered ones). */
  medianAnswerWorkingHours: number | null;
  medianAnswerHours: number | null;
  pageReplies: number;
  /** The page's replies to comments in the period, and the share the «отписка» detector flags. */
  formalShare: number | null;
  /** Drill-down: post ids behind each figure (answered/unanswered are residents' messages, formal are page replies). */
  ids: { posts: string[]; answered: string[]; unanswered: string[]; formal: string[] };
}

/** A resident comment with the page's answer, for the drill-down. */
export interface AnsweredComment {
  comment: PageDocument;
  answer: (PageDocument & { formal: boolean; reasons: string[] }) | null;
  workingHours: number | null;
  hours: number | null;
}

const DAY = 86_400_000;
const round2 = (x: number) => Math.round(x * 100) / 100;
const byTimeThenId = (a: PageDocument, b: PageDocument) => a.published_at.localeCompare(b.published_at) || a.id.localeCompare(b.id);

export interface OfficialPagesOptions {
  from: string;
  to: string;
  minVolume: number;
}

function inPeriod(d: PageDocument, fromMs: number, toMs: number): boolean {
  const t = Date.parse(d.published_at);
  return t >= fromMs && t < toMs;
}

/** The residents' messages on one page in the period, each with the page's answer (or none), and the page's replies. Sorted by time. */
export function pageComments(sourceId: string, docs: readonly PageDocument[], cal: ProductionCalendar, opts: Pick<OfficialPagesOptions, 'from' | 'to'>): { comments: AnsweredComment[]; replies: (PageDocument & { formal: boolean; reasons: string[] })[] } {
  const fromMs = Date.parse(opts.from);
  const toMs = Date.parse(opts.to);
  const own = docs.filter((d) => d.source_id === sourceId);
  const checked = new Map<string, { formal: boolean; reasons: string[] }>();
  const verdict = (d: PageDocument) => {
    let v = checked.get(d.id);
    if (!v) checked.set(d.id, (v = (({ formal, reasons }) => ({ formal, reasons }))(detectFormalAnswer(d.text))));
    return v;
  };
  const residentPosts = new Set(own.filter((d) => d.kind === 'post' && d.from_page === false).map((d) => d.id));
  const resident = new Set(own.filter((d) => (d.kind === 'comment' && d.from_page !== true) || residentPosts.has(d.id)).map((d) => d.id));
  const answers = (d: PageDocument): string | undefined => {
    if (d.kind !== 'comment' || d.from_page !== true) return undefined;
    return d.reply_to ?? (d.parent_id !== undefined && resident.has(d.parent_id) ? d.parent_id : undefined);
  };
  const repliesTo = new Map<string, PageDocument[]>();
  for (const d of own) {
    const target = answers(d);
    if (target === undefined) continue;
    const list = repliesTo.get(target) ?? [];
    list.push(d);
    repliesTo.set(target, list);
  }
  const comments = own
    .filter((d) => ((d.kind === 'comment' && d.from_page !== true) || residentPosts.has(d.id)) && inPeriod(d, fromMs, toMs))
    .sort(byTimeThenId)
    .map((c): AnsweredComment => {
      const answer = (repliesTo.get(c.id) ?? []).filter((r) => r.published_at >= c.published_at).sort(byTimeThenId)[0];
      if (!answer) return { comment: c, answer: null, workingHours: null, hours: null };
      const at = new Date(c.published_at);
      const by = new Date(answer.published_at);
      return {
        comment: c,
        answer: { ...answer, ...verdict(answer) },
        workingHours: round2(workingMinutesBetween(cal, at, by) / 60),
        hours: round2((by.getTime() - at.getTime()) / 3_600_000),
      };
    });
  const replies = own
    .filter((d) => answers(d) !== undefined && inPeriod(d, fromMs, toMs))
    .sort(byTimeThenId)
    .map((d) => ({ ...d, ...verdict(d) }));
  return { comments, replies };
}

/** Regularity of a page's posting in [from, to): per week, active days and weeks, longest gap. */
function regularity(times: readonly number[], cal: ProductionCalendar, fromMs: number, toMs: number) {
  const span = Math.max(toMs - fromMs, 1);
  const days = new Set<string>();
  for (let t = fromMs; t < toMs; t += DAY) days.add(localDate(cal, new Date(t)));
  days.add(localDate(cal, new Date(toMs - 1)));
  const postDays = new Set(times.map((t) => localDate(cal, new Date(t))));
  const weeks = Math.max(1, Math.ceil(span / (7 * DAY)));
  const postWeeks = new Set(times.map((t) => Math.floor((t - fromMs) / (7 * DAY))));
  let gap = 0;
  let prev = fromMs;
  for (const t of [...times].sort((a, b) => a - b)) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  gap = Math.max(gap, toMs - prev);
  return {
    postsPerWeek: round2(times.length / (span / (7 * DAY))),
    activeDayShare: share(postDays.size, days.size) ?? 0,
    activeWeekShare: share(postWeeks.size, weeks) ?? 0,
    longestGapDays: round2(gap / DAY),
  };
}

/**
 * Rates each official page over [from, to) from the raw post and comment documents of its
 * source (comments' answers may be published later; pass the documents up to now).
 */
export function rateOfficialPages(pages: readonly OfficialPageRef[], docs: readonly PageDocument[], cal: ProductionCalendar, opts: OfficialPagesOptions): OfficialPageRating[] {
  const fromMs = Date.parse(opts.from);
  const toMs = Date.parse(opts.to);
  const bySource = new Map<string, PageDocument[]>();
  for (const d of docs) {
    const list = bySource.get(d.source_id) ?? [];
    list.push(d);
    bySource.set(d.source_id, list);
  }
  const seen = new Set<string>();
  const out: OfficialPageRating[] = [];
  for (const page of pages) {
    const key = `${page.organisationId}\u0000${page.sourceId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const own = bySource.get(page.sourceId) ?? [];
    const posts = own.filter((d) => d.kind === 'post' && d.from_page !== false && inPeriod(d, fromMs, toMs)).sort(byTimeThenId);
    const { comments, replies } = pageComments(page.sourceId, own, cal, opts);
    const answered = comments.filter((c) => c.answer);
    const formal = replies.filter((r) => r.formal);
    out.push({
      ...page,
      counted: comments.length >= opts.minVolume,
      posts: posts.length,
      ...regularity(posts.map((p) => Date.parse(p.published_at)), cal, fromMs, toMs),
      residentMessages: comments.length,
      answered: answered.length,
      answeredShare: share(answered.length, comments.length),
      medianAnswerWorkingHours: answered.length ? round2(median(answered.map((c) => c.workingHours!))!) : null,
      medianAnswerHours: answered.length ? round2(median(answered.map((c) => c.hours!))!) : null,
      pageReplies: replies.length,
      formalShare: share(formal.length, replies.length),
      ids: {
        posts: posts.map((p) => p.id),
        answered: answered.map((c) => c.comment.id),
        unanswered: comments.filter((c) => !c.answer).map((c) => c.comment.id),
        formal: formal.map((r) => r.id),
      },
    });
  }
  // Ranked ones first (by share answered, then speed, then fewer formal answers); ties by ids.
  return out.sort(
    (a, b) =>
      Number(b.counted) - Number(a.counted) ||
      (b.answeredShare ?? -1) - (a.answeredShare ?? -1) ||
      (a.medianAnswerWorkingHours ?? Infinity) - (b.medianAnswerWorkingHours ?? Infinity) ||
      (a.formalShare ?? Infinity) - (b.formalShare ?? Infinity) ||
      a.organisationId.localeCompare(b.organisationId) ||
      a.sourceId.localeCompare(b.sourceId),
  );
}
