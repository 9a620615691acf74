import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { FULL_SCOPE } from '../../src/domain/access';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { escalationJobId } from '../../src/services/response.service';
import { createEscalationWorker } from '../../workers/escalation.worker';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

/** A real SMTP server on loopback that records every message it accepts. */
async function startSmtp(): Promise<{ port: number; mails: { to: string[]; body: string }[]; close(): Promise<void> }> {
  const mails: { to: string[]; body: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let body = '';
      stream.on('data', (c: Buffer) => (body += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, mails, close: () => new Promise((r) => server.close(() => r())) };
}

function incident(id: string, over: Partial<IncidentDoc> = {}): IncidentDoc {
  const at = new Date().toISOString();
  return {
    id,
    post_id: id.replace(/^inc:/, ''),
    post_index: 'none',
    reason: 'complaint',
    status: 'taken',
    sector: 'housing',
    category: 'housing.water',
    municipality: 'omsk',
    network: 'vk',
    kind: 'post',
    created_at: at,
    due_at: at,
    published_at: at,
    text: 'Третий день нет холодной воды на Лермонтова 14',
    url: 'https://vk.com/wall-1_1',
    author: { id: 'a1', name: 'Житель' },
    complaint_confidence: 0.9,
    misinfo_score: 0,
    misinfo_reasons: [],
    model_version: 'test',
    ...over,
  };
}

describe('escalation: delayed jobs, once, cancelled by an answer in time', () => {
  let sys: TestSystem;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    sys = await startSystem({ withPipeline: false, env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'dozor@test.local', ESCALATION_EMAILS: JSON.stringify({ sector_lead: ['lead@test.local'] }) } });
    const c = sys.container;
    const admin = { id: 'seed', username: 'seed', displayName: 'seed', role: 'admin' as const, scope: FULL_SCOPE };
    await c.services.organisations.create(admin, { id: 'omsk-vodokanal', name: 'АО «ОмскВодоканал»', kind: 'utility', municipality: 'omsk', sectors: ['housing'], contacts: { email: 'vodokanal@test.local' }, userIds: [], officialSourceIds: [] });
    await c.services.users.createUser({ username: 'vk-worker', displayName: 'Сотрудник Водоканала', password: 'vk-worker-password-1', role: 'organisation', scope: FULL_SCOPE, organisationId: 'omsk-vodokanal' });
    await c.services.users.createUser({ username: 'lead-housing', displayName: 'Руководитель ЖКХ', password: 'lead-housing-password-1', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
  });
  afterAll(async () => {
    await sys?.stop();
    await smtp?.close();
  });

  it('fires each step exactly once across a worker restart, in-app and by e-mail', async () => {
    const c = sys.container;
    const soon = new Date(Date.now() + 1500).toISOString();
    const doc = incident('inc:vk:esc-1', { status: 'routed', organisation_id: 'omsk-vodokanal', organisation_name: 'АО «ОмскВодоканал»', interim_due_at: soon, final_due_at: new Date(Date.now() + 5 * 3_600_000).toISOString() });
    await c.repos.incidents.createOne(doc);
    // Scheduling twice (a retried route) adds each job once.
    await c.services.response.schedule(doc);
    await c.services.response.schedule(doc);
    const counts = await c.escalationQueue.getJobCounts('delayed', 'waiting');
    expect((counts.delayed ?? 0) + (counts.waiting ?? 0)).toBe(c.services.deadlines.policy.escalation.steps.length * 2);

    // The first worker goes away before anything is due; a new one (a restart) picks the jobs up.
    const first = createEscalationWorker({ response: c.services.response, connection: c.newConnection('esc-1', true), prefix: c.config.REDIS_PREFIX, log: c.log });
    void first.run();
    await first.close();
    const second = createEscalationWorker({ response: c.services.response, connection: c.newConnection('esc-2', true), prefix: c.config.REDIS_PREFIX, log: c.log });
    void second.run();
    try {
      // Steps at −60 and 0 minutes of the interim deadline are due now; +240 min (head) is not.
      await eventually(async () => (await c.repos.escalationNotifications.forIncident(doc.id)).length >= 2, 15_000, 'organisation and sector lead notified');
      await eventually(() => smtp.mails.length >= 2, 10_000, 'two e-mails');
      // Re-run a fired step as a redelivery would: nothing new.
      const again = await c.services.response.escalate(escalationJobId(doc.id, 'interim', 0, soon), { incidentId: doc.id, stage: 'interim', step: 0, dueAt: soon });
      expect(again).toEqual({ notified: 0, emailed: 0 });
      const notes = await c.repos.escalationNotifications.forIncident(doc.id);
      expect(notes.map((n) => `${n.recipientId}:${n.level}`).sort()).toEqual(['lead-housing:sector_lead', 'vk-worker:organisation']);
      expect(smtp.mails.map((m) => m.to[0]).sort()).toEqual(['lead@test.local', 'vodokanal@test.local']);
      expect(smtp.mails[0]?.body).toContain('Subject:');
      // The organisation's user sees it in the list with an unread count; reading it clears the count.
      const token = await sys.login({ username: 'vk-worker', password: 'vk-worker-password-1' });
      const list = (await (await fetch(`${sys.baseUrl}/api/escalations`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { id: string }[]; unread: number };
      expect(list.unread).toBe(1);
      const read = await fetch(`${sys.baseUrl}/api/escalations/${encodeURIComponent(list.items[0]!.id)}/read`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(read.status).toBe(204);
      const after = (await (await fetch(`${sys.baseUrl}/api/escalations`, { headers: { authorization: `Bearer ${token}` } })).json()) as { unread: number };
      expect(after.unread).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('cancels the pending steps when the answer arrives in time', async () => {
    const c = sys.container;
    const later = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const doc = incident('inc:vk:esc-2', { status: 'routed', organisation_id: 'omsk-vodokanal', organisation_name: 'АО «ОмскВодоканал»', interim_due_at: later, final_due_at: new Date(Date.now() + 9 * 3_600_000).toISOString() });
    await c.repos.incidents.createOne(doc);
    await c.services.response.schedule(doc);
    const steps = c.services.deadlines.policy.escalation.steps.length;
    expect(await c.services.response.cancel({ ...doc }, ['interim'])).toBe(steps);
    expect(await c.services.response.cancel({ ...doc }, ['interim', 'final'])).toBe(steps);
    for (const stage of ['interim', 'final'] as const) {
      for (let step = 0; step < steps; step++) expect(await c.escalationQueue.getJob(escalationJobId(doc.id, stage, step, stage === 'interim' ? doc.interim_due_at! : doc.final_due_at!))).toBeUndefined();
    }
  });
});
