import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutraliseFormula } from '../../src/lib/tabular-export';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { client, seedPosts, type SeedPost } from './archive-fixtures';

const posts: SeedPost[] = [
  { id: 'vk:x1', text: '=HYPERLINK("http://evil.example","нажми") вода', sector: 'housing', municipality: 'omsk', publishedAt: '2026-11-03T10:00:00Z', author: '@evil' },
  { id: 'vk:x2', text: '+7 900 вода, "кавычки", точка; запятая', sector: 'housing', municipality: 'omsk', publishedAt: '2026-11-03T11:00:00Z', author: '-минус' },
  { id: 'vk:x3', text: 'Яма на дороге', sector: 'roads', municipality: 'tara', publishedAt: '2026-11-03T12:00:00Z', author: 'Пётр' },
  ...Array.from({ length: 40 }, (_, i): SeedPost => ({ id: `vk:w${i}`, text: `Нет воды, дом ${i}`, sector: 'housing', municipality: 'omsk', publishedAt: `2026-11-0${1 + (i % 9)}T08:00:00Z`, author: `Жилец ${i}` })),
];

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

describe('archive export', () => {
  let sys: TestSystem;
  let op: ReturnType<typeof client>;
  let observer: ReturnType<typeof client>;
  let lead: ReturnType<typeof client>;

  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    await seedPosts(sys.container, posts);
    op = client(sys.baseUrl, await sys.login());
    await sys.createUser({ username: 'watcher', role: 'observer' });
    observer = client(sys.baseUrl, await sys.login({ username: 'watcher', password: 'watcher-password-1' }));
    await sys.createUser({ username: 'roadlead', role: 'sector_lead', scope: { sectors: ['roads'], municipalities: 'all' } });
    lead = client(sys.baseUrl, await sys.login({ username: 'roadlead', password: 'roadlead-password-1' }));
  }, 60_000);
  afterAll(async () => sys?.stop());

  it('neutralises cells that spreadsheets would run as formulas', () => {
    expect(['=1+1', '+7', '-2', '@SUM(A1)', '\t=x', 'обычный', '5'].map(neutraliseFormula)).toEqual(["'=1+1", "'+7", "'-2", "'@SUM(A1)", "'\t=x", 'обычный', '5']);
  });

  it('streams CSV of a search: formula-safe cells, quoting, authors for allowed roles only, audited', async () => {
    const res = await op.raw(`/api/archive/export?q=${encodeURIComponent('вода')}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    expect(rows[0]?.[0]).toBe('id');
    expect(rows.length - 1).toBe(42);
    const x1 = rows.find((r) => r[0] === 'vk:x1') as string[];
    expect(x1[12]).toBe('\'=HYPERLINK("http://evil.example","нажми") вода');
    expect(x1[11]).toBe("'@evil");
    const x2 = rows.find((r) => r[0] === 'vk:x2') as string[];
    expect(x2[12]).toBe('\'+7 900 вода, "кавычки", точка; запятая');
    const audit = await eventually(async () => (await sys.container.repos.audit.search({ action: 'export.posts', offset: 0, size: 10 })).items[0], 5000, 'export audit record');
    expect(audit.details).toMatchObject({ q: 'вода', rows: 42, authors: true });

    const masked = parseCsv((await (await observer.raw(`/api/archive/export?q=${encodeURIComponent('вода')}`)).text()).replace(/^\uFEFF/, ''));
    expect(masked.slice(1).every((r) => r[11] === '[скрыто]')).toBe(true);
  });

  it('stays within the caller scope', async () => {
    const rows = parseCsv((await (await lead.raw('/api/archive/export?format=csv')).text()).replace(/^\uFEFF/, ''));
    expect(rows.slice(1).map((r) => r[0])).toEqual(['vk:x3']);
  });

  it('streams XLSX with the same safety', async () => {
    const res = await op.raw(`/api/archive/export?q=${encodeURIComponent('вода')}&format=xlsx`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.worksheets[0];
    expect(ws?.rowCount).toBe(43);
    const texts: string[] = [];
    ws?.eachRow((row) => texts.push(String(row.getCell(13).value)));
    expect(texts).toContain('\'=HYPERLINK("http://evil.example","нажми") вода');
  });

  it('refuses an export past the row limit before writing anything', async () => {
    const res = await op.raw(`/api/archive/export?q=${encodeURIComponent('вода')}&limit=10`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string };
    expect(body.message).toMatch(/ограничена 10 строками/);
    expect((await op.raw('/api/archive/export?limit=100001')).status).toBe(400);
    expect((await op.raw(`/api/archive/export?q=${encodeURIComponent('(')}`)).status).toBe(400);
  });

  it('exports a breakdown', async () => {
    const res = await op.raw('/api/analytics/breakdown/export?dims=sector,municipality&from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(res.status).toBe(200);
    const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual(['sector', 'municipality', 'количество']);
    expect(rows.find((r) => r[0] === 'roads')).toEqual(['roads', 'Тарский район', '1']);
  });
});
