import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import { dateEnd, dateStart, type QueryNode } from '../domain/archive-query';
import type { IndexNames } from './indices';
import type { PostDoc } from './posts.repository';

type Q = estypes.QueryDslQueryContainer;

/** What the query language's words become: their stems, computed by the caller (Node stems Russian). */
export interface CompileContext {
  stemOf(word: string): string;
  stemsOf(phrase: string): string[];
  /** Incident ids per requested status (posts carry `incident_id`, incidents carry `status`). */
  incidentIdsByStatus: ReadonlyMap<string, readonly string[]>;
}

/** The caller's scope plus the request's own date bounds; always ANDed around the user's query. */
export interface ArchiveScope {
  sectors?: readonly string[];
  municipalities?: readonly string[];
  from?: string;
  to?: string;
}

export const FACET_FIELDS = {
  sector: { field: 'sector', size: 20 },
  category: { field: 'category', size: 60 },
  municipality: { field: 'municipality', size: 100 },
  network: { field: 'network', size: 10 },
  tone: { field: 'tone', size: 5 },
  urgent: { field: 'urgent', size: 2 },
  source: { field: 'source_id', size: 20 },
} as const;
export type FacetName = keyof typeof FACET_FIELDS;

/** Breakdown dimensions of analytics: each is a keyword field of the post. */
export const DIMENSION_FIELDS = { sector: 'sector', category: 'category', municipality: 'municipality', network: 'network', source: 'source_id', tone: 'tone' } as const;
export type Dimension = keyof typeof DIMENSION_FIELDS;

/** Turns a parsed query into an Elasticsearch query over original text and stems. */
export function compileQuery(node: QueryNode, ctx: CompileContext): Q {
  switch (node.type) {
    case 'term': {
      const word = node.text.toLowerCase();
      if (node.prefix) return { bool: { should: [{ prefix: { text: word } }, { prefix: { text_stems: word.slice(0, Math.max(3, word.length - 2)) } }], minimum_should_match: 1 } };
      return { bool: { should: [{ match: { text: { query: node.text } } }, { term: { text_stems: ctx.stemOf(node.text) } }], minimum_should_match: 1 } };
    }
    case 'phrase': {
      const stems = ctx.stemsOf(node.text);
      return { bool: { should: [{ match_phrase: { text: node.text } }, ...(stems.length > 0 ? [{ match_phrase: { text_stems: stems.join(' ') } }] : [])], minimum_should_match: 1 } };
    }
    case 'range':
      return { range: { published_at: { ...(node.from ? { gte: dateStart(node.from) } : {}), ...(node.to ? { lte: dateEnd(node.to) } : {}) } } };
    case 'and': {
      // Field filters and date ranges go to filter context: no scoring, and Elasticsearch caches them.
      const isFilter = (c: QueryNode) => c.type === 'field' || c.type === 'range';
      const must = node.children.filter((c) => !isFilter(c)).map((c) => compileQuery(c, ctx));
      const filter = node.children.filter(isFilter).map((c) => compileQuery(c, ctx));
      return { bool: { ...(must.length > 0 ? { must } : {}), ...(filter.length > 0 ? { filter } : {}) } };
    }
    case 'or':
      return { bool: { should: node.children.map((c) => compileQuery(c, ctx)), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [compileQuery(node.child, ctx)] } };
    case 'field':
      switch (node.field) {
        case 'sector':
        case 'category':
        case 'municipality':
        case 'network':
        case 'tone':
          return { term: { [node.field]: node.value } };
        case 'source':
          return { term: { source_id: node.value } };
        case 'urgent':
          return node.value === 'true' ? { term: { urgent: true } } : { bool: { must_not: [{ term: { urgent: true } }] } };
        case 'complaint':
          return { term: { complaint: node.value === 'true' } };
        case 'misinformation':
          return node.value === 'true' ? { range: { misinfo_score: { gte: MISINFO_SHARE_THRESHOLD } } } : { range: { misinfo_score: { lt: MISINFO_SHARE_THRESHOLD } } };
        case 'organisation':
          return { bool: { should: [{ term: { 'organisations.name': node.value } }, { match_phrase: { text: node.value } }], minimum_should_match: 1 } };
        case 'author':
          return { bool: { should: [{ term: { 'author.id': node.value } }, { match_phrase: { 'author.name': node.value } }], minimum_should_match: 1 } };
        case 'street':
          return { term: { 'address.street': node.value } };
        case 'status':
          return { terms: { incident_id: [...(ctx.incidentIdsByStatus.get(node.value) ?? [])] } };
      }
  }
}

/** Misinformation risk from which a post counts as likely misinformation in shares and filters. */
export const MISINFO_SHARE_THRESHOLD = 0.6;

export function scopedQuery(user: Q | null, scope: ArchiveScope): Q {
  const filter: Q[] = [];
  if (scope.sectors) filter.push({ terms: { sector: [...scope.sectors] } });
  if (scope.municipalities) filter.push({ terms: { municipality: [...scope.municipalities] } });
  if (scope.from || scope.to) filter.push({ range: { published_at: { ...(scope.from ? { gte: scope.from } : {}), ...(scope.to ? { lte: scope.to } : {}) } } });
  return { bool: { filter, ...(user ? { must: [user] } : {}) } };
}

export interface ArchivePage {
  total: number;
  hits: (PostDoc & { _sort: estypes.SortResults })[];
  pitId: string | null;
  facets?: Record<FacetName, { key: string; count: number }[]>;
}

export interface BreakdownRow {
  /** Bucket start (ISO) when the breakdown is over time. */
  t?: string;
  keys: Partial<Record<Dimension, string>>;
  count: number;
}

const PIT_KEEP_ALIVE = '5m';

function isMissingIndex(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404 || (err as { meta?: { statusCode?: number } }).meta?.statusCode === 404;
}

export function createArchiveRepository({ es, names }: { es: EsClient; names: IndexNames }) {
  return {
    /**
     * One page of results, newest first (or by relevance). The first page opens a point in time;
     * later pages pass its id and the last hit's sort values, so paging past 10,000 hits is cheap
     * and stable while new posts arrive.
     */
    async search(q: Q, opts: { size: number; sort: 'date' | 'relevance'; pitId?: string; after?: estypes.SortResults; facets: boolean }): Promise<ArchivePage> {
      let pitId = opts.pitId;
      if (!pitId) {
        try {
          pitId = (await es.openPointInTime({ index: names.posts, keep_alive: PIT_KEEP_ALIVE, ignore_unavailable: true })).id;
        } catch (err) {
          if (isMissingIndex(err)) return { total: 0, hits: [], pitId: null, ...(opts.facets ? { facets: emptyFacets() } : {}) };
          throw err;
        }
      }
      const sort: estypes.Sort = opts.sort === 'relevance' ? [{ _score: { order: 'desc' } }, { published_at: { order: 'desc' } }] : [{ published_at: { order: 'desc' } }];
      const res = await es.search<PostDoc>({
        pit: { id: pitId, keep_alive: PIT_KEEP_ALIVE },
        size: opts.size,
        query: q,
        sort,
        track_total_hits: true,
        ...(opts.after ? { search_after: opts.after } : {}),
        ...(opts.facets ? { aggs: Object.fromEntries(Object.entries(FACET_FIELDS).map(([k, v]) => [k, { terms: { field: v.field, size: v.size } }])) } : {}),
      });
      const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
      const hits = res.hits.hits.filter((h) => h._source).map((h) => ({ ...(h._source as PostDoc), _sort: h.sort ?? [] }));
      const out: ArchivePage = { total, hits, pitId: res.pit_id ?? pitId };
      if (opts.facets) {
        const aggs = (res.aggregations ?? {}) as Record<string, { buckets?: { key: string | number; key_as_string?: string; doc_count: number }[] }>;
        out.facets = Object.fromEntries(
          Object.keys(FACET_FIELDS).map((k) => [k, (aggs[k]?.buckets ?? []).map((b) => ({ key: b.key_as_string ?? String(b.key), count: b.doc_count }))]),
        ) as Record<FacetName, { key: string; count: number }[]>;
      }
      return out;
    },

    async closePit(pitId: string): Promise<void> {
      await es.closePointInTime({ id: pitId }, { ignore: [404] });
    },

    async count(q: Q): Promise<number> {
      const res = await es.count({ index: names.posts, query: q, ignore_unavailable: true, allow_no_indices: true });
      return res.count;
    },

    /** Walks every match newest-first-agnostic (shard order) under a point in time, one page at a time. */
    async scan(q: Q, onPage: (docs: PostDoc[]) => Promise<void>, opts: { pageSize: number; limit: number; fields?: string[] }): Promise<number> {
      let pitId: string;
      try {
        pitId = (await es.openPointInTime({ index: names.posts, keep_alive: '2m', ignore_unavailable: true })).id;
      } catch (err) {
        if (isMissingIndex(err)) return 0;
        throw err;
      }
      let seen = 0;
      try {
        let after: estypes.SortResults | undefined;
        while (seen < opts.limit) {
          const res = await es.search<PostDoc>({
            pit: { id: pitId, keep_alive: '2m' },
            size: Math.min(opts.pageSize, opts.limit - seen),
            query: q,
            sort: [{ published_at: 'desc' }, { _shard_doc: 'asc' }],
            track_total_hits: false,
            ...(opts.fields ? { _source: opts.fields } : {}),
            ...(after ? { search_after: after } : {}),
          });
          pitId = res.pit_id ?? pitId;
          const hits = res.hits.hits;
          if (hits.length === 0) break;
          seen += hits.length;
          await onPage(hits.map((h) => h._source as PostDoc));
          after = hits[hits.length - 1]?.sort;
          if (!after) break;
        }
      } finally {
        await es.closePointInTime({ id: pitId }, { ignore: [404] }).catch(() => undefined);
      }
      return seen;
    },

    /**
     * Counts per combination of `dims` (and per time bucket), with a composite aggregation paged
     * by `after_key` — core Elasticsearch, no multi_terms. Stops at `cap` rows and says so.
     */
    async breakdown(q: Q, dims: readonly Dimension[], interval: 'hour' | 'day' | 'week' | 'month' | null, cap: number, timeZone = 'UTC'): Promise<{ rows: BreakdownRow[]; capped: boolean; total: number }> {
      const sources: Record<string, estypes.AggregationsCompositeAggregationSource>[] = [];
      if (interval) sources.push({ t: { date_histogram: { field: 'published_at', calendar_interval: interval, time_zone: timeZone } } });
      for (const d of dims) sources.push({ [d]: { terms: { field: DIMENSION_FIELDS[d], missing_bucket: true } } });
      const rows: BreakdownRow[] = [];
      let after: Record<string, unknown> | undefined;
      let capped = false;
      let total = 0;
      for (;;) {
        let res;
        try {
          res = await es.search({
            index: names.posts,
            size: 0,
            query: q,
            track_total_hits: true,
            ignore_unavailable: true,
            allow_no_indices: true,
            aggs: { c: { composite: { size: Math.min(5000, cap - rows.length + 1), sources, ...(after ? { after: after as Record<string, estypes.FieldValue> } : {}) } } },
          });
        } catch (err) {
          if (isMissingIndex(err)) return { rows: [], capped: false, total: 0 };
          throw err;
        }
        if (!after) total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
        const c = (res.aggregations as { c?: { after_key?: Record<string, unknown>; buckets: { key: Record<string, string | number | null>; doc_count: number }[] } } | undefined)?.c;
        const buckets = c?.buckets ?? [];
        for (const b of buckets) {
          if (rows.length >= cap) {
            capped = true;
            break;
          }
          const keys: Partial<Record<Dimension, string>> = {};
          for (const d of dims) keys[d] = b.key[d] === null || b.key[d] === undefined ? '' : String(b.key[d]);
          rows.push({ ...(interval ? { t: new Date(Number(b.key.t)).toISOString() } : {}), keys, count: b.doc_count });
        }
        if (capped || !c?.after_key || buckets.length === 0) break;
        after = c.after_key;
      }
      return { rows, capped, total };
    },

    /** Runs an aggregation-only search; returns the raw aggregations (typed by the caller). */
    async aggregate<T>(q: Q, aggs: Record<string, estypes.AggregationsAggregationContainer>): Promise<{ total: number; aggs: T | null }> {
      try {
        const res = await es.search({ index: names.posts, size: 0, query: q, track_total_hits: true, ignore_unavailable: true, allow_no_indices: true, aggs });
        return { total: typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0), aggs: (res.aggregations ?? null) as T | null };
      } catch (err) {
        if (isMissingIndex(err)) return { total: 0, aggs: null };
        throw err;
      }
    },

    /** Incident ids with a status (capped): how a post filter by incident status is resolved. */
    async incidentIdsByStatus(status: string, scope: ArchiveScope, cap: number): Promise<{ ids: string[]; more: boolean }> {
      const filter: Q[] = [{ term: { status } }];
      if (scope.sectors) filter.push({ terms: { sector: [...scope.sectors] } });
      if (scope.municipalities) filter.push({ terms: { municipality: [...scope.municipalities] } });
      const res = await es.search<{ id: string }>({ index: names.incidents, size: cap, query: { bool: { filter } }, _source: ['id'], track_total_hits: cap + 1, ignore_unavailable: true, allow_no_indices: true });
      const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
      return { ids: res.hits.hits.map((h) => h._source?.id ?? h._id ?? '').filter(Boolean), more: total > cap };
    },

    async getPost(id: string, scope: ArchiveScope): Promise<PostDoc | null> {
      const res = await es.search<PostDoc>({ index: names.posts, size: 1, query: scopedQuery({ term: { id } }, scope), ignore_unavailable: true, allow_no_indices: true });
      return res.hits.hits[0]?._source ?? null;
    },
  };
}
export type ArchiveRepository = ReturnType<typeof createArchiveRepository>;

function emptyFacets(): Record<FacetName, { key: string; count: number }[]> {
  return Object.fromEntries(Object.keys(FACET_FIELDS).map((k) => [k, []])) as unknown as Record<FacetName, { key: string; count: number }[]>;
}

export interface IncidentStats {
  total: number;
  urgent: number;
  byReason: Record<string, number>;
  byStatus: Record<string, number>;
  misinformationByStatus: Record<string, number>;
  urgentList: { id: string; sector: string; category?: string; municipality: string; status: string; created_at: string }[];
}

/** Incident figures for reports: opened in [from, to] within the scope. */
export function createIncidentStatsRepository({ es, names }: { es: EsClient; names: IndexNames }) {
  return {
    async stats(scope: ArchiveScope, listSize: number): Promise<IncidentStats> {
      const filter: Q[] = [];
      if (scope.sectors) filter.push({ terms: { sector: [...scope.sectors] } });
      if (scope.municipalities) filter.push({ terms: { municipality: [...scope.municipalities] } });
      filter.push({ range: { created_at: { ...(scope.from ? { gte: scope.from } : {}), ...(scope.to ? { lte: scope.to } : {}) } } });
      const terms = (field: string) => ({ terms: { field, size: 20 } });
      const res = await es.search<IncidentStats['urgentList'][number]>({
        index: names.incidents,
        size: listSize,
        query: { bool: { filter } },
        post_filter: { term: { urgent: true } },
        sort: [{ created_at: { order: 'desc' } }],
        _source: ['id', 'sector', 'category', 'municipality', 'status', 'created_at'],
        track_total_hits: true,
        ignore_unavailable: true,
        allow_no_indices: true,
        aggs: {
          urgent: { filter: { term: { urgent: true } } },
          reason: terms('reason'),
          status: terms('status'),
          mis: { filter: { term: { reason: 'misinformation' } }, aggs: { status: terms('status') } },
          all: { value_count: { field: 'id' } },
        },
      });
      type Buckets = { buckets: { key: string; doc_count: number }[] };
      const a = res.aggregations as unknown as { urgent: { doc_count: number }; reason: Buckets; status: Buckets; mis: { status: Buckets }; all: { value: number } } | undefined;
      const toMap = (b?: Buckets) => Object.fromEntries((b?.buckets ?? []).map((x) => [x.key, x.doc_count]));
      return {
        total: a?.all.value ?? 0,
        urgent: a?.urgent.doc_count ?? 0,
        byReason: toMap(a?.reason),
        byStatus: toMap(a?.status),
        misinformationByStatus: toMap(a?.mis.status),
        urgentList: res.hits.hits.map((h) => h._source).filter((s): s is IncidentStats['urgentList'][number] => s !== undefined),
      };
    },
  };
}
export type IncidentStatsRepository = ReturnType<typeof createIncidentStatsRepository>;
