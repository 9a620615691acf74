import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../domain/access';
import type { Network } from '../domain/network';
import { auditRecord, type AuditEvent } from '../domain/audit';
import { REDACTED, redactor } from '../domain/audit-redaction';
import { ForbiddenError } from '../lib/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import type { TombstonesRepository } from '../repositories/tombstones.repository';
import type { PersonalDataRepository } from '../repositories/posts.repository';

export interface ErasureRequest {
  network: Network;
  /** The author's id on the network, as the connector recorded it. */
  authorId?: string;
  /** Or the author's profile URL (resolved to the ids recorded with it). */
  profileUrl?: string;
  /** Also replace the texts of the author's posts (and incident snapshots). */
  eraseText: boolean;
  /** The registration number of the person's request, for the record. No personal data. */
  requestRef?: string;
}

export interface ErasureReport {
  erasureId: string;
  /** Audit records whose target or details held the person's name, id or erased posts' ids. */
  auditRecords: number;
  /** Distinct author ids the request resolved to. */
  authorsMatched: number;
  posts: number;
  incidents: number;
  /** Text copies kept with classifier corrections that were replaced (with eraseText only). */
  corrections: number;
  eraseText: boolean;
}

/**
 * Erasure of one person's data on request (152-ФЗ): the author fields of their posts and incident
 * snapshots are replaced (texts too, when asked), everywhere in the archive. Idempotent: a
 * repeated request finds nothing left and reports zeros. Audit records that hold the person's
 * name, id, profile link or erased posts' ids (search queries, author views, targets) are
 * redacted in place — the one rewrite of the audit trail — keeping who did what and when. The
 * erasure's own record holds counts and the request reference, never the person's id, URL or name.
 */
export function createErasureService(deps: {
  personalData: PersonalDataRepository;
  audit: Pick<AuditRepository, 'append' | 'redact'>;
  /** Turns an erased post's id into the opaque id the API shows for it (audit records keep that). */
  opaqueId?: (postId: string) => string;
  /** Remembered so a re-delivered post of the person is anonymised again (the pipeline consults them). */
  tombstones?: Pick<TombstonesRepository, 'addAuthors' | 'addPosts'>;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return {
    async erase(viewer: SessionUser, req: ErasureRequest, ip?: string): Promise<ErasureReport> {
      // A person's data must go from the whole archive, not from one sector's slice of it.
      if (viewer.scope.sectors !== 'all' || viewer.scope.municipalities !== 'all') throw new ForbiddenError('Erasure needs an account whose scope is the whole region');
      const ids = new Set<string>();
      if (req.authorId) ids.add(req.authorId);
      if (req.profileUrl) for (const id of await deps.personalData.authorIdsByProfileUrl(req.network, req.profileUrl)) ids.add(id);
      const authorIds = [...ids];
      const sel = { network: req.network, authorIds };
      // Read before the posts lose them: what the audit trail may have kept of the person.
      const identity = await deps.personalData.authorIdentities(req.network, authorIds);
      // Tombstones first: a post re-delivered while the erasure runs is anonymised by the pipeline.
      await deps.tombstones?.addAuthors(req.network, authorIds, { eraseText: req.eraseText });
      const posts = authorIds.length > 0 ? await deps.personalData.erasePosts(sel, { mode: 'anonymise', eraseText: req.eraseText, refresh: true }) : { changed: 0, ids: [] };
      const incidents = authorIds.length > 0 ? await deps.personalData.eraseIncidents(sel, { eraseText: req.eraseText, refresh: true }) : { changed: 0, ids: [] };
      await deps.tombstones?.addPosts(posts.ids, { eraseText: req.eraseText });
      // The texts also live on as copies kept with classifier corrections (training data).
      const corrections = req.eraseText && posts.ids.length > 0 ? await deps.personalData.eraseCorrectionTexts({ postIds: posts.ids }, { refresh: true }) : 0;
      const rewrite = redactor({
        phrases: [...identity.names, ...identity.urls, ...(req.profileUrl ? [req.profileUrl] : [])],
        tokens: authorIds,
        postIds: new Map(posts.ids.map((id) => [id, deps.opaqueId ? deps.opaqueId(id) : REDACTED])),
      });
      const auditRecords = rewrite ? await deps.audit.redact(rewrite, { refresh: true }) : 0;
      const report: ErasureReport = { erasureId: randomUUID(), auditRecords, authorsMatched: authorIds.length, posts: posts.changed, incidents: incidents.changed, corrections, eraseText: req.eraseText };
      const event: AuditEvent = {
        action: 'personal_data.erase',
        outcome: 'success',
        target: `erasure:${report.erasureId}`,
        ...(ip ? { ip } : {}),
        details: {
          network: req.network,
          by: [...(req.authorId ? ['authorId'] : []), ...(req.profileUrl ? ['profileUrl'] : [])],
          requestRef: req.requestRef ?? null,
          eraseText: req.eraseText,
          authorsMatched: report.authorsMatched,
          posts: report.posts,
          incidents: report.incidents,
          corrections: report.corrections,
          auditRecords: report.auditRecords,
        },
      };
      await deps.audit.append(auditRecord(viewer, event, now()));
      return report;
    },
  };
}
export type ErasureService = ReturnType<typeof createErasureService>;
