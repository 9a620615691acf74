/**
 * The operators' grouping decisions as labelled pairs (src/services/grouping-labels.ts), on typed
 * fakes of the audit trail and the incidents: which decision says what, the earlier post first,
 * the latest decision about a pair standing, and nothing about who decided.
 */
import { describe, expect, it } from 'vitest';
import type { AuditQuery, AuditRecord } from '../../src/repositories/audit.repository';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { operatorGroupingPairs } from '../../src/services/grouping-labels';

const incident = (id: string, text: string, publishedAt: string, municipality = 'omsk'): IncidentDoc => ({ id, post_id: id.replace(/^inc:/, ''), text, published_at: publishedAt, created_at: publishedAt, municipality }) as IncidentDoc;
const INCIDENTS = [
  incident('inc:vk:1', 'Нет воды на Ленина 12', '2026-12-01T08:00:00Z'),
  incident('inc:vk:2', 'Ленина 12 без воды с утра', '2026-12-01T09:00:00Z'),
  incident('inc:vk:3', 'На Ленина 12 не работает лифт', '2026-12-01T07:00:00Z'),
  incident('inc:vk:4', 'Тара: нет воды на Ленина', '2026-12-01T10:00:00Z', 'tara'),
];
const record = (at: string, action: AuditRecord['action'], target: string, details: Record<string, unknown>, outcome: AuditRecord['outcome'] = 'success'): AuditRecord & { id: string } => ({ id: `${at}${action}`, at, actorId: 'u1', actorUsername: 'lead', actorRole: 'shift_lead', action, outcome, target, details });

function fakes(records: (AuditRecord & { id: string })[]) {
  const queries: AuditQuery[] = [];
  return {
    queries,
    audit: {
      async search(q: AuditQuery) {
        queries.push(q);
        const hits = records.filter((r) => r.action === q.action && (!q.outcome || r.outcome === q.outcome));
        return { total: hits.length, items: hits.slice(q.offset, q.offset + q.size) };
      },
    },
    incidents: {
      async getMany(ids: readonly string[]) {
        return INCIDENTS.filter((d) => ids.includes(d.id));
      },
    },
  };
}

describe('operators grouping labels', () => {
  it('a merge is one problem, a split and a dismissed suggestion are two; the earlier post comes first; names stay out', async () => {
    const f = fakes([
      record('2026-12-01T11:00:00Z', 'incident.merge', 'inc:vk:2', { from: 'new', to: 'merged', targetId: 'inc:vk:1' }),
      record('2026-12-01T11:05:00Z', 'incident.dismiss_suggestion', 'inc:vk:1', { suggested: 'inc:vk:3' }),
      record('2026-12-01T11:06:00Z', 'incident.split', 'inc:vk:4', { postId: 'vk:x', newIncidentId: 'inc:vk:1' }),
    ]);
    const pairs = await operatorGroupingPairs(f);
    expect(pairs).toEqual([
      { same: true, note: 'operators: merge inc:vk:2 inc:vk:1', a: 'Нет воды на Ленина 12', b: 'Ленина 12 без воды с утра', m: 'omsk', at: '2026-12-01T11:00:00Z', source: 'operators' },
      { same: false, note: 'operators: dismiss_suggestion inc:vk:1 inc:vk:3', a: 'На Ленина 12 не работает лифт', b: 'Нет воды на Ленина 12', m: 'omsk', at: '2026-12-01T11:05:00Z', source: 'operators' },
      { same: false, note: 'operators: split inc:vk:4 inc:vk:1', a: 'Нет воды на Ленина 12', b: 'Тара: нет воды на Ленина', m: 'omsk', mb: 'tara', at: '2026-12-01T11:06:00Z', source: 'operators' },
    ]);
    expect(JSON.stringify(pairs)).not.toMatch(/lead|u1|shift_lead/);
    expect(f.queries.every((q) => q.outcome === 'success')).toBe(true);
  });

  it('the latest decision about a pair stands; denied actions, unknown incidents and a pair of one post are skipped', async () => {
    const f = fakes([
      record('2026-12-01T11:00:00Z', 'incident.split', 'inc:vk:1', { newIncidentId: 'inc:vk:2' }),
      record('2026-12-01T12:00:00Z', 'incident.merge', 'inc:vk:2', { targetId: 'inc:vk:1' }),
      record('2026-12-01T12:30:00Z', 'incident.merge', 'inc:vk:3', { targetId: 'inc:vk:1' }, 'denied'),
      record('2026-12-01T13:00:00Z', 'incident.merge', 'inc:vk:9', { targetId: 'inc:vk:1' }),
      record('2026-12-01T13:30:00Z', 'incident.merge', 'inc:vk:1', { targetId: 'inc:vk:1' }),
    ]);
    const pairs = await operatorGroupingPairs(f);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ same: true, a: 'Нет воды на Ленина 12', b: 'Ленина 12 без воды с утра', at: '2026-12-01T12:00:00Z' });
  });

  it('reads the trail page by page up to its end', async () => {
    const many = Array.from({ length: 1_200 }, (_, i) => record(`2026-12-02T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`, 'incident.dismiss_suggestion', 'inc:vk:1', { suggested: 'inc:vk:3' }));
    const f = fakes(many);
    const pairs = await operatorGroupingPairs(f);
    expect(pairs).toHaveLength(1);
    expect(f.queries.filter((q) => q.action === 'incident.dismiss_suggestion').map((q) => q.offset)).toEqual([0, 500, 1000]);
  });
});
