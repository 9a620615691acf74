import { randomUUID } from 'node:crypto';
import type { CommentView, HistoryEntryView, IncidentActionInput } from '../contracts/incidents';
import type { IncidentCard } from '../contracts/feed';
import { can, inScope, type SessionUser } from '../domain/access';
import { auditRecord, type AuditAction, type AuditOutcome } from '../domain/audit';
import { incidentId } from '../domain/incident';
import { decideTransition, isOpen, MAX_COMMENTS, MAX_HISTORY, type HistoryEntry } from '../domain/incident-workflow';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { AuditRepository } from '../repositories/audit.repository';
import type { CorrectionsRepository } from '../repositories/corrections.repository';
import type { FeedRepository } from '../repositories/feed.repository';
import type { GroupingRepository, GroupMember } from '../repositories/grouping.repository';
import type { CommentDoc, IncidentDoc, IncidentsRepository, VersionedIncident } from '../repositories/incidents.repository';
import type { UsersRepository } from '../repositories/users.repository';
import type { CorrectionsService } from './corrections.service';
import type { IncidentsService } from './incidents.service';

/** What a transition listener hears after every successful action (deadlines, notifications, …). */
export interface TransitionEvent {
  incident: IncidentDoc;
  previous: IncidentDoc;
  action: IncidentActionInput;
  actor: SessionUser;
}
export type TransitionListener = (e: TransitionEvent) => Promise<void>;

/** The organisation directory as incident routing needs it. */
export interface OrganisationLookup {
  get(id: string): Promise<{ id: string; name: string } | null>;
}

/** A 409 that carries the incident as it is now, so the client can show who won. */
export class IncidentConflictError extends ConflictError {
  constructor(
    message: string,
    readonly code2: string,
    readonly current: IncidentCard,
  ) {
    super(message, { reason: code2, current });
  }
}

export interface IncidentDetail extends IncidentCard {
  history: HistoryEntryView[];
  answers: { stage: 'interim' | 'final'; at: string; by: { id: string; name: string }; text: string }[];
  members: GroupMember[];
}

const OCC_RETRIES = 5;

const auditActionOf = (action: IncidentActionInput['action']): AuditAction => `incident.${action}`;

function staffOf(u: SessionUser) {
  return { id: u.id, username: u.username, name: u.displayName };
}

function pushHistory(doc: IncidentDoc, entry: HistoryEntry): HistoryEntry[] {
  const h = [...(doc.history ?? []), entry];
  return h.length > MAX_HISTORY ? h.slice(h.length - MAX_HISTORY) : h;
}

function presentHistory(h: HistoryEntry): HistoryEntryView {
  return { at: h.at, action: h.action, actor: h.actor ?? null, ...(h.from ? { from: h.from } : {}), ...(h.to ? { to: h.to } : {}), ...(h.details ? { details: h.details } : {}) };
}

function presentComment(c: CommentDoc): CommentView {
  return { id: c.id, at: c.at, author: c.author, text: c.text, forShift: c.for_shift === true };
}

/**
 * Incident work: the lifecycle actions (src/domain/incident-workflow.ts decides, this service
 * loads, checks scope and version, writes with optimistic concurrency, and then tells everyone),
 * comments, and the incident detail. Every action is audited, pushed live as `incident:updated`
 * and handed to the transition listeners.
 */
export function createIncidentWorkflowService(deps: {
  incidents: IncidentsRepository;
  grouping: GroupingRepository;
  feed: Pick<FeedRepository, 'publishUpdates'>;
  audit: Pick<AuditRepository, 'append'>;
  corrections: Pick<CorrectionsService, 'correct'>;
  posts: Pick<CorrectionsRepository, 'findPost' | 'updatePost'>;
  users: Pick<UsersRepository, 'findById'>;
  organisations: OrganisationLookup;
  view: Pick<IncidentsService, 'withMembers' | 'present' | 'auditAuthorView'>;
  log: Logger;
}) {
  const listeners: TransitionListener[] = [];
  const log = deps.log.child({ module: 'incident-workflow' });

  async function load(viewer: SessionUser, id: string): Promise<VersionedIncident> {
    const v = await deps.incidents.getVersioned(id);
    // Out of scope answers exactly like missing: existence does not leak.
    if (!v || !inScope(viewer.scope, v.doc)) throw new NotFoundError('Incident');
    return v;
  }

  async function card(v: VersionedIncident, viewer: SessionUser): Promise<IncidentCard> {
    const [stored] = await deps.view.withMembers([v]);
    return deps.view.present(stored as NonNullable<typeof stored>, can(viewer.role, 'posts:author'));
  }

  async function detail(v: VersionedIncident, viewer: SessionUser): Promise<IncidentDetail> {
    const [stored] = await deps.view.withMembers([v]);
    const s = stored as NonNullable<typeof stored>;
    return {
      ...deps.view.present(s, can(viewer.role, 'posts:author')),
      history: (v.doc.history ?? []).map(presentHistory),
      answers: (v.doc.answers ?? []).map((a) => ({ stage: a.stage, at: a.at, by: { id: a.author_id, name: a.author_name }, text: a.text })),
      members: [...s.members].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt)),
    };
  }

  async function audit(viewer: SessionUser, action: AuditAction, outcome: AuditOutcome, target: string, details: Record<string, unknown>, ip?: string) {
    await deps.audit.append(auditRecord(viewer, { action, outcome, target, ...(ip ? { ip } : {}), details }));
  }

  async function conflict(viewer: SessionUser, id: string, message: string, reason: string): Promise<never> {
    const now = await load(viewer, id);
    throw new IncidentConflictError(message, reason, await card(now, viewer));
  }

  /** Re-reads and rewrites until the write lands (for changes that do not depend on the client's version). */
  async function updateWithRetry(id: string, change: (doc: IncidentDoc) => IncidentDoc | null): Promise<VersionedIncident | null> {
    for (let attempt = 0; attempt < OCC_RETRIES; attempt++) {
      const v = await deps.incidents.getVersioned(id);
      if (!v) return null;
      const next = change(v.doc);
      if (!next) return v;
      const version = await deps.incidents.replaceIfVersion(next, v.version);
      if (version) return { doc: next, version };
    }
    throw new ConflictError('the incident keeps changing; try again');
  }

  async function publish(doc: IncidentDoc, previous?: IncidentDoc): Promise<void> {
    await deps.feed.publishUpdates([{ incidentId: doc.id, sector: doc.sector, municipality: doc.municipality, ...(previous ? { alsoTo: { sector: previous.sector, municipality: previous.municipality } } : {}) }]);
  }

  /** Action-specific checks and document changes, run before the guarded write. */
  async function prepare(viewer: SessionUser, v: VersionedIncident, input: IncidentActionInput, at: string): Promise<{ doc: IncidentDoc; details: Record<string, string | number | boolean | null> }> {
    const doc: IncidentDoc = { ...v.doc };
    const details: Record<string, string | number | boolean | null> = {};
    switch (input.action) {
      case 'take':
        doc.assignee = staffOf(viewer);
        break;
      case 'release':
        doc.assignee = null;
        break;
      case 'assign': {
        const user = await deps.users.findById(input.userId);
        if (!user || user.disabled) throw new ValidationError('userId: no such active user', { field: 'userId' });
        if (!can(user.role, 'incidents:work')) throw new ValidationError(`userId: ${user.username} cannot work incidents (role ${user.role})`, { field: 'userId' });
        if (!inScope(user.scope, doc)) throw new ValidationError(`userId: the incident is outside ${user.username}'s scope`, { field: 'userId' });
        doc.assignee = { id: user.id, username: user.username, name: user.displayName };
        details.assignee = user.username;
        break;
      }
      case 'route': {
        const org = await deps.organisations.get(input.organisationId);
        if (!org) throw new NotFoundError('Organisation');
        doc.organisation_id = org.id;
        doc.organisation_name = org.name;
        details.organisationId = org.id;
        details.organisation = org.name;
        break;
      }
      case 'answer':
        doc.answers = [...(doc.answers ?? []), { stage: input.stage, at, author_id: viewer.id, author_name: viewer.displayName, text: input.text }];
        details.stage = input.stage;
        break;
      case 'close':
        doc.closed_at = at;
        if (input.resolution) details.resolution = input.resolution;
        break;
      case 'reopen':
        doc.closed_at = null;
        if (input.reason) details.reason = input.reason;
        break;
      case 'reject':
        doc.reject_reason = input.reason;
        details.reason = input.reason;
        break;
      case 'merge': {
        if (input.targetId === doc.id) throw new ValidationError('targetId: an incident cannot be merged into itself', { field: 'targetId' });
        const target = await load(viewer, input.targetId);
        if (target.doc.status === 'merged' || !isOpen(target.doc.status)) {
          throw new IncidentConflictError(`Инцидент ${target.doc.id} уже не в работе (${target.doc.status})`, 'target_not_open', await card(target, viewer));
        }
        if (target.doc.sector !== doc.sector || target.doc.municipality !== doc.municipality) {
          throw new ValidationError('targetId: incidents of different sectors or municipalities are not merged (correct the sector first)', { field: 'targetId' });
        }
        doc.merged_into = target.doc.id;
        doc.suggestion = null;
        details.targetId = target.doc.id;
        break;
      }
      case 'split': {
        if (input.postId === doc.post_id) throw new ValidationError('postId: the opening post stays with its incident', { field: 'postId' });
        const members = (await deps.grouping.members([doc.id])).get(doc.id) ?? [];
        if (!members.some((m) => m.postId === input.postId)) throw new ValidationError('postId: not a post of this incident', { field: 'postId' });
        details.postId = input.postId;
        details.newIncidentId = incidentId(input.postId);
        break;
      }
      case 'dismiss_suggestion':
        if (!doc.suggestion) throw new ValidationError('this incident has no suggestion', { field: 'action' });
        details.suggested = doc.suggestion.incident_id;
        doc.suggestion = null;
        break;
      case 'correct': {
        // The correction is stored and learned from (the corrections API); the incident follows it.
        await deps.corrections.correct(viewer, doc.post_id, { field: input.field, value: input.value } as Parameters<CorrectionsService['correct']>[2], undefined, { moveIncident: false, postIndex: doc.post_index });
        details.field = input.field;
        details.value = input.value;
        if (input.field === 'sector' && input.value !== doc.sector) {
          doc.sector = input.value;
          delete doc.category;
        }
        if (input.field === 'category') doc.category = input.value;
        break;
      }
    }
    return { doc, details };
  }

  /** Side effects that follow a successful write: grouping state, other incidents, the classifier. */
  async function after(viewer: SessionUser, previous: IncidentDoc, now: IncidentDoc, input: IncidentActionInput, ip?: string): Promise<void> {
    if (isOpen(previous.status) && !isOpen(now.status)) await deps.grouping.deactivate(now.id);
    switch (input.action) {
      case 'merge': {
        const moved = await deps.grouping.moveMembers(now.id, input.targetId);
        const at = new Date().toISOString();
        const target = await updateWithRetry(input.targetId, (t) => ({
          ...t,
          updated_at: at,
          ...(t.suggestion?.incident_id === now.id ? { suggestion: null } : {}),
          history: pushHistory(t, { at, action: 'merged_in', actor: staffOf(viewer), details: { from: now.id, posts: moved } }),
        }));
        if (target) await publish(target.doc);
        break;
      }
      case 'split': {
        const ref = await deps.posts.findPost(input.postId);
        if (!ref) {
          log.warn({ incidentId: now.id }, 'split post not found in the archive');
          return;
        }
        const p = ref.doc;
        const at = new Date().toISOString();
        const created: IncidentDoc = {
          id: incidentId(p.id),
          post_id: p.id,
          post_index: ref.index,
          reason: now.reason,
          status: 'new',
          sector: p.sector,
          ...(p.category ? { category: p.category } : {}),
          ...(p.urgent !== undefined ? { urgent: p.urgent } : {}),
          municipality: p.municipality,
          network: p.network,
          kind: p.kind,
          created_at: at,
          due_at: now.due_at,
          published_at: p.published_at,
          text: p.text,
          url: p.url,
          author: p.author,
          complaint_confidence: p.complaint_confidence,
          misinfo_score: p.misinfo_score,
          misinfo_reasons: p.misinfo_reasons,
          model_version: p.model_version,
          updated_at: at,
          history: [{ at, action: 'split', actor: staffOf(viewer), to: 'new', details: { from: now.id } }],
        };
        const members = (await deps.grouping.members([now.id])).get(now.id) ?? [];
        const member = members.find((m) => m.postId === p.id) ?? { postId: p.id, network: p.network, publishedAt: p.published_at, reach: 0 };
        await deps.incidents.createOne(created);
        await deps.grouping.splitMember(now.id, created.id, member);
        await deps.posts.updatePost(ref, { incident_id: created.id });
        await deps.feed.publishUpdates([{ incidentId: created.id, sector: created.sector, municipality: created.municipality }]);
        break;
      }
      case 'reject': {
        // "Not an incident" teaches the classifier: the opening post was not a complaint (or not a rumour).
        const field = now.reason === 'misinformation' ? 'misinformation' : 'complaint';
        try {
          await deps.corrections.correct(viewer, now.post_id, { field, value: false, comment: `Отклонено оператором: ${input.reason}`.slice(0, 500) }, ip, { postIndex: now.post_index });
        } catch (err) {
          // The incident is rejected either way; the lost training example is logged, not hidden.
          log.warn({ incidentId: now.id, err: (err as Error).message }, 'rejection could not become a correction');
        }
        break;
      }
      case 'take':
      case 'release':
      case 'assign':
      case 'route':
      case 'answer':
      case 'close':
      case 'reopen':
      case 'dismiss_suggestion':
      case 'correct':
        break;
    }
  }

  return {
    /** Registers a listener called after every successful action (errors are logged, never undo the action). */
    onTransition(listener: TransitionListener): void {
      listeners.push(listener);
    },

    async get(viewer: SessionUser, id: string): Promise<IncidentDetail> {
      const v = await load(viewer, id);
      if (can(viewer.role, 'posts:author')) await deps.view.auditAuthorView(viewer, [v.doc.id]);
      return detail(v, viewer);
    },

    async act(viewer: SessionUser, id: string, input: IncidentActionInput, ip?: string): Promise<IncidentDetail> {
      const v = await load(viewer, id);
      const decision = decideTransition({ status: v.doc.status, assigneeId: v.doc.assignee?.id ?? null }, { action: input.action, ...(input.action === 'answer' ? { stage: input.stage } : {}) }, viewer);
      if (!decision.ok && decision.kind === 'forbidden') {
        await audit(viewer, auditActionOf(input.action), 'denied', id, { status: v.doc.status }, ip);
        throw new ForbiddenError(decision.message);
      }
      if (input.version !== v.version) return conflict(viewer, id, 'Инцидент изменился: обновите карточку', 'stale_version');
      if (!decision.ok) {
        await audit(viewer, auditActionOf(input.action), 'failure', id, { status: v.doc.status, reason: decision.code }, ip);
        throw new IncidentConflictError(decision.message, decision.code, await card(v, viewer));
      }
      const at = new Date().toISOString();
      const { doc, details } = await prepare(viewer, v, input, at);
      doc.status = decision.next;
      if (decision.assignee === 'actor') doc.assignee = staffOf(viewer);
      if (decision.assignee === 'clear') doc.assignee = null;
      doc.updated_at = at;
      doc.history = pushHistory(v.doc, { at, action: input.action, actor: staffOf(viewer), from: v.doc.status, to: decision.next, ...(Object.keys(details).length > 0 ? { details } : {}) });
      const version = await deps.incidents.replaceIfVersion(doc, v.version);
      if (!version) {
        await audit(viewer, auditActionOf(input.action), 'failure', id, { reason: 'stale_version' }, ip);
        return conflict(viewer, id, 'Инцидент только что изменил другой сотрудник', 'stale_version');
      }
      await audit(viewer, auditActionOf(input.action), 'success', id, { from: v.doc.status, to: decision.next, ...details }, ip);
      await after(viewer, v.doc, doc, input, ip);
      for (const listener of listeners) {
        await listener({ incident: doc, previous: v.doc, action: input, actor: viewer }).catch((err: Error) => log.error({ incidentId: id, action: input.action, err: err.message }, 'transition listener failed'));
      }
      // Listeners may have written to the incident (deadlines on route): the actor and everyone
      // else get it as it is now, with the version that will be accepted next.
      const now = (await deps.incidents.getVersioned(id)) ?? { doc, version };
      await publish(now.doc, v.doc);
      return detail(now, viewer);
    },

    async comments(viewer: SessionUser, id: string): Promise<CommentView[]> {
      const v = await load(viewer, id);
      return (v.doc.comments ?? []).map(presentComment);
    },

    /** Internal note (never leaves the system); does not need the client's version: it changes no state. */
    async addComment(viewer: SessionUser, id: string, input: { text: string; forShift: boolean }, ip?: string): Promise<CommentView> {
      if (!can(viewer.role, 'incidents:work')) {
        await audit(viewer, 'incident.comment', 'denied', id, {}, ip);
        throw new ForbiddenError('Комментарии недоступны этой роли');
      }
      await load(viewer, id);
      const at = new Date().toISOString();
      const comment: CommentDoc = { id: randomUUID(), at, author: staffOf(viewer), text: input.text, ...(input.forShift ? { for_shift: true } : {}) };
      const saved = await updateWithRetry(id, (doc) => {
        if (doc.status === 'merged') throw new ValidationError(`the incident was merged into ${doc.merged_into ?? 'another'}: comment there`);
        if ((doc.comments ?? []).length >= MAX_COMMENTS) throw new ValidationError(`an incident holds at most ${MAX_COMMENTS} comments`);
        return {
          ...doc,
          comments: [...(doc.comments ?? []), comment],
          comment_count: (doc.comment_count ?? 0) + 1,
          updated_at: at,
          ...(input.forShift ? { shift_note_at: at } : {}),
          history: pushHistory(doc, { at, action: 'comment', actor: staffOf(viewer), details: { commentId: comment.id, forShift: input.forShift } }),
        };
      });
      if (!saved) throw new NotFoundError('Incident');
      // The text is an internal note: the audit records that one was written, not what it says.
      await audit(viewer, 'incident.comment', 'success', id, { commentId: comment.id, forShift: input.forShift }, ip);
      await publish(saved.doc);
      return presentComment(comment);
    },
  };
}
export type IncidentWorkflowService = ReturnType<typeof createIncidentWorkflowService>;
