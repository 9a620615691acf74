import { loadTaxonomy } from '../classifier/taxonomy';
import type { IncidentCard } from '../contracts/feed';
import { resolveCategory } from '../domain/taxonomy';
import { can, type SessionUser } from '../domain/access';
import type { IncidentListQueryInput } from '../contracts/incidents';
import { INCIDENT_STATUSES, type IncidentStatus } from '../domain/incident';
import { OPEN_STATUSES } from '../domain/incident-workflow';
import { ValidationError } from '../lib/errors';
import type { GroupingRepository, GroupMember } from '../repositories/grouping.repository';
import type { Sector } from '../domain/sector';
import { auditRecord, authorViewEvent } from '../domain/audit';
import { compareCursors, type FeedRepository } from '../repositories/feed.repository';
import type { AuditRepository } from '../repositories/audit.repository';
import type { IncidentDoc, IncidentFilter, IncidentsRepository, VersionedIncident } from '../repositories/incidents.repository';
import type { Gazetteer } from './gazetteer.service';
import { idIdentifiesPerson } from '../domain/post-identity';
import { ERASED_AUTHOR } from '../repositories/posts.repository';
import type { IdCodec } from './post-ids';

/** How far back a listing's cursor points: the list is a search, visible only after a refresh (1 s). */
const LIST_CURSOR_LAG_MS = 3000;

/** What the card shows of the incident's group of posts, computed from its members. */
export function groupFacts(doc: IncidentDoc, members: readonly GroupMember[]): Pick<IncidentCard, 'postCount' | 'networks' | 'firstAt' | 'lastAt' | 'reach'> {
  if (members.length === 0) return { postCount: 1, networks: [doc.network], firstAt: doc.published_at, lastAt: doc.published_at, reach: 0 };
  const times = members.map((m) => m.publishedAt).filter((t) => t !== '').sort();
  return {
    postCount: members.length,
    networks: [...new Set(members.map((m) => m.network))].sort(),
    firstAt: times[0] ?? doc.published_at,
    lastAt: times.at(-1) ?? doc.published_at,
    reach: members.reduce((sum, m) => sum + m.reach, 0),
  };
}

/** Author identity is personal data: only roles with `posts:author` get it. */
export function presentIncident(
  doc: IncidentDoc,
  showAuthor: boolean,
  municipalityName: (code: string) => string,
  work: { version: string; members: readonly GroupMember[] } = { version: '', members: [] },
  ids?: IdCodec,
): IncidentCard {
  // A post on a personal wall names its author in its id and link: opaque id, no link, for roles
  // that may not see authors — and for everyone once the author is erased.
  const hide = ids !== undefined && idIdentifiesPerson(doc.post_id) && (!showAuthor || doc.author.id === ERASED_AUTHOR.id);
  return {
    id: hide ? ids.encode(doc.id) : doc.id,
    postId: hide ? ids.encode(doc.post_id) : doc.post_id,
    reason: doc.reason,
    status: doc.status,
    sector: doc.sector,
    municipality: doc.municipality,
    municipalityName: municipalityName(doc.municipality),
    network: doc.network,
    kind: doc.kind,
    text: doc.text,
    url: hide ? '' : doc.url,
    author: showAuthor ? { name: doc.author.name, ...(doc.author.url ? { url: doc.author.url } : {}) } : null,
    publishedAt: doc.published_at,
    createdAt: doc.created_at,
    dueAt: doc.due_at,
    complaintConfidence: doc.complaint_confidence,
    misinformationScore: doc.misinfo_score,
    misinformationReasons: doc.misinfo_reasons,
    ...(doc.category ? { category: doc.category, categoryTitle: resolveCategory(loadTaxonomy(), doc.sector, doc.category).title } : {}),
    ...(doc.urgent !== undefined ? { urgent: doc.urgent, urgencyReasons: doc.urgency_reasons ?? [] } : {}),
    version: work.version,
    assignee: doc.assignee ?? null,
    organisation: doc.organisation_id ? { id: doc.organisation_id, name: doc.organisation_name ?? doc.organisation_id } : null,
    ...groupFacts(doc, work.members),
    commentCount: doc.comment_count ?? 0,
    updatedAt: doc.updated_at ?? doc.created_at,
    ...(doc.merged_into ? { mergedInto: doc.merged_into } : {}),
    ...(doc.suggestion ? { suggestion: { incidentId: doc.suggestion.incident_id, similarity: doc.suggestion.similarity } } : {}),
  };
}

/** An incident ready to present: the document, its version and its group's members. */
export interface StoredIncident {
  doc: IncidentDoc;
  version: string;
  members: readonly GroupMember[];
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

/** Parses the `status` filter: one status, several comma-separated, or `open`. */
export function parseStatuses(raw: string | undefined): IncidentStatus[] | undefined {
  if (!raw) return undefined;
  const out = new Set<IncidentStatus>();
  for (const part of raw.split(',').filter((p) => p !== '')) {
    if (part === 'open') for (const st of OPEN_STATUSES) out.add(st);
    else if ((INCIDENT_STATUSES as readonly string[]).includes(part)) out.add(part as IncidentStatus);
    else throw new ValidationError(`status: "${part}" is not a status (${INCIDENT_STATUSES.join(', ')}, open)`, { field: 'status' });
  }
  return [...out];
}

export function createIncidentsService(deps: {
  incidents: IncidentsRepository;
  grouping: Pick<GroupingRepository, 'members'>;
  feed: FeedRepository;
  gazetteer: Gazetteer;
  audit: Pick<AuditRepository, 'append'>;
  ids?: IdCodec;
}) {
  const name = (code: string) => deps.gazetteer.nameOf(code);

  /** The caller's scope as repository filters, narrowed by the requested sector and municipality; null: nothing visible. */
  function scopeFilter(viewer: SessionUser, q: { sector?: Sector; municipality?: string }): IncidentFilter | null {
    const sectors = scopedSectors(viewer, q.sector);
    const municipalities = scopedMunicipalities(viewer, q.municipality);
    if (sectors?.length === 0 || municipalities?.length === 0) return null;
    return { ...(sectors ? { sectors } : {}), ...(municipalities ? { municipalities } : {}) };
  }

  async function withMembers(items: readonly VersionedIncident[]): Promise<StoredIncident[]> {
    const members = await deps.grouping.members(items.map((v) => v.doc.id));
    return items.map((v) => ({ ...v, members: members.get(v.doc.id) ?? [] }));
  }

  async function auditAuthorView(viewer: SessionUser, ids: string[]): Promise<void> {
    // Seeing who wrote the posts is a look at personal data: record which incidents (ids only).
    await deps.audit.append(auditRecord(viewer, authorViewEvent({ via: 'incidents', incidentIds: ids })));
  }


  const present = (s: StoredIncident, showAuthor: boolean) => presentIncident(s.doc, showAuthor, name, s, deps.ids);

  return {
    /** Incidents in the viewer's scope matching the filters, newest first, with a feed cursor to continue from live. */
    async list(viewer: SessionUser, q: IncidentListQueryInput | { sector?: Sector; municipality?: string; limit: number }): Promise<{ items: IncidentCard[]; cursor: string }> {
      const head = await deps.feed.head();
      const lagged = `${Math.max(0, Date.now() - LIST_CURSOR_LAG_MS)}-0`;
      const cursor = compareCursors(head, lagged) <= 0 ? head : lagged;
      const scope = scopeFilter(viewer, q);
      if (!scope) return { items: [], cursor };
      const f = q as Partial<IncidentListQueryInput>;
      const statuses = parseStatuses(f.status);
      const filter: IncidentFilter = {
        ...scope,
        ...(statuses ? { statuses } : {}),
        ...(f.assignee ? { assigneeId: f.assignee === 'me' ? viewer.id : f.assignee } : {}),
        ...(f.urgent ? { urgent: f.urgent === 'true' } : {}),
        ...(f.reason ? { reason: f.reason } : {}),
        ...(f.overdue === 'true' ? { dueBefore: new Date().toISOString(), statuses: statuses ?? [...OPEN_STATUSES] } : {}),
        ...(f.q ? { q: f.q } : {}),
      };
      const found = await withMembers(await deps.incidents.list({ ...filter, limit: q.limit }));
      const showAuthor = can(viewer.role, 'posts:author');
      if (showAuthor && found.length > 0) await auditAuthorView(viewer, found.map((d) => d.doc.id));
      return { items: found.map((d) => present(d, showAuthor)), cursor };
    },

    /** Counters of the workplace: new, mine (open), overdue (open), urgent (open). */
    async counters(viewer: SessionUser): Promise<{ new: number; mine: number; overdue: number; urgent: number }> {
      const scope = scopeFilter(viewer, {});
      if (!scope) return { new: 0, mine: 0, overdue: 0, urgent: 0 };
      const open = [...OPEN_STATUSES];
      const [fresh, mine, overdue, urgent] = await Promise.all([
        deps.incidents.count({ ...scope, statuses: ['new'] }),
        deps.incidents.count({ ...scope, statuses: open, assigneeId: viewer.id }),
        deps.incidents.count({ ...scope, statuses: open, dueBefore: new Date().toISOString() }),
        deps.incidents.count({ ...scope, statuses: open, urgent: true }),
      ]);
      return { new: fresh, mine, overdue, urgent };
    },

    /** Who holds how many open incidents in the viewer's scope, the oldest holdings first. */
    async workload(viewer: SessionUser) {
      const scope = scopeFilter(viewer, {});
      if (!scope) return { items: [], unassigned: 0 };
      const open = [...OPEN_STATUSES];
      const [rows, all] = await Promise.all([deps.incidents.workload({ ...scope, statuses: open }), deps.incidents.count({ ...scope, statuses: open })]);
      return {
        items: rows.map((r) => ({ assignee: { id: r.assigneeId, username: r.username, name: r.name }, open: r.open, oldestCreatedAt: r.oldestCreatedAt })),
        unassigned: all - rows.reduce((n, r) => n + r.open, 0),
      };
    },

    scopeFilter,
    withMembers,
    auditAuthorView,

    /** Cards for feed entries (missing ones skipped). */
    async cards(ids: readonly string[]): Promise<Map<string, StoredIncident>> {
      const found = await withMembers(await deps.incidents.getManyVersioned(ids));
      return new Map(found.map((d) => [d.doc.id, d]));
    },
    present,
  };
}
export type IncidentsService = ReturnType<typeof createIncidentsService>;
