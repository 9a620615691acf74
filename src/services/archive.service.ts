import type { Writable } from 'node:stream';
import type { estypes } from '@elastic/elasticsearch';
import { loadTaxonomy } from '../classifier/taxonomy';
import { can, type SessionUser } from '../domain/access';
import { parseQuery, positiveTexts, QuerySyntaxError, walk, type QueryNode } from '../domain/archive-query';
import { resolveCategory } from '../domain/taxonomy';
import { ValidationError } from '../lib/errors';
import { csvWriter, xlsxWriter, type Cell, type ExportFormat } from '../lib/tabular-export';
import { compileQuery, scopedQuery, type ArchiveRepository, type ArchiveScope, type FacetName } from '../repositories/archive.repository';
import type { AuditRepository } from '../repositories/audit.repository';
import type { CorrectionsRepository } from '../repositories/corrections.repository';
import type { IncidentDoc, IncidentsRepository } from '../repositories/incidents.repository';
import type { PostDoc } from '../repositories/posts.repository';
import type { AnalyzedText } from '../text/analyze';
import type { Gazetteer } from './gazetteer.service';
import { highlight, type PostCard } from './search.service';

/** The largest export; past it the caller narrows the query (nothing is written). */
export const EXPORT_ROW_LIMIT = 100_000;
/** Incidents one status filter may resolve to (posts are matched by incident id). */
const STATUS_IDS_CAP = 10_000;

export interface ArchiveRequest {
  q?: string;
  from?: string;
  to?: string;
}

export interface ArchiveSearchRequest extends ArchiveRequest {
  size: number;
  sort: 'date' | 'relevance';
  cursor?: string;
}

export interface Facet {
  key: string;
  label: string;
  count: number;
}

interface CursorToken {
  p: string;
  a: estypes.SortResults;
  s: 'date' | 'relevance';
  q: string;
}

function encodeCursor(c: CursorToken): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}
function decodeCursor(raw: string): CursorToken {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as CursorToken;
    if (typeof c.p !== 'string' || !Array.isArray(c.a) || (c.s !== 'date' && c.s !== 'relevance') || typeof c.q !== 'string') throw new Error('shape');
    return c;
  } catch {
    throw new ValidationError('Неверный курсор: начните поиск заново');
  }
}

/** The part of the region a user may count: their scope as sector and municipality lists. */
export function scopeOf(viewer: SessionUser): Pick<ArchiveScope, 'sectors' | 'municipalities'> {
  return {
    ...(viewer.scope.sectors === 'all' ? {} : { sectors: viewer.scope.sectors }),
    ...(viewer.scope.municipalities === 'all' ? {} : { municipalities: viewer.scope.municipalities }),
  };
}

export function createArchiveService(deps: {
  archive: ArchiveRepository;
  incidents: Pick<IncidentsRepository, 'getMany'>;
  corrections: Pick<CorrectionsRepository, 'listForPost'>;
  audit: Pick<AuditRepository, 'append'>;
  gazetteer: Gazetteer;
  analyze(text: string): AnalyzedText;
}) {
  const taxonomy = loadTaxonomy();
  const categoryCodes = new Set(Object.values(taxonomy.sectors).flatMap((cs) => cs.map((c) => c.code)));
  const stemOf = (word: string) => deps.analyze(word).stems[0] ?? word.toLowerCase();

  function parse(viewer: SessionUser, q: string | undefined): QueryNode | null {
    let tree: QueryNode | null;
    try {
      tree = parseQuery(q ?? '', { isMunicipality: (c) => deps.gazetteer.isKnown(c), isCategory: (c) => categoryCodes.has(c) });
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw new ValidationError(err.message, { position: err.position });
      throw err;
    }
    walk(tree, (n) => {
      if (n.type === 'field' && n.field === 'author' && !can(viewer.role, 'posts:author')) {
        throw new ValidationError(`Ошибка в запросе, позиция ${n.pos + 1}: поиск по автору недоступен для вашей роли`, { position: n.pos });
      }
    });
    return tree;
  }

  /** The user's query inside their scope, as Elasticsearch sees it. */
  async function build(viewer: SessionUser, req: ArchiveRequest): Promise<{ query: estypes.QueryDslQueryContainer; tree: QueryNode | null }> {
    if (req.from && req.to && req.from > req.to) throw new ValidationError('Начало периода позже его конца');
    const tree = parse(viewer, req.q);
    const scope: ArchiveScope = { ...scopeOf(viewer), ...(req.from ? { from: req.from } : {}), ...(req.to ? { to: req.to } : {}) };
    const statuses = new Set<string>();
    walk(tree, (n) => {
      if (n.type === 'field' && n.field === 'status') statuses.add(n.value);
    });
    const incidentIdsByStatus = new Map<string, string[]>();
    for (const s of statuses) {
      const { ids, more } = await deps.archive.incidentIdsByStatus(s, scope, STATUS_IDS_CAP);
      if (more) throw new ValidationError(`Статус «${s}» охватывает больше ${STATUS_IDS_CAP} инцидентов: сузьте период или добавьте фильтр`);
      incidentIdsByStatus.set(s, ids);
    }
    const compiled = tree ? compileQuery(tree, { stemOf, stemsOf: (p) => deps.analyze(p).stems, incidentIdsByStatus }) : null;
    return { query: scopedQuery(compiled, scope), tree };
  }

  function label(facet: FacetName, key: string): string {
    switch (facet) {
      case 'municipality':
        return deps.gazetteer.nameOf(key);
      case 'category':
        return resolveCategory(taxonomy, key.split('.')[0] as never, key).title;
      case 'urgent':
        return key === 'true' || key === '1' ? 'срочно' : 'не срочно';
      case 'sector':
      case 'network':
      case 'tone':
      case 'source':
        return key;
    }
  }

  function present(doc: PostDoc, viewer: SessionUser, stems: ReadonlySet<string>): PostCard {
    return {
      id: doc.id,
      network: doc.network,
      kind: doc.kind,
      url: doc.url,
      text: doc.text,
      highlight: highlight(doc.text, stems, stemOf),
      author: can(viewer.role, 'posts:author') ? { name: doc.author.name, ...(doc.author.url ? { url: doc.author.url } : {}) } : null,
      publishedAt: doc.published_at,
      sector: doc.sector,
      sectorConfidence: doc.sector_confidence,
      municipality: doc.municipality,
      municipalityName: deps.gazetteer.nameOf(doc.municipality),
      complaint: doc.complaint,
      misinformationScore: doc.misinfo_score,
      category: doc.category ?? null,
      tone: doc.tone ?? null,
      urgent: doc.urgent ?? false,
      urgencyReasons: doc.urgency_reasons ?? [],
      organisations: doc.organisations ?? [],
      address: doc.address ?? null,
      incidentId: doc.incident_id ?? null,
      modelVersion: doc.model_version,
    };
  }

  async function auditAuthors(viewer: SessionUser, ids: string[], via: string, ip?: string) {
    if (ids.length === 0) return;
    await deps.audit.append({ at: new Date().toISOString(), actorId: viewer.id, actorUsername: viewer.username, actorRole: viewer.role, action: 'post.author_view', outcome: 'success', ...(ip ? { ip } : {}), details: { via, postIds: ids } });
  }

  return {
    build,
    parse,

    /** One page of archive results with highlights; facets on the first page; a cursor for the next. */
    async search(viewer: SessionUser, req: ArchiveSearchRequest, ip?: string) {
      const cursor = req.cursor ? decodeCursor(req.cursor) : null;
      if (cursor && cursor.q !== (req.q ?? '')) throw new ValidationError('Курсор относится к другому запросу: начните поиск заново');
      const { query, tree } = await build(viewer, req);
      if (!cursor) {
        await deps.audit.append({ at: new Date().toISOString(), actorId: viewer.id, actorUsername: viewer.username, actorRole: viewer.role, action: 'post.search', outcome: 'success', ...(ip ? { ip } : {}), details: { q: req.q ?? null, from: req.from ?? null, to: req.to ?? null } });
      }
      const sort = cursor?.s ?? req.sort;
      let page;
      try {
        page = await deps.archive.search(query, { size: req.size, sort, facets: !cursor, ...(cursor ? { pitId: cursor.p, after: cursor.a } : {}) });
      } catch (err) {
        const status = (err as { meta?: { statusCode?: number } }).meta?.statusCode;
        if (cursor && (status === 404 || status === 400)) throw new ValidationError('Курсор устарел (прошло больше 5 минут): начните поиск заново');
        throw err;
      }
      const stems = new Set(positiveTexts(tree).flatMap((t) => deps.analyze(t).stems));
      const items = page.hits.map((h) => present(h, viewer, stems));
      await auditAuthors(viewer, items.filter((i) => i.author).map((i) => i.id), 'archive', ip);
      const last = page.hits[page.hits.length - 1];
      const next = page.pitId && last && page.hits.length === req.size ? encodeCursor({ p: page.pitId, a: last._sort, s: sort, q: req.q ?? '' }) : null;
      if (!next && page.pitId) await deps.archive.closePit(page.pitId);
      return {
        total: page.total,
        items,
        next,
        ...(page.facets
          ? { facets: Object.fromEntries(Object.entries(page.facets).map(([k, bs]) => [k, bs.map((b) => ({ key: b.key, label: label(k as FacetName, b.key), count: b.count }))])) as Record<FacetName, Facet[]> }
          : {}),
      };
    },

    /** A post with its incident and its history of corrections; out of scope is not found. */
    async post(viewer: SessionUser, id: string, ip?: string) {
      const doc = await deps.archive.getPost(id, scopeOf(viewer));
      if (!doc) return null;
      const card = present(doc, viewer, new Set());
      await auditAuthors(viewer, card.author ? [card.id] : [], 'archive.post', ip);
      const incident: IncidentDoc | undefined = doc.incident_id ? (await deps.incidents.getMany([doc.incident_id]))[0] : undefined;
      const history = await deps.corrections.listForPost(doc.id, 50);
      return {
        post: card,
        categoryTitle: doc.category ? resolveCategory(taxonomy, doc.sector, doc.category).title : null,
        incident: incident
          ? { id: incident.id, status: incident.status, reason: incident.reason, createdAt: incident.created_at, dueAt: incident.due_at, urgent: incident.urgent ?? false }
          : null,
        history: history.map((h) => ({ at: h.at, field: h.field, by: h.actorUsername, oldValue: h.oldValue, newValue: h.newValue })),
      };
    },

    /**
     * Streams every match as CSV or XLSX into `out`. Counts first: past the row limit nothing is
     * written and the caller gets a 400. Authors are masked unless the caller may see them;
     * every cell is neutralised against formula injection. Audited with the query and row count.
     */
    async exportPosts(viewer: SessionUser, req: ArchiveRequest & { format: ExportFormat; limit?: number }, open: () => Writable, ip?: string): Promise<number> {
      const limit = Math.min(req.limit ?? EXPORT_ROW_LIMIT, EXPORT_ROW_LIMIT);
      const { query } = await build(viewer, req);
      const total = await deps.archive.count(query);
      if (total > limit) throw new ValidationError(`Выгрузка ограничена ${limit.toLocaleString('ru-RU')} строками, а под запрос подходит ${total.toLocaleString('ru-RU')}: сузьте период или добавьте фильтр`);
      const showAuthor = can(viewer.role, 'posts:author');
      // Recorded before the first byte: an export cut short by the client is still on record.
      await deps.audit.append({ at: new Date().toISOString(), actorId: viewer.id, actorUsername: viewer.username, actorRole: viewer.role, action: 'export.posts', outcome: 'success', ...(ip ? { ip } : {}), details: { q: req.q ?? null, from: req.from ?? null, to: req.to ?? null, format: req.format, rows: total, authors: showAuthor } });
      const header = ['id', 'дата', 'сеть', 'тип', 'направление', 'категория', 'муниципалитет', 'тональность', 'срочно', 'жалоба', 'риск недостоверности', 'автор', 'текст', 'ссылка', 'инцидент'];
      const out = open();
      const w = req.format === 'xlsx' ? xlsxWriter(out, header, 'Архив') : csvWriter(out, header);
      const rows = await deps.archive.scan(
        query,
        async (docs) => {
          for (const d of docs) {
            const cells: Cell[] = [
              d.id,
              d.published_at,
              d.network,
              d.kind,
              d.sector,
              d.category ?? '',
              deps.gazetteer.nameOf(d.municipality),
              d.tone ?? '',
              d.urgent ?? false,
              d.complaint,
              Math.round(d.misinfo_score * 1000) / 1000,
              showAuthor ? d.author.name : '[скрыто]',
              d.text,
              d.url,
              d.incident_id ?? '',
            ];
            await w.row(cells);
          }
        },
        { pageSize: 2000, limit },
      );
      await w.end();
      return rows;
    },
  };
}
export type ArchiveService = ReturnType<typeof createArchiveService>;
