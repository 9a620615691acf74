import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import type { RedisClient } from '../adapters/redis';
import type { Claim, ClaimLink, ClaimStatus, DebunkPublication, LinkKind, LinkState } from '../domain/claim';
import type { Network } from '../domain/network';
import type { Sector } from '../domain/sector';
import type { IndexNames } from './indices';
import { classifyBulkItem, scanDocuments, type PostDoc } from './posts.repository';

interface ClaimDoc {
  id: string;
  title: string;
  match_texts: string[];
  match_stems: string;
  status: ClaimStatus;
  verdict?: string;
  verdict_detail?: Claim['verdict'];
  verdict_at?: string;
  sector: Sector;
  municipality: string;
  publications: DebunkPublication[];
  merged_into?: string;
  created_at: string;
  created_by: string;
  updated_at: string;
}

interface LinkDoc {
  post_id: string;
  claim_id: string;
  state: LinkState;
  kind: LinkKind;
  similarity: number;
  network: Network;
  sector: Sector;
  municipality: string;
  published_at: string;
  linked_at: string;
  reach: number;
  engagement?: ClaimLink['engagement'];
  by?: string;
}

function toClaimDoc(c: Claim, matchStems: string): ClaimDoc {
  return {
    id: c.id,
    title: c.title,
    match_texts: c.matchTexts,
    match_stems: matchStems,
    status: c.status,
    ...(c.verdict ? { verdict: c.verdict.value, verdict_detail: c.verdict, verdict_at: c.verdict.at } : {}),
    sector: c.sector,
    municipality: c.municipality,
    publications: c.publications,
    ...(c.mergedInto ? { merged_into: c.mergedInto } : {}),
    created_at: c.createdAt,
    created_by: c.createdBy,
    updated_at: c.updatedAt,
  };
}

function fromClaimDoc(d: ClaimDoc): Claim {
  return {
    id: d.id,
    title: d.title,
    matchTexts: d.match_texts ?? [],
    status: d.status,
    verdict: d.verdict_detail ?? null,
    sector: d.sector,
    municipality: d.municipality,
    publications: d.publications ?? [],
    mergedInto: d.merged_into ?? null,
    createdAt: d.created_at,
    createdBy: d.created_by,
    updatedAt: d.updated_at,
  };
}

function toLinkDoc(l: ClaimLink): LinkDoc {
  return {
    post_id: l.postId,
    claim_id: l.claimId,
    state: l.state,
    kind: l.kind,
    similarity: l.similarity,
    network: l.network,
    sector: l.sector,
    municipality: l.municipality,
    published_at: l.publishedAt,
    linked_at: l.linkedAt,
    reach: l.reach,
    ...(l.engagement ? { engagement: l.engagement } : {}),
    ...(l.by ? { by: l.by } : {}),
  };
}

function fromLinkDoc(d: LinkDoc): ClaimLink {
  return {
    postId: d.post_id,
    claimId: d.claim_id,
    state: d.state,
    kind: d.kind,
    similarity: d.similarity,
    network: d.network,
    sector: d.sector,
    municipality: d.municipality,
    publishedAt: d.published_at,
    linkedAt: d.linked_at,
    reach: d.reach,
    ...(d.engagement ? { engagement: d.engagement } : {}),
    ...(d.by ? { by: d.by } : {}),
  };
}

/** Sector/municipality filters of a scope ('all' adds none). */
export interface ScopeFilter {
  sectors?: readonly Sector[];
  municipalities?: readonly string[];
  networks?: readonly Network[];
}

function scopeFilters(f: ScopeFilter): estypes.QueryDslQueryContainer[] {
  const out: estypes.QueryDslQueryContainer[] = [];
  if (f.sectors) out.push({ terms: { sector: [...f.sectors] } });
  if (f.municipalities) out.push({ terms: { municipality: [...f.municipalities] } });
  if (f.networks) out.push({ terms: { network: [...f.networks] } });
  return out;
}

export type QueuePostDoc = Pick<PostDoc, 'id' | 'network' | 'kind' | 'url' | 'text' | 'published_at' | 'municipality' | 'sector' | 'misinfo_score' | 'misinfo_reasons' | 'engagement' | 'claim_id' | 'claim_verdict' | 'author' | 'text_stems'>;
const QUEUE_FIELDS = ['id', 'network', 'kind', 'url', 'text', 'published_at', 'municipality', 'sector', 'misinfo_score', 'misinfo_reasons', 'engagement', 'claim_id', 'claim_verdict', 'author', 'text_stems'];

export interface HistogramBucket {
  at: string;
  copies: number;
  reach: number;
}

/**
 * Claims, their verdicts and posts' membership of claims (Elasticsearch), and a version counter in
 * Redis that tells pipeline workers their cached claims are stale. Decides nothing.
 */
export function createDeskRepository(deps: { es: EsClient; names: IndexNames; redis: RedisClient; prefix: string }) {
  const { es, names, redis } = deps;
  const versionKey = `${deps.prefix}:claims:version`;

  return {
    async createClaim(c: Claim, matchStems: string): Promise<void> {
      await es.index({ index: names.claimsIndex, id: c.id, op_type: 'create', document: toClaimDoc(c, matchStems), refresh: 'wait_for' });
    },

    /** The claim and its version, for an optimistic write. */
    async getClaim(id: string): Promise<{ claim: Claim; seqNo: number; primaryTerm: number } | null> {
      const res = await es.get<ClaimDoc>({ index: names.claimsIndex, id }, { ignore: [404] });
      if (!res.found || !res._source || res._seq_no === undefined || res._primary_term === undefined) return null;
      return { claim: fromClaimDoc(res._source), seqNo: res._seq_no, primaryTerm: res._primary_term };
    },

    /** Overwrites the claim unless it changed since it was read; false on such a conflict. */
    async saveClaim(c: Claim, matchStems: string, version: { seqNo: number; primaryTerm: number }): Promise<boolean> {
      try {
        await es.index({ index: names.claimsIndex, id: c.id, document: toClaimDoc(c, matchStems), if_seq_no: version.seqNo, if_primary_term: version.primaryTerm, refresh: 'wait_for' });
        return true;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 409) return false;
        throw err;
      }
    },

    async listClaims(q: ScopeFilter & { status?: ClaimStatus; verdictSince?: string; withVerdict?: boolean; size: number; includeMerged?: boolean }): Promise<Claim[]> {
      const filter = scopeFilters({ ...(q.sectors ? { sectors: q.sectors } : {}), ...(q.municipalities ? { municipalities: q.municipalities } : {}) });
      if (q.status) filter.push({ term: { status: q.status } });
      if (q.withVerdict) filter.push({ exists: { field: 'verdict' } });
      if (q.verdictSince) filter.push({ range: { verdict_at: { gt: q.verdictSince } } });
      const res = await es.search<ClaimDoc>({
        index: names.claims,
        size: q.size,
        query: { bool: { filter, ...(q.includeMerged ? {} : { must_not: [{ exists: { field: 'merged_into' } }] }) } },
        sort: q.withVerdict ? [{ verdict_at: 'desc' as const }, { id: 'asc' as const }] : [{ updated_at: 'desc' as const }, { id: 'asc' as const }],
      });
      return res.hits.hits.flatMap((h) => (h._source ? [fromClaimDoc(h._source)] : []));
    },

    /** Live claims for the matcher (not merged), newest first. */
    async claimsForMatching(size = 5000): Promise<Claim[]> {
      const res = await es.search<ClaimDoc>({ index: names.claims, size, query: { bool: { must_not: [{ exists: { field: 'merged_into' } }] } }, sort: [{ updated_at: 'desc' as const }] });
      return res.hits.hits.flatMap((h) => (h._source ? [fromClaimDoc(h._source)] : []));
    },

    /** Bumped on every change the matcher cares about; pipeline workers reload when it moves. */
    async bumpVersion(): Promise<void> {
      await redis.incr(versionKey);
    },
    async version(): Promise<string> {
      return (await redis.get(versionKey)) ?? '0';
    },

    /** Links by post id (absent posts are left out). */
    async getLinks(postIds: readonly string[]): Promise<Map<string, ClaimLink>> {
      const out = new Map<string, ClaimLink>();
      if (postIds.length === 0) return out;
      const res = await es.mget<LinkDoc>({ index: names.claimLinksIndex, ids: [...postIds] });
      for (const d of res.docs) if ('found' in d && d.found && d._source) out.set(d._id, fromLinkDoc(d._source));
      return out;
    },

    async putLinks(links: readonly ClaimLink[], opts: { refresh: boolean }): Promise<void> {
      if (links.length === 0) return;
      const operations: unknown[] = [];
      for (const l of links) operations.push({ index: { _index: names.claimLinksIndex, _id: l.postId } }, toLinkDoc(l));
      const res = await es.bulk({ operations, refresh: opts.refresh ? 'wait_for' : false });
      const bad = res.items.map((it) => classifyBulkItem(it.index)).find((r) => !r.ok);
      if (bad && !bad.ok) throw new Error(`claim link write failed: ${bad.reason}`);
    },

    async linksOfClaim(claimId: string, states: readonly LinkState[], size = 500): Promise<ClaimLink[]> {
      const res = await es.search<LinkDoc>({
        index: names.claimLinks,
        size,
        query: { bool: { filter: [{ term: { claim_id: claimId } }, { terms: { state: [...states] } }] } },
        sort: [{ published_at: 'asc' as const }, { post_id: 'asc' as const }],
      });
      return res.hits.hits.flatMap((h) => (h._source ? [fromLinkDoc(h._source)] : []));
    },

    /** Open suggestions in a scope, best first. */
    async suggestions(f: ScopeFilter, size: number): Promise<ClaimLink[]> {
      const res = await es.search<LinkDoc>({
        index: names.claimLinks,
        size,
        query: { bool: { filter: [{ term: { state: 'suggested' } }, ...scopeFilters(f)] } },
        sort: [{ similarity: 'desc' as const }, { post_id: 'asc' as const }],
      });
      return res.hits.hits.flatMap((h) => (h._source ? [fromLinkDoc(h._source)] : []));
    },

    /** Every link of `from` (any state), for a merge. */
    async allLinksOf(claimId: string): Promise<ClaimLink[]> {
      const out: ClaimLink[] = [];
      await scanDocuments<LinkDoc>(es, names.claimLinks, { bool: { filter: [{ term: { claim_id: claimId } }] } }, async (hits) => {
        for (const h of hits) out.push(fromLinkDoc(h._source));
      });
      return out;
    },

    /** Copies (linked posts) per interval with their summed reach. */
    async histogram(claimId: string, interval: '1h' | '1d'): Promise<HistogramBucket[]> {
      const res = await es.search({
        index: names.claimLinks,
        size: 0,
        query: { bool: { filter: [{ term: { claim_id: claimId } }, { term: { state: 'linked' } }] } },
        aggs: { t: { date_histogram: { field: 'published_at', fixed_interval: interval, min_doc_count: 1 }, aggs: { reach: { sum: { field: 'reach' } } } } },
      });
      const buckets = (res.aggregations?.t as { buckets?: { key_as_string?: string; key: number; doc_count: number; reach: { value: number | null } }[] } | undefined)?.buckets ?? [];
      return buckets.map((b) => ({ at: new Date(b.key).toISOString(), copies: b.doc_count, reach: b.reach.value ?? 0 }));
    },

    /** Linked copies of each claim published in [from, to), by claim id. */
    async copiesBetween(claimIds: readonly string[], from: string, to: string): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      if (claimIds.length === 0) return out;
      const res = await es.search({
        index: names.claimLinks,
        size: 0,
        query: { bool: { filter: [{ terms: { claim_id: [...claimIds] } }, { term: { state: 'linked' } }, { range: { published_at: { gte: from, lt: to } } }] } },
        aggs: { c: { terms: { field: 'claim_id', size: claimIds.length } } },
      });
      for (const b of (res.aggregations?.c as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? []) out.set(b.key, b.doc_count);
      return out;
    },

    /** Posts above the risk threshold in a window, newest first, for the queue. */
    async riskyPosts(q: ScopeFilter & { minRisk: number; since: string; size: number }): Promise<QueuePostDoc[]> {
      const res = await es.search<QueuePostDoc>({
        index: names.posts,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: q.size,
        _source: QUEUE_FIELDS,
        query: { bool: { filter: [{ range: { misinfo_score: { gte: q.minRisk } } }, { range: { published_at: { gte: q.since } } }, ...scopeFilters(q)] } },
        sort: [{ published_at: 'desc' as const }],
      });
      return res.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
    },

    async postsByIds(ids: readonly string[]): Promise<(QueuePostDoc & { _index: string })[]> {
      if (ids.length === 0) return [];
      const res = await es.search<QueuePostDoc>({ index: names.posts, ignore_unavailable: true, allow_no_indices: true, size: ids.length, _source: QUEUE_FIELDS, query: { ids: { values: [...ids] } } });
      return res.hits.hits.flatMap((h) => (h._source ? [{ ...h._source, _index: h._index }] : []));
    },

    /** Posts whose stems share words with `stems` (candidates for a claim; the service scores them). */
    async candidatePosts(stems: string, since: string, size: number): Promise<QueuePostDoc[]> {
      if (stems.trim() === '') return [];
      const res = await es.search<QueuePostDoc>({
        index: names.posts,
        ignore_unavailable: true,
        allow_no_indices: true,
        size,
        _source: QUEUE_FIELDS,
        query: { bool: { must: [{ match: { text_stems: { query: stems, minimum_should_match: '30%' } } }], filter: [{ range: { published_at: { gte: since } } }] } },
      });
      return res.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
    },

    /** Partial updates of posts (claim fields, risk from a verdict). */
    async updatePosts(updates: readonly { index: string; id: string; doc: Record<string, unknown> }[]): Promise<void> {
      if (updates.length === 0) return;
      const operations: unknown[] = [];
      for (const u of updates) operations.push({ update: { _index: u.index, _id: u.id } }, { doc: u.doc });
      const res = await es.bulk({ operations, refresh: 'wait_for' });
      const bad = res.items.map((it) => classifyBulkItem(it.update)).find((r) => !r.ok && r.status !== 404);
      if (bad && !bad.ok) throw new Error(`post update failed: ${bad.reason}`);
    },
  };
}
export type DeskRepository = ReturnType<typeof createDeskRepository>;
