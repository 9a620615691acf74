import { inScope, type Scope } from '../domain/access';
import { pageComments, rateOfficialPages, type OfficialPageRating, type OfficialPageRef, type PageDocument } from '../domain/official-pages-rating';
import type { Organisation } from '../domain/organisation';
import type { Sector } from '../domain/sector';
import type { Source } from '../domain/source';
import type { ProductionCalendar } from '../domain/working-time';
import { NotFoundError } from '../lib/errors';
import type { PageDocumentRow } from '../repositories/posts.repository';

export interface OfficialPagesDeps {
  organisations: { list(): Promise<Organisation[]> };
  sources: { list(): Promise<Source[]> };
  posts: { ofSourcesSince(sourceIds: readonly string[], from: string): Promise<PageDocumentRow[]> };
  calendar: ProductionCalendar;
}

export interface Period {
  from: string;
  to: string;
}

export type CommentFigure = 'answered' | 'unanswered' | 'formal';

export interface PageCommentView {
  id: string;
  url: string;
  publishedAt: string;
  text: string;
  answer: { id: string; url: string; publishedAt: string; text: string; formal: boolean; reasons: string[]; workingHours: number | null; hours: number | null } | null;
}

/**
 * The official pages of the directory's organisations: an organisation's `officialSourceIds`, and
 * registry sources marked `official` whose organisation is an organisation's id or exact name.
 * A page's title is its registry title, else the name its own posts carry, else its id.
 */
function officialPages(orgs: readonly Organisation[], sources: readonly Source[]): (OfficialPageRef & { titled: boolean })[] {
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const byName = new Map(orgs.map((o) => [o.name.trim().toLowerCase(), o]));
  const titles = new Map(sources.map((s) => [s.id, s.title]));
  const refs: (OfficialPageRef & { titled: boolean })[] = [];
  const add = (o: Organisation, sourceId: string) => refs.push({ organisationId: o.id, organisationName: o.name, sourceId, title: titles.get(sourceId) ?? sourceId, titled: titles.has(sourceId) });
  for (const o of orgs) for (const sid of o.officialSourceIds) add(o, sid.trim());
  for (const s of sources) {
    const tag = s.official?.organisation.trim();
    if (!tag) continue;
    const o = byId.get(tag) ?? byName.get(tag.toLowerCase());
    if (o) add(o, s.id);
  }
  return refs;
}

/** Rating of official pages (issue 11 point 9), and the comments behind each figure. */
export function createOfficialPagesService(deps: OfficialPagesDeps) {
  const load = async (period: Period) => {
    const [orgs, sources] = await Promise.all([deps.organisations.list(), deps.sources.list()]);
    const pages = officialPages(orgs, sources);
    const rows = await deps.posts.ofSourcesSince([...new Set(pages.map((p) => p.sourceId))], period.from);
    return { pages, rows };
  };
  const toDoc = (r: PageDocumentRow): PageDocument => ({
    id: r.id,
    kind: r.kind,
    source_id: r.source_id,
    published_at: r.published_at,
    text: r.text,
    ...(r.parent_id ? { parent_id: r.parent_id } : {}),
    ...(r.from_page !== undefined ? { from_page: r.from_page } : {}),
    ...(r.reply_to ? { reply_to: r.reply_to } : {}),
  });

  return {
    async rate(period: Period & { minVolume: number }): Promise<OfficialPageRating[]> {
      const { pages, rows } = await load(period);
      // A page missing from the registry is titled with the name its own posts carry.
      const named = new Map<string, string>();
      for (const r of rows) if (r.kind === 'post' && r.from_page === true && r.author?.name && !named.has(r.source_id)) named.set(r.source_id, r.author.name);
      const refs = pages.map(({ titled, ...p }) => (titled ? p : { ...p, title: named.get(p.sourceId) ?? p.title }));
      return rateOfficialPages(refs, rows.map(toDoc), deps.calendar, period);
    },

    /**
     * The resident comments of one official page behind a figure, with the page's answer. Only
     * comments in the caller's scope are shown; `hidden` counts the others.
     */
    async comments(q: Period & { organisationId: string; sourceId: string; figure: CommentFigure }, scope: Scope): Promise<{ items: PageCommentView[]; hidden: number }> {
      const { pages, rows } = await load(q);
      if (!pages.some((p) => p.organisationId === q.organisationId && p.sourceId === q.sourceId)) throw new NotFoundError('official page');
      const own = rows.filter((r) => r.source_id === q.sourceId);
      const raw = new Map(own.map((r) => [r.id, r]));
      const { comments, replies } = pageComments(q.sourceId, own.map(toDoc), deps.calendar, q);
      const visible = (id: string) => {
        const r = raw.get(id);
        return r !== undefined && inScope(scope, { sector: r.sector as Sector, municipality: r.municipality });
      };
      const view = (id: string) => raw.get(id)!;
      let picked: PageCommentView[];
      if (q.figure === 'formal') {
        picked = replies
          .filter((r) => r.formal)
          .map((r) => {
            const c = comments.find((x) => x.answer?.id === r.id);
            const target = r.reply_to ? raw.get(r.reply_to) : undefined;
            // A formal reply is shown under the comment it answers (when stored), else on its own.
            const base = c?.comment ?? (target ? toDoc(target) : r);
            return {
              id: base.id,
              url: view(base.id).url,
              publishedAt: base.published_at,
              text: base.text,
              answer: { id: r.id, url: view(r.id).url, publishedAt: r.published_at, text: r.text, formal: true, reasons: r.reasons, workingHours: c?.workingHours ?? null, hours: c?.hours ?? null },
            };
          });
      } else {
        picked = comments
          .filter((c) => (q.figure === 'answered' ? c.answer !== null : c.answer === null))
          .map((c) => ({
            id: c.comment.id,
            url: view(c.comment.id).url,
            publishedAt: c.comment.published_at,
            text: c.comment.text,
            answer: c.answer ? { id: c.answer.id, url: view(c.answer.id).url, publishedAt: c.answer.published_at, text: c.answer.text, formal: c.answer.formal, reasons: c.answer.reasons, workingHours: c.workingHours, hours: c.hours } : null,
          }));
      }
      const items = picked.filter((p) => visible(p.id));
      return { items, hidden: picked.length - items.length };
    },
  };
}
export type OfficialPagesService = ReturnType<typeof createOfficialPagesService>;
