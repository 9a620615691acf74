import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { FULL_SCOPE, type Scope, type SessionUser } from '../domain/access';
import { SECTOR_TITLES_RU, SECTORS, type Sector } from '../domain/sector';
import { NotFoundError, ValidationError } from '../lib/errors';
import { neutraliseFormula } from '../lib/tabular-export';
import { MISINFO_SHARE_THRESHOLD, scopedQuery, type ArchiveRepository, type IncidentStatsRepository } from '../repositories/archive.repository';
import type { AuditRepository } from '../repositories/audit.repository';
import type { NotificationsRepository } from '../repositories/notifications.repository';
import type { ReportRecord, ReportsRepository } from '../repositories/reports.repository';
import type { UsersRepository } from '../repositories/users.repository';
import type { AnalyticsService } from './analytics.service';
import type { OrganisationRating } from '../domain/ratings';
import type { Gazetteer } from './gazetteer.service';

/** A TrueType font with Cyrillic, shipped inside an npm package: PDFs never fetch fonts. */
const FONT = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export type ReportKind = ReportRecord['kind'];

/** Everything a report shows; every figure is an Elasticsearch count in the report's scope. */
export interface ReportData {
  kind: ReportKind;
  title: string;
  from: string;
  to: string;
  scopeLabel: string;
  posts: number;
  previousPosts: number;
  bySector: { sector: Sector; title: string; count: number }[];
  byDay: { day: string; count: number }[];
  topProblems: { title: string; sector: string; count: number; previous: number; urgent: number }[];
  misinformation: { posts: number; share: number; incidentsByStatus: Record<string, number> };
  incidents: { total: number; urgent: number; byStatus: Record<string, number>; urgentList: { id: string; sector: string; municipality: string; status: string; createdAt: string }[] };
  /** SLA and ratings of responsible organisations (issue 11) for incidents routed in the period and scope; null when not wired. */
  organisations: { minVolume: number; items: ReportOrganisation[] } | null;
}

/** One organisation's row in a report: the figures of `rateOrganisations` (src/domain/ratings.ts). */
export type ReportOrganisation = Pick<OrganisationRating, 'organisationId' | 'organisationName' | 'routed' | 'counted' | 'onTimeShare' | 'medianInterimHours' | 'medianFinalHours' | 'formalShare' | 'reopenedShare' | 'satisfiedShare'> & { late: number };

/** At most this many organisations are listed in a report (the best ranked first). */
const REPORT_ORGANISATIONS = 30;
/** A share as a percentage with one decimal, or a dash when there is nothing to judge. */
export const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
/** Hours with one decimal, or a dash. */
export const hrs = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)} ч`);

const STATUS_RU: Record<string, string> = { new: 'новый', routed: 'передан', answered: 'дан ответ', closed: 'закрыт', in_progress: 'в работе', resolved: 'решён', rejected: 'отклонён' };
const KIND_RU: Record<ReportKind, string> = { daily: 'Ежедневная сводка рисков', weekly: 'Еженедельный доклад губернатору', monthly: 'Ежемесячный доклад губернатору' };

const fmt = (n: number) => n.toLocaleString('ru-RU').replace(/\u00a0/g, ' ');
const day = (iso: string) => iso.slice(0, 10);

/** The period a report covers, ending at `end` (exclusive) in UTC days. */
export function reportPeriod(kind: ReportKind, end: Date): { from: string; to: string } {
  const to = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()));
  const days = kind === 'daily' ? 1 : kind === 'weekly' ? 7 : 30;
  const from = new Date(to.getTime() - days * 86400_000);
  return { from: from.toISOString(), to: new Date(to.getTime() - 1).toISOString() };
}

export function renderPdf(d: ReportData): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: d.title, Author: 'Дозор' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', FONT);
    doc.registerFont('bold', FONT_BOLD);
    const h = (text: string) => doc.moveDown(0.6).font('bold').fontSize(13).text(text).font('body').fontSize(10).moveDown(0.2);
    const line = (text: string) => doc.text(text);

    doc.font('bold').fontSize(17).text(d.title);
    doc.font('body').fontSize(10).text(`Период: ${day(d.from)} — ${day(d.to)}. Охват: ${d.scopeLabel}.`);
    doc.text(`Сформирован: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);

    h('Объём обращений');
    line(`Всего публикаций: ${fmt(d.posts)} (предыдущий период: ${fmt(d.previousPosts)})`);
    line(`Инцидентов: ${fmt(d.incidents.total)}, из них срочных: ${fmt(d.incidents.urgent)}`);
    line(`Недостоверная информация: ${fmt(d.misinformation.posts)} (${(d.misinformation.share * 100).toFixed(1)}%)`);

    h('По направлениям');
    const max = Math.max(1, ...d.bySector.map((s) => s.count));
    for (const s of d.bySector) {
      const y = doc.y;
      doc.text(s.title, 48, y, { width: 140 });
      doc.rect(190, y + 2, Math.max(1, (260 * s.count) / max), 9).fill('#3b6fb6').fillColor('black');
      doc.text(fmt(s.count), 460, y, { width: 80, align: 'right' });
      doc.x = 48;
    }

    if (d.byDay.length > 1) {
      h('Динамика по дням');
      const top = doc.y + 4;
      const w = 460;
      const hgt = 80;
      const dmax = Math.max(1, ...d.byDay.map((x) => x.count));
      const step = w / Math.max(1, d.byDay.length - 1);
      doc.moveTo(48, top + hgt).lineTo(48 + w, top + hgt).stroke('#999999');
      d.byDay.forEach((x, i) => {
        const px = 48 + i * step;
        const py = top + hgt - (hgt * x.count) / dmax;
        if (i === 0) doc.moveTo(px, py);
        else doc.lineTo(px, py);
      });
      doc.stroke('#c0392b');
      doc.y = top + hgt + 6;
      doc.x = 48;
      line(`${day(d.byDay[0]?.day ?? d.from)} … ${day(d.byDay[d.byDay.length - 1]?.day ?? d.to)}, максимум за день: ${fmt(dmax)}`);
    }

    h('Главные проблемы');
    if (d.topProblems.length === 0) line('Нет данных за период.');
    d.topProblems.forEach((p, i) => line(`${i + 1}. ${p.title}: ${fmt(p.count)} (было ${fmt(p.previous)}), срочных ${fmt(p.urgent)}`));

    h('Срочные инциденты');
    if (d.incidents.urgentList.length === 0) line('Срочных инцидентов нет.');
    for (const u of d.incidents.urgentList) line(`${u.createdAt.slice(0, 16).replace('T', ' ')} · ${u.sector} · ${u.municipality} · ${STATUS_RU[u.status] ?? u.status}`);
    line(`По статусам: ${Object.entries(d.incidents.byStatus).map(([k, v]) => `${STATUS_RU[k] ?? k} ${fmt(v)}`).join(', ') || 'нет'}`);

    h('Недостоверная информация и вердикты');
    line(`Публикаций с риском недостоверности ≥ ${MISINFO_SHARE_THRESHOLD}: ${fmt(d.misinformation.posts)}`);
    line(`Инциденты по недостоверной информации: ${Object.entries(d.misinformation.incidentsByStatus).map(([k, v]) => `${STATUS_RU[k] ?? k} ${fmt(v)}`).join(', ') || 'нет'}`);

    h('Сроки и рейтинг организаций');
    if (d.organisations === null) line('Модуль маршрутизации не подключён.');
    else if (d.organisations.items.length === 0) line('Обращений, переданных организациям за период, нет.');
    else {
      line(`Вовремя — доля ответов в срок на обоих этапах; время — медиана рабочих часов до ответа. В рейтинге — организации с ${d.organisations.minVolume} и более обращениями.`);
      d.organisations.items.forEach((o, i) =>
        line(
          `${o.counted ? `${i + 1}.` : '·'} ${o.organisationName}: передано ${fmt(o.routed)}, просрочено ${fmt(o.late)}, вовремя ${pct(o.onTimeShare)}, промежуточный ответ ${hrs(o.medianInterimHours)}, окончательный ${hrs(o.medianFinalHours)}, отписок ${pct(o.formalShare)}, повторных ${pct(o.reopenedShare)}, решено по оценке жителей ${pct(o.satisfiedShare)}`,
        ),
      );
    }
    doc.end();
  });
}

export async function renderXlsx(d: ReportData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Дозор';
  const s = (v: string) => neutraliseFormula(v);
  const summary = wb.addWorksheet('Сводка');
  summary.columns = [{ width: 48 }, { width: 18 }];
  summary.addRows([
    [s(d.title)],
    ['Период', `${day(d.from)} — ${day(d.to)}`],
    ['Охват', s(d.scopeLabel)],
    ['Публикаций', d.posts],
    ['Публикаций в предыдущем периоде', d.previousPosts],
    ['Инцидентов', d.incidents.total],
    ['Срочных инцидентов', d.incidents.urgent],
    ['Недостоверная информация', d.misinformation.posts],
    ['Доля недостоверной информации', Number(d.misinformation.share.toFixed(4))],
  ]);
  summary.getRow(1).font = { bold: true, size: 14 };
  const sectors = wb.addWorksheet('Направления');
  sectors.addRow(['Направление', 'Публикаций']).font = { bold: true };
  for (const x of d.bySector) sectors.addRow([x.title, x.count]);
  const days = wb.addWorksheet('По дням');
  days.addRow(['День', 'Публикаций']).font = { bold: true };
  for (const x of d.byDay) days.addRow([day(x.day), x.count]);
  const top = wb.addWorksheet('Проблемы');
  top.addRow(['Проблема', 'Направление', 'Публикаций', 'В прошлом периоде', 'Срочных']).font = { bold: true };
  for (const p of d.topProblems) top.addRow([s(p.title), p.sector, p.count, p.previous, p.urgent]);
  const inc = wb.addWorksheet('Срочные инциденты');
  inc.addRow(['Инцидент', 'Открыт', 'Направление', 'Муниципалитет', 'Статус']).font = { bold: true };
  for (const u of d.incidents.urgentList) inc.addRow([u.id, u.createdAt, u.sector, s(u.municipality), STATUS_RU[u.status] ?? u.status]);
  const orgs = wb.addWorksheet('Организации');
  orgs.addRow(['Организация', 'Передано', 'Просрочено', 'Вовремя (доля)', 'Промежуточный ответ, ч (медиана)', 'Окончательный ответ, ч (медиана)', 'Отписки (доля)', 'Повторные (доля)', 'Решено по оценке (доля)', 'В рейтинге']).font = { bold: true };
  for (const o of d.organisations?.items ?? []) orgs.addRow([s(o.organisationName), o.routed, o.late, o.onTimeShare, o.medianInterimHours, o.medianFinalHours, o.formalShare, o.reopenedShare, o.satisfiedShare, o.counted ? 'да' : 'нет']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function createReportsService(deps: {
  archive: Pick<ArchiveRepository, 'count' | 'aggregate'>;
  incidentStats: IncidentStatsRepository;
  analytics: Pick<AnalyticsService, 'topProblems'>;
  reports: ReportsRepository;
  notifications: Pick<NotificationsRepository, 'push'>;
  users: Pick<UsersRepository, 'list'>;
  audit: Pick<AuditRepository, 'append'>;
  gazetteer: Gazetteer;
  mail?: (to: string, subject: string, text: string, attachments: { filename: string; content: Buffer }[]) => Promise<void>;
  /** Ratings of organisations for incidents routed in [from, to) within the scope (issue 11). */
  ratings?: (scope: Scope, from: string, to: string) => Promise<{ minVolume: number; items: OrganisationRating[] }>;
}) {
  const scopeLabel = (scope: Scope) =>
    `${scope.sectors === 'all' ? 'все направления' : scope.sectors.map((x) => SECTOR_TITLES_RU[x]).join(', ')}; ${scope.municipalities === 'all' ? 'вся область' : scope.municipalities.map((m) => deps.gazetteer.nameOf(m)).join(', ')}`;
  const archiveScope = (scope: Scope) => ({ ...(scope.sectors === 'all' ? {} : { sectors: scope.sectors }), ...(scope.municipalities === 'all' ? {} : { municipalities: scope.municipalities }) });
  const system = (scope: Scope): SessionUser => ({ id: 'system', username: 'system', displayName: 'Дозор', role: 'head', scope });

  /** Whether `inner` lies within `outer` (a viewer sees reports of their scope or narrower). */
  const within = (inner: Scope, outer: Scope) =>
    (outer.sectors === 'all' || (inner.sectors !== 'all' && inner.sectors.every((x) => (outer.sectors as Sector[]).includes(x)))) &&
    (outer.municipalities === 'all' || (inner.municipalities !== 'all' && inner.municipalities.every((x) => (outer.municipalities as string[]).includes(x))));

  async function collect(kind: ReportKind, scope: Scope, from: string, to: string): Promise<ReportData> {
    const s = { ...archiveScope(scope), from, to };
    const q = scopedQuery(null, s);
    type A = { sector: { buckets: { key: Sector; doc_count: number }[] }; days: { buckets: { key_as_string: string; doc_count: number }[] }; mis: { doc_count: number } };
    const agg = await deps.archive.aggregate<A>(q, {
      sector: { terms: { field: 'sector', size: 20 } },
      days: { date_histogram: { field: 'published_at', calendar_interval: 'day', min_doc_count: 0, extended_bounds: { min: from, max: to } } },
      mis: { filter: { range: { misinfo_score: { gte: MISINFO_SHARE_THRESHOLD } } } },
    });
    const span = new Date(to).getTime() - new Date(from).getTime();
    const previousPosts = await deps.archive.count(scopedQuery(null, { ...archiveScope(scope), from: new Date(new Date(from).getTime() - span - 1).toISOString(), to: new Date(new Date(from).getTime() - 1).toISOString() }));
    const bySectorMap = new Map((agg.aggs?.sector.buckets ?? []).map((b) => [b.key, b.doc_count]));
    const top = await deps.analytics.topProblems(system(scope), { from, to, limit: 10 });
    const inc = await deps.incidentStats.stats(s, 15);
    const rated = deps.ratings ? await deps.ratings(scope, from, new Date(new Date(to).getTime() + 1).toISOString()) : null;
    return {
      kind,
      title: `${KIND_RU[kind]}${scope.sectors !== 'all' && scope.sectors.length === 1 ? ` — ${SECTOR_TITLES_RU[scope.sectors[0] as Sector]}` : ''}`,
      from,
      to,
      scopeLabel: scopeLabel(scope),
      posts: agg.total,
      previousPosts,
      bySector: SECTORS.filter((x) => scope.sectors === 'all' || scope.sectors.includes(x)).map((x) => ({ sector: x, title: SECTOR_TITLES_RU[x], count: bySectorMap.get(x) ?? 0 })),
      byDay: (agg.aggs?.days.buckets ?? []).map((b) => ({ day: b.key_as_string, count: b.doc_count })),
      topProblems: top.items.map((t) => ({ title: t.title, sector: t.sector, count: t.count, previous: t.previous, urgent: t.urgent })),
      misinformation: { posts: agg.aggs?.mis.doc_count ?? 0, share: agg.total > 0 ? (agg.aggs?.mis.doc_count ?? 0) / agg.total : 0, incidentsByStatus: inc.misinformationByStatus },
      incidents: {
        total: inc.total,
        urgent: inc.urgent,
        byStatus: inc.byStatus,
        urgentList: inc.urgentList.map((u) => ({ id: u.id, sector: SECTOR_TITLES_RU[u.sector as Sector] ?? u.sector, municipality: deps.gazetteer.nameOf(u.municipality), status: u.status, createdAt: u.created_at })),
      },
      organisations: rated && {
        minVolume: rated.minVolume,
        items: rated.items.slice(0, REPORT_ORGANISATIONS).map((r) => ({
          organisationId: r.organisationId,
          organisationName: r.organisationName,
          routed: r.routed,
          late: r.incidents.late.length,
          counted: r.counted,
          onTimeShare: r.onTimeShare,
          medianInterimHours: r.medianInterimHours,
          medianFinalHours: r.medianFinalHours,
          formalShare: r.formalShare,
          reopenedShare: r.reopenedShare,
          satisfiedShare: r.satisfiedShare,
        })),
      },
    };
  }

  async function build(kind: ReportKind, scope: Scope, period: { from: string; to: string }, createdBy: string): Promise<ReportRecord> {
    const data = await collect(kind, scope, period.from, period.to);
    const [pdf, xlsx] = await Promise.all([renderPdf(data), renderXlsx(data)]);
    const rec: ReportRecord = {
      id: randomUUID(),
      kind,
      title: data.title,
      from: period.from,
      to: period.to,
      scope,
      createdAt: new Date().toISOString(),
      createdBy,
      totals: { posts: data.posts, incidents: data.incidents.total, urgent: data.incidents.urgent, misinformation: data.misinformation.posts },
    };
    await deps.reports.save(rec, { pdf, xlsx });
    return rec;
  }

  return {
    collect,

    /** Builds a report now, in the caller's scope (or narrower, e.g. one sector). Audited. */
    async buildOnDemand(viewer: SessionUser, req: { kind: ReportKind; from?: string; to?: string; sector?: Sector }) {
      const p = req.from && req.to ? { from: req.from, to: req.to } : reportPeriod(req.kind, new Date(Date.now() + 86400_000));
      if (p.from > p.to) throw new ValidationError('Начало периода позже его конца');
      if (new Date(p.to).getTime() - new Date(p.from).getTime() > 400 * 86400_000) throw new ValidationError('Период отчёта не длиннее 400 дней');
      let scope: Scope = viewer.scope;
      if (req.sector) {
        if (viewer.scope.sectors !== 'all' && !viewer.scope.sectors.includes(req.sector)) throw new ValidationError('Это направление вне вашей зоны ответственности');
        scope = { ...viewer.scope, sectors: [req.sector] };
      }
      const rec = await build(req.kind, scope, p, viewer.username);
      await deps.audit.append({ at: new Date().toISOString(), actorId: viewer.id, actorUsername: viewer.username, actorRole: viewer.role, action: 'report.build', outcome: 'success', target: rec.id, details: { kind: rec.kind, from: rec.from, to: rec.to } });
      return rec;
    },

    async list(viewer: SessionUser, limit: number) {
      return (await deps.reports.list()).filter((r) => within(r.scope, viewer.scope)).slice(0, limit);
    },

    async download(viewer: SessionUser, id: string, format: 'pdf' | 'xlsx', ip?: string) {
      const rec = await deps.reports.get(id);
      if (!rec || !within(rec.scope, viewer.scope)) throw new NotFoundError('Report');
      await deps.audit.append({ at: new Date().toISOString(), actorId: viewer.id, actorUsername: viewer.username, actorRole: viewer.role, action: 'report.download', outcome: 'success', target: id, ...(ip ? { ip } : {}), details: { format } });
      return { record: rec, body: await deps.reports.read(id, format) };
    },

    /**
     * The schedule: after midnight UTC, the daily digest per sector; on Mondays the weekly report,
     * on the 1st the monthly one (whole region). Each is built once per period across processes;
     * recipients in scope get an in-app notification (and the files by e-mail when configured).
     */
    async runSchedule(now = new Date()): Promise<ReportRecord[]> {
      const built: ReportRecord[] = [];
      const today = now.toISOString().slice(0, 10);
      const jobs: { kind: ReportKind; scope: Scope }[] = SECTORS.map((s) => ({ kind: 'daily' as const, scope: { sectors: [s], municipalities: 'all' as const } }));
      if (now.getUTCDay() === 1) jobs.push({ kind: 'weekly', scope: FULL_SCOPE });
      if (now.getUTCDate() === 1) jobs.push({ kind: 'monthly', scope: FULL_SCOPE });
      const users = (await deps.users.list()).filter((u) => !u.disabled);
      for (const j of jobs) {
        const key = `${j.kind}:${today}:${j.scope.sectors === 'all' ? 'all' : j.scope.sectors.join(',')}`;
        if (!(await deps.reports.claimSchedule(key))) continue;
        const rec = await build(j.kind, j.scope, reportPeriod(j.kind, now), 'schedule');
        built.push(rec);
        const recipients = users.filter((u) => (j.kind === 'daily' ? ['sector_lead', 'sector_owner', 'head', 'curator'] : ['head', 'curator']).includes(u.role) && within(rec.scope, u.scope));
        for (const u of recipients) {
          await deps.notifications.push(u.id, { id: randomUUID(), at: new Date().toISOString(), kind: 'report', title: `${rec.title}: готов`, reportId: rec.id });
          if (deps.mail && u.email) {
            const [pdf, xlsx] = await Promise.all([deps.reports.read(rec.id, 'pdf'), deps.reports.read(rec.id, 'xlsx')]);
            await deps.mail(u.email, `Дозор: ${rec.title}`, `${rec.title} за ${day(rec.from)} — ${day(rec.to)}`, [
              { filename: `${rec.kind}-${day(rec.from)}.pdf`, content: pdf },
              { filename: `${rec.kind}-${day(rec.from)}.xlsx`, content: xlsx },
            ]).catch(() => undefined);
          }
        }
      }
      return built;
    },
  };
}
export type ReportsService = ReturnType<typeof createReportsService>;
