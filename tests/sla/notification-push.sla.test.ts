import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { escalationJobId } from '../../src/services/response.service';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

describe('escalation notifications reach the user in-app: socket push and the list with its unread count', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    const c = sys.container;
    const admin = { id: 'seed', username: 'seed', displayName: 'seed', role: 'admin' as const, scope: FULL_SCOPE };
    await c.services.organisations.create(admin, { id: 'omsk-teplo', name: 'АО «Омск РТС»', kind: 'utility', municipality: 'omsk', sectors: ['housing'], contacts: {}, userIds: [], officialSourceIds: [] });
    await c.services.users.createUser({ username: 'push-lead', displayName: 'Руководитель ЖКХ', password: 'push-lead-password-1', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
  });
  afterAll(async () => sys?.stop());

  it('pushes notification:new to the recipient’s socket and counts it unread until read', async () => {
    const c = sys.container;
    const due = new Date(Date.now() - 60_000).toISOString();
    const at = new Date().toISOString();
    const doc: IncidentDoc = {
      id: 'inc:vk:push-1', post_id: 'vk:push-1', post_index: 'none', reason: 'complaint', status: 'routed', sector: 'housing', category: 'housing.water', municipality: 'omsk', network: 'vk', kind: 'post',
      created_at: at, due_at: at, published_at: at, text: 'Нет горячей воды', url: 'https://vk.com/wall-1_2', author: { id: 'a', name: 'Житель' }, complaint_confidence: 0.9, misinfo_score: 0, misinfo_reasons: [], model_version: 'test',
      organisation_id: 'omsk-teplo', organisation_name: 'АО «Омск РТС»', routed_at: at, interim_due_at: due, final_due_at: new Date(Date.now() + 86_400_000).toISOString(),
    };
    await c.repos.incidents.createOne(doc);
    const token = await sys.login({ username: 'push-lead', password: 'push-lead-password-1' });
    const { socket } = await sys.connectFeed(token);
    const pushed: { id: string; incidentId: string; title: string }[] = [];
    socket.on('notification:new', (n) => pushed.push(n));
    const step = c.services.deadlines.policy.escalation.steps.findIndex((s) => s.level === 'sector_lead');
    expect(step).toBeGreaterThanOrEqual(0);
    const res = await c.services.response.escalate(escalationJobId(doc.id, 'interim', step, due), { incidentId: doc.id, stage: 'interim', step, dueAt: due });
    expect(res?.notified).toBe(1);
    await eventually(() => pushed.length === 1, 10_000, 'the push arrived');
    expect(pushed[0]).toMatchObject({ incidentId: doc.id, title: 'Просрочен срок промежуточного ответа' });
    expect(pushed[0]).not.toHaveProperty('recipientId');
    const list = async () => (await (await fetch(`${sys.baseUrl}/api/escalations`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { id: string }[]; unread: number };
    const before = await list();
    expect(before.unread).toBe(1);
    expect(before.items.map((n) => n.id)).toEqual([pushed[0]!.id]);
    expect((await fetch(`${sys.baseUrl}/api/escalations/${encodeURIComponent(pushed[0]!.id)}/read`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
    expect((await list()).unread).toBe(0);
  });
});
