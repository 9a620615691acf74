import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeSpike, sameHourOfWeek } from '../../src/domain/spike';
import { startSystem, type TestSystem } from '../helpers/system';
import { seedPosts, type SeedPost } from '../archive/archive-fixtures';

describe('spike rule (unit)', () => {
  it('needs a real burst over an all-zero history, never one post', () => {
    expect(judgeSpike(1, [0, 0, 0, 0, 0, 0, 0, 0]).spike).toBe(false);
    expect(judgeSpike(4, [0, 0, 0, 0, 0, 0, 0, 0]).spike).toBe(false);
    expect(judgeSpike(12, [0, 0, 0, 0, 0, 0, 0, 0]).spike).toBe(true);
  });
  it('is robust to one noisy week and scales with a busy baseline', () => {
    expect(judgeSpike(30, [20, 22, 19, 25, 21, 18, 23, 20]).spike).toBe(false);
    expect(judgeSpike(90, [20, 22, 19, 25, 21, 18, 23, 20]).spike).toBe(true);
    expect(judgeSpike(12, [1, 0, 2, 60, 1, 0, 1, 2]).spike).toBe(true); // one past outlier does not hide a burst
  });
  it('compares with the same hour of the week', () => {
    const h = new Date('2026-11-09T03:00:00Z');
    expect(sameHourOfWeek(h, 2).map((d) => d.toISOString())).toEqual(['2026-11-02T03:00:00.000Z', '2026-10-26T03:00:00.000Z']);
  });
});

describe('spike alerts on real Elasticsearch', () => {
  let sys: TestSystem;
  const hour = new Date('2026-11-09T03:00:00Z'); // a Monday night
  const at = (d: Date, min: number) => new Date(d.getTime() + min * 60_000).toISOString();

  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    const posts: SeedPost[] = [];
    // History: the same night hour in 8 previous weeks had 0-1 posts about heating in Tara.
    sameHourOfWeek(hour, 8).forEach((h, w) => {
      if (w % 3 === 0) posts.push({ id: `vk:hist${w}`, text: 'Холодно в квартире', sector: 'housing', category: 'housing.heating', municipality: 'tara', publishedAt: at(h, 10) });
    });
    // The injected burst: 14 posts in the hour.
    for (let i = 0; i < 14; i++) posts.push({ id: `vk:burst${i}`, text: 'Отключили отопление во всём квартале', sector: 'housing', category: 'housing.heating', municipality: 'tara', publishedAt: at(hour, 2 + i * 3) });
    // A quiet night elsewhere: two posts in Omsk with an empty history.
    posts.push({ id: 'vk:quiet1', text: 'Яма у подъезда', sector: 'roads', category: 'roads.potholes', municipality: 'omsk', publishedAt: at(hour, 5) });
    posts.push({ id: 'vk:quiet2', text: 'Опять яма', sector: 'roads', category: 'roads.potholes', municipality: 'omsk', publishedAt: at(hour, 40) });
    await seedPosts(sys.container, posts);
    await sys.createUser({ username: 'heatlead', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
    await sys.createUser({ username: 'roadlead', role: 'sector_lead', scope: { sectors: ['roads'], municipalities: 'all' } });
    await sys.createUser({ username: 'omsklead', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: ['omsk'] } });
  }, 60_000);
  afterAll(async () => sys?.stop());

  it('finds the injected burst with its posts and nothing on the quiet night', async () => {
    const spikes = await sys.container.services.analytics.detectSpikes(hour);
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ category: 'housing.heating', municipality: 'tara', current: 14, baseline: 0 });
    expect(spikes[0]?.postIds.sort()).toEqual(Array.from({ length: 14 }, (_, i) => `vk:burst${i}`).sort());
    // The hour before had nothing: a quiet night does not alert.
    expect(await sys.container.services.analytics.detectSpikes(new Date(hour.getTime() - 3600_000))).toEqual([]);
  });

  it('alerts the sector leads whose scope covers it, once', async () => {
    expect(await sys.container.services.alerts.checkSpikes(hour)).toBe(1);
    expect(await sys.container.services.alerts.checkSpikes(hour)).toBe(0);
    const byName = async (u: string) => {
      const rec = await sys.container.repos.users.findByUsername(u);
      return (await sys.container.repos.notifications.list(rec?.id ?? '', 10)).items;
    };
    const heat = await byName('heatlead');
    expect(heat).toHaveLength(1);
    expect(heat[0]).toMatchObject({ kind: 'spike', drill: { q: 'category:housing.heating municipality:tara' } });
    expect(heat[0]?.postIds).toHaveLength(14);
    expect(await byName('roadlead')).toEqual([]);
    expect(await byName('omsklead')).toEqual([]);
  });
});
