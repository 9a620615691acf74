import { auditRecord } from '../domain/audit';
import type { AuditRepository } from '../repositories/audit.repository';
import type { PersonalDataRepository } from '../repositories/posts.repository';

export interface RetentionPolicy {
  /** Posts published more than this many days ago lose their personal data. */
  days: number;
  /** What happens to the remaining old posts of the boundary month. */
  mode: 'delete' | 'anonymise';
}

export interface RetentionReport {
  cutoff: string;
  mode: RetentionPolicy['mode'];
  /** Whole monthly post indices dropped. */
  droppedIndices: string[];
  /** Posts of the boundary month deleted or anonymised. */
  posts: number;
  /** Incident snapshots whose author was removed. */
  incidents: number;
  /** Post-text copies kept with classifier corrections that were replaced (`delete` mode). */
  corrections: number;
}

/** The instant before which posts are past retention. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 24 * 3600_000);
}

/**
 * Retention of personal data (152-ФЗ). One run: drop every monthly post index lying wholly before
 * the cutoff, then delete or anonymise the older posts of the boundary month, then remove the
 * author (and, in `delete` mode, the text) from incident snapshots of posts past the cutoff.
 * Idempotent: a second run over the same data changes nothing.
 */
export function createRetentionService(deps: { personalData: PersonalDataRepository; audit: Pick<AuditRepository, 'append'>; policy: RetentionPolicy; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    policy: deps.policy,
    async run(at: Date = now()): Promise<RetentionReport> {
      const cutoff = retentionCutoff(at, deps.policy.days);
      const before = cutoff.toISOString();
      const droppedIndices = await deps.personalData.dropMonthsBefore(cutoff);
      const posts = await deps.personalData.erasePosts({ publishedBefore: before }, { mode: deps.policy.mode, eraseText: false, refresh: false });
      // An incident is the center's work record and outlives the post; its copy of the author does not.
      const incidents = await deps.personalData.eraseIncidents({ publishedBefore: before }, { eraseText: deps.policy.mode === 'delete', refresh: false });
      // Deleted posts take the copies of their text kept with classifier corrections along.
      const corrections = deps.policy.mode === 'delete' ? await deps.personalData.eraseCorrectionTexts({ postIds: posts.ids, postIndices: droppedIndices }, { refresh: false }) : 0;
      const report: RetentionReport = { cutoff: before, mode: deps.policy.mode, droppedIndices, posts: posts.changed, incidents: incidents.changed, corrections };
      if (droppedIndices.length > 0 || posts.changed > 0 || incidents.changed > 0 || corrections > 0) {
        const details = { cutoff: before, mode: deps.policy.mode, droppedIndices, posts: posts.changed, incidents: incidents.changed, corrections };
        await deps.audit.append(auditRecord(null, { action: 'retention.run', outcome: 'success', details }, now()));
      }
      return report;
    },
  };
}
export type RetentionService = ReturnType<typeof createRetentionService>;
