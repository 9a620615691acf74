import { readFileSync } from 'node:fs';
import type { RedisClient } from '../adapters/redis';
import { can, inScope, type SessionUser } from '../domain/access';
import { renderTemplate, templatesFor, type AnswerTemplate } from '../domain/answer-templates';
import { ForbiddenError, NotFoundError, RateLimitedError } from '../lib/errors';
import type { FeedRepository } from '../repositories/feed.repository';
import type { IncidentQueriesRepository } from '../repositories/incident-queries.repository';
import type { IncidentDoc, IncidentsRepository } from '../repositories/incidents.repository';
import type { OrganisationsRepository } from '../repositories/organisations.repository';
import type { ResponseService, Verdict } from './response.service';

const TEMPLATES_FILE = new URL('../../config/answer-templates.json', import.meta.url);
/** Public satisfaction link requests per address per minute. */
const PUBLIC_PER_MINUTE = 20;

export function loadAnswerTemplates(): AnswerTemplate[] {
  return (JSON.parse(readFileSync(TEMPLATES_FILE, 'utf8')) as { templates: AnswerTemplate[] }).templates;
}

/**
 * The responsible organisation's desk (its own page: only the incidents routed to it, answers
 * written there), answer templates, and the resident's verdict ("not solved" reopens).
 */
export function createOrganisationDeskService(deps: {
  incidents: IncidentsRepository;
  queries: IncidentQueriesRepository;
  organisations: Pick<OrganisationsRepository, 'get'>;
  response: Pick<ResponseService, 'recordVerdict' | 'answerLink'>;
  feed: Pick<FeedRepository, 'publishUpdates'>;
  gazetteer: { nameOf(code: string): string; timeZone: string };
  templates: AnswerTemplate[];
  redis: RedisClient;
  prefix: string;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const fmt = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString('ru-RU', { timeZone: deps.gazetteer.timeZone, day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }) : '…');

  async function orgOf(user: SessionUser): Promise<{ id: string; name: string }> {
    const org = user.organisationId ? await deps.organisations.get(user.organisationId) : null;
    if (!org) throw new ForbiddenError('Пользователь не привязан к организации из справочника');
    return { id: org.id, name: org.name };
  }

  /** The resident said "not solved": the incident goes back to work (a system transition, in its history). */
  async function reopen(id: string, via: string): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const v = await deps.incidents.getVersioned(id);
      if (!v || !['answered', 'closed'].includes(v.doc.status)) return;
      const at = now().toISOString();
      const doc: IncidentDoc = {
        ...v.doc,
        status: 'reopened',
        closed_at: null,
        reopened_count: (v.doc.reopened_count ?? 0) + 1,
        updated_at: at,
        history: [...(v.doc.history ?? []), { at, action: 'reopen', from: v.doc.status, to: 'reopened', details: { reason: 'Житель: не решено', via } }],
      };
      if (await deps.incidents.replaceIfVersion(doc, v.version)) {
        await deps.feed.publishUpdates([{ incidentId: doc.id, sector: doc.sector, municipality: doc.municipality }]);
        return;
      }
    }
  }

  return {
    async list(user: SessionUser) {
      const organisation = await orgOf(user);
      const docs = await deps.queries.byOrganisation(organisation.id, 200);
      // The organisation sees the problem, never the resident's identity.
      const items = docs.map((d) => ({
        id: d.id,
        status: d.status,
        sector: d.sector,
        category: d.category ?? null,
        municipality: d.municipality,
        municipalityName: deps.gazetteer.nameOf(d.municipality),
        text: d.text,
        url: d.url,
        routedAt: d.routed_at ?? null,
        interimDueAt: d.interim_due_at ?? null,
        finalDueAt: d.final_due_at ?? null,
        interimAnsweredAt: d.interim_answered_at ?? null,
        finalAnsweredAt: d.final_answered_at ?? null,
        answers: (d.answers ?? []).map((a) => ({ stage: a.stage, at: a.at, by: a.author_name, text: a.text, formal: a.formal ?? false, reasons: a.formal_reasons ?? [] })),
        version: null as string | null,
      }));
      // OCC version per incident (answers go through the workflow with the version last seen).
      for (const it of items) it.version = (await deps.incidents.getVersioned(it.id))?.version ?? null;
      return { organisation, items };
    },

    async assertRoutedTo(user: SessionUser, id: string): Promise<void> {
      const organisation = await orgOf(user);
      const v = await deps.incidents.getVersioned(id);
      // Not routed here answers exactly like missing: other organisations' incidents do not leak.
      if (!v || v.doc.organisation_id !== organisation.id) throw new NotFoundError('Incident');
    },

    async templates(user: SessionUser, id: string) {
      const v = await deps.incidents.getVersioned(id);
      if (!v || !inScope(user.scope, v.doc)) throw new NotFoundError('Incident');
      const org = v.doc.organisation_id ? await deps.organisations.get(v.doc.organisation_id) : null;
      const values = {
        organisation: org?.name ?? v.doc.organisation_name ?? undefined,
        municipality: deps.gazetteer.nameOf(v.doc.municipality),
        today: fmt(now().toISOString()),
        interimDue: fmt(v.doc.interim_due_at),
        finalDue: fmt(v.doc.final_due_at),
        ...(org?.contacts.phone ? { responsible: `${org.name}, тел. ${org.contacts.phone}` } : {}),
      };
      return templatesFor(deps.templates, v.doc).map((t) => ({ id: t.id, stage: t.stage, title: t.title, text: renderTemplate(t.text, Object.fromEntries(Object.entries(values).filter(([, x]) => x !== undefined)) as Record<string, string>) }));
    },

    async operatorVerdict(user: SessionUser, id: string, verdict: Verdict, ip?: string): Promise<void> {
      const v = await deps.incidents.getVersioned(id);
      if (!v || !inScope(user.scope, v.doc) || !can(user.role, 'incidents:work')) throw new NotFoundError('Incident');
      await deps.response.recordVerdict(user, id, verdict, 'operator', ip);
      if (verdict === 'not_solved') await reopen(id, 'operator');
    },

    async linkVerdict(token: string, verdict: 'solved' | 'not_solved', ip?: string) {
      const res = await deps.response.answerLink(token, verdict, ip);
      if (res.state === 'recorded' && verdict === 'not_solved' && res.incidentId) await reopen(res.incidentId, 'link');
      return res.state;
    },
    /** Called by the link route after a recorded "not solved". */
    reopen,

    async limitPublic(ip: string): Promise<void> {
      const key = `${deps.prefix}:satisfaction-rate:${ip}:${Math.floor(now().getTime() / 60_000)}`;
      const n = await deps.redis.incr(key);
      if (n === 1) await deps.redis.expire(key, 120);
      if (n > PUBLIC_PER_MINUTE) throw new RateLimitedError(60);
    },
  };
}
export type OrganisationDeskService = ReturnType<typeof createOrganisationDeskService>;
