import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import type { EnrichedPost } from '../domain/post';
import type { Network } from '../domain/network';
import type { Sector } from '../domain/sector';
import type { IndexNames } from './indices';

export interface PostDoc {
  id: string;
  network: Network;
  external_id: string;
  kind: 'post' | 'comment';
  parent_id?: string;
  url: string;
  text: string;
  text_stems: string;
  text_length: number;
  published_at: string;
  ingested_at: string;
  source_id: string;
  municipality: string;
  author: { id: string; name: string; url?: string };
  engagement?: { likes?: number; comments?: number; reposts?: number; views?: number };
  sector: Sector;
  sector_confidence: number;
  complaint: boolean;
  complaint_confidence: number;
  misinfo_score: number;
  misinfo_reasons: string[];
  model_version: string;
  incident_id?: string;
}

export function toPostDoc(p: EnrichedPost): PostDoc {
  const c = p.classification;
  return {
    id: p.id,
    network: p.network,
    external_id: p.externalId,
    kind: p.kind,
    ...(p.parentExternalId ? { parent_id: `${p.network}:${p.parentExternalId}` } : {}),
    url: p.url,
    text: p.text,
    text_stems: p.textStems,
    text_length: p.text.length,
    published_at: p.publishedAt,
    ingested_at: p.ingestedAt,
    source_id: p.sourceId,
    municipality: p.municipality,
    author: { id: p.author.id, name: p.author.name, ...(p.author.url ? { url: p.author.url } : {}) },
    ...(p.engagement ? { engagement: p.engagement } : {}),
    sector: c.sector.label,
    sector_confidence: c.sector.confidence,
    complaint: c.complaint.value,
    complaint_confidence: c.complaint.confidence,
    misinfo_score: c.misinformation.score,
    misinfo_reasons: c.misinformation.reasons,
    model_version: c.modelVersion,
    ...(p.incidentId ? { incident_id: p.incidentId } : {}),
  };
}

/** Outcome of one document in a bulk request. */
export type BulkItemResult =
  | { ok: true; status: number }
  | { ok: false; status: number; retryable: boolean; reason: string };

export interface PostSearchQuery {
  text?: string;
  /** Stems of `text`, computed by the caller (the repository does not know Russian). */
  stems?: string[];
  sectors?: readonly Sector[];
  municipalities?: readonly string[];
  networks?: readonly Network[];
  from?: string;
  to?: string;
  offset: number;
  size: number;
}

export interface PostSearchResult {
  total: number;
  hits: PostDoc[];
}

export function classifyBulkItem(item: { status?: number; error?: { type?: string; reason?: string | null } } | undefined): BulkItemResult {
  const status = item?.status ?? 500;
  if (!item?.error) return { ok: true, status };
  // 429 (queue full) and 5xx are transient; anything else is this document's own fault.
  const retryable = status === 429 || status >= 500;
  return { ok: false, status, retryable, reason: `${item.error.type ?? 'error'}: ${item.error.reason ?? ''}`.slice(0, 500) };
}

export function createPostsRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  return {
    /** Indexes (or overwrites, by deterministic id) a batch of posts. Results in input order. */
    async bulkIndex(posts: readonly EnrichedPost[]): Promise<BulkItemResult[]> {
      if (posts.length === 0) return [];
      const operations: unknown[] = [];
      for (const p of posts) {
        operations.push({ index: { _index: names.postsIndexFor(p.publishedAt), _id: p.id } }, toPostDoc(p));
      }
      const res = await es.bulk({ operations, refresh: false });
      return res.items.map((it) => classifyBulkItem(it.index));
    },

    async search(q: PostSearchQuery): Promise<PostSearchResult> {
      const filter: estypes.QueryDslQueryContainer[] = [];
      if (q.sectors) filter.push({ terms: { sector: [...q.sectors] } });
      if (q.municipalities) filter.push({ terms: { municipality: [...q.municipalities] } });
      if (q.networks) filter.push({ terms: { network: [...q.networks] } });
      if (q.from || q.to) filter.push({ range: { published_at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } });
      const must: estypes.QueryDslQueryContainer[] = [];
      if (q.text) {
        // Plain match queries: user input is never parsed as query syntax.
        must.push({
          bool: {
            should: [
              { match: { text: { query: q.text, operator: 'and' as const, boost: 2 } } },
              ...(q.stems && q.stems.length > 0 ? [{ match: { text_stems: { query: q.stems.join(' '), operator: 'and' as const } } }] : []),
              { match_phrase: { text: { query: q.text, boost: 3 } } },
            ],
            minimum_should_match: 1,
          },
        });
      }
      const res = await es.search<PostDoc>({
        index: names.posts,
        ignore_unavailable: true,
        allow_no_indices: true,
        from: q.offset,
        size: q.size,
        track_total_hits: true,
        query: { bool: { must, filter } },
        sort: q.text ? ['_score', { published_at: 'desc' as const }] : [{ published_at: 'desc' as const }],
      });
      const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
      return { total, hits: res.hits.hits.map((h) => h._source).filter((s): s is PostDoc => s !== undefined) };
    },
  };
}
export type PostsRepository = ReturnType<typeof createPostsRepository>;
