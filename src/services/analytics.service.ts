import type { Writable } from 'node:stream';
import { existsSync, readFileSync } from 'node:fs';
import type { estypes } from '@elastic/elasticsearch';
import { loadTaxonomy } from '../classifier/taxonomy';
import type { SessionUser } from '../domain/access';
import { fieldClause, type QueryField } from '../domain/archive-query';
import { SECTORS, type Sector } from '../domain/sector';
import { NETWORKS } from '../domain/network';
import { DEFAULT_SPIKE_POLICY, judgeSpike, sameHourOfWeek, type SpikePolicy } from '../domain/spike';
import { resolveCategory } from '../domain/taxonomy';
import { ValidationError } from '../lib/errors';
import { csvWriter, xlsxWriter, type ExportFormat } from '../lib/tabular-export';
import { DIMENSION_FIELDS, MISINFO_SHARE_THRESHOLD, scopedQuery, type ArchiveRepository, type Dimension } from '../repositories/archive.repository';
import type { AuditRepository } from '../repositories/audit.repository';
import type { PostDoc } from '../repositories/posts.repository';
import type { ArchiveRequest, ArchiveService } from './archive.service';
import type { Gazetteer } from './gazetteer.service';

/** The most rows one breakdown may return; past it the caller narrows it (and is told so). */
export const BREAKDOWN_BUCKET_CAP = 10_000;
export type Interval = 'hour' | 'day' | 'week' | 'month';
const INTERVAL_MS: Record<Interval, number> = { hour: 3600_000, day: 86400_000, week: 7 * 86400_000, month: 28 * 86400_000 };
export const DIMENSIONS = Object.keys(DIMENSION_FIELDS) as Dimension[];

/** Where a number leads: the archive query (and period) of the posts behind it. */
export interface Drill {
  q: string;
  from?: string;
  to?: string;
}

const QUERY_FIELD_OF: Record<Dimension, QueryField> = { sector: 'sector', category: 'category', municipality: 'municipality', network: 'network', source: 'source', tone: 'tone' };

function andQuery(base: string | undefined, clauses: string[]): string {
  const b = base?.trim();
  return [b ? (clauses.length > 0 ? `(${b})` : b) : '', ...clauses].filter(Boolean).join(' ');
}

/** Tile positions of the municipalities (config/regions/<region>.tiles.json). */
export function loadTiles(regionCode: string): Record<string, [number, number]> {
  const file = new URL(`../../config/regions/${regionCode}.tiles.json`, import.meta.url);
  if (!existsSync(file)) return {};
  return (JSON.parse(readFileSync(file, 'utf8')) as { tiles: Record<string, [number, number]> }).tiles;
}

export function createAnalyticsService(deps: {
  archive: ArchiveRepository;
  archiveService: Pick<ArchiveService, 'build'>;
  audit: Pick<AuditRepository, 'append'>;
  gazetteer: Gazetteer;
  regionCode: string;
  /** Path of a GeoJSON FeatureCollection of municipality boundaries (feature property `code`). */
  geojsonPath?: string;
}) {
  const taxonomy = loadTaxonomy();
  const categoryCount = Object.values(taxonomy.sectors).reduce((n, cs) => n + cs.length, 0);
  const tiles = loadTiles(deps.regionCode);

  const cardinality: Record<Dimension, number> = {
    sector: SECTORS.length,
    network: NETWORKS.length,
    tone: 4,
    municipality: deps.gazetteer.list().length + 1,
    category: categoryCount + 1,
    source: 200,
  };

  function labelOf(d: Dimension, key: string): string {
    if (key === '') return '—';
    if (d === 'municipality') return deps.gazetteer.nameOf(key);
    if (d === 'category') return resolveCategory(taxonomy, key.split('.')[0] as Sector, key).title;
    return key;
  }

  function period(req: ArchiveRequest): { from: string; to: string } {
    const to = req.to ?? new Date().toISOString();
    const from = req.from ?? new Date(new Date(to).getTime() - 30 * 86400_000).toISOString();
    if (from > to) throw new ValidationError('Начало периода позже его конца');
    return { from, to };
  }

  return {
    /**
     * Counts in any breakdown of the dimensions, over time when `interval` is given. Refuses a
     * request whose worst case exceeds the bucket cap before asking Elasticsearch, and marks a
     * result it had to cut at the cap.
     */
    async breakdown(viewer: SessionUser, req: ArchiveRequest & { dims: Dimension[]; interval?: Interval }) {
      const dims = [...new Set(req.dims)];
      const p = period(req);
      const timeBuckets = req.interval ? Math.ceil((new Date(p.to).getTime() - new Date(p.from).getTime()) / INTERVAL_MS[req.interval]) + 1 : 1;
      const worst = dims.reduce((n, d) => n * cardinality[d], timeBuckets);
      if (worst > BREAKDOWN_BUCKET_CAP * 10) {
        throw new ValidationError(`Слишком подробная разбивка: до ${worst.toLocaleString('ru-RU')} групп при пределе ${BREAKDOWN_BUCKET_CAP.toLocaleString('ru-RU')}. Уберите измерение, возьмите интервал крупнее или период короче`);
      }
      const { query } = await deps.archiveService.build(viewer, { ...req, ...p });
      const res = await deps.archive.breakdown(query, dims, req.interval ?? null, BREAKDOWN_BUCKET_CAP);
      const rows = res.rows.map((r) => {
        const clauses = dims.filter((d) => r.keys[d]).map((d) => fieldClause(QUERY_FIELD_OF[d], r.keys[d] as string));
        const bucketTo = r.t && req.interval ? new Date(Math.min(new Date(r.t).getTime() + INTERVAL_MS[req.interval] - 1, new Date(p.to).getTime())) : null;
        const drill: Drill = { q: andQuery(req.q, clauses), from: r.t && r.t > p.from ? r.t : p.from, to: bucketTo ? bucketTo.toISOString() : p.to };
        return { ...(r.t ? { t: r.t } : {}), keys: r.keys, labels: Object.fromEntries(dims.map((d) => [d, labelOf(d, r.keys[d] ?? '')])), count: r.count, drill };
      });
      return {
        dims,
        interval: req.interval ?? null,
        from: p.from,
        to: p.to,
        total: res.total,
        rows,
        capped: res.capped,
        ...(res.capped ? { message: `Показаны первые ${BREAKDOWN_BUCKET_CAP.toLocaleString('ru-RU')} групп: уточните запрос, чтобы увидеть остальные` } : {}),
      };
    },

    /** The categories with most posts in the period, with the change against the period before. */
    async topProblems(viewer: SessionUser, req: ArchiveRequest & { limit: number }) {
      const p = period(req);
      const span = new Date(p.to).getTime() - new Date(p.from).getTime();
      const prev = { from: new Date(new Date(p.from).getTime() - span).toISOString(), to: p.from };
      const aggs = { cat: { terms: { field: 'category', size: req.limit }, aggs: { m: { terms: { field: 'municipality', size: 3 } }, urgent: { filter: { term: { urgent: true } } } } } };
      type A = { cat: { buckets: { key: string; doc_count: number; m: { buckets: { key: string; doc_count: number }[] }; urgent: { doc_count: number } }[] } };
      const now = await deps.archive.aggregate<A>((await deps.archiveService.build(viewer, { ...req, ...p })).query, aggs);
      const before = await deps.archive.aggregate<{ cat: { buckets: { key: string; doc_count: number }[] } }>(
        (await deps.archiveService.build(viewer, { ...req, ...prev })).query,
        { cat: { terms: { field: 'category', include: (now.aggs?.cat.buckets ?? []).map((b) => b.key) } } } as Record<string, estypes.AggregationsAggregationContainer>,
      );
      const prevCount = new Map((before.aggs?.cat.buckets ?? []).map((b) => [b.key, b.doc_count]));
      return {
        from: p.from,
        to: p.to,
        total: now.total,
        items: (now.aggs?.cat.buckets ?? []).map((b) => ({
          category: b.key,
          title: labelOf('category', b.key),
          sector: b.key.split('.')[0] ?? '',
          count: b.doc_count,
          previous: prevCount.get(b.key) ?? 0,
          urgent: b.urgent.doc_count,
          municipalities: b.m.buckets.map((m) => ({ code: m.key, name: labelOf('municipality', m.key), count: m.doc_count, drill: { q: andQuery(req.q, [fieldClause('category', b.key), fieldClause('municipality', m.key)]), ...p } })),
          drill: { q: andQuery(req.q, [fieldClause('category', b.key)]), ...p },
        })),
      };
    },

    /** The same category at the same address again and again (at least `minRepeats` posts). */
    async recurring(viewer: SessionUser, req: ArchiveRequest & { minRepeats: number; limit: number }) {
      const p = period(req);
      const { query } = await deps.archiveService.build(viewer, { ...req, ...p });
      const min = req.minRepeats;
      type B<T> = { buckets: ({ key: string; doc_count: number } & T)[] };
      const res = await deps.archive.aggregate<{ s: B<{ c: B<{ m: B<object>; h: B<object>; first: { value_as_string?: string }; last: { value_as_string?: string } }> }> }>(query, {
        s: {
          terms: { field: 'address.street', size: 200, min_doc_count: min },
          aggs: {
            c: {
              terms: { field: 'category', size: 10, min_doc_count: min },
              aggs: { m: { terms: { field: 'municipality', size: 1 } }, h: { terms: { field: 'address.house', size: 3 } }, first: { min: { field: 'published_at' } }, last: { max: { field: 'published_at' } } },
            },
          },
        },
      });
      const items = (res.aggs?.s.buckets ?? []).flatMap((s) =>
        s.c.buckets.map((c) => ({
          street: s.key,
          houses: c.h.buckets.map((h) => h.key),
          category: c.key,
          title: labelOf('category', c.key),
          municipality: c.m.buckets[0]?.key ?? '',
          municipalityName: labelOf('municipality', c.m.buckets[0]?.key ?? ''),
          count: c.doc_count,
          firstAt: c.first.value_as_string ?? null,
          lastAt: c.last.value_as_string ?? null,
          drill: { q: andQuery(req.q, [fieldClause('category', c.key), fieldClause('street', s.key)]), ...p },
        })),
      );
      items.sort((a, b) => b.count - a.count);
      return { from: p.from, to: p.to, minRepeats: min, items: items.slice(0, req.limit) };
    },

    /** Share of likely misinformation (risk ≥ the threshold), overall and per interval. */
    async misinformation(viewer: SessionUser, req: ArchiveRequest & { interval: Interval }) {
      const p = period(req);
      const { query } = await deps.archiveService.build(viewer, { ...req, ...p });
      type A = { t: { buckets: { key_as_string: string; doc_count: number; mis: { doc_count: number } }[] }; mis: { doc_count: number } };
      const res = await deps.archive.aggregate<A>(query, {
        mis: { filter: { range: { misinfo_score: { gte: MISINFO_SHARE_THRESHOLD } } } },
        t: { date_histogram: { field: 'published_at', calendar_interval: req.interval, min_doc_count: 0, extended_bounds: { min: p.from, max: p.to } }, aggs: { mis: { filter: { range: { misinfo_score: { gte: MISINFO_SHARE_THRESHOLD } } } } } },
      });
      const misQ = andQuery(req.q, ['misinformation:true']);
      return {
        from: p.from,
        to: p.to,
        threshold: MISINFO_SHARE_THRESHOLD,
        total: res.total,
        misinformation: res.aggs?.mis.doc_count ?? 0,
        share: res.total > 0 ? (res.aggs?.mis.doc_count ?? 0) / res.total : 0,
        drill: { q: misQ, ...p },
        series: (res.aggs?.t.buckets ?? []).map((b) => ({ t: b.key_as_string, total: b.doc_count, misinformation: b.mis.doc_count, share: b.doc_count > 0 ? b.mis.doc_count / b.doc_count : 0, drill: { q: misQ, from: b.key_as_string > p.from ? b.key_as_string : p.from, to: p.to } })),
      };
    },

    /** Counts per municipality with tile positions (and GeoJSON boundaries when configured). */
    async map(viewer: SessionUser, req: ArchiveRequest) {
      const p = period(req);
      const { query } = await deps.archiveService.build(viewer, { ...req, ...p });
      const res = await deps.archive.aggregate<{ m: { buckets: { key: string; doc_count: number; u: { doc_count: number } }[] } }>(query, {
        m: { terms: { field: 'municipality', size: 500 }, aggs: { u: { filter: { term: { urgent: true } } } } },
      });
      const counts = new Map((res.aggs?.m.buckets ?? []).map((b) => [b.key, b]));
      return {
        from: p.from,
        to: p.to,
        total: res.total,
        geojson: deps.geojsonPath ? true : false,
        items: deps.gazetteer.list().map((m) => ({
          code: m.code,
          name: m.name,
          tile: tiles[m.code] ?? null,
          count: counts.get(m.code)?.doc_count ?? 0,
          urgent: counts.get(m.code)?.u.doc_count ?? 0,
          drill: { q: andQuery(req.q, [fieldClause('municipality', m.code)]), ...p },
        })),
      };
    },

    /** The configured boundaries file, when there is one. */
    geojson(): unknown {
      if (!deps.geojsonPath) return null;
      return JSON.parse(readFileSync(deps.geojsonPath, 'utf8')) as unknown;
    },

    /** Streams a breakdown as CSV or XLSX (the rows are capped already). Audited. */
    async exportBreakdown(viewer: SessionUser, req: ArchiveRequest & { dims: Dimension[]; interval?: Interval; format: ExportFormat }, open: () => Writable, ip?: string): Promise<number> {
      const b = await this.breakdown(viewer, req);
      const header = [...(b.interval ? ['период'] : []), ...b.dims, 'количество'];
      const w = req.format === 'xlsx' ? xlsxWriter(open(), header, 'Разбивка') : csvWriter(open(), header);
      for (const r of b.rows) await w.row([...(r.t ? [r.t] : []), ...b.dims.map((d) => r.labels[d] ?? ''), r.count]);
      await w.end();
      await deps.audit.append({ at: new Date().toISOString(), actorId: viewer.id, actorUsername: viewer.username, actorRole: viewer.role, action: 'export.breakdown', outcome: 'success', ...(ip ? { ip } : {}), details: { q: req.q ?? null, dims: b.dims, interval: b.interval, format: req.format, rows: b.rows.length } });
      return b.rows.length;
    },

    /**
     * Spikes in the hour starting at `hourStart`: per category × municipality, that hour against
     * the same hour of the week in the previous weeks. Whole region (the caller routes alerts by
     * sector); returns the posts that made each spike.
     */
    async detectSpikes(hourStart: Date, policy: SpikePolicy = DEFAULT_SPIKE_POLICY) {
      const hours = [hourStart, ...sameHourOfWeek(hourStart, policy.weeks)];
      const filters = Object.fromEntries(hours.map((h, i) => [String(i), { range: { published_at: { gte: h.toISOString(), lt: new Date(h.getTime() + 3600_000).toISOString() } } }]));
      // Composite cannot sit under a bucket aggregation: nested terms (categories × municipalities are bounded).
      type A = { w: { buckets: Record<string, { c: { buckets: { key: string; m: { buckets: { key: string; doc_count: number }[] } }[] } }> } };
      const res = await deps.archive.aggregate<A>(scopedQuery(null, { from: (hours[hours.length - 1] as Date).toISOString(), to: new Date(hourStart.getTime() + 3600_000).toISOString() }), {
        w: { filters: { filters }, aggs: { c: { terms: { field: 'category', size: 500 }, aggs: { m: { terms: { field: 'municipality', size: 500 } } } } } },
      });
      const perWindow = hours.map((_, i) => {
        const m = new Map<string, number>();
        for (const c of res.aggs?.w.buckets[String(i)]?.c.buckets ?? []) for (const mu of c.m.buckets) m.set(`${c.key}|${mu.key}`, mu.doc_count);
        return m;
      });
      const current = perWindow[0] as Map<string, number>;
      const spikes = [];
      for (const [key, count] of current) {
        const history = perWindow.slice(1).map((m) => m.get(key) ?? 0);
        const v = judgeSpike(count, history, policy);
        if (!v.spike) continue;
        const [category, municipality] = key.split('|') as [string, string];
        const sector = category.split('.')[0] as Sector;
        const hourEnd = new Date(hourStart.getTime() + 3600_000 - 1).toISOString();
        const posts: PostDoc[] = [];
        const q = scopedQuery({ bool: { filter: [{ term: { category } }, { term: { municipality } }] } }, { from: hourStart.toISOString(), to: hourEnd });
        await deps.archive.scan(q, async (docs) => void posts.push(...docs), { pageSize: 20, limit: 20, fields: ['id', 'text', 'published_at', 'network', 'url'] });
        spikes.push({
          category,
          title: labelOf('category', category),
          sector,
          municipality,
          municipalityName: labelOf('municipality', municipality),
          hourStart: hourStart.toISOString(),
          ...v,
          postIds: posts.map((d) => d.id),
          drill: { q: `${fieldClause('category', category)} ${fieldClause('municipality', municipality)}`, from: hourStart.toISOString(), to: hourEnd },
        });
      }
      return spikes;
    },
  };
}
export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
export type Spike = Awaited<ReturnType<AnalyticsService['detectSpikes']>>[number];
