/**
 * The administrator's sources page against the real system, in Debian's Chromium: log in (with
 * TOTP when the admin role requires it), add sources with per-kind fields, see validation and
 * duplicate errors, the webhook secret shown once, pause, alerts highlighted, delete with confirm.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../../scripts/build-dashboards';
import { totp } from '../../../src/services/totp';
import { startSystem, type TestSystem } from '../../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const XSS = '<img src=x onerror="window.__xss=1">';

describe('sources page', () => {
  let sys: TestSystem;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  let creds: { username: string; password: string };

  beforeAll(async () => {
    await buildDashboards();
    sys = await startSystem({ withPipeline: false });
    creds = await sys.createUser({ username: 'page-admin', role: 'admin' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  const rowOf = (text: string) => page.locator('tr.src-row', { hasText: text });

  it('logs in and shows the empty registry', async () => {
    await page.goto(`${sys.baseUrl}/sources/`);
    await page.locator('#login-form').waitFor();
    await page.fill('#login-username', creds.username);
    await page.fill('#login-password', creds.password);
    await page.click('#login-submit');
    const secret = sys.totpSecretOf(creds.username);
    if (secret) {
      await page.locator('#login-totp').waitFor({ state: 'visible' });
      await page.fill('#login-totp', totp(secret, Date.now()));
      await page.click('#login-submit');
    }
    await page.locator('#app-view').waitFor({ state: 'visible' });
    expect(await page.locator('#user-role').textContent()).toBe('Технический администратор');
    await page.locator('#sources-table-empty').waitFor({ state: 'visible' });
    expect(await page.locator('#summary').textContent()).toBe('Источников: 0, работают: 0');
  });

  it('adds a Telegram channel, showing a field error first, and refuses a duplicate readably', async () => {
    await page.click('#add');
    await page.selectOption('#f-kind', 'telegram_channel');
    await page.fill('#f-title', `Омск онлайн ${XSS}`);
    await page.selectOption('#f-municipality', 'omsk');
    await page.fill('fieldset[data-kind="telegram_channel"] [data-setting="channel"]', 'ab');
    await page.click('#editor-save');
    // The server's validation error appears beside the field it concerns.
    await page.locator('[data-field="f-setting-channel"] .field__error').waitFor({ state: 'visible' });
    expect(await page.locator('#editor-message').count()).toBe(0);
    await page.fill('fieldset[data-kind="telegram_channel"] [data-setting="channel"]', 'https://t.me/omsk_online');
    await page.check('#f-official');
    await page.fill('#f-org', 'Администрация города Омска');
    await page.click('#editor-save');
    await rowOf('Омск онлайн').waitFor({ state: 'visible' });
    const row = rowOf('Омск онлайн');
    expect(await row.locator('.src-title').textContent()).toBe(`Омск онлайн ${XSS}`); // text, not markup
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await row.locator('.src-official').textContent()).toBe('Госпаблик: Администрация города Омска');
    expect(await row.locator('.src-status').textContent()).toBe('работает');
    expect(await row.locator('td').nth(2).textContent()).toBe('Омск');
    // The per-kind chart (ECharts, loaded with its own chunk) draws on a canvas under the CSP.
    await page.locator('#sources-chart canvas').waitFor({ state: 'attached' });
    expect(await page.locator('#sources-chart').getAttribute('aria-label')).toContain('по типам источников');

    await page.click('#add');
    await page.selectOption('#f-kind', 'telegram_channel');
    await page.fill('#f-title', 'Повтор');
    await page.fill('fieldset[data-kind="telegram_channel"] [data-setting="channel"]', '@Omsk_Online');
    await page.click('#editor-save');
    await expect.poll(() => page.locator('#editor-message').textContent()).toContain('Такой источник уже есть: «Омск онлайн');
    await page.click('#editor-cancel');
  });

  it('shows a webhook secret once, after creation', async () => {
    await page.click('#add');
    await page.selectOption('#f-kind', 'webhook');
    await page.fill('#f-title', 'ПОС');
    await page.fill('fieldset[data-kind="webhook"] [data-setting="senderId"]', 'pos-omsk');
    await page.click('#editor-save');
    await page.locator('#secret-panel').waitFor({ state: 'visible' });
    const secret = (await page.locator('#secret-value').textContent()) ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(32);
    // Sealed at rest: the registry's sender lookup opens it to exactly what the page showed once.
    expect((await sys.container.services.sources.findSender('pos-omsk'))?.secret).toBe(secret);
    expect(await sys.container.repos.sources.getSecret('pos-omsk')).not.toBe(secret);
    await page.click('#secret-close');
    expect(await page.locator('#secret-panel').isVisible()).toBe(false);
    expect(await page.content()).not.toContain(secret);
  });

  it('pauses a source, highlights a stopped one, and deletes after confirmation', async () => {
    await rowOf('Омск онлайн').locator('button', { hasText: 'Пауза' }).click();
    await expect.poll(() => rowOf('Омск онлайн').locator('.src-status').textContent()).toBe('на паузе');

    // Edit: the form opens filled in, the kind cannot change, the new title shows.
    await rowOf('Омск онлайн').locator('button', { hasText: 'Изменить' }).click();
    expect(await page.locator('#f-kind').isDisabled()).toBe(true);
    expect(await page.inputValue('fieldset[data-kind="telegram_channel"] [data-setting="channel"]')).toBe('omsk_online');
    expect(await page.inputValue('#f-org')).toBe('Администрация города Омска');
    await page.fill('#f-title', 'Омск онлайн — новости');
    await page.click('#editor-save');
    await rowOf('Омск онлайн — новости').waitFor({ state: 'visible' });
    expect(await page.locator('#editor').isVisible()).toBe(false);

    await sys.container.repos.sourceHealth.recordError('webhook:pos-omsk', Object.assign(new Error('boom'), { kind: 'rate_limited' }));
    await sys.container.repos.sourceHealth.recordStopped('webhook:pos-omsk', { kind: 'auth', message: 'token revoked' });
    await page.reload();
    const stopped = rowOf('ПОС');
    await stopped.waitFor({ state: 'visible' });
    expect(await stopped.getAttribute('class')).toContain('src-row--stopped');
    expect(await stopped.locator('.src-alert').textContent()).toContain('Источник остановлен: токен недействителен или отозван');
    expect(await stopped.locator('.src-errors').textContent()).toContain('лимит запросов: 1');
    expect(await page.locator('#alert-counter').textContent()).toBe('1 тревога');

    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/sources.png`, fullPage: true });
    await stopped.locator('button', { hasText: 'Удалить' }).click();
    await page.locator('#confirm-dialog').waitFor({ state: 'visible' });
    expect(await page.locator('#confirm-title').textContent()).toContain('Удалить источник «ПОС»');
    await page.click('#confirm-ok');
    await expect.poll(() => rowOf('ПОС').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await sys.container.repos.sources.get('webhook:pos-omsk')).toBeNull();
    expect(pageErrors).toEqual([]);
  });

  it('shows a VK token\'s daily quotas and a source paused until the reset', async () => {
    const now = new Date();
    const iso = (ms: number) => new Date(now.getTime() + ms).toISOString();
    await sys.container.repos.sources.create({ id: 'vk_wall:-777', kind: 'vk_wall', title: 'Паблик с квотой', municipality: 'omsk', status: 'active', createdAt: now.toISOString(), updatedAt: now.toISOString(), settings: { owner: '-777', comments: true } });
    await sys.container.repos.sourceHealth.recordQuota('vk_wall:-777', {
      at: now.toISOString(),
      resetAt: iso(3 * 3_600_000),
      stretch: 1.44,
      pausedUntil: iso(3 * 3_600_000),
      methods: [
        { method: 'wall.get', used: 5000, limit: 5000, planned: 5000 },
        { method: 'wall.getComments', used: 1200, limit: 5000, planned: 4100 },
      ],
    });
    await page.reload();
    const row = rowOf('Паблик с квотой');
    await row.waitFor({ state: 'visible' });
    expect(await row.locator('.src-status').textContent()).toBe('квота исчерпана');
    const quota = row.locator('.src-quota');
    expect(await quota.locator('li.src-quota--spent').textContent()).toBe('wall.get: 5000 / 5000 (план 5000)');
    expect(await quota.textContent()).toContain('wall.getComments: 1200 / 5000 (план 4100)');
    expect(await quota.textContent()).toContain('интервал опроса ×1.44');
    expect(pageErrors).toEqual([]);
  });
});
