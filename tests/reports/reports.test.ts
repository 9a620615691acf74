import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedQuery } from '../../src/repositories/archive.repository';
import { startSystem, type TestSystem } from '../helpers/system';
import { client, seedPosts, type SeedPost } from '../archive/archive-fixtures';

async function pdfText(buf: ArrayBuffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(buf), useSystemFonts: false, isEvalSupported: false }).promise;
  const out: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    let line = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        out.push(line);
        line = '';
      }
    }
    if (line) out.push(line);
  }
  return out.join('\n');
}

const from = '2026-11-02T00:00:00.000Z';
const to = '2026-11-08T23:59:59.999Z';

describe('reports: PDF and XLSX figures equal the Elasticsearch counts', () => {
  let sys: TestSystem;
  let head: ReturnType<typeof client>;
  let lead: ReturnType<typeof client>;

  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    const posts: SeedPost[] = [];
    for (let i = 0; i < 57; i++) posts.push({ id: `vk:p${i}`, text: 'Нет отопления в школе', sector: i % 3 ? 'housing' : 'education', category: i % 3 ? 'housing.heating' : 'education.other', municipality: i % 2 ? 'omsk' : 'tara', publishedAt: `2026-11-0${2 + (i % 7)}T0${i % 10}:00:00Z`, urgent: i % 10 === 0, misinfo: i % 19 === 0 ? 0.95 : 0.1, ...(i % 4 === 0 ? { incident: { id: `inc-${i}`, status: i % 8 === 0 ? 'new' : 'closed', urgent: i % 10 === 0 } } : {}) });
    // Outside the period: must not count.
    posts.push({ id: 'vk:old', text: 'Старое', sector: 'housing', municipality: 'omsk', publishedAt: '2026-10-20T10:00:00Z' });
    await seedPosts(sys.container, posts);
    await sys.createUser({ username: 'boss', role: 'head' });
    head = client(sys.baseUrl, await sys.login({ username: 'boss', password: 'boss-password-1' }));
    await sys.createUser({ username: 'hlead', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
    lead = client(sys.baseUrl, await sys.login({ username: 'hlead', password: 'hlead-password-1' }));
  }, 60_000);
  afterAll(async () => sys?.stop());

  it('a weekly governor report: readable Cyrillic, figures equal ES counts, XLSX the same', async () => {
    const built = await head.send<{ id: string; totals: { posts: number } }>('POST', '/api/reports', { kind: 'weekly', from, to });
    expect(built.status).toBe(201);
    const c = sys.container;
    const posts = await c.repos.archive.count(scopedQuery(null, { from, to }));
    const mis = await c.repos.archive.count(scopedQuery({ range: { misinfo_score: { gte: 0.6 } } }, { from, to }));
    const housing = await c.repos.archive.count(scopedQuery(null, { sectors: ['housing'], from, to }));
    const incidents = (await c.es.count({ index: c.names.incidents, query: { range: { created_at: { gte: from, lte: to } } } })).count;
    const urgent = (await c.es.count({ index: c.names.incidents, query: { bool: { filter: [{ term: { urgent: true } }, { range: { created_at: { gte: from, lte: to } } }] } } })).count;
    expect(posts).toBe(57);

    const pdf = await head.raw(`/api/reports/${built.body.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(await pdf.arrayBuffer());
    expect(text).toContain('Еженедельный доклад губернатору');
    expect(text).toContain(`Всего публикаций: ${posts}`);
    expect(text).toContain(`Инцидентов: ${incidents}, из них срочных: ${urgent}`);
    expect(text).toContain(`Недостоверная информация: ${mis}`);
    expect(text).toMatch(new RegExp(`ЖКХ\\s*${housing}`));
    expect(text).toContain('Отопление');

    const xlsx = await head.raw(`/api/reports/${built.body.id}/xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const summary = wb.getWorksheet('Сводка');
    const value = (label: string) => {
      let v: unknown;
      summary?.eachRow((r) => {
        if (r.getCell(1).value === label) v = r.getCell(2).value;
      });
      return v;
    };
    expect(value('Публикаций')).toBe(posts);
    expect(value('Инцидентов')).toBe(incidents);
    expect(value('Срочных инцидентов')).toBe(urgent);
    expect(value('Недостоверная информация')).toBe(mis);
  });

  it('a sector lead builds and sees only reports of their sector', async () => {
    const own = await lead.send<{ id: string; totals: { posts: number } }>('POST', '/api/reports', { kind: 'daily', from, to });
    expect(own.status).toBe(201);
    expect(own.body.totals.posts).toBe(38);
    const list = await lead.get<{ items: { id: string }[] }>('/api/reports');
    expect(list.body.items.map((r) => r.id)).toEqual([own.body.id]);
    const headList = await head.get<{ items: { id: string }[] }>('/api/reports');
    expect(headList.body.items.length).toBe(2);
    const other = headList.body.items.find((r) => r.id !== own.body.id) as { id: string };
    expect((await lead.get(`/api/reports/${other.id}/pdf`)).status).toBe(404);
    expect((await lead.send('POST', '/api/reports', { kind: 'daily', sector: 'roads' })).status).toBe(400);
    expect((await lead.send('POST', '/api/reports', { kind: 'weekly', from: to, to: from })).status).toBe(400);
  });

  it('the schedule builds each due report once and notifies recipients in scope', async () => {
    const monday = new Date('2026-11-09T00:05:00Z');
    const built = await sys.container.services.reports.runSchedule(monday);
    expect(built.map((r) => r.kind).sort()).toEqual([...Array(10).fill('daily'), 'weekly']);
    expect(await sys.container.services.reports.runSchedule(monday)).toEqual([]);
    const n = await lead.get<{ items: { kind: string; title: string }[] }>('/api/notifications');
    expect(n.body.items.map((i) => i.title)).toEqual(['Ежедневная сводка рисков — ЖКХ: готов']);
  });
});
