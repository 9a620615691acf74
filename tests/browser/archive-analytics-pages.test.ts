/**
 * The archive and analytics pages in real Chromium against the real system: cookie login on the
 * operator page, the query language with highlights and facets, a syntax error shown with its
 * position, a post opened with its incident; analytics charts drawn by ECharts (canvas), numbers
 * that drill down to exactly their posts, the tile-grid map. Fails on any CSP violation.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { startSystem, type TestSystem } from '../helpers/system';
import { seedPosts, type SeedPost } from '../archive/archive-fixtures';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLL = { timeout: 15_000 };

describe('archive and analytics pages', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * 86400_000).toISOString();

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem({ withPipeline: false });
    const posts: SeedPost[] = [];
    for (let i = 0; i < 9; i++) posts.push({ id: `vk:w${i}`, text: `Нет горячей воды в доме ${i} <img src=x onerror=alert(1)>`, sector: 'housing', category: 'housing.water', municipality: 'omsk', publishedAt: at(1 + i), street: 'улица Ленина', ...(i === 0 ? { incident: { id: 'inc-w0', status: 'new' } } : {}) });
    for (let i = 0; i < 4; i++) posts.push({ id: `vk:r${i}`, text: 'Яма на дороге у школы', sector: 'roads', category: 'roads.potholes', municipality: 'tara', publishedAt: at(2 + i) });
    await seedPosts(system.container, posts);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'ru-RU' });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`${system.baseUrl}/`);
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

  it('searches by word form with highlights and facets, and opens a post with its incident', async () => {
    await page.goto(`${system.baseUrl}/archive/?q=${encodeURIComponent('вода')}`);
    await page.locator('#total').filter({ hasText: 'Найдено: 9' }).waitFor(POLL);
    expect(await page.locator('#results mark').first().textContent()).toMatch(/^вод/i);
    expect(await page.locator('#facets').textContent()).toContain('Омск');
    // User text stays text.
    expect(await page.locator('#results img').count()).toBe(0);
    await page.locator('#results li[data-id="vk:w0"]').click();
    await page.locator('#detail .detail__incident').filter({ hasText: 'inc-w0' }).waitFor(POLL);
    // A facet narrows the query and lives in the URL.
    await page.locator('#facets a', { hasText: 'Омск' }).first().click();
    await page.waitForURL(/municipality%3Aomsk/, POLL);
    await page.locator('#total').filter({ hasText: 'Найдено: 9' }).waitFor(POLL);
  });

  it('shows a syntax error with its position instead of failing', async () => {
    await page.fill('#q', 'вода AND (');
    await page.click('#search button[type=submit]');
    const msg = page.locator('#page-message');
    await msg.filter({ hasText: 'позиция' }).waitFor(POLL);
    expect(await msg.textContent()).toMatch(/позиция 11/);
  });

  it('draws the analytics charts and every number drills down to its posts', async () => {
    await page.goto(`${system.baseUrl}/analytics/`);
    await page.locator('#chart-breakdown canvas').first().waitFor(POLL);
    // The tile-grid map is plain DOM: one link per municipality, shaded by its count.
    await page.locator('#chart-map a.tile-map__tile').first().waitFor(POLL);
    await page.locator('#top li').first().waitFor(POLL);
    expect(await page.locator('#top').textContent()).toContain('Водоснабжение');
    const drill = page.locator('#top li a.drill').first();
    const count = Number(await drill.textContent());
    expect(count).toBe(9);
    await drill.click();
    await page.waitForURL(/\/archive\//, POLL);
    await page.locator('#total').filter({ hasText: `Найдено: ${count}` }).waitFor(POLL);
    await page.goto(`${system.baseUrl}/analytics/`);
    await page.locator('#recurring li').first().waitFor(POLL);
    expect(await page.locator('#recurring').textContent()).toContain('улица Ленина');
    expect(await page.locator('#misinfo-share').textContent()).toContain('%');
  });

  it('had no CSP violations, page errors or dialogs', () => {
    expect(problems).toEqual([]);
  });
});
