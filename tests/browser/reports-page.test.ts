/**
 * The reports page (/reports/) on the shell in real Chromium against the real system: login
 * through the shell, the empty list, a report built on demand appears in the list, and its PDF
 * and XLSX links download the files. Fails on any CSP violation or page error.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { startSystem, type TestSystem } from '../helpers/system';
import { seedPosts } from '../archive/archive-fixtures';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLL = { timeout: 20_000 };

describe('reports page', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem({ withPipeline: false });
    await seedPosts(system.container, [{ id: 'vk:rep0', text: 'Нет отопления в доме', sector: 'housing', category: 'housing.heating', municipality: 'omsk', publishedAt: new Date(Date.now() - 3600_000).toISOString() }]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU', acceptDownloads: true });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${system.baseUrl}/reports/`);
    await page.locator('#login-form').waitFor({ state: 'visible', ...POLL });
    await page.fill('#login-username', system.credentials.username);
    await page.fill('#login-password', system.credentials.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible', ...POLL });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('shows the empty list, builds a report on demand and downloads its files', async () => {
    await page.locator('#empty').waitFor(POLL);
    await page.selectOption('#kind', 'daily');
    await page.click('#build-submit');
    const row = page.locator('#reports tbody tr').first();
    await row.waitFor(POLL);
    expect(await row.locator('td').first().textContent()).not.toBe('');
    const [pdf] = await Promise.all([page.waitForEvent('download', POLL), row.locator('a', { hasText: 'PDF' }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    const [xlsx] = await Promise.all([page.waitForEvent('download', POLL), row.locator('a', { hasText: 'XLSX' }).click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
  });

  it('had no CSP violations or page errors', () => {
    expect(problems).toEqual([]);
  });
});
