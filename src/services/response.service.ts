import { createHash, randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../adapters/redis';
import { can, inScope, type SessionUser } from '../domain/access';
import { detectFormalAnswer } from '../domain/formal-answer';
import { ESCALATION_LEVEL_TITLES_RU, type AnswerStage, type EscalationLevel } from '../domain/sla';
import { auditRecord } from '../domain/audit';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { JobData, JobName } from '../queue/queues';
import type { AuditRepository } from '../repositories/audit.repository';
import type { IncidentDoc, IncidentsRepository } from '../repositories/incidents.repository';
import type { EscalationNotification as Notification, EscalationNotificationsRepository as NotificationsRepository } from '../repositories/escalation-notifications.repository';
import type { OrganisationsRepository } from '../repositories/organisations.repository';
import type { UsersRepository } from '../repositories/users.repository';
import type { DeadlinesService } from './deadlines.service';
import type { TransitionEvent } from './incident-workflow.service';

export type EscalationQueue = Queue<JobData<'escalations'>, unknown, JobName<'escalations'>>;

/** Sends one e-mail (nodemailer in production; absent when SMTP is not configured). */
export type Mailer = (m: { to: string[]; subject: string; text: string; attachments?: { filename: string; content: Buffer }[] }) => Promise<void>;

/** Publishes a reply under the resident's post; returns the reply's URL. */
export type ReplyPublisher = (target: { postUrl: string; postId: string }, text: string) => Promise<string>;

export type Verdict = 'solved' | 'not_solved' | 'no_reply';
export const VERDICT_TITLES_RU: Readonly<Record<Verdict, string>> = { solved: 'Решено', not_solved: 'Не решено', no_reply: 'Житель не ответил' };

const OCC_RETRIES = 5;
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** BullMQ refuses ':' in job ids; incident ids are `inc:network:id`. */
export function escalationJobId(incidentId: string, stage: AnswerStage, step: number, dueAt: string): string {
  return `esc|${incidentId.replaceAll(':', '|')}|${stage}|${step}|${Date.parse(dueAt)}`;
}

/**
 * What happens after routing: working-time deadlines on the incident, escalation as delayed
 * jobs (scheduled on route, cancelled when the answer arrives in time, idempotent when they
 * fire), answer checks («отписка» flag kept for ratings, publishing the reply), and the
 * resident's verdict (operator-entered or a one-time public link; "not solved" reopens).
 * Hooks into the incident lifecycle only through the workflow's transition listeners.
 */
export function createResponseService(deps: {
  incidents: IncidentsRepository;
  deadlines: DeadlinesService;
  queue: EscalationQueue;
  notifications: NotificationsRepository;
  organisations: Pick<OrganisationsRepository, 'get'>;
  users: Pick<UsersRepository, 'list'>;
  audit: Pick<AuditRepository, 'append'>;
  redis: RedisClient;
  prefix: string;
  escalationEmails: Partial<Record<'sector_lead' | 'head', string[]>>;
  mailer?: Mailer | undefined;
  publisher?: ReplyPublisher | undefined;
  /** Emits a notification to the recipient's open sockets (the API process). */
  push?: (recipientId: string, n: Notification) => void;
  linkHours: number;
  log: Logger;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const log = deps.log.child({ module: 'response' });
  const sentKey = (jobId: string, to: string) => `${deps.prefix}:esc-mail:${sha256(`${jobId}|${to}`)}`;
  const linkKey = (token: string) => `${deps.prefix}:satisfaction:${sha256(token)}`;

  async function update(id: string, change: (doc: IncidentDoc) => IncidentDoc | null): Promise<IncidentDoc | null> {
    for (let i = 0; i < OCC_RETRIES; i++) {
      const v = await deps.incidents.getVersioned(id);
      if (!v) return null;
      const next = change(v.doc);
      if (!next) return v.doc;
      if (await deps.incidents.replaceIfVersion(next, v.version)) return next;
    }
    throw new ConflictError('the incident keeps changing; try again');
  }

  async function schedule(doc: IncidentDoc): Promise<void> {
    const steps = deps.deadlines.policy.escalation.steps;
    for (const stage of ['interim', 'final'] as const) {
      const due = stage === 'interim' ? doc.interim_due_at : doc.final_due_at;
      if (!due || answered(doc, stage)) continue;
      for (let step = 0; step < steps.length; step++) {
        const s = steps[step]!;
        const delay = Math.max(0, Date.parse(due) + s.offsetMinutes * 60_000 - now().getTime());
        // A deterministic job id: scheduling twice (a retried route) adds one job.
        await deps.queue.add('escalate', { incidentId: doc.id, stage, step, dueAt: due }, { jobId: escalationJobId(doc.id, stage, step, due), delay, attempts: 5 });
      }
    }
  }

  async function cancel(doc: IncidentDoc, stages: readonly AnswerStage[]): Promise<number> {
    let removed = 0;
    const steps = deps.deadlines.policy.escalation.steps;
    for (const stage of stages) {
      const due = stage === 'interim' ? doc.interim_due_at : doc.final_due_at;
      if (!due) continue;
      for (let step = 0; step < steps.length; step++) {
        const job = await deps.queue.getJob(escalationJobId(doc.id, stage, step, due));
        if (job && (await job.isDelayed())) {
          await job.remove();
          removed++;
        }
      }
    }
    return removed;
  }

  const answered = (doc: IncidentDoc, stage: AnswerStage) => (stage === 'interim' ? Boolean(doc.interim_answered_at ?? doc.final_answered_at) : Boolean(doc.final_answered_at));
  const finished = (doc: IncidentDoc) => ['closed', 'merged', 'rejected'].includes(doc.status);

  async function recipients(doc: IncidentDoc, level: EscalationLevel): Promise<{ users: string[]; emails: string[] }> {
    const all = (await deps.users.list()).filter((u) => !u.disabled);
    if (level === 'organisation') {
      const org = doc.organisation_id ? await deps.organisations.get(doc.organisation_id) : null;
      const users = all.filter((u) => (u.organisationId && u.organisationId === doc.organisation_id) || org?.userIds.includes(u.id)).map((u) => u.id);
      return { users, emails: org?.contacts.email ? [org.contacts.email] : [] };
    }
    const role = level === 'sector_lead' ? 'sector_lead' : 'head';
    return { users: all.filter((u) => u.role === role && inScope(u.scope, doc)).map((u) => u.id), emails: deps.escalationEmails[role] ?? [] };
  }

  return {
    schedule,
    cancel,

    /** The transition listener wired to the incident workflow. */
    async onTransition(e: TransitionEvent): Promise<void> {
      const { incident, action } = e;
      switch (action.action) {
        case 'route': {
          const at = now();
          // Re-routing to another organisation restarts the clock; the old jobs go.
          if (e.previous.interim_due_at) await cancel(e.previous, ['interim', 'final']);
          const d = deps.deadlines.deadlinesFor({ category: incident.category, urgent: incident.urgent }, at);
          const saved = await update(incident.id, (doc) => ({
            ...doc,
            routed_at: at.toISOString(),
            interim_due_at: d.interimDueAt,
            final_due_at: d.finalDueAt,
            due_at: d.interimDueAt,
            deadline: { policy: d.policy },
          }));
          if (saved) await schedule(saved);
          return;
        }
        case 'answer': {
          const stage = action.stage;
          const text = action.text;
          const verdict = detectFormalAnswer(text);
          const at = now().toISOString();
          let url: string | undefined;
          let publishError: string | undefined;
          if (deps.publisher && incident.network === 'vk') {
            try {
              url = await deps.publisher({ postUrl: incident.url, postId: incident.post_id }, text);
            } catch (err) {
              publishError = (err as Error).message.slice(0, 200);
              log.warn({ incidentId: incident.id, err: publishError }, 'reply not published');
            }
          }
          const saved = await update(incident.id, (doc) => {
            const answers = [...(doc.answers ?? [])];
            const last = answers.length - 1;
            if (last >= 0) answers[last] = { ...answers[last]!, formal: verdict.formal, ...(verdict.formal ? { formal_reasons: verdict.reasons } : {}), ...(url ? { published_url: url } : {}), ...(publishError ? { publish_error: publishError } : {}) };
            return {
              ...doc,
              answers,
              interim_answered_at: doc.interim_answered_at ?? at,
              ...(stage === 'final' ? { final_answered_at: doc.final_answered_at ?? at } : {}),
              ...(verdict.formal ? { formal_answer: true } : {}),
              ...(doc.final_due_at ? { due_at: doc.final_due_at } : {}),
            };
          });
          if (saved) await cancel(saved, stage === 'final' ? ['interim', 'final'] : ['interim']);
          if (url) await deps.audit.append(auditRecord(e.actor, { action: 'answer.publish', outcome: 'success', target: incident.id, details: { network: 'vk' } }, now()));
          return;
        }
        case 'close':
        case 'merge':
        case 'reject':
          await cancel(incident, ['interim', 'final']);
          return;
        case 'reopen': {
          await update(incident.id, (doc) => ({ ...doc, reopened_count: (doc.reopened_count ?? 0) + 1, final_answered_at: undefined as never }));
          return;
        }
        case 'take':
        case 'release':
        case 'assign':
        case 'split':
        case 'dismiss_suggestion':
        case 'correct':
          return;
      }
    },

    /**
     * One escalation step firing (the worker). Idempotent: a notification per recipient has a
     * deterministic id, an e-mail a Redis marker, so a redelivered job changes nothing.
     */
    async escalate(jobId: string, data: JobData<'escalations'>): Promise<{ notified: number; emailed: number } | null> {
      const v = await deps.incidents.getVersioned(data.incidentId);
      if (!v) return null;
      const doc = v.doc;
      // Answered in time, re-routed (another deadline), or no longer in work: nothing to say.
      if (answered(doc, data.stage) || finished(doc)) return null;
      const due = data.stage === 'interim' ? doc.interim_due_at : doc.final_due_at;
      if (due !== data.dueAt) return null;
      const step = deps.deadlines.policy.escalation.steps[data.step];
      if (!step) return null;
      const { users, emails } = await recipients(doc, step.level);
      const overdue = Date.parse(due) <= now().getTime();
      const stageRu = data.stage === 'interim' ? 'промежуточного' : 'окончательного';
      const title = overdue ? `Просрочен срок ${stageRu} ответа` : `Скоро срок ${stageRu} ответа`;
      const body = `${doc.organisation_name ?? 'Организация'}: инцидент ${doc.id}, срок ${new Date(due).toLocaleString('ru-RU', { timeZone: deps.deadlines.calendar.timeZone })}. Уведомление ${ESCALATION_LEVEL_TITLES_RU[step.level]}.`;
      let notified = 0;
      for (const recipientId of users) {
        const n: Notification = { id: `${jobId}|${recipientId}`, recipientId, kind: 'escalation', incidentId: doc.id, ...(doc.organisation_id ? { organisationId: doc.organisation_id } : {}), stage: data.stage, level: step.level, title, body, at: now().toISOString() };
        if (await deps.notifications.create(n)) {
          notified++;
          deps.push?.(recipientId, n);
        }
      }
      let emailed = 0;
      if (deps.mailer) {
        for (const to of emails) {
          if ((await deps.redis.set(sentKey(jobId, to), '1', 'EX', 30 * 86_400, 'NX')) !== 'OK') continue;
          try {
            await deps.mailer({ to: [to], subject: `Дозор: ${title}`, text: body });
            emailed++;
          } catch (err) {
            // Let the job retry the e-mail: the marker goes, the notifications stay (their ids dedupe).
            await deps.redis.del(sentKey(jobId, to));
            throw err;
          }
        }
      }
      return { notified, emailed };
    },

    async notificationsOf(user: SessionUser, limit = 50) {
      return deps.notifications.list(user.id, limit);
    },
    async markRead(user: SessionUser, id: string): Promise<void> {
      const n = await deps.notifications.get(id);
      if (!n || n.recipientId !== user.id) throw new NotFoundError('Notification');
      if (!n.readAt) await deps.notifications.markRead(n, now().toISOString());
    },

    /** The operator records the resident's verdict (from the resident's reply). */
    async recordVerdict(actor: SessionUser | null, id: string, verdict: Verdict, via: 'operator' | 'link', ip?: string): Promise<IncidentDoc> {
      const saved = await update(id, (doc) => {
        if (!doc.final_answered_at) throw new ValidationError('the resident is asked after the final answer');
        return { ...doc, satisfaction: { verdict, at: now().toISOString(), via, ...(actor ? { by: actor.id } : {}) } };
      });
      if (!saved) throw new NotFoundError('Incident');
      await deps.audit.append(auditRecord(actor ? actor : null, { action: 'satisfaction.record', outcome: 'success', target: id, ...(ip ? { ip } : {}), details: { verdict, via } }, now()));
      return saved;
    },

    /** A one-time public link for the resident (shown once; only its hash is stored). */
    async createLink(actor: SessionUser, id: string, ip?: string): Promise<{ token: string; expiresAt: string }> {
      const v = await deps.incidents.getVersioned(id);
      if (!v || !inScope(actor.scope, v.doc) || !can(actor.role, 'incidents:work')) throw new NotFoundError('Incident');
      if (!v.doc.final_answered_at) throw new ValidationError('the resident is asked after the final answer');
      const token = randomBytes(24).toString('base64url');
      const ttl = deps.linkHours * 3600;
      await deps.redis.set(linkKey(token), JSON.stringify({ incidentId: id }), 'EX', ttl);
      await deps.audit.append(auditRecord(actor, { action: 'satisfaction.link', outcome: 'success', target: id, ...(ip ? { ip } : {}) }, now()));
      return { token, expiresAt: new Date(now().getTime() + ttl * 1000).toISOString() };
    },

    /** What the public page shows for a token: usable, used, or unknown/expired. */
    async linkState(token: string): Promise<'open' | 'used' | 'expired'> {
      const raw = await deps.redis.get(linkKey(token));
      if (!raw) return 'expired';
      return (JSON.parse(raw) as { used?: boolean }).used ? 'used' : 'open';
    },

    /** The resident answers through the link: once (atomically), then the link says "used". */
    async answerLink(token: string, verdict: 'solved' | 'not_solved', ip?: string): Promise<{ state: 'recorded' | 'used' | 'expired'; incidentId?: string }> {
      const key = linkKey(token);
      const raw = await deps.redis.get(key);
      if (!raw) return { state: 'expired' };
      const link = JSON.parse(raw) as { incidentId: string; used?: boolean };
      if (link.used) return { state: 'used' };
      // Claim it atomically: only the first of two simultaneous answers records a verdict.
      const claimed = await deps.redis.set(`${key}:claim`, '1', 'EX', 90 * 86_400, 'NX');
      if (claimed !== 'OK') return { state: 'used' };
      const ttl = await deps.redis.ttl(key);
      await deps.redis.set(key, JSON.stringify({ ...link, used: true }), 'EX', Math.max(ttl, 86_400 * 30));
      await this.recordVerdict(null, link.incidentId, verdict, 'link', ip);
      return { state: 'recorded', incidentId: link.incidentId };
    },
  };
}
export type ResponseService = ReturnType<typeof createResponseService>;
