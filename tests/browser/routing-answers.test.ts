/**
 * Issue 11 in real Chromium against the real system: the operator routes an incident, the
 * organisation's user answers on its own page (/organisation/: both countdowns, a template with
 * placeholders filled, the «отписка» check shown before sending and the flag kept), the operator
 * closes it, and the resident answers through the public one-time link (/rate/: no login, a used
 * link is a clear page). Then the administrator's directory page (/organisations/): a broken
 * CSV names its rows and imports nothing; an organisation is created through the form.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { FULL_SCOPE } from '../../src/domain/access';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { totp } from '../../src/services/totp';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLL = { timeout: 15_000 };
const ID = 'inc:vk:browser-route-1';

function incident(id: string): IncidentDoc {
  const at = new Date().toISOString();
  return {
    id, post_id: id.replace(/^inc:/, ''), post_index: 'none', reason: 'complaint', status: 'new', sector: 'housing', category: 'housing.water', municipality: 'omsk',
    network: 'vk', kind: 'post', created_at: at, due_at: at, published_at: at, text: 'Нет холодной воды в доме 14 на Лермонтова третий день', url: 'https://vk.com/wall-1_2',
    author: { id: 'a1', name: 'Житель Омска' }, complaint_confidence: 0.9, misinfo_score: 0, misinfo_reasons: [], model_version: 'test',
  };
}

describe('route → answer on the organisation page → close → satisfaction through the public link', () => {
  let sys: TestSystem;
  let browser: Browser;
  let page: Page;
  let operator: string;
  const pageErrors: string[] = [];
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sys.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
  };
  const act = async (action: Record<string, unknown>) => {
    const cur = await call(operator, 'GET', `/api/incidents/${encodeURIComponent(ID)}`);
    return call(operator, 'POST', `/api/incidents/${encodeURIComponent(ID)}/actions`, { ...action, version: cur.body.version });
  };
  const login = async (username: string, password: string) => {
    await page.locator('#login-form').waitFor({ state: 'visible', ...POLL });
    await page.fill('#login-username', username);
    await page.fill('#login-password', password);
    await page.click('#login-submit');
  };

  beforeAll(async () => {
    await buildDashboards();
    sys = await startSystem({ withPipeline: false });
    const c = sys.container;
    const admin = { id: 'seed', username: 'seed', displayName: 'seed', role: 'admin' as const, scope: FULL_SCOPE };
    await c.services.organisations.create(admin, { id: 'omsk-vodokanal', name: 'АО «ОмскВодоканал»', kind: 'utility', municipality: 'omsk', sectors: ['housing'], contacts: { phone: '8 (3812) 55-12-40' }, userIds: [], officialSourceIds: [] });
    await c.services.organisations.createRule(admin, { sector: 'housing', category: 'housing.water', municipality: 'omsk', organisationId: 'omsk-vodokanal' });
    await c.services.users.createUser({ username: 'water-desk', displayName: 'Диспетчер Водоканала', password: 'water-desk-password-1', role: 'organisation', scope: FULL_SCOPE, organisationId: 'omsk-vodokanal' });
    await sys.createUser({ username: 'dir-admin', role: 'admin', scope: FULL_SCOPE, password: 'dir-admin-password-1' });
    operator = await sys.login();
    await c.repos.incidents.createOne(incident(ID));
    expect((await act({ action: 'take' })).status).toBe(200);
    expect((await act({ action: 'route', organisationId: 'omsk-vodokanal' })).status).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'ru-RU' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  it('the organisation answers on its own page: countdowns, template, отписка check before sending', async () => {
    await page.goto(`${sys.baseUrl}/organisation/`);
    await login('water-desk', 'water-desk-password-1');
    const card = page.locator(`.org-card[data-id="${ID}"]`);
    await card.waitFor({ state: 'visible', ...POLL });
    expect(await page.locator('h1').first().textContent()).toBe('АО «ОмскВодоканал»');
    // Both countdowns, and nothing of the resident's identity.
    expect(await card.locator('.org-due[data-stage="interim"]').textContent()).toMatch(/Промежуточный ответ: до .+ · осталось/);
    expect(await card.locator('.org-due[data-stage="final"]').textContent()).toMatch(/Окончательный ответ: до .+ · осталось/);
    expect(await page.locator('body').textContent()).not.toContain('Житель Омска');

    // A formal interim answer: the check lists the reasons first; the sender may still send it.
    await card.locator('.answer-text').fill('Ваше обращение рассмотрено. Работы будут выполнены в плановом порядке.');
    await card.locator('.answer-send').click();
    await card.locator('.answer-check--formal').waitFor({ state: 'visible', ...POLL });
    expect(await card.locator('.answer-reasons li').count()).toBeGreaterThan(0);
    expect(await card.locator('.answer-send').textContent()).toBe('Всё равно отправить');
    await card.locator('.answer-send').click();
    await expect.poll(() => card.locator('.org-due[data-stage="interim"]').textContent(), POLL).toContain('дан ');
    expect(await card.locator('.org-card__answers').textContent()).toContain('отмечен как формальный');

    // The final answer from a template: placeholders are filled by the server.
    await expect.poll(() => card.locator('.answer-template option').count(), POLL).toBeGreaterThan(1);
    const value = await card.locator('.answer-template option').nth(1).getAttribute('value');
    await card.locator('.answer-template').selectOption(value ?? '');
    const text = await card.locator('.answer-text').inputValue();
    expect(text).not.toMatch(/\{\{|\{[a-z]+\}/);
    await card.locator('.answer-text').fill('Аварийная бригада заменила участок трубы на ул. Лермонтова, 14 сегодня в 15:30, водоснабжение восстановлено. Ответственный — мастер Иванов И. И., тел. 8 (3812) 55-12-40.');
    await card.locator('.answer-send').click();
    await expect.poll(() => card.locator('.org-due[data-stage="final"]').textContent(), POLL).toContain('дан ');
    const stored = await sys.container.repos.incidents.getVersioned(ID);
    expect(stored?.doc.status).toBe('answered');
    expect(stored?.doc.answers?.map((a) => a.formal)).toEqual([true, false]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('after close, the resident answers through the one-time link without logging in; reuse is a clear page', async () => {
    expect((await act({ action: 'close' })).status).toBe(200);
    const link = await call(operator, 'POST', `/api/incidents/${encodeURIComponent(ID)}/satisfaction-link`);
    expect(link.status).toBe(201);
    const resident = await browser.newPage({ locale: 'ru-RU' });
    const res = await resident.goto(new URL(String(link.body.url), sys.baseUrl).toString());
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await resident.locator('h1').textContent()).toBe('Решена ли ваша проблема?');
    await resident.click('#rate-solved');
    await expect.poll(() => resident.locator('#rate-result').textContent(), POLL).toContain('проблема решена');
    await eventually(async () => (await sys.container.repos.incidents.getVersioned(ID))?.doc.satisfaction?.verdict === 'solved', 10_000, 'verdict recorded');
    // Used: the same link again is a readable page, not an error.
    await resident.goto(new URL(String(link.body.url), sys.baseUrl).toString());
    expect(await resident.locator('h1').textContent()).toBe('Ответ уже получен');
    await resident.goto(`${sys.baseUrl}/rate/?t=${'y'.repeat(32)}`);
    expect(await resident.locator('h1').textContent()).toBe('Ссылка недействительна');
    await resident.close();
  }, 60_000);

  it('the directory page: a broken CSV names its rows and imports nothing; the form creates an organisation', async () => {
    await page.context().clearCookies();
    await page.goto(`${sys.baseUrl}/organisations/`);
    await login('dir-admin', 'dir-admin-password-1');
    await page.locator('#login-totp-field').waitFor({ state: 'visible', ...POLL });
    const secret = sys.totpSecretOf('dir-admin');
    if (!secret) throw new Error('no TOTP secret');
    await page.fill('#login-totp', totp(secret, Date.now()));
    await page.click('#login-submit');
    await page.locator('#orgs-table').waitFor({ state: 'visible', ...POLL });
    await expect.poll(() => page.locator('#orgs-table tbody tr[data-id="omsk-vodokanal"]').count(), POLL).toBe(1);
    await expect.poll(() => page.locator('#rules-table tbody tr').count(), POLL).toBe(1);

    const csv = 'код,название,тип,муниципалитет,отрасли\nomsk-teplo,АО «Тепло»,РСО,omsk,housing\nbad-one,Плохая,РСО,nowhere-town,housing\n';
    await page.setInputFiles('#import-file', { name: 'orgs.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.click('#import-submit');
    await page.locator('#import-errors').waitFor({ state: 'visible', ...POLL });
    expect(await page.locator('#import-errors').textContent()).toMatch(/Организации, строка 3/);
    expect((await sys.container.services.organisations.list()).map((o) => o.id)).toEqual(['omsk-vodokanal']);

    await page.click('#org-new');
    await page.fill('#f-id', 'omsk-uk-1');
    await page.fill('#f-name', 'ООО «УК Левобережье»');
    await page.selectOption('#f-kind', 'management_company');
    await page.fill('#f-email', 'not-an-email');
    await page.click('#org-save');
    // The server's field error appears beside the field (municipality is missing, e-mail is wrong).
    await expect.poll(() => page.locator('[data-field="f-email"] .field__error').count(), POLL).toBe(1);
    await page.fill('#f-email', 'uk@example.org');
    await page.selectOption('#f-municipality', 'omsk');
    await page.click('#org-save');
    await expect.poll(() => page.locator('#orgs-table tbody tr[data-id="omsk-uk-1"]').count(), POLL).toBe(1);
    await eventually(async () => {
      const audit = await sys.container.repos.audit.search({ action: 'organisation.create', offset: 0, size: 10 });
      return audit.items.some((a) => a.actorUsername === 'dir-admin');
    }, 10_000, 'creation audited');
    // The one rule is pointed at the new organisation in place.
    const ruleSelect = page.locator('#rules-table select.rule-organisation');
    await expect.poll(() => ruleSelect.locator('option[value="omsk-uk-1"]').count(), POLL).toBe(1);
    const ruleId = await ruleSelect.getAttribute('data-rule');
    await ruleSelect.selectOption('omsk-uk-1');
    await eventually(async () => (await sys.container.services.organisations.listRules()).find((r) => r.id === ruleId)?.organisationId === 'omsk-uk-1', 10_000, 'the rule now routes to the new organisation');
    await expect.poll(() => page.locator('#rules-table select.rule-organisation').inputValue(), POLL).toBe('omsk-uk-1');
    // Filters live in the URL.
    await page.selectOption('#orgs-kind', 'management_company');
    await expect.poll(() => page.locator('#orgs-table tbody tr[data-id]').count(), POLL).toBe(1);
    expect(page.url()).toContain('kind=management_company');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
