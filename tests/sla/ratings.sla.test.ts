import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { FULL_SCOPE } from '../../src/domain/access';
import { workingMinutesBetween } from '../../src/domain/working-time';
import { startSystem, type TestSystem } from '../helpers/system';

const base = (id: string, over: Partial<IncidentDoc>): IncidentDoc => ({
  id, post_id: id, post_index: 'none', reason: 'complaint', status: 'routed', sector: 'housing', municipality: 'omsk', network: 'vk', kind: 'post',
  created_at: '2026-03-02T03:00:00.000Z', due_at: '2026-03-02T07:00:00.000Z', published_at: '2026-03-02T03:00:00.000Z', text: 't', url: 'https://vk.com/wall-1_1',
  author: { id: 'a', name: 'a' }, complaint_confidence: 0.9, misinfo_score: 0, misinfo_reasons: [], model_version: 't', ...over,
});

describe('ratings of organisations, recomputed from the raw incidents', () => {
  let sys: TestSystem;
  let token: string;
  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    token = await sys.login(await sys.createUser({ username: 'rater', role: 'operator', scope: FULL_SCOPE }));
    // Monday 2 March 2026, 09:00 Omsk = 03:00Z; interim due +4 working hours, final +7 working days.
    const mk = (n: number, org: string, over: Partial<IncidentDoc>) =>
      base(`inc:rate:${org}:${n}`, { organisation_id: org, organisation_name: org.toUpperCase(), routed_at: '2026-03-02T03:00:00.000Z', interim_due_at: '2026-03-02T07:00:00.000Z', final_due_at: '2026-03-11T12:00:00.000Z', ...over });
    const docs = [
      ...Array.from({ length: 6 }, (_, n) => mk(n, 'fast', { interim_answered_at: '2026-03-02T04:00:00.000Z', final_answered_at: `2026-03-0${3 + (n % 3)}T05:00:00.000Z`, status: 'answered', ...(n === 0 ? { formal_answer: true } : {}), ...(n < 4 ? { satisfaction: { verdict: n === 3 ? 'not_solved' : 'solved', at: '2026-03-06T00:00:00Z', via: 'operator' } } : {}) } as Partial<IncidentDoc>)),
      ...Array.from({ length: 5 }, (_, n) => mk(n, 'slow', { interim_answered_at: '2026-03-03T10:00:00.000Z', ...(n < 3 ? { final_answered_at: '2026-03-13T05:00:00.000Z', status: 'answered' } : {}), ...(n === 1 ? { reopened_count: 1, formal_answer: true } : {}) })),
      ...Array.from({ length: 2 }, (_, n) => mk(n, 'tiny', {})),
    ];
    for (const d of docs) await sys.container.repos.incidents.createOne(d);
  });
  afterAll(async () => sys?.stop());

  it('gives the same figures the raw incidents give, with drill-down, and ranks only above the minimum volume', async () => {
    const get = async () => (await (await fetch(`${sys.baseUrl}/api/ratings/organisations?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z&minVolume=5`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Record<string, unknown>[] };
    const first = await get();
    expect(await get()).toEqual(first);
    const byId = new Map(first.items.map((r) => [r.organisationId as string, r as Record<string, unknown> & { incidents: Record<string, string[]> }]));
    expect(first.items.map((r) => r.organisationId)).toEqual(['fast', 'slow', 'tiny']);
    expect(byId.get('tiny')?.counted).toBe(false);

    // Recompute from the stored incidents, independently of the rating code.
    const raw = (await sys.container.services.incidentQueries.routedBetween('2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z')).filter((d) => d.organisation_id === 'slow');
    expect(byId.get('slow')?.routed).toBe(raw.length);
    const late = raw.filter((d) => !d.final_answered_at || d.final_answered_at > (d.final_due_at as string) || (d.interim_answered_at as string) > (d.interim_due_at as string));
    expect(byId.get('slow')?.onTimeShare).toBe(Math.round(((raw.length - late.length) / raw.length) * 1000) / 1000);
    expect([...(byId.get('slow')?.incidents.late ?? [])].sort()).toEqual(late.map((d) => d.id).sort());
    expect(byId.get('slow')?.formalShare).toBe(0.2);
    expect(byId.get('slow')?.reopenedShare).toBe(0.2);
    const cal = sys.container.services.deadlines.calendar;
    // Interim at Tue 3 March 16:00 Omsk: 9 working hours on Monday + 7 on Tuesday = 16 h.
    expect(workingMinutesBetween(cal, new Date('2026-03-02T03:00:00Z'), new Date('2026-03-03T10:00:00Z')) / 60).toBe(16);
    expect(byId.get('slow')?.medianInterimHours).toBe(16);
    const fast = byId.get('fast')!;
    expect(fast.onTimeShare).toBe(1);
    expect(fast.medianInterimHours).toBe(1);
    expect(fast.satisfiedShare).toBe(0.75);
    expect(fast.incidents.notSolved).toEqual(['inc:rate:fast:3']);
  });
});
