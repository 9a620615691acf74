/**
 * The administrator's audit page (/audit/) in real Chromium against the real system: cookie
 * login with the TOTP step, the newest records first, filters by action, outcome and user, paging
 * — and a hostile "username" typed into a failed login shown as inert text. Other roles are
 * turned away.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { FULL_SCOPE } from '../../src/domain/access';
import { totp } from '../../src/services/totp';
import { startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOSTILE = '<img src=x onerror="window.__xss=1;alert(1)">';
const POLL = { timeout: 10_000 };

describe('audit page', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem({ withPipeline: false });
    await system.createUser({ username: 'auditor', role: 'admin', scope: FULL_SCOPE });
    await system.createUser({ username: 'watcher', role: 'observer', scope: FULL_SCOPE });
    // Something to find: a failed login with a hostile name, and an operator's search.
    const post = (body: unknown) => fetch(`${system.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ username: HOSTILE, password: 'whatever-password' })).status).toBe(401);
    const token = await system.login();
    expect((await fetch(`${system.baseUrl}/api/posts/search?q=${encodeURIComponent('отопление')}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function loginForm(username: string, password: string): Promise<void> {
    await page.goto(`${system.baseUrl}/audit/`);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    await page.fill('#login-username', username);
    await page.fill('#login-password', password);
    await page.click('#login-submit');
  }

  it('turns away a role without audit:read', async () => {
    await loginForm('watcher', 'watcher-password-1');
    // The shell lets the user in, but the page's permission guard shows why there is no journal.
    await expect.poll(() => page.locator('#page-denied').textContent(), POLL).toContain('только техническому администратору');
    expect(await page.locator('#audit-table').count()).toBe(0);
    expect(await page.locator('.nav__link', { hasText: 'Аудит' }).count()).toBe(0);
    await page.context().clearCookies();
  });

  it('logs the administrator in with the second factor and lists the newest records first', async () => {
    await loginForm('auditor', 'auditor-password-1');
    await page.locator('#login-totp-field').waitFor({ state: 'visible' });
    const secret = system.totpSecretOf('auditor');
    if (!secret) throw new Error('no TOTP secret');
    await page.fill('#login-totp', totp(secret, Date.now()));
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible', ...POLL });
    expect(await page.locator('#user-role').textContent()).toBe('Технический администратор');
    await expect.poll(() => page.locator('#audit-table tbody tr').count(), POLL).toBeGreaterThan(3);
    const times = await page.locator('#audit-table tbody tr .audit-when').evaluateAll((tds) => tds.map((td) => td.getAttribute('title') ?? ''));
    expect([...times].sort().reverse()).toEqual(times);
    expect(await page.locator('#summary').textContent()).toMatch(/^Записей: \d+$/);
  });

  it('filters by action and outcome and shows a hostile name as text', async () => {
    await page.selectOption('#f-action', 'auth.login');
    await page.selectOption('#f-outcome', 'failure');
    await page.click('#apply');
    await expect.poll(() => page.locator('#audit-table tbody tr').count(), POLL).toBe(1);
    const row = page.locator('#audit-table tbody tr').first();
    expect(await row.getAttribute('data-action')).toBe('auth.login');
    expect(await row.locator('.outcome').textContent()).toBe('ошибка');
    expect(await row.locator('td').nth(4).textContent()).toBe(HOSTILE.toLowerCase());
    expect(await page.locator('#audit-table img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null)).toBeNull();
  });

  it('filters by user and by a group of actions, and pages', async () => {
    await page.click('#clear-filters');
    await page.fill('#f-actor', 'operator');
    await page.selectOption('#f-action', 'post.*');
    await page.click('#apply');
    // Wait for the filtered answer itself: clearing the filters first reloads the unfiltered list.
    const actionsShown = () => page.locator('#audit-table tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.action ?? ''));
    await expect.poll(async () => (await actionsShown()).every((a) => a.startsWith('post.')), POLL).toBe(true);
    await expect.poll(() => page.locator('#audit-table tbody tr[data-action="post.search"]').count(), POLL).toBe(1);
    expect((await actionsShown()).every((a) => a.startsWith('post.'))).toBe(true);
    expect(await page.locator('#audit-table tbody tr[data-action="post.search"] code').textContent()).toContain('отопление');

    await page.click('#clear-filters');
    await page.fill('#f-actor', 'nobody-like-this');
    await page.click('#apply');
    await page.locator('#audit-table-empty').waitFor({ state: 'visible', ...POLL });
    expect(await page.locator('#summary').textContent()).toBe('Записей: 0');
    expect(await page.locator('.pager__next').isDisabled()).toBe(true);
    expect(await page.locator('.pager__prev').isDisabled()).toBe(true);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
