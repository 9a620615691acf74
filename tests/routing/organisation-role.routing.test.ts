import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { startSystem, type TestSystem } from '../helpers/system';

function incident(id: string): IncidentDoc {
  const at = new Date().toISOString();
  return {
    id, post_id: id.replace(/^inc:/, ''), post_index: 'none', reason: 'complaint', status: 'new', sector: 'housing', category: 'housing.water', municipality: 'omsk',
    network: 'vk', kind: 'post', created_at: at, due_at: at, published_at: at, text: 'Нет воды в доме 14 на Лермонтова', url: 'https://vk.com/wall-1_2',
    author: { id: 'a1', name: 'Житель Омска' }, complaint_confidence: 0.9, misinfo_score: 0, misinfo_reasons: [], model_version: 'test',
  };
}

describe('route → organisation answers on its own page → close → resident verdict', () => {
  let sys: TestSystem;
  let operator: string;
  let water: string;
  let heat: string;
  const call = async (token: string | null, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sys.baseUrl}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
  };
  const act = async (token: string, id: string, action: Record<string, unknown>) => {
    const cur = await call(token, 'GET', `/api/incidents/${encodeURIComponent(id)}`);
    return call(token, 'POST', `/api/incidents/${encodeURIComponent(id)}/actions`, { ...action, version: cur.body.version });
  };

  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    const c = sys.container;
    const admin = { id: 'seed', username: 'seed', displayName: 'seed', role: 'admin' as const, scope: FULL_SCOPE };
    await c.services.organisations.create(admin, { id: 'omsk-vodokanal', name: 'АО «ОмскВодоканал»', kind: 'utility', municipality: 'omsk', sectors: ['housing'], contacts: {}, userIds: [], officialSourceIds: [] });
    await c.services.organisations.create(admin, { id: 'omsk-rts', name: 'АО «Омск РТС»', kind: 'utility', municipality: 'omsk', sectors: ['housing'], contacts: {}, userIds: [], officialSourceIds: [] });
    await c.services.organisations.createRule(admin, { sector: 'housing', category: 'housing.water', municipality: 'omsk', organisationId: 'omsk-vodokanal' });
    operator = await sys.login(await sys.createUser({ username: 'op-route', role: 'operator' }));
    await c.services.users.createUser({ username: 'water-user', displayName: 'Водоканал', password: 'water-user-password-1', role: 'organisation', scope: FULL_SCOPE, organisationId: 'omsk-vodokanal' });
    await c.services.users.createUser({ username: 'heat-user', displayName: 'РТС', password: 'heat-user-password-1', role: 'organisation', scope: FULL_SCOPE, organisationId: 'omsk-rts' });
    water = await sys.login({ username: 'water-user', password: 'water-user-password-1' });
    heat = await sys.login({ username: 'heat-user', password: 'heat-user-password-1' });
    await c.repos.incidents.createOne(incident('inc:vk:route-1'));
  });
  afterAll(async () => sys?.stop());

  it('suggests by rule, routes with working-time deadlines, and shows it only to that organisation', async () => {
    const id = 'inc:vk:route-1';
    const sug = await call(operator, 'GET', '/api/organisations/suggest?sector=housing&category=housing.water&municipality=omsk');
    expect((sug.body.items as { organisationId: string }[])[0]?.organisationId).toBe('omsk-vodokanal');
    expect((await act(operator, id, { action: 'take' })).status).toBe(200);
    expect((await act(operator, id, { action: 'route', organisationId: 'omsk-vodokanal' })).status).toBe(200);

    const mine = await call(water, 'GET', '/api/organisation/incidents');
    expect(mine.status).toBe(200);
    const item = mine.body.items?.[0] as { id: string; interimDueAt: string; finalDueAt: string; version: string };
    expect(item.id).toBe(id);
    expect(Date.parse(item.finalDueAt)).toBeGreaterThan(Date.parse(item.interimDueAt));
    expect(JSON.stringify(mine.body)).not.toContain('Житель Омска');
    // Another organisation sees nothing and cannot answer; the generic incident API is closed to the role.
    expect((await call(heat, 'GET', '/api/organisation/incidents')).body.items).toEqual([]);
    expect((await call(heat, 'POST', `/api/organisation/incidents/${encodeURIComponent(id)}/answers`, { version: item.version, stage: 'interim', text: 'Чужой ответ' })).status).toBe(404);
    expect((await call(water, 'GET', `/api/incidents/${encodeURIComponent(id)}`)).status).toBe(403);
    expect((await call(water, 'GET', '/api/incidents')).status).toBe(403);

    // A formal interim answer is sent (the sender may), and the flag with its reasons is kept.
    const formal = await call(water, 'POST', `/api/organisation/incidents/${encodeURIComponent(id)}/answers`, { version: item.version, stage: 'interim', text: 'Ваше обращение рассмотрено. Работы будут выполнены в плановом порядке.' });
    expect(formal.status).toBe(200);
    let listed = (await call(water, 'GET', '/api/organisation/incidents')).body.items?.[0] as { version: string; answers: { formal: boolean; reasons: string[] }[]; interimAnsweredAt: string | null };
    expect(listed.answers[0]?.formal).toBe(true);
    expect(listed.answers[0]?.reasons.join(' ')).toContain('нет даты');
    expect(listed.interimAnsweredAt).not.toBeNull();
    const final = await call(water, 'POST', `/api/organisation/incidents/${encodeURIComponent(id)}/answers`, {
      version: listed.version,
      stage: 'final',
      text: 'Аварийная бригада заменила участок трубы на ул. Лермонтова, 14 сегодня в 15:30, водоснабжение восстановлено. Ответственный — мастер Иванов И. И., тел. 8 (3812) 55-12-40.',
    });
    expect(final.status).toBe(200);
    expect(final.body.status).toBe('answered');
    listed = (await call(water, 'GET', '/api/organisation/incidents')).body.items?.[0] as typeof listed;
    expect(listed.answers[1]?.formal).toBe(false);
    const detail = await call(operator, 'GET', `/api/incidents/${encodeURIComponent(id)}`);
    expect((detail.body.answers as { by: { name: string } }[]).map((a) => a.by.name)).toEqual(['Водоканал', 'Водоканал']);

    // Close, then the resident's one-time link: "not solved" reopens; a second use and a bad token are clear answers.
    expect((await act(operator, id, { action: 'close' })).status).toBe(200);
    const link = await call(operator, 'POST', `/api/incidents/${encodeURIComponent(id)}/satisfaction-link`);
    expect(link.status).toBe(201);
    const token = new URL(String(link.body.url), sys.baseUrl).searchParams.get('t') ?? '';
    expect((await call(null, 'GET', `/api/public/satisfaction/${token}`)).body.state).toBe('open');
    expect((await call(null, 'POST', `/api/public/satisfaction/${token}`, { verdict: 'not_solved' })).body.state).toBe('recorded');
    expect((await call(null, 'POST', `/api/public/satisfaction/${token}`, { verdict: 'solved' })).body.state).toBe('used');
    expect((await call(null, 'GET', `/api/public/satisfaction/${'x'.repeat(32)}`)).body.state).toBe('expired');
    const after = await call(operator, 'GET', `/api/incidents/${encodeURIComponent(id)}`);
    expect(after.body.status).toBe('reopened');
    const stored = await sys.container.repos.incidents.getVersioned(id);
    expect(stored?.doc.satisfaction?.verdict).toBe('not_solved');
    expect(stored?.doc.formal_answer).toBe(true);
  });
});
