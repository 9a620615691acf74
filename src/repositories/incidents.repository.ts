import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import type { Incident, IncidentReason, IncidentStatus } from '../domain/incident';
import type { Network } from '../domain/network';
import type { EnrichedPost } from '../domain/post';
import type { Sector } from '../domain/sector';
import { classifyBulkItem, type BulkItemResult } from './posts.repository';
import type { IndexNames } from './indices';

export interface IncidentDoc {
  id: string;
  post_id: string;
  post_index: string;
  reason: IncidentReason;
  status: IncidentStatus;
  sector: Sector;
  category?: string;
  urgent?: boolean;
  urgency_reasons?: string[];
  municipality: string;
  network: Network;
  kind: 'post' | 'comment';
  created_at: string;
  due_at: string;
  published_at: string;
  text: string;
  url: string;
  author: { id: string; name: string; url?: string };
  complaint_confidence: number;
  misinfo_score: number;
  misinfo_reasons: string[];
  model_version: string;
}

export function toIncidentDoc(incident: Incident, post: EnrichedPost, postIndex: string): IncidentDoc {
  const c = post.classification;
  return {
    id: incident.id,
    post_id: incident.postId,
    post_index: postIndex,
    reason: incident.reason,
    status: incident.status,
    sector: incident.sector,
    ...(incident.category ? { category: incident.category } : {}),
    ...(incident.urgent !== undefined ? { urgent: incident.urgent } : {}),
    ...(c.urgency ? { urgency_reasons: c.urgency.reasons } : {}),
    municipality: incident.municipality,
    network: incident.network,
    kind: post.kind,
    created_at: incident.createdAt,
    due_at: incident.dueAt,
    published_at: post.publishedAt,
    text: post.text,
    url: post.url,
    author: { id: post.author.id, name: post.author.name, ...(post.author.url ? { url: post.author.url } : {}) },
    complaint_confidence: c.complaint.confidence,
    misinfo_score: c.misinformation.score,
    misinfo_reasons: c.misinformation.reasons,
    model_version: c.modelVersion,
  };
}

/** `created`: new now; `exists`: created by an earlier delivery (not an error). */
export type CreateResult = { outcome: 'created' | 'exists' } | { outcome: 'failed'; result: Extract<BulkItemResult, { ok: false }> };

export interface IncidentListQuery {
  sectors?: readonly Sector[];
  municipalities?: readonly string[];
  limit: number;
}

export function createIncidentsRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  return {
    /** Creates incidents with op_type=create so a redelivered post never makes a second one. */
    async bulkCreate(docs: readonly IncidentDoc[]): Promise<CreateResult[]> {
      if (docs.length === 0) return [];
      const operations: unknown[] = [];
      for (const d of docs) operations.push({ create: { _index: names.incidentsIndex, _id: d.id } }, d);
      const res = await es.bulk({ operations, refresh: false });
      return res.items.map((it): CreateResult => {
        const r = classifyBulkItem(it.create);
        if (r.ok) return { outcome: 'created' };
        if (r.status === 409) return { outcome: 'exists' };
        return { outcome: 'failed', result: r };
      });
    },

    /** Moves an incident to another sector/municipality (a human correction of its post); null when there is none. */
    async reroute(id: string, to: { sector: Sector; municipality: string }): Promise<IncidentDoc | null> {
      try {
        const res = await es.update<IncidentDoc, Partial<IncidentDoc>>({ index: names.incidentsIndex, id, doc: { sector: to.sector, municipality: to.municipality }, refresh: 'wait_for', retry_on_conflict: 3, _source: true });
        return (res.get?._source as IncidentDoc | undefined) ?? null;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return null;
        throw err;
      }
    },

    /** Realtime lookup by id (does not wait for a refresh). Missing ids are skipped. */
    async getMany(ids: readonly string[]): Promise<IncidentDoc[]> {
      if (ids.length === 0) return [];
      const res = await es.mget<IncidentDoc>({ index: names.incidentsIndex, ids: [...ids], realtime: true });
      const out: IncidentDoc[] = [];
      for (const d of res.docs) if ('found' in d && d.found && d._source) out.push(d._source);
      return out;
    },

    /** Newest first, within the given filters (the service adds the caller's scope). */
    async list(q: IncidentListQuery): Promise<IncidentDoc[]> {
      const filter: estypes.QueryDslQueryContainer[] = [];
      if (q.sectors) filter.push({ terms: { sector: [...q.sectors] } });
      if (q.municipalities) filter.push({ terms: { municipality: [...q.municipalities] } });
      const res = await es.search<IncidentDoc>({
        index: names.incidents,
        size: q.limit,
        query: { bool: { filter } },
        sort: [{ created_at: 'desc' }, { id: 'desc' }],
      });
      return res.hits.hits.map((h) => h._source).filter((s): s is IncidentDoc => s !== undefined);
    },
  };
}
export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>;
