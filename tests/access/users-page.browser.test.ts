/**
 * The administrator's users page and the cookie + TOTP login in real Chromium against the real
 * system: a new administrator is sent to enrol TOTP, creates a user, changes that user's role
 * while the user watches the feed (their page is logged out within seconds), and logs in again
 * with the second step.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { FULL_SCOPE } from '../../src/domain/access';
import { base32Decode, totp } from '../../src/services/totp';
import { startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const XSS_NAME = '<img src=x onerror=alert(1)>';
// Writes wait for the users index to refresh (up to a second), and argon2 takes its time.
const POLL = { timeout: 10_000 };

describe('users page', () => {
  let system: TestSystem;
  let browser: Browser;
  let adminCtx: BrowserContext;
  let admin: Page;
  let secret: Buffer;
  let confirmedAt = 0;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem({ withPipeline: false });
    // The first administrator, as `npm run user:create` makes it: no TOTP yet.
    await system.container.services.users.createUser({ username: 'boss', displayName: 'Главный администратор', password: 'boss-password-12', role: 'admin', scope: FULL_SCOPE });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
    admin = await adminCtx.newPage();
    admin.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    admin.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function login(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${system.baseUrl}/`);
    await page.locator('#login-form').waitFor();
    await page.fill('#login-username', username);
    await page.fill('#login-password', password);
    await page.click('#login-submit');
  }

  it('sends an administrator without TOTP to enrolment, and nothing else works until it is done', async () => {
    await login(admin, 'boss', 'boss-password-12');
    await admin.waitForURL(/\/users\/#totp$/);
    await admin.locator('#totp-required').waitFor({ state: 'visible' });
    expect(await admin.locator('#users-section').isVisible()).toBe(false);
    // Enrolment needs the current password (a session alone is not enough).
    await admin.fill('#totp-password', 'boss-password-12');
    await admin.click('#totp-start');
    // The secret arrives from /api/auth/totp/setup.
    await expect.poll(async () => ((await admin.locator('#totp-secret').textContent()) ?? '').trim().length, POLL).toBeGreaterThan(0);
    const shown = (await admin.locator('#totp-secret').textContent()) ?? '';
    secret = base32Decode(shown.replace(/\s/g, ''));
    expect(secret.length).toBe(20);
    expect(await admin.locator('#totp-uri').getAttribute('href')).toMatch(/^otpauth:\/\/totp\//);
    // The API refuses administration meanwhile (the page's cookie is sent by fetch).
    expect(await admin.evaluate(async () => (await fetch('/api/users')).status)).toBe(403);

    await admin.fill('#totp-code', '000000' === totp(secret, Date.now()) ? '111111' : '000000');
    await admin.click('#totp-confirm');
    await expect.poll(() => admin.locator('#totp-message').textContent(), POLL).toContain('Неверный');
    confirmedAt = Date.now();
    await admin.fill('#totp-code', totp(secret, confirmedAt));
    await admin.click('#totp-confirm');
    await expect.poll(() => admin.locator('#totp-message').textContent(), POLL).toContain('Готово');
    await admin.locator('#users-section').waitFor({ state: 'visible' });
    await admin.locator('tr[data-user="boss"]').waitFor();
    expect(await admin.locator('tr[data-user="boss"] td').nth(4).textContent()).toBe('включена');
  });

  it('creates a user with a role and a scope; names render as text', async () => {
    await admin.click('#user-new');
    await admin.fill('#f-username', 'duty');
    await admin.fill('#f-name', XSS_NAME);
    // A malformed address comes back from the server beside the field; a good one is stored.
    await admin.fill('#f-email', 'not-an-address');
    await admin.selectOption('#f-role', 'sector_lead');
    await admin.uncheck('#f-sectors-all');
    await admin.check('#f-sectors input[value="housing"]');
    await admin.click('#f-submit');
    await expect.poll(() => admin.locator('#f-email').locator('xpath=ancestor::*[contains(@class,"field")][1]').textContent(), POLL).toMatch(/e-mail|адрес/i);
    await admin.fill('#f-email', 'Duty@Example.org');
    await admin.uncheck('#f-sectors input[value="housing"]');
    await admin.check('#f-sectors input[value="housing"]');
    await admin.click('#f-submit');
    await expect.poll(() => admin.locator('#notice').textContent(), POLL).toContain('Создан пользователь duty');
    const row = admin.locator('tr[data-user="duty"]');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe(XSS_NAME);
    expect(await admin.locator('#users-table img').count()).toBe(0);
    expect(await row.locator('td').nth(2).textContent()).toBe('Руководитель отраслевого блока');
    expect(await row.locator('td').nth(3).textContent()).toMatch(/^ЖКХ; все МО$/);
    const stored = await system.container.repos.users.findByUsername('duty');
    expect(stored?.scope).toEqual({ sectors: ['housing'], municipalities: 'all' });
    expect(stored?.email).toBe('duty@example.org');
  });

  it('logs the user out of the feed within seconds when the administrator changes their role', async () => {
    const notice = (await admin.locator('#notice').textContent()) ?? '';
    const password = /Временный пароль: (\S+)/.exec(notice)?.[1] ?? '';
    expect(password.length).toBe(16);
    const userCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    const user = await userCtx.newPage();
    await login(user, 'duty', password);
    // A password the administrator set must be replaced first, on the users page.
    await user.waitForURL(/\/users\/#password$/);
    await user.locator('#password-required').waitFor({ state: 'visible' });
    await user.fill('#pw-current', password);
    await user.fill('#pw-new', 'Own-larch-valley-61');
    await user.click('#pw-submit');
    await expect.poll(() => user.locator('#password-message').textContent(), POLL).toContain('Пароль сменён');
    await user.goto(`${system.baseUrl}/`);
    await user.locator('#app-view').waitFor({ state: 'visible' });
    await expect.poll(() => user.locator('#conn-state').textContent(), { timeout: 10_000 }).toContain('Подключено');
    expect(await user.locator('.nav__link', { hasText: 'Пользователи' }).count()).toBe(0);
    expect(await user.locator('.nav__link', { hasText: 'Лента' }).isVisible()).toBe(true);

    await admin.locator('tr[data-user="duty"] button[data-action="edit"]').click();
    await admin.locator('#user-form').waitFor({ state: 'visible' });
    await admin.selectOption('#f-role', 'observer');
    const t0 = Date.now();
    await admin.click('#f-submit');
    await user.locator('#login-view').waitFor({ state: 'visible', timeout: 8_000 });
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(await user.locator('#login-message').textContent()).toContain('Сеанс завершён');
    expect(await admin.locator('tr[data-user="duty"] td').nth(2).textContent()).toBe('Наблюдатель');
    await userCtx.close();
  });

  it('disables and re-enables an account and resets its password', async () => {
    await admin.locator('tr[data-user="duty"] button[data-action="disable"]').click();
    await expect.poll(() => admin.locator('tr[data-user="duty"] td').nth(5).textContent(), POLL).toBe('отключена');
    await admin.locator('tr[data-user="duty"] button[data-action="enable"]').click();
    await expect.poll(() => admin.locator('tr[data-user="duty"] td').nth(5).textContent(), POLL).toBe('активна');
    await admin.locator('tr[data-user="duty"] button[data-action="password"]').click();
    await expect.poll(() => admin.locator('#notice').textContent(), POLL).toContain('Новый временный пароль для duty');
  });

  it('logs the administrator in again with the TOTP step', async () => {
    await admin.goto(`${system.baseUrl}/`);
    await admin.locator('#app-view').waitFor({ state: 'visible' });
    expect(await admin.locator('.nav__link', { hasText: 'Пользователи' }).isVisible()).toBe(true);
    await admin.click('#logout');
    await admin.locator('#login-view').waitFor({ state: 'visible' });
    await expect.poll(async () => (await adminCtx.cookies()).some((c) => c.name === '__Host-dozor_session'), POLL).toBe(false);

    await login(admin, 'boss', 'boss-password-12');
    await admin.locator('#login-totp-field').waitFor({ state: 'visible' });
    // The code that confirmed enrolment is spent; the next one is accepted.
    await admin.fill('#login-totp', totp(secret, confirmedAt));
    await admin.click('#login-submit');
    await expect.poll(() => admin.locator('#login-message').textContent(), POLL).toContain('Неверный или уже использованный код');
    await admin.fill('#login-totp', totp(secret, confirmedAt + 30_000));
    await admin.click('#login-submit');
    await admin.locator('#app-view').waitFor({ state: 'visible' });
    expect(await admin.locator('#user-name').textContent()).toBe('Главный администратор');
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
