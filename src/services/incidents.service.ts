import { loadTaxonomy } from '../classifier/taxonomy';
import type { IncidentCard } from '../contracts/feed';
import { resolveCategory } from '../domain/taxonomy';
import { can, type SessionUser } from '../domain/access';
import type { Sector } from '../domain/sector';
import { auditRecord, authorViewEvent } from '../domain/audit';
import { compareCursors, type FeedRepository } from '../repositories/feed.repository';
import type { AuditRepository } from '../repositories/audit.repository';
import type { IncidentDoc, IncidentsRepository } from '../repositories/incidents.repository';
import type { Gazetteer } from './gazetteer.service';

/** How far back a listing's cursor points: the list is a search, visible only after a refresh (1 s). */
const LIST_CURSOR_LAG_MS = 3000;

/** Author identity is personal data: only roles with `posts:author` get it. */
export function presentIncident(doc: IncidentDoc, showAuthor: boolean, municipalityName: (code: string) => string): IncidentCard {
  return {
    id: doc.id,
    postId: doc.post_id,
    reason: doc.reason,
    status: doc.status,
    sector: doc.sector,
    municipality: doc.municipality,
    municipalityName: municipalityName(doc.municipality),
    network: doc.network,
    kind: doc.kind,
    text: doc.text,
    url: doc.url,
    author: showAuthor ? { name: doc.author.name, ...(doc.author.url ? { url: doc.author.url } : {}) } : null,
    publishedAt: doc.published_at,
    createdAt: doc.created_at,
    dueAt: doc.due_at,
    complaintConfidence: doc.complaint_confidence,
    misinformationScore: doc.misinfo_score,
    misinformationReasons: doc.misinfo_reasons,
    ...(doc.category ? { category: doc.category, categoryTitle: resolveCategory(loadTaxonomy(), doc.sector, doc.category).title } : {}),
    ...(doc.urgent !== undefined ? { urgent: doc.urgent, urgencyReasons: doc.urgency_reasons ?? [] } : {}),
  };
}

/** Narrows a requested sector filter to the viewer's scope; never widens it. */
export function scopedSectors(viewer: SessionUser, requested?: Sector): readonly Sector[] | undefined {
  const scope = viewer.scope.sectors;
  if (requested) return scope === 'all' || scope.includes(requested) ? [requested] : [];
  return scope === 'all' ? undefined : scope;
}

export function scopedMunicipalities(viewer: SessionUser, requested?: string): readonly string[] | undefined {
  const scope = viewer.scope.municipalities;
  if (requested) return scope === 'all' || scope.includes(requested) ? [requested] : [];
  return scope === 'all' ? undefined : scope;
}

export function createIncidentsService(deps: { incidents: IncidentsRepository; feed: FeedRepository; gazetteer: Gazetteer; audit: Pick<AuditRepository, 'append'> }) {
  const name = (code: string) => deps.gazetteer.nameOf(code);
  return {
    /** Newest incidents in the viewer's scope, with a feed cursor to continue from live. */
    async list(viewer: SessionUser, q: { sector?: Sector; municipality?: string; limit: number }): Promise<{ items: IncidentCard[]; cursor: string }> {
      const head = await deps.feed.head();
      const lagged = `${Math.max(0, Date.now() - LIST_CURSOR_LAG_MS)}-0`;
      const cursor = compareCursors(head, lagged) <= 0 ? head : lagged;
      const sectors = scopedSectors(viewer, q.sector);
      const municipalities = scopedMunicipalities(viewer, q.municipality);
      if (sectors?.length === 0 || municipalities?.length === 0) return { items: [], cursor };
      const docs = await deps.incidents.list({ ...(sectors ? { sectors } : {}), ...(municipalities ? { municipalities } : {}), limit: q.limit });
      const showAuthor = can(viewer.role, 'posts:author');
      if (showAuthor && docs.length > 0) await deps.audit.append(auditRecord(viewer, authorViewEvent({ via: 'incidents', incidentIds: docs.map((d) => d.id) })));
      return { items: docs.map((d) => presentIncident(d, showAuthor, name)), cursor };
    },
    /** Cards for feed entries, in the given order (missing ones skipped). */
    async cards(ids: readonly string[]): Promise<Map<string, IncidentDoc>> {
      const docs = await deps.incidents.getMany(ids);
      return new Map(docs.map((d) => [d.id, d]));
    },
    present: (doc: IncidentDoc, showAuthor: boolean) => presentIncident(doc, showAuthor, name),
  };
}
export type IncidentsService = ReturnType<typeof createIncidentsService>;

