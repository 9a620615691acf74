import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { escalationJobId } from '../../src/services/response.service';
import { eventually, faultEnv, PrivateRedis, recordLedger, spawnRole, type FaultEnv, type RoleProcess } from './harness';

let redis: PrivateRedis;
let f: FaultEnv;
const procs: RoleProcess[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.create();
  f = await faultEnv({ redisUrl: redis.url });
});
afterAll(async () => {
  for (const p of procs) await p.kill9();
  await f?.close();
  await redis?.destroy();
});

const ORG = 'omsk-vodokanal';
function incident(id: string, interimDue: string, finalDue: string): IncidentDoc {
  const at = new Date().toISOString();
  return {
    id,
    post_id: id.replace(/^inc:/, ''),
    post_index: 'none',
    reason: 'complaint',
    status: 'routed',
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
    organisation_id: ORG,
    organisation_name: 'АО «ОмскВодоканал»',
    interim_due_at: interimDue,
    final_due_at: finalDue,
  };
}

/** `notified` per escalation job id, summed over every `escalation step` log line of the processes. */
function notifiedPerJob(outputs: string[]): Map<string, number> {
  const per = new Map<string, number>();
  for (const out of outputs) {
    for (const line of out.split('\n')) {
      if (!line.includes('"msg":"escalation step"')) continue;
      try {
        const rec = JSON.parse(line) as { jobId: string; notified: number };
        per.set(rec.jobId, (per.get(rec.jobId) ?? 0) + rec.notified);
      } catch {
        /* a line cut by the kill */
      }
    }
  }
  return per;
}

describe('escalation timers across a restart of the worker process', () => {
  it('kill -9 while timers are pending: each due step fires exactly once, cancelled ones never', async () => {
    const c = f.container;
    const admin = { id: 'seed', username: 'seed', displayName: 'seed', role: 'admin' as const, scope: FULL_SCOPE };
    await c.services.organisations.create(admin, { id: ORG, name: 'АО «ОмскВодоканал»', kind: 'utility', municipality: 'omsk', sectors: ['housing'], contacts: {}, userIds: [], officialSourceIds: [] });
    await c.services.users.createUser({ username: 'vk-worker', displayName: 'Сотрудник Водоканала', password: 'vk-worker-password-1', role: 'organisation', scope: FULL_SCOPE, organisationId: ORG });
    const steps = c.services.deadlines.policy.escalation.steps;
    const first = steps[0];
    expect(first?.level).toBe('organisation');

    // The escalation worker runs in the pipeline role: a real process, killed for real.
    const w1 = await spawnRole('pipeline-worker', f.env);
    procs.push(w1);

    // Timers due one after another over the next seconds (step 0 fires `offset` before the
    // interim deadline; the later steps and the final deadline stay pending for hours).
    const offsetMs = (first?.offsetMinutes ?? 0) * 60_000;
    const K = 8;
    const fire: IncidentDoc[] = [];
    const cancelled: IncidentDoc[] = [];
    const finalDue = new Date(Date.now() + 48 * 3_600_000).toISOString();
    // The cancelled ones come due well after their cancellation, even on a busy machine.
    const t0 = Date.now();
    for (let i = 0; i < K; i++) {
      fire.push(incident(`inc:vk:esc-fire-${f.id}-${i}`, new Date(t0 - offsetMs + 8000 + i * 1500).toISOString(), finalDue));
      cancelled.push(incident(`inc:vk:esc-cancel-${f.id}-${i}`, new Date(t0 - offsetMs + 45_000 + i * 1500).toISOString(), finalDue));
    }
    for (const doc of [...fire, ...cancelled]) {
      await c.repos.incidents.createOne(doc);
      await c.services.response.schedule(doc);
    }
    // Half of the cancelled ones are answered in time before the kill, half while no worker runs.
    for (const doc of cancelled.slice(0, K / 2)) expect(await c.services.response.cancel(doc, ['interim', 'final'])).toBe(steps.length * 2);

    // The first timers fire on the first worker; it dies with the rest still pending.
    await eventually(async () => (await c.repos.escalationNotifications.forIncident(fire[0]!.id)).length > 0, 60_000, 'the first timer fired');
    await w1.kill9();
    for (const doc of cancelled.slice(K / 2)) expect(await c.services.response.cancel(doc, ['interim', 'final'])).toBe(steps.length * 2);

    // The restarted worker takes the timers that came due while nobody ran, and the rest.
    const w2 = await spawnRole('pipeline-worker', f.env);
    procs.push(w2);
    await eventually(async () => {
      for (const doc of fire) if ((await c.repos.escalationNotifications.forIncident(doc.id)).length === 0) return false;
      return true;
    }, 120_000, 'every due timer fired');
    // Nothing else is due for hours; whatever is still active settles.
    await eventually(async () => {
      const n = await c.escalationQueue.getJobCounts('active', 'waiting');
      return (n.active ?? 0) + (n.waiting ?? 0) === 0;
    }, 120_000, 'no escalation job in flight (a job the killed worker held is recovered as stalled)');

    // Past the cancelled ones' due time too: they had every chance to fire.
    const lastCancelled = Date.parse(cancelled.at(-1)!.interim_due_at!) + offsetMs;
    await eventually(() => Date.now() > lastCancelled + 2000, 60_000, 'the cancelled timers are past due');
    const perJob = notifiedPerJob([w1.output(), w2.output()]);
    let lost = 0;
    let duplicated = 0;
    for (const doc of fire) {
      const notes = await c.repos.escalationNotifications.forIncident(doc.id);
      if (notes.length === 0) lost++;
      duplicated += Math.max(0, notes.length - 1);
      // No two firings notified anyone (a redelivery notifies nobody). A firing cut by the kill
      // may have notified without living to log it, so the log counts duplicates, not losses.
      const n = perJob.get(escalationJobId(doc.id, 'interim', 0, doc.interim_due_at!)) ?? 0;
      if (n > 1) duplicated += n - 1;
    }
    let cancelledFired = 0;
    for (const doc of cancelled) {
      cancelledFired += (await c.repos.escalationNotifications.forIncident(doc.id)).length;
      for (const stage of ['interim', 'final'] as const) {
        for (let step = 0; step < steps.length; step++) expect(await c.escalationQueue.getJob(escalationJobId(doc.id, stage, step, stage === 'interim' ? doc.interim_due_at! : doc.final_due_at!))).toBeUndefined();
      }
    }
    // The later steps of the fired incidents are still pending, once each.
    for (const doc of fire) expect(await (await c.escalationQueue.getJob(escalationJobId(doc.id, 'interim', 1, doc.interim_due_at!)))?.isDelayed()).toBe(true);
    expect((await c.escalationQueue.getJobCounts('failed')).failed).toBe(0);

    recordLedger({ scenario: 'escalation-restart', posts: fire.length + cancelled.length, lost, duplicated: duplicated + cancelledFired, missed_events: 0 });
    expect({ lost, duplicated, cancelledFired }).toEqual({ lost: 0, duplicated: 0, cancelledFired: 0 });
  });
});
