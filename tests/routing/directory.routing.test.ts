import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import { matchingRules, ruleId, type ResponsibilityRule } from '../../src/domain/organisation';
import { parseCsv } from '../../src/services/directory-spreadsheet';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

describe('responsibility rules (pure)', () => {
  const rule = (sector: ResponsibilityRule['sector'], category: string | undefined, municipality: string | undefined, organisationId: string): ResponsibilityRule => ({
    id: ruleId(sector, category, municipality),
    sector,
    ...(category ? { category } : {}),
    ...(municipality ? { municipality } : {}),
    organisationId,
    createdAt: '2026-01-01T00:00:00Z',
  });
  const rules = [rule('housing', undefined, undefined, 'ministry'), rule('housing', undefined, 'tara', 'tara-admin'), rule('housing', 'housing.heating', undefined, 'heat'), rule('housing', 'housing.heating', 'tara', 'tara-heat'), rule('roads', undefined, undefined, 'roads')];
  it('most specific wins: category × municipality > category > municipality > sector', () => {
    expect(matchingRules(rules, { sector: 'housing', category: 'housing.heating', municipality: 'tara' }).map((r) => r.organisationId)).toEqual(['tara-heat', 'heat', 'tara-admin', 'ministry']);
    expect(matchingRules(rules, { sector: 'housing', category: 'housing.heating', municipality: 'omsk' })[0]?.organisationId).toBe('heat');
    expect(matchingRules(rules, { sector: 'housing', category: 'housing.water', municipality: 'tara' })[0]?.organisationId).toBe('tara-admin');
    expect(matchingRules(rules, { sector: 'housing', municipality: 'omsk' })[0]?.organisationId).toBe('ministry');
    expect(matchingRules(rules, { sector: 'waste', municipality: 'omsk' })).toEqual([]);
  });
  it('parses CSV with ; and quotes, BOM and CRLF', () => {
    expect(parseCsv('\uFEFFкод;название\r\na;"Б ""кавычки""; и ;"\r\n')).toEqual([['код', 'название'], ['a', 'Б "кавычки"; и ;']]);
  });
});

describe('organisation directory API', () => {
  let sys: TestSystem;
  let admin: string;
  let operator: string;
  const api = async (token: string, method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${sys.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) } : {}),
    });
    const text = res.headers.get('content-type')?.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: text as never };
  };

  beforeAll(async () => {
    sys = await startSystem();
    admin = await sys.login(await sys.createUser({ username: 'dir-admin', role: 'admin', scope: FULL_SCOPE }));
    operator = await sys.login(await sys.createUser({ username: 'dir-operator', role: 'operator' }));
  });
  afterAll(async () => sys?.stop());

  it('creates organisations and rules, suggests by the most specific rule, audits every change', async () => {
    const mk = (id: string, name: string, kind: string, municipality: string) => api(admin, 'POST', '/api/organisations', { id, name, kind, municipality, sectors: ['housing'] });
    expect((await mk('minstroy', 'Министерство строительства', 'oiv', 'region')).status).toBe(201);
    expect((await mk('tara-adm', 'Администрация Тарского района', 'omsu', 'tara')).status).toBe(201);
    expect((await mk('teplo-tara', 'Тепловые сети Тары', 'utility', 'tara')).status).toBe(201);
    expect((await mk('minstroy', 'Дубликат', 'oiv', 'region')).status).toBe(409);
    expect((await api(operator, 'POST', '/api/organisations', { id: 'x-org', name: 'Нельзя', kind: 'oiv', municipality: 'omsk' })).status).toBe(403);
    expect((await api(admin, 'POST', '/api/organisations', { id: 'bad-mun', name: 'Где-то', kind: 'oiv', municipality: 'atlantis' })).status).toBe(400);

    expect((await api(admin, 'POST', '/api/routing-rules', { sector: 'housing', organisationId: 'minstroy' })).status).toBe(201);
    expect((await api(admin, 'POST', '/api/routing-rules', { sector: 'housing', municipality: 'tara', organisationId: 'tara-adm' })).status).toBe(201);
    expect((await api(admin, 'POST', '/api/routing-rules', { sector: 'housing', category: 'housing.heating', municipality: 'tara', organisationId: 'teplo-tara' })).status).toBe(201);
    expect((await api(admin, 'POST', '/api/routing-rules', { sector: 'housing', municipality: 'tara', organisationId: 'minstroy' })).status).toBe(409);
    expect((await api(admin, 'POST', '/api/routing-rules', { sector: 'housing', category: 'roads.potholes', organisationId: 'minstroy' })).status).toBe(400);

    const heat = await api(operator, 'GET', '/api/organisations/suggest?sector=housing&category=housing.heating&municipality=tara');
    expect(heat.status).toBe(200);
    expect((heat.body as { items: { organisationId: string }[] }).items.map((s) => s.organisationId)).toEqual(['teplo-tara', 'tara-adm', 'minstroy']);
    const water = await api(operator, 'GET', '/api/organisations/suggest?sector=housing&category=housing.water&municipality=tara');
    expect((water.body as { items: { organisationId: string }[] }).items[0]?.organisationId).toBe('tara-adm');
    const omsk = await api(operator, 'GET', '/api/organisations/suggest?sector=housing&municipality=omsk');
    expect((omsk.body as { items: { organisationId: string }[] }).items[0]?.organisationId).toBe('minstroy');

    // The audit index refreshes once a second: wait for the records.
    await eventually(async () => ((await api(admin, 'GET', '/api/audit?action=organisation.&size=50')).body as { items: { action: string }[] }).items.filter((i) => i.action === 'organisation.create').length === 3, 10_000, 'organisation.create audited');
    await eventually(async () => ((await api(admin, 'GET', '/api/audit?action=routing_rule.&size=50')).body as { items: unknown[] }).items.length === 3, 10_000, 'routing_rule.create audited');

    // A rule is pointed at another organisation in place (its key stays); bad input changes nothing.
    const taraRule = `/api/routing-rules/${encodeURIComponent('housing|*|tara')}`;
    expect((await api(operator, 'PATCH', taraRule, { organisationId: 'minstroy' })).status).toBe(403);
    expect((await api(admin, 'PATCH', taraRule, { organisationId: 'no-such-org' })).status).toBe(400);
    expect((await api(admin, 'PATCH', `/api/routing-rules/${encodeURIComponent('roads|*|*')}`, { organisationId: 'minstroy' })).status).toBe(404);
    const moved = await api(admin, 'PATCH', taraRule, { organisationId: 'minstroy' });
    expect(moved.status).toBe(200);
    expect((moved.body as { rule: { id: string; organisationId: string } }).rule).toMatchObject({ id: 'housing|*|tara', organisationId: 'minstroy' });
    const waterNow = await api(operator, 'GET', '/api/organisations/suggest?sector=housing&category=housing.water&municipality=tara');
    expect((waterNow.body as { items: { organisationId: string }[] }).items[0]?.organisationId).toBe('minstroy');
    await eventually(async () => ((await api(admin, 'GET', '/api/audit?action=routing_rule.update&size=50')).body as { items: { details: Record<string, unknown> }[] }).items.find((i) => i.details.from === 'tara-adm'), 10_000, 'routing_rule.update audited');
    expect((await api(admin, 'PATCH', taraRule, { organisationId: 'tara-adm' })).status).toBe(200);

    // Deleting an organisation removes its rules: nothing routes to a missing organisation.
    expect((await api(admin, 'DELETE', '/api/organisations/teplo-tara')).status).toBe(204);
    const after = await api(operator, 'GET', '/api/organisations/suggest?sector=housing&category=housing.heating&municipality=tara');
    expect((after.body as { items: { organisationId: string }[] }).items[0]?.organisationId).toBe('tara-adm');
  });

  it('rejects a CSV with broken rows, naming each row and reason, and imports nothing', async () => {
    const before = (await api(admin, 'GET', '/api/organisations')).body as { items: unknown[] };
    const csv = [
      'код;название;тип;муниципалитет;отрасли;email',
      'good-one;Хорошая организация;ОИВ;Омск;ЖКХ;good@example.ru',
      'bad-sector;Плохая отрасль;ОМСУ;omsk;космос;',
      'bad-mun;Плохой муниципалитет;УК;Атлантида;ЖКХ;',
      'good-one;Дубликат кода;ОИВ;omsk;ЖКХ;',
    ].join('\n');
    const res = await api(admin, 'POST', '/api/organisations/import?format=csv&table=organisations', csv, 'text/csv');
    expect(res.status).toBe(400);
    const body = res.body as { message: string; fields: { field: string; message: string }[] };
    expect(body.fields.map((f) => f.field)).toEqual(['organisations[3]', 'organisations[4]', 'organisations[5]']);
    expect(body.fields[0]?.message).toContain('космос');
    expect(body.fields[1]?.message).toContain('Атлантида');
    expect(body.fields[2]?.message).toContain('дубликат');
    expect(body.message).toContain('строка 3');
    const after = (await api(admin, 'GET', '/api/organisations')).body as { items: { id: string }[] };
    expect(after.items.length).toBe(before.items.length);
    expect(after.items.some((o) => o.id === 'good-one')).toBe(false);

    const rules = ['отрасль;категория;муниципалитет;организация', 'housing;housing.heating;omsk;nobody-org', 'космос;*;*;minstroy'].join('\n');
    const r2 = await api(admin, 'POST', '/api/organisations/import?format=csv&table=rules', rules, 'text/csv');
    expect(r2.status).toBe(400);
    expect((r2.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['rules[2]', 'rules[3]']);
  });

  it('round-trips the directory through XLSX and CSV', async () => {
    const xlsx = await api(admin, 'GET', '/api/organisations/export?format=xlsx');
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const orgSheet = wb.getWorksheet('Организации');
    expect(orgSheet?.getRow(1).getCell(1).text).toBe('код');
    // Add a row in the spreadsheet, as a region's staff would, and import the workbook back.
    orgSheet?.addRow(['omsk-vodokanal', 'АО «ОмскВодоканал»', 'РСО', 'Омск', 'ЖКХ', 'info@omskvodokanal.ru', '+7 3812 00-00-00', '', 'https://www.omskvodokanal.ru']);
    wb.getWorksheet('Правила')?.addRow(['housing', 'housing.water', 'omsk', 'omsk-vodokanal']);
    const back = await api(admin, 'POST', '/api/organisations/import?format=xlsx', Buffer.from(await wb.xlsx.writeBuffer()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ organisations: { created: 1, updated: 2 }, rules: { created: 1, updated: 2 } });
    const sug = await api(operator, 'GET', '/api/organisations/suggest?sector=housing&category=housing.water&municipality=omsk');
    expect((sug.body as { items: { organisationId: string }[] }).items[0]?.organisationId).toBe('omsk-vodokanal');

    const csv = await api(admin, 'GET', '/api/organisations/export?format=csv&table=rules');
    const grid = parseCsv((csv.body as Buffer).toString('utf8'));
    expect(grid[0]).toEqual(['отрасль', 'категория', 'муниципалитет', 'организация']);
    expect(grid).toContainEqual(['housing', 'housing.water', 'omsk', 'omsk-vodokanal']);
    const again = await api(admin, 'POST', '/api/organisations/import?format=csv&table=rules', csv.body, 'text/csv');
    expect(again.body).toMatchObject({ rules: { created: 0, updated: 3 } });
  });
});

describe('the demo directory of Омская область', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startSystem();
  });
  afterAll(async () => sys?.stop());
  it('imports cleanly through the validated import and routes by its rules', async () => {
    const { seedDirectoryIfEmpty } = await import('../../src/services/directory-seed');
    const c = sys.container;
    const actor = { id: 'seed', username: 'seed', displayName: 'seed', role: 'admin' as const, scope: FULL_SCOPE };
    const lookup = { municipalities: c.services.gazetteer.list(), regionName: c.services.gazetteer.region.name };
    expect(await seedDirectoryIfEmpty({ organisations: c.services.organisations, lookup, region: 'omsk', actor })).toBe(true);
    expect(await seedDirectoryIfEmpty({ organisations: c.services.organisations, lookup, region: 'omsk', actor })).toBe(false);
    const orgs = await c.services.organisations.list();
    expect(orgs.length).toBeGreaterThanOrEqual(40);
    expect(new Set(orgs.map((o) => o.kind))).toEqual(new Set(['oiv', 'omsu', 'management_company', 'utility', 'other']));
    const top = async (sector: 'housing' | 'roads' | 'energy', category: string | undefined, municipality: string) => (await c.services.organisations.suggest({ sector, category, municipality }))[0]?.organisationId;
    expect(await top('housing', 'housing.water', 'omsk')).toBe('omsk-vodokanal');
    expect(await top('housing', 'housing.water', 'tara')).toBe('oo-oblvodoprovod');
    expect(await top('housing', 'housing.heating', 'tara')).toBe('tara-adm');
    expect(await top('roads', 'roads.potholes', 'cherlak')).toBe('oo-mintrans');
    expect(await top('energy', 'energy.power_outage', 'omsk')).toBe('omsk-elektro');
  });
});
