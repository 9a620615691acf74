import { randomUUID } from 'node:crypto';
import { inScope, type SessionUser } from '../domain/access';
import { TONES, type OrganisationMention, type Tone } from '../domain/classification';
import { isSector, SECTORS, type Sector } from '../domain/sector';
import { categoryCodes, type Taxonomy } from '../domain/taxonomy';
import { auditRecord } from '../domain/audit';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors';
import type { FeedRepository } from '../repositories/feed.repository';
import type { IncidentsRepository } from '../repositories/incidents.repository';
import type { IdCodec } from './post-ids';
import type { AuditRepository } from '../repositories/audit.repository';
import type { CorrectionRecord, CorrectionsRepository, PostRef } from '../repositories/corrections.repository';
import type { Gazetteer } from './gazetteer.service';

/** Every classifier output an operator can correct. */
export const CORRECTION_FIELDS = ['sector', 'category', 'complaint', 'tone', 'urgency', 'misinformation', 'municipality', 'address', 'organisation'] as const;

/** Kinds of organisation a post can name (OrganisationMention['kind']). */
export const ORGANISATION_KINDS = ['clinic', 'hospital', 'school', 'kindergarten', 'management_company', 'hoa', 'utility', 'ambulance', 'authority'] as const satisfies readonly OrganisationMention['kind'][];
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

/**
 * A correction as the API takes it. `misinformation: false` marks the risk signal wrong (not a
 * rumour), `true` marks a rumour the model missed; `address`/`organisation` null: none is written.
 */
export type CorrectionInput =
  | { field: 'sector'; value: Sector }
  | { field: 'category'; value: string }
  | { field: 'complaint'; value: boolean }
  | { field: 'tone'; value: Tone }
  | { field: 'urgency'; value: boolean }
  | { field: 'misinformation'; value: boolean }
  | { field: 'municipality'; value: string }
  | { field: 'address'; value: string | null }
  | { field: 'organisation'; value: OrganisationMention | null };

/** A correction as shown to users: never the post text. */
export interface CorrectionView {
  id: string;
  postId: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  modelVersion: string;
  comment?: string;
  at: string;
  by: { id: string; username: string };
}

const MAX_TEXT = 300;
const FREE_TEXT: ReadonlySet<CorrectionField> = new Set(['address', 'organisation']);

function present(r: CorrectionRecord): CorrectionView {
  return {
    id: r.id,
    postId: r.postId,
    field: r.field,
    oldValue: r.oldValue ?? null,
    newValue: r.newValue ?? null,
    modelVersion: r.modelVersion,
    ...(r.comment ? { comment: r.comment } : {}),
    at: r.at,
    by: { id: r.actorId, username: r.actorUsername },
  };
}

/** The value the post shows now for `field` (a human's earlier correction wins over the model's). */
function currentValue(ref: PostRef, field: CorrectionField): unknown {
  const d = ref.doc;
  const human = d.corrected?.values ?? {};
  if (field in human) return human[field];
  switch (field) {
    case 'sector':
      return d.sector;
    case 'complaint':
      return d.complaint;
    case 'misinformation':
      return d.misinfo_score;
    case 'municipality':
      return d.municipality;
    case 'category':
      return d.category ?? null;
    case 'tone':
      return d.tone ?? null;
    case 'urgency':
      return d.urgent ?? d.urgency ?? null;
    case 'address':
      return d.address ?? null;
    case 'organisation':
      return d.organisations ?? null;
  }
}

/** The stored post's own fields a correction overwrites, so filters and cards show the human value. */
export function postFields(c: CorrectionInput): Record<string, unknown> {
  switch (c.field) {
    case 'sector':
      return { sector: c.value, sector_confidence: 1 };
    case 'complaint':
      return { complaint: c.value, complaint_confidence: 1 };
    case 'misinformation':
      return { misinfo_score: c.value ? 1 : 0 };
    case 'municipality':
      return { municipality: c.value };
    case 'category':
      return { category: c.value, category_confidence: 1 };
    case 'tone':
      return { tone: c.value, tone_confidence: 1 };
    case 'urgency':
      return { urgent: c.value, urgency_confidence: 1 };
    case 'address':
      // The operator writes the address whole; `known` says it was not matched to the street list.
      return { address: c.value === null ? null : { street: c.value, known: false } };
    case 'organisation':
      // The human's organisation replaces the model's list (null: the post names none).
      return { organisations: c.value === null ? [] : [c.value] };
  }
}

/**
 * Operators correct any classifier output of a post in their scope. The correction is stored
 * (append-only, with the post text for retraining), audited, and applied to the post, marked as
 * a human's. The post text never leaves Elasticsearch: not in logs, audit details or responses.
 */
export function createCorrectionsService(deps: {
  corrections: CorrectionsRepository;
  audit: Pick<AuditRepository, 'append'>;
  gazetteer: Pick<Gazetteer, 'isKnown'>;
  taxonomy: Taxonomy | null;
  /** A sector or municipality correction re-routes the post's incident to its new room at once. */
  incidents?: Pick<IncidentsRepository, 'reroute'>;
  feed?: Pick<FeedRepository, 'publish'>;
  /** Posts shown under an opaque id are corrected by it too. */
  ids?: Pick<IdCodec, 'decode'>;
}) {
  const categories = deps.taxonomy ? new Set(categoryCodes(deps.taxonomy)) : null;

  /** Checks what the route schema cannot: codes against the taxonomy and the gazetteer. */
  function validate(c: CorrectionInput, ref: PostRef): void {
    switch (c.field) {
      case 'sector':
        if (!isSector(c.value)) throw new ValidationError(`value: not a sector (${SECTORS.join(', ')})`, { field: 'value' });
        return;
      case 'category': {
        if (categories && !categories.has(c.value)) throw new ValidationError(`value: "${c.value}" is not a category of the taxonomy`, { field: 'value' });
        const sector = c.value.split('.')[0];
        const postSector = (ref.doc.corrected?.values.sector as string | undefined) ?? ref.doc.sector;
        if (sector !== postSector) throw new ValidationError(`value: category ${c.value} belongs to sector ${sector}, the post is in ${postSector}; correct the sector first`, { field: 'value' });
        return;
      }
      case 'tone':
        if (!(TONES as readonly string[]).includes(c.value)) throw new ValidationError(`value: not a tone (${TONES.join(', ')})`, { field: 'value' });
        return;
      case 'municipality':
        if (!deps.gazetteer.isKnown(c.value)) throw new ValidationError(`value: "${c.value}" is not a municipality of the region`, { field: 'value' });
        return;
      case 'address':
        if (c.value !== null && (c.value.trim() === '' || c.value.length > MAX_TEXT)) throw new ValidationError(`value: 1–${MAX_TEXT} characters, or null`, { field: 'value' });
        return;
      case 'organisation':
        if (c.value !== null && (!(ORGANISATION_KINDS as readonly string[]).includes(c.value.kind) || c.value.name.trim() === '' || c.value.name.length > MAX_TEXT)) {
          throw new ValidationError(`value: { kind: ${ORGANISATION_KINDS.join('|')}, name: 1–${MAX_TEXT} characters }, or null`, { field: 'value' });
        }
        return;
      case 'complaint':
      case 'urgency':
      case 'misinformation':
        return;
    }
  }

  /** Where the post belongs after a sector or municipality correction; null for other fields. */
  function routeAfter(ref: PostRef, c: CorrectionInput): { sector: Sector; municipality: string } | null {
    if (c.field === 'sector') return { sector: c.value, municipality: ref.doc.municipality };
    if (c.field === 'municipality') return { sector: ref.doc.sector, municipality: c.value };
    return null;
  }

  /** The post's incident follows it to its new sector/municipality and appears in that room's feed now. */
  async function reroute(ref: PostRef, to: { sector: Sector; municipality: string }): Promise<void> {
    const incidentId = ref.doc.incident_id;
    if (!incidentId || !deps.incidents) return;
    const moved = await deps.incidents.reroute(incidentId, to);
    if (moved) await deps.feed?.publish({ incidentId, sector: to.sector, municipality: to.municipality });
  }

  async function findInScope(viewer: SessionUser, given: string, index?: string): Promise<PostRef> {
    const postId = deps.ids ? deps.ids.decode(given) : given;
    const ref = postId === null ? null : await deps.corrections.findPost(postId, index);
    // Out of scope answers exactly like missing: existence does not leak.
    if (!ref || !inScope(viewer.scope, { sector: ref.doc.sector, municipality: ref.doc.municipality })) throw new NotFoundError('Post');
    return ref;
  }

  return {
    /**
     * `postIndex`: the post's index when the caller knows it (an incident's opening post), read in
     * real time. `moveIncident: false` when the caller moves the incident itself (a correction from the
     * incident card: the workflow writes the incident under its own version and publishes the update).
     */
    async correct(viewer: SessionUser, postId: string, c: CorrectionInput & { comment?: string }, ip?: string, opts: { moveIncident?: boolean; postIndex?: string } = {}): Promise<CorrectionView> {
      for (let attempt = 0; ; attempt++) {
        const ref = await findInScope(viewer, postId, opts.postIndex);
        validate(c, ref);
        const routing = routeAfter(ref, c);
        // Writing is scoped like reading: a correction may not move a post out of the corrector's
        // scope (the ЖКХ lead cannot hand a post to transport); a lead whose scope covers both can.
        if (routing && !inScope(viewer.scope, routing)) {
          throw new ForbiddenError(`The correction would move the post out of your scope (to ${routing.sector}/${routing.municipality}): ask a lead whose scope covers both`);
        }
        const at = new Date().toISOString();
        const oldValue = currentValue(ref, c.field);
        const prev = ref.doc.corrected;
        const mark = {
          fields: [...new Set([...(prev?.fields ?? []), c.field])].sort(),
          at,
          by: viewer.id,
          values: { ...(prev?.values ?? {}), [c.field]: c.value },
        };
        // Post first, guarded by its version: a concurrent change makes us re-read, never overwrite.
        if (!(await deps.corrections.updatePost(ref, { ...postFields(c), corrected: mark }))) {
          if (attempt < 2) continue;
          throw new ConflictError('the post changed while it was being corrected; try again');
        }
        const rec: CorrectionRecord = {
          id: randomUUID(),
          at,
          actorId: viewer.id,
          actorUsername: viewer.username,
          actorRole: viewer.role,
          postId: ref.doc.id,
          postIndex: ref.index,
          field: c.field,
          oldValue,
          newValue: c.value,
          modelVersion: ref.doc.model_version,
          ...(c.comment ? { comment: c.comment } : {}),
          text: ref.doc.text,
        };
        await deps.corrections.append(rec);
        // Free-text values (an address, an organisation) may identify someone: the audit names the field only.
        const details = { correctionId: rec.id, field: c.field, ...(FREE_TEXT.has(c.field) ? {} : { oldValue: oldValue ?? null, newValue: c.value }), modelVersion: rec.modelVersion };
        await deps.audit.append(auditRecord(viewer, { action: 'post.correct', outcome: 'success', target: ref.doc.id, ...(ip ? { ip } : {}), details }, new Date(at)));
        if (routing && opts.moveIncident !== false) await reroute(ref, routing);
        // The post is named as the caller named it (an opaque id stays opaque).
        return { ...present(rec), postId };
      }
    },

    async list(viewer: SessionUser, postId: string): Promise<CorrectionView[]> {
      const ref = await findInScope(viewer, postId);
      return (await deps.corrections.listForPost(ref.doc.id)).map((r) => ({ ...present(r), postId }));
    },

    /** Every correction with its text, for the trainer (scripts/train.ts). */
    async forTraining(): Promise<CorrectionRecord[]> {
      return deps.corrections.all();
    },
  };
}
export type CorrectionsService = ReturnType<typeof createCorrectionsService>;
