import ExcelJS from 'exceljs';
import { ORGANISATION_COLUMNS, RULE_COLUMNS, SHEET_NAMES, type ImportTable } from '../contracts/organisations';
import { ORGANISATION_ID, ORGANISATION_KIND_ALIASES, ORGANISATION_KIND_TITLES_RU, ORGANISATION_KINDS, type Organisation, type OrganisationKind, type ResponsibilityRule } from '../domain/organisation';
import { SECTOR_TITLES_RU, SECTORS, type Sector } from '../domain/sector';
import { ValidationError } from '../lib/errors';
import type { ParsedOrganisationRow, ParsedRuleRow } from './organisations.service';

/**
 * Spreadsheets of the organisation directory: CSV (one table) and XLSX (both sheets). Parsing turns
 * cells into typed rows with per-cell problems; the service decides (and rejects the whole file on
 * any problem). Row numbers are what a spreadsheet shows: the header is row 1.
 */

export type Grid = string[][];

/** RFC 4180 CSV with the delimiter guessed from the header (Russian Excel writes `;`). */
export function parseCsv(text: string): Grid {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows: Grid = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (quoted) throw new ValidationError('CSV: незакрытая кавычка / unterminated quoted cell');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function csvCell(value: string): string {
  // A leading = + - @ would be a formula in a spreadsheet (CSV injection): prefix with a quote.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(grid: Grid): string {
  return `\uFEFF${grid.map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

export async function parseXlsx(data: Buffer): Promise<Partial<Record<ImportTable, Grid>>> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new ValidationError('XLSX: файл не читается как книга Excel / not a readable XLSX workbook');
  }
  const out: Partial<Record<ImportTable, Grid>> = {};
  for (const table of ['organisations', 'rules'] as const) {
    const sheet = wb.getWorksheet(SHEET_NAMES[table]);
    if (!sheet) continue;
    const grid: Grid = [];
    sheet.eachRow({ includeEmpty: true }, (r, n) => {
      const cells: string[] = [];
      for (let c = 1; c <= r.cellCount; c++) cells.push(r.getCell(c).text ?? '');
      grid[n - 1] = cells;
    });
    for (let i = 0; i < grid.length; i++) grid[i] ??= [];
    out[table] = grid;
  }
  if (!out.organisations && !out.rules) throw new ValidationError(`XLSX: нет листов «${SHEET_NAMES.organisations}» или «${SHEET_NAMES.rules}»`);
  return out;
}

export async function toXlsx(sheets: Record<ImportTable, Grid>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const table of ['organisations', 'rules'] as const) {
    const ws = wb.addWorksheet(SHEET_NAMES[table]);
    for (const r of sheets[table]) ws.addRow(r);
    ws.getRow(1).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const split = (s: string) =>
  s
    .split(/[;,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export interface Lookup {
  municipalities: readonly { code: string; name: string }[];
  regionName: string;
}

function sectorOf(value: string): Sector | undefined {
  const v = value.trim().toLowerCase();
  return SECTORS.find((s) => s === v || SECTOR_TITLES_RU[s].toLowerCase() === v);
}

function municipalityOf(value: string, lookup: Lookup): string {
  const v = value.trim().toLowerCase();
  if (v === 'region' || v === 'вся область' || v === lookup.regionName.toLowerCase()) return 'region';
  return lookup.municipalities.find((m) => m.code === v || m.name.toLowerCase() === v)?.code ?? value.trim();
}

function kindOf(value: string): OrganisationKind | undefined {
  const v = value.trim().toLowerCase();
  return ORGANISATION_KINDS.find((k) => k === v || ORGANISATION_KIND_TITLES_RU[k].toLowerCase() === v) ?? ORGANISATION_KIND_ALIASES[v];
}

/** Maps columns by header name, so columns may come in any order; unknown required headers are an error. */
function columns(header: string[] | undefined, expected: readonly string[], table: ImportTable): Map<string, number> {
  const map = new Map<string, number>();
  (header ?? []).forEach((h, i) => map.set(h.trim().toLowerCase(), i));
  const required = table === 'organisations' ? ['код', 'название', 'тип', 'муниципалитет'] : ['отрасль', 'организация'];
  const missing = required.filter((c) => !map.has(c));
  if (missing.length > 0) throw new ValidationError(`${SHEET_NAMES[table]}: нет столбцов ${missing.map((m) => `«${m}»`).join(', ')} (ожидаются: ${expected.join(', ')})`);
  return map;
}

const isBlank = (r: string[] | undefined) => !r || r.every((c) => c.trim() === '');

export function organisationRows(grid: Grid, lookup: Lookup): ParsedOrganisationRow[] {
  const col = columns(grid[0], ORGANISATION_COLUMNS, 'organisations');
  const out: ParsedOrganisationRow[] = [];
  for (let i = 1; i < grid.length; i++) {
    const r = grid[i];
    if (isBlank(r)) continue;
    const get = (name: string) => (col.has(name) ? (r![col.get(name)!] ?? '').trim() : '');
    const problems: string[] = [];
    const id = get('код').toLowerCase();
    if (!id) problems.push('пустой код');
    else if (!ORGANISATION_ID.test(id)) problems.push(`код «${id}»: только латиница, цифры и дефис`);
    const name = get('название');
    if (name.length < 2) problems.push('пустое название');
    const kindRaw = get('тип');
    const kind = kindOf(kindRaw);
    if (!kind) problems.push(`неизвестный тип «${kindRaw}» (ОИВ, ОМСУ, УК, РСО, другое)`);
    const munRaw = get('муниципалитет');
    if (!munRaw) problems.push('пустой муниципалитет');
    const sectors: Sector[] = [];
    for (const s of split(get('отрасли'))) {
      const sector = sectorOf(s);
      if (sector) sectors.push(sector);
      else problems.push(`неизвестная отрасль «${s}»`);
    }
    const contacts: Organisation['contacts'] = {};
    const email = get('email');
    if (email) {
      if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) contacts.email = email;
      else problems.push(`неверный email «${email}»`);
    }
    if (get('телефон')) contacts.phone = get('телефон');
    if (get('адрес')) contacts.address = get('адрес');
    const site = get('сайт');
    if (site) {
      if (/^https?:\/\/\S+$/.test(site)) contacts.website = site;
      else problems.push(`неверный сайт «${site}»`);
    }
    out.push({
      row: i + 1,
      ...(id ? { id } : {}),
      ...(name ? { name } : {}),
      ...(kind ? { kind } : {}),
      ...(munRaw ? { municipality: municipalityOf(munRaw, lookup) } : {}),
      sectors: [...new Set(sectors)],
      contacts,
      userIds: split(get('пользователи')).map((u) => u.toLowerCase()),
      officialSourceIds: split(get('госпаблики')),
      problems,
    });
  }
  return out;
}

export function ruleRows(grid: Grid, lookup: Lookup): ParsedRuleRow[] {
  const col = columns(grid[0], RULE_COLUMNS, 'rules');
  const out: ParsedRuleRow[] = [];
  for (let i = 1; i < grid.length; i++) {
    const r = grid[i];
    if (isBlank(r)) continue;
    const get = (name: string) => (col.has(name) ? (r![col.get(name)!] ?? '').trim() : '');
    const problems: string[] = [];
    const sectorRaw = get('отрасль');
    const sector = sectorOf(sectorRaw);
    if (!sector) problems.push(sectorRaw ? `неизвестная отрасль «${sectorRaw}»` : 'пустая отрасль');
    const category = get('категория').toLowerCase();
    const mun = get('муниципалитет');
    const org = get('организация').toLowerCase();
    if (!org) problems.push('пустая организация');
    out.push({
      row: i + 1,
      ...(sector ? { sector } : {}),
      ...(category && category !== '*' ? { category } : {}),
      ...(mun && mun !== '*' ? { municipality: municipalityOf(mun, lookup) } : {}),
      ...(org ? { organisationId: org } : {}),
      problems,
    });
  }
  return out;
}

export function organisationGrid(orgs: readonly Organisation[]): Grid {
  return [
    [...ORGANISATION_COLUMNS],
    ...orgs.map((o) => [
      o.id,
      o.name,
      ORGANISATION_KIND_TITLES_RU[o.kind],
      o.municipality,
      o.sectors.join(', '),
      o.contacts.email ?? '',
      o.contacts.phone ?? '',
      o.contacts.address ?? '',
      o.contacts.website ?? '',
      o.userIds.join(', '),
      o.officialSourceIds.join(', '),
    ]),
  ];
}

export function ruleGrid(rules: readonly ResponsibilityRule[]): Grid {
  return [[...RULE_COLUMNS], ...rules.map((r) => [r.sector, r.category ?? '*', r.municipality ?? '*', r.organisationId])];
}
