import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import type { EnrichedPost } from '../domain/post';
import type { Network } from '../domain/network';
import type { Sector } from '../domain/sector';
import type { IndexNames } from './indices';
import { idIdentifiesPerson, postIdOfIncident } from '../domain/post-identity';

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
  /** Classifier outputs added with issue 3 (absent on posts stored before them). */
  category?: string;
  category_confidence?: number;
  tone?: 'negative' | 'neutral' | 'positive';
  tone_confidence?: number;
  urgent?: boolean;
  urgency_confidence?: number;
  urgency_reasons?: string[];
  organisations?: { kind: string; name: string }[];
  address?: { street: string; house?: string; known: boolean };
  model_version: string;
  incident_id?: string;
  claim_id?: string;
  claim_verdict?: string;
  repost_of?: string;
  /** Written by the watched page itself (official-pages rating). */
  from_page?: boolean;
  /** Post id of the comment this comment answers. */
  reply_to?: string;
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
    ...(c.category ? { category: c.category.code, category_confidence: c.category.confidence } : {}),
    ...(c.tone ? { tone: c.tone.label, tone_confidence: c.tone.confidence } : {}),
    ...(c.urgency ? { urgent: c.urgency.value, urgency_confidence: c.urgency.confidence, urgency_reasons: c.urgency.reasons } : {}),
    ...(c.organisations ? { organisations: c.organisations } : {}),
    ...(c.place?.address ? { address: { street: c.place.address.street, ...(c.place.address.house ? { house: c.place.address.house } : {}), known: c.place.address.known } } : {}),
    model_version: c.modelVersion,
    ...(p.incidentId ? { incident_id: p.incidentId } : {}),
    ...(p.claim ? { claim_id: p.claim.id, ...(p.claim.verdict ? { claim_verdict: p.claim.verdict } : {}) } : {}),
    ...(p.repostOf ? { repost_of: p.repostOf } : {}),
    ...(p.fromPage !== undefined ? { from_page: p.fromPage } : {}),
    ...(p.replyToExternalId ? { reply_to: `${p.network}:${p.replyToExternalId}` } : {}),
  };
}

/** The fields of a post document the official-pages rating reads. */
export type PageDocumentRow = Pick<PostDoc, 'id' | 'kind' | 'source_id' | 'published_at' | 'parent_id' | 'from_page' | 'reply_to' | 'text' | 'url' | 'sector' | 'municipality'> & { author?: { name?: string } };

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

/** What replaces an author's identity when it is erased or anonymised (152-ФЗ). */
export const ERASED_AUTHOR = { id: '[erased]', name: '[удалено]' } as const;
/** What replaces a post's text when the text itself is erased. */
export const ERASED_TEXT = '[текст удалён]';

/** Which documents carry the personal data to remove; all given conditions must hold. */
export interface PersonalDataSelector {
  network?: Network;
  authorIds?: readonly string[];
  /** Only documents published strictly before this instant. */
  publishedBefore?: string;
}

/** `delete` removes the documents; `anonymise` rewrites them without the author (and text, if asked). */
export interface ErasureOptions {
  mode: 'delete' | 'anonymise';
  eraseText: boolean;
  /** Make the change visible to searches before returning. */
  refresh: boolean;
}

export interface ErasureResult {
  /** Documents deleted or rewritten. */
  changed: number;
  /** Ids of the changed documents (post ids or incident ids). */
  ids: string[];
}

/**
 * The query for `sel`. `textErased` matches documents whose text is already erased; with
 * `eraseText` those are skipped only when their author is erased too.
 */
export function selectorQuery(sel: PersonalDataSelector, mode: ErasureOptions['mode'], eraseText: boolean, textErased: estypes.QueryDslQueryContainer): estypes.QueryDslQueryContainer {
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (sel.network) filter.push({ term: { network: sel.network } });
  if (sel.authorIds) filter.push({ terms: { 'author.id': [...sel.authorIds] } });
  if (sel.publishedBefore) filter.push({ range: { published_at: { lt: sel.publishedBefore } } });
  // Already anonymised documents are not rewritten again: a repeated request changes nothing.
  const mustNot: estypes.QueryDslQueryContainer[] = mode === 'anonymise' ? [{ bool: { filter: [{ term: { 'author.id': ERASED_AUTHOR.id } }, ...(eraseText ? [textErased] : [])] } }] : [];
  return { bool: { filter, must_not: mustNot } };
}

interface ScanHit<T> {
  _index: string;
  _id: string;
  _seq_no: number;
  _primary_term: number;
  _source: T;
}

/**
 * Walks every document matching `query` under a point in time (search_after on `_shard_doc`), one
 * page at a time. The integ-test server has no delete_by_query/update_by_query, so bulk changes
 * are a scan plus `_bulk` from Node; `_seq_no`/`_primary_term` let the writes skip a document that
 * changed in between.
 */
export async function scanDocuments<T>(
  es: EsClient,
  index: string,
  query: estypes.QueryDslQueryContainer,
  onPage: (hits: ScanHit<T>[]) => Promise<void>,
  opts: { pageSize?: number; sourceFields?: string[] } = {},
): Promise<void> {
  let pitId: string;
  try {
    pitId = (await es.openPointInTime({ index, keep_alive: '2m', ignore_unavailable: true })).id;
  } catch (err) {
    // No index behind the alias yet (e.g. every monthly index dropped): nothing to scan.
    if ((err as { statusCode?: number }).statusCode === 404) return;
    throw err;
  }
  try {
    let after: estypes.SortResults | undefined;
    for (;;) {
      const res = await es.search<T>({
        pit: { id: pitId, keep_alive: '2m' },
        size: opts.pageSize ?? 1000,
        query,
        sort: [{ _shard_doc: 'asc' as const }],
        seq_no_primary_term: true,
        track_total_hits: false,
        ...(opts.sourceFields ? { _source: opts.sourceFields } : {}),
        ...(after ? { search_after: after } : {}),
      });
      pitId = res.pit_id ?? pitId;
      const hits = res.hits.hits.filter((h) => h._source !== undefined && h._id !== undefined) as unknown as ScanHit<T>[];
      if (hits.length > 0) await onPage(hits);
      const last = res.hits.hits.at(-1);
      if (!last?.sort || res.hits.hits.length < (opts.pageSize ?? 1000)) break;
      after = last.sort;
    }
  } finally {
    await es.closePointInTime({ id: pitId }).catch(() => undefined);
  }
}

/**
 * Deletes or anonymises the selected documents of one index family. Rewrites are whole-document
 * `index` operations guarded by `if_seq_no` (no scripts on the integ-test server); a document that
 * changed meanwhile is retried in another pass.
 */
export async function erasePersonalDataIn<T extends { id: string; author: { id: string; name: string; url?: string }; text: string }>(
  es: EsClient,
  index: string,
  sel: PersonalDataSelector,
  opts: ErasureOptions,
  text: { erase: (doc: T) => T; erased: estypes.QueryDslQueryContainer },
): Promise<ErasureResult> {
  const ids = new Set<string>();
  for (let pass = 0; pass < 3; pass++) {
    let conflicts = 0;
    await scanDocuments<T>(es, index, selectorQuery(sel, opts.mode, opts.eraseText, text.erased), async (hits) => {
      const operations: unknown[] = [];
      for (const h of hits) {
        const guard = { _index: h._index, _id: h._id, if_seq_no: h._seq_no, if_primary_term: h._primary_term };
        if (opts.mode === 'delete') operations.push({ delete: guard });
        else {
          // A personal wall's link names the person too (vk.com/wall<user id>_…): it goes with the author.
          const doc = { ...h._source, author: { ...ERASED_AUTHOR }, ...('url' in h._source && idIdentifiesPerson(postIdOfIncident(h._source.id)) ? { url: '' } : {}) };
          operations.push({ index: guard }, opts.eraseText ? text.erase(doc) : doc);
        }
      }
      const res = await es.bulk({ operations, refresh: opts.refresh ? 'wait_for' : false });
      res.items.forEach((it, i) => {
        const r = classifyBulkItem(it.delete ?? it.index);
        const hit = hits[i] as ScanHit<T>;
        if (r.ok || (opts.mode === 'delete' && r.status === 404)) ids.add(hit._source.id ?? hit._id);
        else if (r.status === 409) conflicts++;
        else throw new Error(`erasure write failed: ${r.reason}`);
      });
    });
    if (conflicts === 0) break;
  }
  return { changed: ids.size, ids: [...ids] };
}

/** Month (UTC, `YYYY.MM`) of a monthly index name, or null for another name. */
function monthOfIndex(name: string): string | null {
  return /-(\d{4}\.\d{2})$/.exec(name)?.[1] ?? null;
}

export function createPostsRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  return {
    /** Indexes (or overwrites, by deterministic id) a batch of posts. Results in input order. */
    /** Indexes whole posts; `overrides` (by post id) are merged over a post's document (human corrections). */
    async bulkIndex(posts: readonly EnrichedPost[], overrides: ReadonlyMap<string, Record<string, unknown>> = new Map()): Promise<BulkItemResult[]> {
      if (posts.length === 0) return [];
      const operations: unknown[] = [];
      for (const p of posts) {
        operations.push({ index: { _index: names.postsIndexFor(p.publishedAt), _id: p.id } }, { ...toPostDoc(p), ...overrides.get(p.id) });
      }
      const res = await es.bulk({ operations, refresh: false });
      return res.items.map((it) => classifyBulkItem(it.index));
    },

    /**
     * Which of these post ids are indexed (a search on the alias, so a post indexed since the last
     * refresh, about a second ago, is not seen yet).
     */
    async indexed(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const res = await es.search({ index: names.posts, size: ids.length, _source: false, query: { ids: { values: [...ids] } }, ignore_unavailable: true, allow_no_indices: true });
      return new Set(res.hits.hits.map((h) => h._id ?? ''));
    },

    /**
     * Sets the incident of posts already stored (follow-ups that waited for an incident and joined
     * it when it opened). A post gone since (erased, expired) is skipped; any other failure throws.
     */
    async setIncident(updates: readonly { id: string; publishedAt: string; incidentId: string }[]): Promise<void> {
      if (updates.length === 0) return;
      const operations: unknown[] = [];
      for (const u of updates) operations.push({ update: { _index: names.postsIndexFor(u.publishedAt), _id: u.id } }, { doc: { incident_id: u.incidentId } });
      const res = await es.bulk({ operations });
      const bad = res.items.map((it) => classifyBulkItem(it.update)).find((r) => !r.ok && r.status !== 404);
      if (bad && !bad.ok) throw new Error(`post incident update failed: ${bad.reason}`);
    },

    /** The human corrections (`corrected`) already stored on these posts, by post id. */
    async correctionMarks(posts: readonly { id: string; publishedAt: string }[]): Promise<Map<string, { fields: string[]; at: string; by: string; values: Record<string, unknown> }>> {
      const out = new Map<string, { fields: string[]; at: string; by: string; values: Record<string, unknown> }>();
      if (posts.length === 0) return out;
      const res = await es.mget<{ corrected?: { fields: string[]; at: string; by: string; values: Record<string, unknown> } }>({
        docs: posts.map((p) => ({ _index: names.postsIndexFor(p.publishedAt), _id: p.id, _source: ['corrected'] })),
      });
      for (const d of res.docs) {
        if ('found' in d && d.found && d._source?.corrected) out.set(d._id, d._source.corrected);
      }
      return out;
    },

    /**
     * The posts and comments of the given sources published at or after `from` (all of them, in
     * pages under a point in time): the raw material of the official-pages rating.
     */
    async ofSourcesSince(sourceIds: readonly string[], from: string): Promise<PageDocumentRow[]> {
      const out: PageDocumentRow[] = [];
      if (sourceIds.length === 0) return out;
      await scanDocuments<PageDocumentRow>(
        es,
        names.posts,
        { bool: { filter: [{ terms: { source_id: [...sourceIds] } }, { range: { published_at: { gte: from } } }] } },
        async (hits) => {
          for (const h of hits) out.push(h._source);
        },
        { pageSize: 5000, sourceFields: ['id', 'kind', 'source_id', 'published_at', 'parent_id', 'from_page', 'reply_to', 'text', 'url', 'sector', 'municipality', 'author.name'] },
      );
      return out;
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

/** The personal-data fields an incident document shares with its post. */
interface IncidentSnapshot {
  id: string;
  text: string;
  author: { id: string; name: string; url?: string };
}

/**
 * Retention and erasure of personal data across the post indices and the incident snapshots
 * (152-ФЗ): whole monthly indices dropped, the rest deleted or anonymised by scan + `_bulk`.
 */
export function createPersonalDataRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  return {
    /**
     * Drops the monthly indices whose whole month lies before `cutoff` (cheap retention: no
     * per-document work). Returns the dropped index names.
     */
    async dropMonthsBefore(cutoff: Date): Promise<string[]> {
      const res = await es.cat.indices({ index: names.postsPattern, format: 'json', h: 'index' }, { ignore: [404] });
      const rows = Array.isArray(res) ? (res as { index?: string }[]) : [];
      // The month containing the cutoff is the boundary month: it is handled document by document.
      const boundary = `${cutoff.getUTCFullYear()}.${String(cutoff.getUTCMonth() + 1).padStart(2, '0')}`;
      const old = rows.map((r) => r.index ?? '').filter((i) => {
        const m = monthOfIndex(i);
        return m !== null && m < boundary;
      });
      if (old.length > 0) await es.indices.delete({ index: old.join(',') });
      return old.sort();
    },

    /** Deletes or anonymises the selected posts (author fields; the text too when asked). */
    async erasePosts(sel: PersonalDataSelector, opts: ErasureOptions): Promise<ErasureResult> {
      return erasePersonalDataIn<PostDoc>(es, names.posts, sel, opts, {
        erase: (doc) => ({ ...doc, text: ERASED_TEXT, text_stems: '', text_length: 0 }),
        erased: { term: { text_length: 0 } },
      });
    },

    /**
     * Removes the author (and the text snapshot, when asked) from the selected incidents. Incidents
     * are the center's work record, so they are never deleted here, only anonymised.
     */
    async eraseIncidents(sel: PersonalDataSelector, opts: Omit<ErasureOptions, 'mode'>): Promise<ErasureResult> {
      return erasePersonalDataIn<IncidentSnapshot>(es, names.incidents, sel, { ...opts, mode: 'anonymise' }, {
        erase: (doc) => ({ ...doc, text: ERASED_TEXT }),
        // Incidents have no text length; the marker phrase is what an erased snapshot holds.
        erased: { match_phrase: { text: ERASED_TEXT } },
      });
    },

    /**
     * Replaces the post-text copies kept with classifier corrections (training data) for the given
     * posts or post indices: when a post's text goes, its copies go too. Returns how many changed.
     */
    async eraseCorrectionTexts(sel: { postIds?: readonly string[]; postIndices?: readonly string[] }, opts: { refresh: boolean }): Promise<number> {
      // Terms queries are capped (index.max_terms_count, 65,536): ask in chunks.
      const CHUNK = 10_000;
      const ids = sel.postIds ?? [];
      const queries: estypes.QueryDslQueryContainer[] = [];
      if (sel.postIndices && sel.postIndices.length > 0) queries.push({ terms: { post_index: [...sel.postIndices] } });
      for (let i = 0; i < ids.length; i += CHUNK) queries.push({ terms: { post_id: ids.slice(i, i + CHUNK) } });
      let changed = 0;
      // The copied text is stored but not indexed, so already-erased copies are skipped here.
      for (const q of queries) await scanDocuments<{ text: string }>(es, names.corrections, { bool: { filter: [q] } }, async (all) => {
        const hits = all.filter((h) => h._source.text !== ERASED_TEXT);
        if (hits.length === 0) return;
        const operations: unknown[] = [];
        for (const h of hits) operations.push({ index: { _index: h._index, _id: h._id, if_seq_no: h._seq_no, if_primary_term: h._primary_term } }, { ...h._source, text: ERASED_TEXT });
        const res = await es.bulk({ operations, refresh: opts.refresh ? 'wait_for' : false });
        for (const it of res.items) {
          const r = classifyBulkItem(it.index);
          if (r.ok) changed++;
          // A conflict means a concurrent rewrite; the next run picks it up.
          else if (r.status !== 409) throw new Error(`erasure write failed: ${r.reason}`);
        }
      });
      return changed;
    },

    /**
     * Author ids of one network whose profile URL is `profileUrl`. The URL is stored but not
     * indexed, so this scans the network's posts (reading only the author fields); erasure
     * requests are rare.
     */
    async authorIdsByProfileUrl(network: Network, profileUrl: string): Promise<string[]> {
      const want = normaliseProfileUrl(profileUrl);
      const found = new Set<string>();
      await scanDocuments<Pick<PostDoc, 'author'>>(
        es,
        names.posts,
        { bool: { filter: [{ term: { network } }], must_not: [{ term: { 'author.id': ERASED_AUTHOR.id } }] } },
        async (hits) => {
          for (const h of hits) if (h._source.author?.url && normaliseProfileUrl(h._source.author.url) === want) found.add(h._source.author.id);
        },
        { pageSize: 5000, sourceFields: ['author.id', 'author.url'] },
      );
      return [...found].sort();
    },

    /**
     * Names and profile URLs recorded with the given authors of one network (read before they
     * are erased, to take them out of the audit trail too).
     */
    async authorIdentities(network: Network, authorIds: readonly string[]): Promise<{ names: string[]; urls: string[] }> {
      const names_ = new Set<string>();
      const urls = new Set<string>();
      if (authorIds.length === 0) return { names: [], urls: [] };
      await scanDocuments<Pick<PostDoc, 'author'>>(
        es,
        names.posts,
        { bool: { filter: [{ term: { network } }, { terms: { 'author.id': [...authorIds] } }] } },
        async (hits) => {
          for (const h of hits) {
            if (h._source.author?.name) names_.add(h._source.author.name);
            if (h._source.author?.url) urls.add(h._source.author.url);
          }
        },
        { pageSize: 5000, sourceFields: ['author.name', 'author.url'] },
      );
      return { names: [...names_].sort(), urls: [...urls].sort() };
    },
  };
}
export type PersonalDataRepository = ReturnType<typeof createPersonalDataRepository>;

/** Profile URLs compare without scheme, `www.`, case of the host, query, fragment and trailing slash. */
export function normaliseProfileUrl(raw: string): string {
  try {
    const u = new URL(raw.trim());
    return `${u.hostname.toLowerCase().replace(/^www\./, '').replace(/^m\./, '')}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return raw.trim().toLowerCase().replace(/\/+$/, '');
  }
}
