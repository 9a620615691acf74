/**
 * Injection through post content, in real Chromium against the real system: `<script>`,
 * `<img onerror>`, `<svg onload>` and `javascript:` links inside post text, author names and
 * URLs render as inert text on the operator page — listed over REST and pushed live over the
 * socket — with no dialog, no script run and no `javascript:` href anywhere.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { publish, seed, type SeedPost } from '../access/access-fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const SCRIPT = '<script>window.__xss = "script"; alert("script")</script>';
const IMG = '<img src=x onerror="window.__xss = \'img\'; alert(\'img\')">';
const LINK = '<a href="javascript:window.__xss=\'link\';alert(\'link\')">ссылка</a>';
const SVG = '<svg onload="window.__xss = \'svg\'; alert(\'svg\')"></svg>';

const TAG = `xss${Date.now().toString(36)}`;
const now = () => new Date().toISOString();

const LISTED: SeedPost[] = [
  {
    id: `vk:${TAG}-1`,
    sector: 'housing',
    municipality: 'omsk',
    text: `Нет отопления ${TAG} ${SCRIPT} ${IMG}`,
    author: { id: `${TAG}-a1`, name: IMG, url: 'javascript:window.__xss="author-url";alert("author-url")' },
    url: 'javascript:window.__xss="post-url";alert("post-url")',
    publishedAt: now(),
  },
  {
    id: `vk:${TAG}-2`,
    sector: 'roads',
    municipality: 'omsk',
    text: `Яма на дороге ${TAG} ${LINK} ${SVG}`,
    author: { id: `${TAG}-a2`, name: SCRIPT, url: 'JaVaScRiPt:alert("mixed-case")' },
    url: ' javascript:alert("leading-space")',
    publishedAt: now(),
  },
];

const LIVE: SeedPost = {
  id: `vk:${TAG}-3`,
  sector: 'housing',
  municipality: 'omsk',
  text: `Прорвало трубу ${TAG} живое ${IMG} ${LINK}`,
  author: { id: `${TAG}-a3`, name: `${SVG}${LINK}`, url: 'javascript:alert("live-author")' },
  url: 'data:text/html,<script>alert("data-url")</script>',
  publishedAt: now(),
};

describe('operator page: payloads in posts are inert text', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem({ withPipeline: false });
    await seed(system, LISTED);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
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

  const cardWith = (text: string) => page.locator('.card', { has: page.locator('.card__text', { hasText: text }) });

  async function expectInert(): Promise<void> {
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss ?? null)).toBeNull();
    expect(await page.locator('#incident-list img, #incident-list script, #incident-list svg, #incident-list iframe').count()).toBe(0);
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs.filter((h) => !/^https?:/i.test(h))).toEqual([]);
    expect(dialogs).toEqual([]);
  }

  it('lists seeded incidents with markup in text, author name and URLs as literal text', async () => {
    await page.goto(`${system.baseUrl}/`);
    await page.locator('#login-form').waitFor();
    await page.fill('#login-username', system.credentials.username);
    await page.fill('#login-password', system.credentials.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible' });

    const first = cardWith(`Нет отопления ${TAG}`);
    const second = cardWith(`Яма на дороге ${TAG}`);
    await first.waitFor({ state: 'visible', timeout: 10_000 });
    await second.waitFor({ state: 'visible' });

    expect(await first.locator('.card__text').textContent()).toContain(SCRIPT);
    expect(await first.locator('.card__text').textContent()).toContain(IMG);
    expect(await first.locator('.card__author-name').textContent()).toBe(IMG);
    expect(await second.locator('.card__text').textContent()).toContain(LINK);
    expect(await second.locator('.card__text').textContent()).toContain(SVG);
    expect(await second.locator('.card__author-name').textContent()).toBe(SCRIPT);
    // javascript: URLs become plain text, not links.
    expect(await first.locator('a.card__link').count()).toBe(0);
    expect(await first.locator('a.card__author-name').count()).toBe(0);
    expect(await second.locator('a').count()).toBe(0);
    await expectInert();
  });

  it('renders an incident pushed live over the socket the same way', async () => {
    await seed(system, [LIVE]);
    await publish(system, [LIVE]);
    const live = cardWith(`Прорвало трубу ${TAG}`);
    await live.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await live.locator('.card__text').textContent()).toContain(IMG);
    expect(await live.locator('.card__author-name').textContent()).toBe(`${SVG}${LINK}`);
    expect(await live.locator('a').count()).toBe(0);
    await expectInert();
  });

  it('stays inert when the user clicks on everything the payloads produced', async () => {
    for (const sel of ['.card__text', '.card__author-name', '.card__link']) {
      const all = page.locator(`#incident-list ${sel}`);
      const n = await all.count();
      for (let i = 0; i < n; i++) await all.nth(i).click({ force: true });
    }
    // Clicks are dispatched synchronously; one task turn lets anything they queued run first.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(page.url()).toBe(`${system.baseUrl}/`);
    await expectInert();
    expect(pageErrors).toEqual([]);
  });
});
