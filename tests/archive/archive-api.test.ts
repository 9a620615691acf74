import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type TestSystem } from '../helpers/system';
import { client, seedPosts, type SeedPost } from './archive-fixtures';

type Search = { total: number; items: { id: string; text: string; author: { name: string } | null; sector: string; highlight: { text: string; hit: boolean }[][] }[]; next: string | null; facets?: Record<string, { key: string; label: string; count: number }[]> };
type Breakdown = { rows: { keys: Record<string, string>; count: number; drill: { q: string; from?: string; to?: string } }[]; total: number; capped: boolean; message?: string };

const day = (d: number, h = 10) => new Date(Date.UTC(2026, 10, d, h)).toISOString();

function fixtures(): SeedPost[] {
  const out: SeedPost[] = [];
  for (let i = 0; i < 30; i++) {
    out.push({ id: `vk:h${i}`, text: i % 2 ? 'Опять отключили горячую воду в доме на Ленина' : 'Нет горячей воды третий день, управляющая компания молчит', sector: 'housing', category: 'housing.water', municipality: i % 3 ? 'omsk' : 'tara', publishedAt: day(1 + (i % 20), i % 24), street: 'улица Ленина', house: '5', author: `Иван ${i}`, ...(i < 6 ? { incident: { id: `inc-h${i}`, status: i < 3 ? 'new' : 'closed' } } : {}) });
  }
  for (let i = 0; i < 12; i++) {
    out.push({ id: `ok:r${i}`, text: 'Огромная яма на дороге возле школы, машины бьют колёса', sector: 'roads', category: 'roads.potholes', network: 'ok', municipality: 'tara', publishedAt: day(2 + i), tone: 'negative', urgent: i < 2 });
  }
  out.push({ id: 'vk:f1', text: '=HYPERLINK("http://evil.example","нажми") вода', sector: 'housing', category: 'housing.water', municipality: 'omsk', publishedAt: day(5), author: '@evil' });
  out.push({ id: 'vk:m1', text: 'Говорят, воду отравили, не пейте из крана', sector: 'housing', category: 'housing.water', municipality: 'omsk', publishedAt: day(6), misinfo: 0.9 });
  return out;
}

describe('archive search and analytics on real Elasticsearch', () => {
  let sys: TestSystem;
  let op: ReturnType<typeof client>;
  let lead: ReturnType<typeof client>;
  let observer: ReturnType<typeof client>;
  const all = fixtures();
  const housing = all.filter((p) => p.sector === 'housing').length;

  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    await seedPosts(sys.container, all);
    op = client(sys.baseUrl, await sys.login());
    await sys.createUser({ username: 'lead', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
    lead = client(sys.baseUrl, await sys.login({ username: 'lead', password: 'lead-password-1' }));
    await sys.createUser({ username: 'watcher', role: 'observer' });
    observer = client(sys.baseUrl, await sys.login({ username: 'watcher', password: 'watcher-password-1' }));
  }, 60_000);
  afterAll(async () => sys?.stop());

  it('finds other word forms (stems), phrases, OR and NOT, and highlights the words', async () => {
    const r = await op.get<Search>(`/api/archive/search?q=${encodeURIComponent('вода')}&size=100`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(housing); // «воду», «воды» and «вода» all match by stem
    const hits = r.body.items[0]?.highlight.flat().filter((s) => s.hit).map((s) => s.text.toLowerCase()) ?? [];
    expect(hits.some((h) => h.startsWith('вод'))).toBe(true);

    const phrase = await op.get<Search>(`/api/archive/search?q=${encodeURIComponent('"горячей воды"')}&size=100`);
    expect(phrase.body.total).toBe(30); // stems in order: «горячую воду» and «горячей воды»
    const or = await op.get<Search>(`/api/archive/search?q=${encodeURIComponent('яма OR отравили')}&size=100`);
    expect(or.body.total).toBe(13);
    const not = await op.get<Search>(`/api/archive/search?q=${encodeURIComponent('вода -ленина')}&size=100`);
    expect(not.body.total).toBe(housing - 15);
    const fields = await op.get<Search>(`/api/archive/search?q=${encodeURIComponent('sector:roads network:ok municipality:tara срочно:да')}&size=100`);
    expect(fields.body.total).toBe(2);
    const status = await op.get<Search>(`/api/archive/search?q=${encodeURIComponent('status:new')}`);
    expect(status.body.total).toBe(3);
    const range = await op.get<Search>(`/api/archive/search?q=${encodeURIComponent('date:2026-11-02..2026-11-03 sector:roads')}`);
    expect(range.body.total).toBe(2);
  });

  it('returns facets with counts next to the results', async () => {
    const r = await op.get<Search>('/api/archive/search?size=1');
    expect(r.body.facets?.sector).toEqual(expect.arrayContaining([{ key: 'housing', label: 'housing', count: housing }, { key: 'roads', label: 'roads', count: 12 }]));
    expect(r.body.facets?.municipality?.find((f) => f.key === 'tara')?.label).toBe('Тарский район');
  });

  it('pages past the first page with a cursor (point in time + search_after), no duplicates, no gaps', async () => {
    const seen = new Set<string>();
    let next: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: Search } = await op.get<Search>(`/api/archive/search?size=7${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      expect(r.status).toBe(200);
      for (const it of r.body.items) seen.add(it.id);
      next = r.body.next;
      pages++;
    } while (next && pages < 20);
    expect(seen.size).toBe(all.length);
    const bad = await op.get<{ message: string }>('/api/archive/search?cursor=garbage');
    expect(bad.status).toBe(400);
  });

  it('answers query syntax errors with a 400 that points at the error, never a 500', async () => {
    for (const [q, pos] of [['вода AND', 8], ['(вода', 5], ['sector:moon', 7], ['date:2026-12-01..2026-11-01', 0]] as const) {
      const r = await op.get<{ message: string }>(`/api/archive/search?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(400);
      if (pos) expect(r.body.message).toContain(`позиция ${pos + 1}`);
    }
    const period = await op.get<{ message: string }>(`/api/archive/search?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`);
    expect(period.status).toBe(400);
    expect((await op.get(`/api/archive/search?q=${encodeURIComponent('("'.repeat(400))}`)).status).toBe(400);
  });

  it('searches by author only for roles allowed to see authors', async () => {
    expect((await op.get<Search>(`/api/archive/search?q=${encodeURIComponent('author:"Иван 3"')}`)).body.total).toBe(1);
    const r = await observer.get<{ message: string }>(`/api/archive/search?q=${encodeURIComponent('author:"Иван 3"')}`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/автор/);
    const masked = await observer.get<Search>('/api/archive/search?q=ленина');
    expect(masked.body.items.every((i) => i.author === null)).toBe(true);
  });

  it('a sector lead never counts another sector: search, facets, breakdowns, top problems, map', async () => {
    const s = await lead.get<Search>('/api/archive/search?size=100');
    expect(s.body.total).toBe(housing);
    expect(s.body.items.every((i) => i.sector === 'housing')).toBe(true);
    expect(s.body.facets?.sector?.map((f) => f.key)).toEqual(['housing']);
    expect((await lead.get<Search>(`/api/archive/search?q=${encodeURIComponent('sector:roads OR яма')}`)).body.total).toBe(0);
    const b = await lead.get<Breakdown>('/api/analytics/breakdown?dims=sector,municipality&from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(b.status).toBe(200);
    expect(b.body.rows.every((r) => r.keys.sector === 'housing')).toBe(true);
    expect(b.body.rows.reduce((n, r) => n + r.count, 0)).toBe(housing);
    const top = await lead.get<{ items: { category: string }[] }>('/api/analytics/top?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(top.body.items.map((i) => i.category)).toEqual(['housing.water']);
    const map = await lead.get<{ items: { code: string; count: number }[] }>('/api/analytics/map?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(map.body.items.find((m) => m.code === 'tara')?.count).toBe(10);
  });

  it('every breakdown number drills down to exactly its posts', async () => {
    const b = await op.get<Breakdown>('/api/analytics/breakdown?dims=sector,municipality,network&interval=week&from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(b.body.total).toBe(all.length);
    for (const row of b.body.rows.slice(0, 8)) {
      const qs = new URLSearchParams({ q: row.drill.q, size: '1', ...(row.drill.from ? { from: row.drill.from } : {}), ...(row.drill.to ? { to: row.drill.to } : {}) });
      const s = await op.get<Search>(`/api/archive/search?${qs.toString()}`);
      expect(s.body.total, JSON.stringify(row)).toBe(row.count);
    }
  });

  it('recurring problems at the same address and the misinformation share', async () => {
    const rec = await op.get<{ items: { street: string; category: string; count: number; drill: { q: string } }[] }>('/api/analytics/recurring?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(rec.body.items[0]).toMatchObject({ street: 'улица Ленина', category: 'housing.water', count: 30 });
    const mis = await op.get<{ misinformation: number; total: number; share: number }>('/api/analytics/misinformation?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(mis.body).toMatchObject({ misinformation: 1, total: all.length });
  });

  it('caps a breakdown over too many buckets and says so', async () => {
    const r = await op.get<{ message: string }>('/api/analytics/breakdown?dims=sector,category,municipality,network,source,tone&interval=hour&from=2025-11-01T00:00:00Z&to=2026-11-01T00:00:00Z');
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/Слишком подробная разбивка/);
    const dims = await op.get('/api/analytics/breakdown?dims=sector,planet');
    expect(dims.status).toBe(400);
  });

  it('saved searches: own, shared with the team, validated; an alert notifies of new matches', async () => {
    const bad = await lead.send<{ message: string }>('POST', '/api/saved-searches', { name: 'x', q: 'вода AND' });
    expect(bad.status).toBe(400);
    const created = await lead.send<{ id: string }>('POST', '/api/saved-searches', { name: 'Горячая вода', q: '"горячая вода"', shared: true, alert: true });
    expect(created.status).toBe(201);
    await sys.createUser({ username: 'lead2', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
    const mate = client(sys.baseUrl, await sys.login({ username: 'lead2', password: 'lead2-password-1' }));
    const list = await mate.get<{ items: { id: string; mine: boolean }[] }>('/api/saved-searches');
    expect(list.body.items).toEqual([expect.objectContaining({ id: created.body.id, mine: false })]);
    expect((await mate.send('DELETE', `/api/saved-searches/${created.body.id}`)).status).toBe(404);
    expect((await op.get<{ items: unknown[] }>('/api/saved-searches')).body.items).toEqual([]);

    await seedPosts(sys.container, [{ id: 'vk:new1', text: 'И снова нет горячей воды', sector: 'housing', category: 'housing.water', municipality: 'omsk', publishedAt: new Date().toISOString() }, { id: 'vk:new2', text: 'горячая вода есть, но яма', sector: 'roads', municipality: 'omsk', publishedAt: new Date().toISOString() }]);
    const sent = await sys.container.services.alerts.checkSavedSearches(new Date(Date.now() + 1000));
    expect(sent).toBe(1);
    const n = await lead.get<{ items: { kind: string; title: string; postIds: string[] }[]; unread: number }>('/api/notifications');
    expect(n.body.unread).toBe(1);
    expect(n.body.items[0]).toMatchObject({ kind: 'saved_search', postIds: ['vk:new1'] }); // the roads post is outside the lead's scope
    expect(await sys.container.services.alerts.checkSavedSearches(new Date(Date.now() + 2000))).toBe(0);
  });

  it('opens a post with its incident; out of scope is not found', async () => {
    const r = await op.get<{ post: { id: string }; incident: { status: string } | null }>('/api/archive/posts/vk%3Ah0');
    expect(r.status).toBe(200);
    expect(r.body.incident?.status).toBe('new');
    expect((await lead.get('/api/archive/posts/ok%3Ar0')).status).toBe(404);
  });
});
