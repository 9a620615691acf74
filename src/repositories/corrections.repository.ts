import type { EsClient } from '../adapters/elasticsearch';
import type { IndexNames } from './indices';
import type { PostDoc } from './posts.repository';

/** What an operator changed, as stored. Values are JSON (their type depends on the field). */
export interface CorrectionRecord {
  id: string;
  at: string;
  actorId: string;
  actorUsername: string;
  actorRole: string;
  postId: string;
  postIndex: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  /** The model version that produced the post's labels. */
  modelVersion: string;
  comment?: string;
  /** The post text, for retraining only. Personal-data-ish: kept in ES, never logged or queued. */
  text: string;
}

interface CorrectionDoc {
  id: string;
  at: string;
  actor_id: string;
  actor_username: string;
  actor_role: string;
  post_id: string;
  post_index: string;
  field: string;
  old_value: string;
  new_value: string;
  model_version: string;
  comment?: string;
  text: string;
}

/** The human-set outputs of a post (`corrected` in the post document). */
export interface PostCorrectionMark {
  fields: string[];
  at: string;
  by: string;
  values: Record<string, unknown>;
}

export type CorrectablePostDoc = PostDoc & { corrected?: PostCorrectionMark } & Record<string, unknown>;

/** A post as read for correcting: where it lives and its version, for an optimistic write. */
export interface PostRef {
  index: string;
  seqNo: number;
  primaryTerm: number;
  doc: CorrectablePostDoc;
}

const decode = (s: string | undefined): unknown => {
  if (s === undefined) return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
};

function fromDoc(d: CorrectionDoc): CorrectionRecord {
  return {
    id: d.id,
    at: d.at,
    actorId: d.actor_id,
    actorUsername: d.actor_username,
    actorRole: d.actor_role,
    postId: d.post_id,
    postIndex: d.post_index,
    field: d.field,
    oldValue: decode(d.old_value),
    newValue: decode(d.new_value),
    modelVersion: d.model_version,
    ...(d.comment ? { comment: d.comment } : {}),
    text: d.text,
  };
}

/**
 * Corrections are append-only (op_type create, generated ids): a later correction of the same
 * field supersedes an earlier one when training, nothing is rewritten. The post update is a
 * partial-document update guarded by `if_seq_no` (no scripts on the integ-test server).
 */
export function createCorrectionsRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  return {
    /**
     * The post and its version. `index`, when the caller knows it (an incident stores its opening
     * post's index), is read first with a realtime GET: a post indexed since the last refresh is
     * found at once (a rejection right after the incident opened found nothing by search).
     */
    async findPost(postId: string, index?: string): Promise<PostRef | null> {
      if (index) {
        const got = await es.get<CorrectablePostDoc>({ index, id: postId }, { ignore: [404] });
        if (got.found && got._source && got._seq_no !== undefined && got._primary_term !== undefined) return { index: got._index, seqNo: got._seq_no, primaryTerm: got._primary_term, doc: got._source };
      }
      const res = await es.search<CorrectablePostDoc>({
        index: names.posts,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 1,
        seq_no_primary_term: true,
        query: { ids: { values: [postId] } },
      });
      const hit = res.hits.hits[0];
      if (!hit?._source || hit._seq_no === undefined || hit._primary_term === undefined) return null;
      // Search sees the last refresh; the version guard needs the latest write (the pipeline may
      // have updated the post since): a realtime GET of the document gives it. Without this a
      // post changed after the last refresh conflicts on every retry.
      const now = await es.get<CorrectablePostDoc>({ index: hit._index, id: hit._id as string }, { ignore: [404] });
      if (!now.found || !now._source || now._seq_no === undefined || now._primary_term === undefined) return null;
      return { index: now._index, seqNo: now._seq_no, primaryTerm: now._primary_term, doc: now._source };
    },

    /** Applies `patch` to the post unless it changed since `ref` was read; false on such a conflict. */
    async updatePost(ref: PostRef, patch: Record<string, unknown>): Promise<boolean> {
      try {
        await es.update({ index: ref.index, id: ref.doc.id, if_seq_no: ref.seqNo, if_primary_term: ref.primaryTerm, doc: patch, refresh: true });
        return true;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 409) return false;
        throw err;
      }
    },

    async append(rec: CorrectionRecord): Promise<void> {
      const doc: CorrectionDoc = {
        id: rec.id,
        at: rec.at,
        actor_id: rec.actorId,
        actor_username: rec.actorUsername,
        actor_role: rec.actorRole,
        post_id: rec.postId,
        post_index: rec.postIndex,
        field: rec.field,
        old_value: JSON.stringify(rec.oldValue ?? null),
        new_value: JSON.stringify(rec.newValue ?? null),
        model_version: rec.modelVersion,
        ...(rec.comment ? { comment: rec.comment } : {}),
        text: rec.text,
      };
      await es.index({ index: names.correctionsIndex, id: rec.id, op_type: 'create', document: doc, refresh: true });
    },

    /** Oldest first. */
    async listForPost(postId: string, limit = 200): Promise<CorrectionRecord[]> {
      const res = await es.search<CorrectionDoc>({
        index: names.corrections,
        size: limit,
        query: { bool: { filter: [{ term: { post_id: postId } }] } },
        sort: [{ at: 'asc' as const }, { id: 'asc' as const }],
      });
      return res.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._source)] : []));
    },

    /**
     * Deletes the corrections of the given posts (152-ФЗ erasure: they hold the post text). No
     * delete_by_query on the integ-test server, so ids are looked up and deleted in one bulk.
     */
    async deleteForPosts(postIds: readonly string[]): Promise<number> {
      let deleted = 0;
      for (let i = 0; i < postIds.length; i += 500) {
        const res = await es.search<CorrectionDoc>({ index: names.corrections, size: 10_000, _source: false, query: { terms: { post_id: postIds.slice(i, i + 500) as string[] } } });
        const ids = res.hits.hits.flatMap((h) => (h._id ? [{ _index: h._index, _id: h._id }] : []));
        if (ids.length === 0) continue;
        const bulk = await es.bulk({ operations: ids.map((d) => ({ delete: d })), refresh: true });
        deleted += bulk.items.filter((it) => it.delete?.status === 200).length;
      }
      return deleted;
    },

    /**
     * Every correction (for retraining), oldest first, in pages (search_after on the unique
     * at + id sort: the index is append-only, so no point in time is needed).
     */
    async all(pageSize = 1000): Promise<CorrectionRecord[]> {
      const out: CorrectionRecord[] = [];
      let after: (string | number)[] | undefined;
      for (;;) {
        const res = await es.search<CorrectionDoc>({
          index: names.corrections,
          size: pageSize,
          query: { match_all: {} },
          sort: [{ at: 'asc' as const }, { id: 'asc' as const }],
          track_total_hits: false,
          ...(after ? { search_after: after } : {}),
        });
        const hits = res.hits.hits;
        for (const h of hits) if (h._source) out.push(fromDoc(h._source));
        const last = hits.at(-1);
        if (!last?.sort || hits.length < pageSize) break;
        after = last.sort as (string | number)[];
      }
      return out;
    },
  };
}
export type CorrectionsRepository = ReturnType<typeof createCorrectionsRepository>;
