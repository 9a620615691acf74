import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { hrs, pct } from '../../src/services/reports.service';
import { toSessionUser } from '../../src/services/users.service';
import { startSystem, type TestSystem } from '../helpers/system';

/** The PDF's text without any whitespace (pdfkit wraps long lines anywhere between words). */
async function pdfText(buf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(buf), useSystemFonts: false, isEvalSupported: false }).promise;
  let out = '';
  for (let i = 1; i <= doc.numPages; i++) {
    for (const item of (await (await doc.getPage(i)).getTextContent()).items) if ('str' in item) out += item.str;
  }
  return out.replace(/\s+/g, '');
}

const base = (id: string, over: Partial<IncidentDoc>): IncidentDoc => ({
  id, post_id: id, post_index: 'none', reason: 'complaint', status: 'routed', sector: 'housing', municipality: 'omsk', network: 'vk', kind: 'post',
  created_at: '2026-03-02T03:00:00.000Z', due_at: '2026-03-02T07:00:00.000Z', published_at: '2026-03-02T03:00:00.000Z', text: 't', url: 'https://vk.com/wall-1_1',
  author: { id: 'a', name: 'a' }, complaint_confidence: 0.9, misinfo_score: 0, misinfo_reasons: [], model_version: 't', ...over,
});

interface Rating { organisationId: string; organisationName: string; routed: number; counted: boolean; onTimeShare: number | null; medianInterimHours: number | null; medianFinalHours: number | null; formalShare: number | null; reopenedShare: number | null; satisfiedShare: number | null; incidents: { late: string[] } }

describe('reports: SLA and ratings of organisations equal the computed ratings', () => {
  let sys: TestSystem;
  const from = '2026-03-01T00:00:00.000Z';
  const to = '2026-03-30T23:59:59.999Z';

  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    const mk = (n: number, org: string, over: Partial<IncidentDoc>) =>
      base(`inc:rep:${org}:${n}`, { organisation_id: org, organisation_name: `АО «${org.toUpperCase()}»`, routed_at: '2026-03-02T03:00:00.000Z', interim_due_at: '2026-03-02T07:00:00.000Z', final_due_at: '2026-03-11T12:00:00.000Z', ...over });
    const docs = [
      ...Array.from({ length: 6 }, (_, n) => mk(n, 'fast', { interim_answered_at: '2026-03-02T04:00:00.000Z', final_answered_at: `2026-03-0${3 + (n % 3)}T05:00:00.000Z`, status: 'answered', ...(n === 0 ? { formal_answer: true } : {}), ...(n < 4 ? { satisfaction: { verdict: n === 3 ? 'not_solved' : 'solved', at: '2026-03-06T00:00:00Z', via: 'operator' } } : {}) } as Partial<IncidentDoc>)),
      ...Array.from({ length: 5 }, (_, n) => mk(n, 'slow', { interim_answered_at: '2026-03-03T10:00:00.000Z', ...(n < 3 ? { final_answered_at: '2026-03-13T05:00:00.000Z', status: 'answered' } : {}), ...(n === 1 ? { reopened_count: 1, formal_answer: true } : {}) })),
      ...Array.from({ length: 2 }, (_, n) => mk(n, 'tiny', {})),
      // Another sector: in the governor's report, never in the housing lead's.
      ...Array.from({ length: 3 }, (_, n) => mk(n, 'roadco', { sector: 'roads', interim_answered_at: '2026-03-02T05:00:00.000Z' })),
      // Routed outside the period: counted nowhere.
      mk(9, 'fast', { routed_at: '2026-04-02T03:00:00.000Z' }),
    ];
    for (const d of docs) await sys.container.repos.incidents.createOne(d);
    await sys.createUser({ username: 'boss', role: 'head' });
    await sys.createUser({ username: 'hlead', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
  }, 60_000);
  afterAll(async () => sys?.stop());

  const build = async (username: string) => {
    const viewer = toSessionUser((await sys.container.repos.users.findByUsername(username))!);
    const rec = await sys.container.services.reports.buildOnDemand(viewer, { kind: 'monthly', from, to });
    const pdf = (await sys.container.services.reports.download(viewer, rec.id, 'pdf')).body;
    const xlsx = (await sys.container.services.reports.download(viewer, rec.id, 'xlsx')).body;
    return { pdf: await pdfText(pdf), xlsx };
  };

  it('the governor report lists every organisation with the figures of the ratings API, in both formats', async () => {
    const token = await sys.login({ username: 'boss', password: 'boss-password-1' });
    const api = (await (await fetch(`${sys.baseUrl}/api/ratings/organisations?from=${from}&to=2026-03-31T00:00:00.000Z&minVolume=5`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Rating[] };
    expect(api.items.map((r) => r.organisationId)).toEqual(['fast', 'slow', 'roadco', 'tiny']);
    const { pdf, xlsx } = await build('boss');
    expect(pdf).toContain('Срокиирейтингорганизаций');
    for (const r of api.items) {
      const line = `${r.organisationName}: передано ${r.routed}, просрочено ${r.incidents.late.length}, вовремя ${pct(r.onTimeShare)}, промежуточный ответ ${hrs(r.medianInterimHours)}, окончательный ${hrs(r.medianFinalHours)}, отписок ${pct(r.formalShare)}, повторных ${pct(r.reopenedShare)}, решено по оценке жителей ${pct(r.satisfiedShare)}`;
      expect(pdf).toContain(line.replace(/\s+/g, ''));
    }
    // Hand-checked figures of the fixture: «fast» answered all 6 in time, 3 of 4 verdicts solved.
    expect(pdf).toContain('1.АО«FAST»:передано6,просрочено0,вовремя100.0%'.replace(/\s+/g, ''));
    expect(pdf).toContain('решенопооценкежителей75.0%');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as never);
    const rows: unknown[][] = [];
    wb.getWorksheet('Организации')?.eachRow((row, i) => {
      if (i > 1) rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows).toEqual(
      api.items.map((r) => [r.organisationName, r.routed, r.incidents.late.length, r.onTimeShare, r.medianInterimHours, r.medianFinalHours, r.formalShare, r.reopenedShare, r.satisfiedShare, r.counted ? 'да' : 'нет'].map((v) => (v === null ? undefined : v))),
    );
  });

  it("a sector lead's report rates only the organisations of the sector's incidents", async () => {
    const { pdf } = await build('hlead');
    expect(pdf).toContain('АО«FAST»:передано6');
    expect(pdf).toContain('АО«SLOW»:передано5');
    expect(pdf).not.toContain('ROADCO');
  });
});
