import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlaBoardDto } from '../../src/contracts/sla';
import { FULL_SCOPE } from '../../src/domain/access';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { startSystem, type TestSystem } from '../helpers/system';

const base = (id: string, over: Partial<IncidentDoc>): IncidentDoc => ({
  id, post_id: id, post_index: 'none', reason: 'complaint', status: 'routed', sector: 'housing', municipality: 'omsk', network: 'vk', kind: 'post',
  created_at: '2026-03-02T03:00:00.000Z', due_at: '2026-03-02T07:00:00.000Z', published_at: '2026-03-02T03:00:00.000Z', text: 'Нет отопления', url: 'https://vk.com/wall-1_1',
  author: { id: 'a', name: 'a' }, complaint_confidence: 0.9, misinfo_score: 0, misinfo_reasons: [], model_version: 't', ...over,
});
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe('SLA board: due soon and overdue interim and final answers, in scope', () => {
  let sys: TestSystem;
  let all: string;
  let roads: string;
  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    all = await sys.login(await sys.createUser({ username: 'sla-all', role: 'operator', scope: FULL_SCOPE }));
    roads = await sys.login(await sys.createUser({ username: 'sla-roads', role: 'operator', scope: { sectors: ['roads'], municipalities: 'all' } }));
    const org = (id: string) => ({ organisation_id: id, organisation_name: id.toUpperCase(), routed_at: at(-600) });
    const docs = [
      // Interim overdue, final far away.
      base('inc:sla:1', { ...org('uk'), interim_due_at: at(-30), final_due_at: at(5000) }),
      // Interim answered, final overdue.
      base('inc:sla:2', { ...org('uk'), interim_due_at: at(-900), interim_answered_at: at(-950), final_due_at: at(-10) }),
      // Interim due soon (in 1 h), roads sector.
      base('inc:sla:3', { ...org('road'), sector: 'roads', interim_due_at: at(60), final_due_at: at(5000) }),
      // Final due soon but already answered: not on the board.
      base('inc:sla:4', { ...org('road'), sector: 'roads', status: 'answered', interim_answered_at: at(-100), final_answered_at: at(-50), interim_due_at: at(-20), final_due_at: at(60) }),
      // Far away: not on the board.
      base('inc:sla:5', { ...org('uk'), interim_due_at: at(1000), final_due_at: at(5000) }),
      // Closed: not on the board.
      base('inc:sla:6', { ...org('uk'), status: 'closed', interim_due_at: at(-100), final_due_at: at(-50) }),
      // Not routed: not on the board.
      base('inc:sla:7', { interim_due_at: at(-100) }),
    ];
    for (const d of docs) await sys.container.repos.incidents.createOne(d);
  });
  afterAll(async () => sys?.stop());

  const board = async (token: string, query = '') => {
    const res = await fetch(`${sys.baseUrl}/api/sla/board${query}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as SlaBoardDto };
  };

  it('lists overdue first, then due soon, counted by organisation and sector', async () => {
    const { status, body } = await board(all);
    expect(status).toBe(200);
    expect(body.items.map((i) => `${i.id}/${i.stage}/${i.state}`)).toEqual(['inc:sla:1/interim/overdue', 'inc:sla:2/final/overdue', 'inc:sla:3/interim/soon']);
    expect(body.counts).toEqual({ interimSoon: 1, interimOverdue: 1, finalSoon: 0, finalOverdue: 1 });
    expect(body.byOrganisation).toEqual([
      { organisationId: 'uk', organisationName: 'UK', interimSoon: 0, interimOverdue: 1, finalSoon: 0, finalOverdue: 1 },
      { organisationId: 'road', organisationName: 'ROAD', interimSoon: 1, interimOverdue: 0, finalSoon: 0, finalOverdue: 0 },
    ]);
    expect(body.bySector.map((s) => s.sector)).toEqual(['housing', 'roads']);
    // A wider horizon brings the interim answer due in ~17 h.
    expect((await board(all, '?soonHours=24')).body.items.map((i) => i.id)).toContain('inc:sla:5');
    expect((await board(all, '?organisation=road')).body.items.map((i) => i.id)).toEqual(['inc:sla:3']);
  });

  it('shows a sector-scoped user only their sector, and never widens it', async () => {
    expect((await board(roads)).body.items.map((i) => i.id)).toEqual(['inc:sla:3']);
    expect((await board(roads, '?sector=housing')).body.items).toEqual([]);
  });

  it('rejects bad input with 400 and anonymous callers with 401', async () => {
    expect((await board(all, '?soonHours=0')).status).toBe(400);
    expect((await board(all, '?sector=nope')).status).toBe(400);
    expect((await fetch(`${sys.baseUrl}/api/sla/board`)).status).toBe(401);
  });
});
