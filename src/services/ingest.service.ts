import type { Queue } from 'bullmq';
import { isNetwork } from '../domain/network';
import { postId, type IncomingPost } from '../domain/post';
import { jobIdForPost, type JobData, type JobName } from '../queue/queues';
import type { StagingRepository } from '../repositories/staging.repository';

export interface IngestResult {
  queued: number;
  /** Items that could not even be identified (no network/externalId); everything else is queued. */
  rejected: { index: number; reason: string }[];
}

/**
 * Entry of every post into the pipeline: stage the post, then enqueue its id. Validation of the
 * content happens in the pipeline worker, where a bad post is parked with its reason; here only
 * the id must be computable. Resolves once the posts are safely queued (a connector saves its
 * cursor only after that).
 */
export function createIngestService(deps: { staging: StagingRepository; queue: Queue<JobData<'posts'>, unknown, JobName<'posts'>> }) {
  return {
    async ingest(posts: readonly IncomingPost[]): Promise<IngestResult> {
      const rejected: IngestResult['rejected'] = [];
      const entries: { postId: string; payload: string }[] = [];
      const seen = new Set<string>();
      posts.forEach((p, index) => {
        const externalId = (p as Partial<IncomingPost>).externalId;
        if (!isNetwork(p.network) || typeof externalId !== 'string' || externalId.trim() === '' || externalId.length > 200) {
          rejected.push({ index, reason: 'network and externalId are required to identify a post' });
          return;
        }
        const id = postId(p.network, externalId);
        if (seen.has(id)) return; // the same post twice in one page: one job
        seen.add(id);
        entries.push({ postId: id, payload: JSON.stringify(p) });
      });
      await deps.staging.put(entries);
      await deps.queue.addBulk(entries.map((e) => ({ name: 'process' as const, data: { postId: e.postId }, opts: { jobId: jobIdForPost(e.postId) } })));
      return { queued: entries.length, rejected };
    },
  };
}
export type IngestService = ReturnType<typeof createIngestService>;
