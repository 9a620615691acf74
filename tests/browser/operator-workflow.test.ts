/**
 * The operator page as a workplace, in real Chromium against the real system: two operators in
 * two browser pages; one takes an incident and the other sees it taken within a second (live
 * `incident:updated`), without a take button; then route (the suggested organisation
 * preselected) → answer → close through the card's buttons; and a lost race (both take at once)
 * ends in a 409 toast naming the current owner.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { FULL_SCOPE } from '../../src/domain/access';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLL = { timeout: 10_000 };
const TEXT = 'Вторую неделю нет горячей воды в доме на Лукашевича 12, управляющая компания не отвечает';

describe('operator workplace: two operators, one incident', () => {
  let system: TestSystem;
  let browser: Browser;
  let first: Page;
  let second: Page;
  let id = '';
  const pageErrors: string[] = [];

  async function open(username: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 }, locale: 'ru-RU' });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${system.baseUrl}/`);
    await page.fill('#login-username', username);
    await page.fill('#login-password', password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible', ...POLL });
    await page.locator('#conn-state', { hasText: 'Подключено' }).waitFor(POLL);
    return page;
  }
  const card = (page: Page) => page.locator(`.card[data-incident-id="${id}"]`);

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem();
    const admin = { id: 'seed', username: 'seed', displayName: 'seed', role: 'admin' as const, scope: FULL_SCOPE };
    await system.container.services.organisations.create(admin, { id: 'omsk-rts', name: 'АО «Омск РТС»', kind: 'utility', municipality: 'omsk', sectors: ['housing'], contacts: {}, userIds: [], officialSourceIds: [] });
    await system.container.services.organisations.create(admin, { id: 'omsk-vodokanal', name: 'АО «ОмскВодоканал»', kind: 'utility', municipality: 'omsk', sectors: ['housing'], contacts: {}, userIds: [], officialSourceIds: [] });
    await system.container.services.organisations.createRule(admin, { sector: 'housing', municipality: 'omsk', organisationId: 'omsk-rts' });
    const other = await system.createUser({ username: 'operator2', role: 'operator' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    first = await open(system.credentials.username, system.credentials.password);
    second = await open(other.username, other.password);
    const post = complaintPost({ text: TEXT });
    await system.ingest([post]);
    id = `inc:${post.network}:${post.externalId}`;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('one takes the incident, the other sees it taken within a second', async () => {
    await card(first).waitFor({ state: 'visible', timeout: 20_000 });
    await card(second).waitFor({ state: 'visible', timeout: 20_000 });
    expect(await card(second).locator('[data-action="take"]').count()).toBe(1);

    const taken = first.waitForResponse((r) => r.url().includes('/actions') && r.request().method() === 'POST');
    await card(first).locator('[data-action="take"]').click();
    expect((await taken).status()).toBe(200);
    const at = Date.now();
    await expect.poll(() => card(second).locator('.card__status').textContent(), { timeout: 1_000, interval: 25 }).toBe('В работе');
    expect(Date.now() - at).toBeLessThan(1_000);
    expect(await card(second).locator('.card__assignee').textContent()).toContain(system.credentials.username);
    // The other operator may not take, release or close it: no such buttons.
    expect(await card(second).locator('[data-action="take"], [data-action="release"], [data-action="close"]').count()).toBe(0);
    await expect.poll(() => card(first).locator('.card__status').textContent(), POLL).toBe('В работе');
  });

  it('routes (the suggestion preselected), answers and closes through the card', async () => {
    const c = card(first);
    await c.locator('[data-action="route"]').click();
    const select = c.locator('form[data-form="route"] select');
    await expect.poll(() => select.inputValue(), POLL).toBe('omsk-rts');
    await c.locator('form[data-form="route"] button[type="submit"]').click();
    await expect.poll(() => c.locator('.card__status').textContent(), POLL).toBe('Направлен');
    await expect.poll(() => card(second).locator('.card__org').textContent(), POLL).toContain('Омск РТС');

    await c.locator('[data-action="answer"]').click();
    await c.locator('form[data-form="answer"] textarea').fill('Горячая вода будет подана до 18:00, УК предупреждена');
    await c.locator('form[data-form="answer"] button[type="submit"]').click();
    await expect.poll(() => c.locator('.card__status').textContent(), POLL).toBe('Дан ответ');

    await c.locator('[data-action="close"]').click();
    await expect.poll(() => c.locator('.card__status').textContent(), POLL).toBe('Закрыт');
    await expect.poll(() => card(second).locator('.card__status').textContent(), POLL).toBe('Закрыт');

    // The timeline holds every step, and a comment is added from the card.
    await c.locator('[data-action="details"]').click();
    await expect.poll(() => c.locator('[data-list="history"] li').count(), POLL).toBeGreaterThanOrEqual(4);
    await c.locator('form[data-form="comment"] textarea').fill('Заявитель подтвердил: вода есть');
    await c.locator('form[data-form="comment"] button[type="submit"]').click();
    await expect.poll(() => c.locator('[data-list="comments"]').innerText(), POLL).toContain('Заявитель подтвердил');

    const detail = await eventually(async () => {
      const d = await system.container.repos.incidents.getVersioned(id);
      return d?.doc.status === 'closed' ? d.doc : null;
    }, 5_000, 'closed in the store');
    expect(detail.status).toBe('closed');

    // After the answer: a one-time link for the resident, then the resident's «not solved»
    // (entered from their reply) reopens the incident for everyone.
    await c.locator('[data-action="satisfaction"]').click();
    await c.locator('[data-action="satisfaction-link"]').click();
    await expect.poll(() => c.locator('[data-field="satisfaction-link"]').inputValue(), POLL).toMatch(/^http:\/\/[^/]+\/rate\/\?t=[\w-]{10,}$/);
    await c.locator('[data-verdict="not_solved"]').click();
    await expect.poll(() => c.locator('[data-message="satisfaction"]').textContent(), POLL).toContain('инцидент возобновлён');
    await expect.poll(() => card(second).locator('.card__status').textContent(), POLL).toBe('Возобновлён');
    expect(pageErrors).toEqual([]);
  });

  it('the loser of a race gets a 409 toast naming the current owner, and the card refreshes', async () => {
    const post = complaintPost({ text: 'Прорвало трубу отопления на Химиков 8, кипяток заливает подвал, аварийная служба не едет' });
    await system.ingest([post]);
    id = `inc:${post.network}:${post.externalId}`;
    await card(first).locator('[data-action="take"]').waitFor(POLL);
    await card(second).locator('[data-action="take"]').waitFor(POLL);
    // The second operator's take leaves with the version it saw but reaches the server only after
    // the first operator's take has won: a real stale-version race, made deterministic.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let sent = () => {};
    const leaving = new Promise<void>((r) => (sent = r));
    await second.route('**/api/incidents/*/actions', async (route) => {
      sent();
      await held;
      await route.continue();
    });
    await card(second).locator('[data-action="take"]').click();
    await leaving;
    const won = first.waitForResponse((r) => r.url().includes('/actions') && r.request().method() === 'POST');
    await card(first).locator('[data-action="take"]').click();
    expect((await won).status()).toBe(200);
    const lost = second.waitForResponse((r) => r.url().includes('/actions') && r.request().method() === 'POST');
    release();
    expect((await lost).status()).toBe(409);
    const toast = second.locator('.toast--error .toast__text');
    await expect.poll(() => toast.last().textContent(), POLL).toContain(`в работе у ${system.credentials.username}`);
    await expect.poll(() => card(second).locator('.card__status').textContent(), POLL).toBe('В работе');
    await second.unroute('**/api/incidents/*/actions');
    expect(pageErrors).toEqual([]);
  });
});
