import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import { errors as esErrors } from '@elastic/elasticsearch';
import type { Incident, IncidentReason, IncidentStatus } from '../domain/incident';
import type { HistoryEntry } from '../domain/incident-workflow';
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
  // Incident work (absent on incidents nobody has touched yet).
  assignee?: { id: string; username: string; name: string } | null;
  /** Where `route` sent it (the directory of issue 11). */
  organisation_id?: string | null;
  organisation_name?: string | null;
  updated_at?: string;
  closed_at?: string | null;
  merged_into?: string;
  suggestion?: { incident_id: string; similarity: number } | null;
  comment_count?: number;
  history?: HistoryEntry[];
  comments?: CommentDoc[];
  answers?: AnswerDoc[];
  reject_reason?: string;
  /** When the latest note for the next shift was written. */
  shift_note_at?: string;
  // Working-time deadlines, answers' quality and the resident's verdict (issue 11).
  routed_at?: string;
  interim_due_at?: string;
  final_due_at?: string;
  deadline?: { policy: string };
  interim_answered_at?: string;
  final_answered_at?: string;
  /** Some answer was flagged as a formal non-answer («отписка»). */
  formal_answer?: boolean;
  reopened_count?: number;
  satisfaction?: { verdict: 'solved' | 'not_solved' | 'no_reply'; at: string; via: 'operator' | 'link'; by?: string };
}

export interface CommentDoc {
  id: string;
  at: string;
  author: { id: string; username: string; name: string };
  text: string;
  /** Written for the next shift: shown on the handover page. */
  for_shift?: boolean;
}

/** An answer as stored (shared with issue 11's answer checks: formal-reply detection, publishing). */
export interface AnswerDoc {
  stage: 'interim' | 'final';
  at: string;
  author_id: string;
  author_name: string;
  text: string;
  /** «Отписка» check (issue 11): the flag is kept for ratings, the reasons shown to the sender. */
  formal?: boolean;
  formal_reasons?: string[];
  /** Where the reply was published (VK comment URL, or the link an operator pasted). */
  published_url?: string;
  publish_error?: string;
}

/** An incident as read for a change: the document and its opaque OCC version. */
export interface VersionedIncident {
  doc: IncidentDoc;
  version: string;
}

/** The opaque version clients send back: Elasticsearch's seq_no and primary term. */
export function encodeVersion(seqNo: number, primaryTerm: number): string {
  return Buffer.from(`${seqNo}.${primaryTerm}`).toString('base64url');
}

export function decodeVersion(version: string): { seqNo: number; primaryTerm: number } | null {
  const m = /^(\d+)\.(\d+)$/.exec(Buffer.from(version, 'base64url').toString('utf8'));
  return m ? { seqNo: Number(m[1]), primaryTerm: Number(m[2]) } : null;
}

export interface IncidentFilter {
  sectors?: readonly Sector[];
  municipalities?: readonly string[];
  statuses?: readonly IncidentStatus[];
  assigneeId?: string;
  urgent?: boolean;
  reason?: IncidentReason;
  /** Only incidents due before this instant (overdue). */
  dueBefore?: string;
  /** Full text over the post snapshot. */
  q?: string;
  /** Only incidents with a note for the next shift written since this instant. */
  shiftNotesSince?: string;
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

export interface IncidentListQuery extends IncidentFilter {
  limit: number;
  /** Oldest first (the handover page, the workload view); default newest first. */
  oldestFirst?: boolean;
  /** Include comments (the handover page reads the notes for the next shift). */
  withComments?: boolean;
}

function filterClauses(q: IncidentFilter): estypes.QueryDslQueryContainer[] {
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (q.sectors) filter.push({ terms: { sector: [...q.sectors] } });
  if (q.municipalities) filter.push({ terms: { municipality: [...q.municipalities] } });
  if (q.statuses) filter.push({ terms: { status: [...q.statuses] } });
  if (q.assigneeId) filter.push({ term: { 'assignee.id': q.assigneeId } });
  if (q.urgent !== undefined) filter.push(q.urgent ? { term: { urgent: true } } : { bool: { must_not: { term: { urgent: true } } } });
  if (q.reason) filter.push({ term: { reason: q.reason } });
  if (q.dueBefore) filter.push({ range: { due_at: { lt: q.dueBefore } } });
  // The text, or an incident id exactly (links from the SLA board and ratings open one incident).
  if (q.q) filter.push({ bool: { should: [{ match: { text: { query: q.q, operator: 'and' } } }, { term: { id: q.q } }], minimum_should_match: 1 } });
  if (q.shiftNotesSince) filter.push({ range: { shift_note_at: { gte: q.shiftNotesSince } } });
  return filter;
}

export interface WorkloadRow {
  assigneeId: string;
  username: string;
  name: string;
  open: number;
  oldestCreatedAt: string;
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
      return (await this.getManyVersioned(ids)).map((v) => v.doc);
    },

    /** Realtime lookup by id with OCC versions (timelines and comments left out). Missing ids are skipped. */
    async getManyVersioned(ids: readonly string[]): Promise<VersionedIncident[]> {
      if (ids.length === 0) return [];
      const res = await es.mget<IncidentDoc>({ index: names.incidentsIndex, ids: [...ids], realtime: true, _source_excludes: ['history', 'comments', 'answers'] });
      const out: VersionedIncident[] = [];
      for (const d of res.docs) {
        // A per-document error (a shard still recovering after Elasticsearch restarts) is not
        // "missing": callers such as the live feed would drop the event. Fail so they retry.
        if ('error' in d && d.error) throw new Error(`incident ${d._id} unreadable: ${d.error.type ?? 'error'}`);
        if ('found' in d && d.found && d._source) out.push({ doc: d._source, version: encodeVersion(d._seq_no ?? 0, d._primary_term ?? 0) });
      }
      return out;
    },

    /** Newest first (or oldest), within the given filters (the service adds the caller's scope). */
    async list(q: IncidentListQuery): Promise<VersionedIncident[]> {
      const order = q.oldestFirst ? 'asc' : 'desc';
      const res = await es.search<IncidentDoc>({
        index: names.incidents,
        size: q.limit,
        query: { bool: { filter: filterClauses(q) } },
        sort: [{ created_at: order }, { id: order }],
        seq_no_primary_term: true,
        // The timeline and comments stay out of lists: the card shows counts, the detail the rest.
        _source: { excludes: q.withComments ? ['history', 'answers'] : ['history', 'comments', 'answers'] },
      });
      const out: VersionedIncident[] = [];
      for (const h of res.hits.hits) if (h._source) out.push({ doc: h._source, version: encodeVersion(h._seq_no ?? 0, h._primary_term ?? 0) });
      return out;
    },

    /** How many incidents match each filter (counters of the workplace). */
    async count(q: IncidentFilter): Promise<number> {
      const res = await es.count({ index: names.incidents, query: { bool: { filter: filterClauses(q) } } });
      return res.count;
    },

    /** Realtime read with the OCC version, or null. */
    async getVersioned(id: string): Promise<VersionedIncident | null> {
      const res = await es.get<IncidentDoc>({ index: names.incidentsIndex, id, realtime: true }, { ignore: [404] });
      if (!res.found || !res._source || res._seq_no === undefined || res._primary_term === undefined) return null;
      return { doc: res._source, version: encodeVersion(res._seq_no, res._primary_term) };
    },

    /**
     * Writes the whole document only if nobody changed it since `version` was read
     * (if_seq_no/if_primary_term). Returns the new version, or null when someone else won.
     * Waits for the refresh so the actor's next list shows the change (read-your-writes).
     */
    async replaceIfVersion(doc: IncidentDoc, version: string): Promise<string | null> {
      const v = decodeVersion(version);
      if (!v) return null;
      try {
        const res = await es.index({ index: names.incidentsIndex, id: doc.id, document: doc, if_seq_no: v.seqNo, if_primary_term: v.primaryTerm, refresh: 'wait_for' });
        return encodeVersion(res._seq_no ?? 0, res._primary_term ?? 0);
      } catch (err) {
        if (err instanceof esErrors.ResponseError && err.statusCode === 409) return null;
        throw err;
      }
    },

    /** Creates one incident (a post split out of another); false when it already exists. */
    async createOne(doc: IncidentDoc): Promise<boolean> {
      try {
        await es.create({ index: names.incidentsIndex, id: doc.id, document: doc, refresh: 'wait_for' });
        return true;
      } catch (err) {
        if (err instanceof esErrors.ResponseError && err.statusCode === 409) return false;
        throw err;
      }
    },

    /** Who holds how many incidents in the given filter (open statuses), the oldest holdings first. */
    async workload(q: IncidentFilter): Promise<WorkloadRow[]> {
      const res = await es.search({
        index: names.incidents,
        size: 0,
        query: { bool: { filter: [...filterClauses(q), { exists: { field: 'assignee.id' } }] } },
        aggs: {
          by: {
            terms: { field: 'assignee.id', size: 500 },
            aggs: { oldest: { min: { field: 'created_at' } }, who: { top_hits: { size: 1, _source: { includes: ['assignee'] } } } },
          },
        },
      });
      const buckets = ((res.aggregations?.by as { buckets?: unknown[] } | undefined)?.buckets ?? []) as {
        key: string;
        doc_count: number;
        oldest: { value_as_string?: string; value: number | null };
        who: { hits: { hits: { _source?: { assignee?: { username: string; name: string } } }[] } };
      }[];
      return buckets
        .map((b) => {
          const who = b.who.hits.hits[0]?._source?.assignee;
          return {
            assigneeId: b.key,
            username: who?.username ?? b.key,
            name: who?.name ?? b.key,
            open: b.doc_count,
            oldestCreatedAt: b.oldest.value_as_string ?? new Date(b.oldest.value ?? 0).toISOString(),
          };
        })
        .sort((a, b) => a.oldestCreatedAt.localeCompare(b.oldestCreatedAt));
    },
  };
}
export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>;
