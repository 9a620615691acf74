/** The operator feed list: order, de-duplication, updates, cap, held events, index lag on refilter. */
import { describe, expect, it } from 'vitest';
import { createFeedList } from '../../dashboards/pages/operator/feed-list';
import type { IncidentCard } from '../../src/contracts/feed';

const at = (min: number) => new Date(Date.UTC(2026, 11, 6, 6, min)).toISOString();

function card(id: string, min: number, over: Partial<IncidentCard> = {}): IncidentCard {
  return {
    id,
    postId: `vk:${id}`,
    reason: 'complaint',
    status: 'new',
    sector: 'housing',
    municipality: 'omsk',
    municipalityName: 'Омск',
    network: 'vk',
    kind: 'post',
    text: `текст ${id}`,
    url: 'https://vk.com/wall-1_1',
    author: null,
    publishedAt: at(min),
    createdAt: at(min),
    dueAt: at(min + 60),
    complaintConfidence: 0.9,
    misinformationScore: 0,
    misinformationReasons: [],
    version: 'v1',
    assignee: null,
    organisation: null,
    postCount: 1,
    networks: ['vk'],
    firstAt: at(min),
    lastAt: at(min),
    reach: 0,
    commentCount: 0,
    updatedAt: at(min),
    ...over,
  };
}

const ids = (l: ReturnType<typeof createFeedList>) => l.entries.value.map((e) => e.card.id);

describe('feed list', () => {
  it('keeps the snapshot order and puts live cards by creation time, newest first', () => {
    const l = createFeedList({ max: 10 });
    l.reset([card('c', 30), card('b', 20), card('a', 10)]);
    expect(l.add(card('d', 40))).toBe('added');
    expect(l.add(card('x', 25))).toBe('added');
    expect(ids(l)).toEqual(['d', 'c', 'x', 'b', 'a']);
    expect(l.entries.value.find((e) => e.card.id === 'd')?.live).toBe(true);
    expect(l.entries.value.find((e) => e.card.id === 'c')?.live).toBe(false);
  });

  it('ignores a replayed card, redraws a changed one in place', () => {
    const l = createFeedList({ max: 10 });
    l.reset([card('b', 20), card('a', 10)]);
    const before = l.entries.value;
    expect(l.add(card('a', 10))).toBe('unchanged');
    expect(l.entries.value).toBe(before);
    expect(l.add(card('a', 10, { status: 'answered' }))).toBe('updated');
    expect(ids(l)).toEqual(['b', 'a']);
    expect(l.entries.value[1]?.card.status).toBe('answered');
  });

  it('drops the oldest beyond the cap', () => {
    const l = createFeedList({ max: 3 });
    l.reset([card('c', 30), card('b', 20), card('a', 10)]);
    l.add(card('d', 40));
    expect(ids(l)).toEqual(['d', 'c', 'b']);
  });

  it('holds live cards while the snapshot loads, then applies them on top', () => {
    const l = createFeedList({ max: 10 });
    l.beginLoad();
    expect(l.add(card('live', 50))).toBe('held');
    expect(ids(l)).toEqual([]);
    expect(l.add(card('b', 20))).toBe('held');
    // The snapshot already has one of them (newest first): no duplicate.
    l.reset([card('b', 20), card('a', 10)]);
    expect(ids(l)).toEqual(['live', 'b', 'a']);
    expect(l.loading.value).toBe(false);
  });

  it('applies held cards when the snapshot fails, keeping what was shown', () => {
    const l = createFeedList({ max: 10 });
    l.reset([card('a', 10)]);
    l.beginLoad();
    l.add(card('b', 20));
    l.failLoad();
    expect(ids(l)).toEqual(['b', 'a']);
  });

  it('filters live cards, and a refilter keeps live cards the lagging snapshot lacks', () => {
    const filter = { sector: 'roads' as string | null };
    const l = createFeedList({ max: 10, accept: (c) => !filter.sector || c.sector === filter.sector });
    l.reset([]);
    expect(l.add(card('h', 10, { sector: 'housing' }))).toBe('filtered');
    expect(l.add(card('r', 20, { sector: 'roads' }))).toBe('added');
    expect(ids(l)).toEqual(['r']);
    // «Все направления»: the index does not have either yet.
    filter.sector = null;
    l.beginLoad();
    l.reset([card('old', 5)]);
    expect(ids(l)).toEqual(['r', 'h', 'old']);
  });

  it('rejects a malformed event', () => {
    const l = createFeedList({ max: 10 });
    l.reset([]);
    expect(l.add({} as IncidentCard)).toBe('filtered');
    expect(ids(l)).toEqual([]);
  });
});
