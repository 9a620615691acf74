/**
 * The desk page (/desk/) in real Chromium against the real system: the desk analyst works the
 * queue with the keyboard, creates a claim from a risky post (an earlier copy joins it), is told
 * a false verdict needs evidence, records it with evidence, sees the spread chart, and confirms a
 * retelling suggested after the verdict. Filters go into the URL; no CSP violation, no page error.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import type { IncomingPost } from '../../src/domain/post';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLL = { timeout: 15_000 };
const TAG = `b${Date.now().toString(36)}`;
const RUMOUR = 'СРОЧНО!!! В Омске отравлена вода в водопроводе, не пейте из-под крана, знакомый врач из БСМП сказал уже 40 человек в реанимации. Перешлите всем!';
const COPY = 'срочно в омске отравили воду в водопроводе не пейте из крана!!! уже 40 человек в реанимации бсмп, перешлите';
const RETELLING = 'Омичи, водопроводную воду не пейте, отравлена, люди лежат по больницам, об этом молчат';

describe('desk page', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const rumour = complaintPost({ externalId: `${TAG}-1`, text: RUMOUR, engagement: { views: 5000, reposts: 40 } });
  const copy = complaintPost({ externalId: `${TAG}-2`, text: COPY, network: 'telegram', url: 'https://t.me/ch/2', sourceId: 'telegram:ch' });

  async function indexed(posts: IncomingPost[]): Promise<void> {
    await system.ingest(posts);
    for (const p of posts) await eventually(() => system.container.repos.corrections.findPost(`${p.network}:${p.externalId}`), 15_000, 'post indexed');
  }

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem({ env: { DESK_QUEUE_THRESHOLD: '0' } });
    await system.createUser({ username: 'desk', role: 'misinfo_desk' });
    await indexed([rumour, copy]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'ru-RU' });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) problems.push(`csp: ${msg.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('works a rumour from the queue to a verdict and a confirmed retelling, by keyboard', async () => {
    await page.goto(`${system.baseUrl}/desk/`);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    await page.fill('#login-username', 'desk');
    await page.fill('#login-password', 'desk-password-1');
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible', ...POLL });
    // The shell's navigation shows the desk to a role with desk:read.
    await expect.poll(() => page.locator('.nav a[href="/desk/"]').count(), POLL).toBe(1);
    await expect.poll(() => page.locator('#queue li').count(), POLL).toBeGreaterThanOrEqual(2);

    // The filter goes into the URL and narrows the queue.
    await page.selectOption('#f-network', 'telegram');
    await expect.poll(() => page.url(), POLL).toContain('network=telegram');
    await expect.poll(() => page.locator('#queue li').count(), POLL).toBe(1);
    await page.selectOption('#f-network', '');
    await expect.poll(() => page.locator('#queue li').count(), POLL).toBeGreaterThanOrEqual(2);

    // j/k select; the rumour with reach ranks first. Enter opens the new-claim form.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('#queue li[aria-selected="true"]').getAttribute('data-post-id'), POLL).not.toBe(`vk:${rumour.externalId}`);
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('#queue li[aria-selected="true"]').getAttribute('data-post-id'), POLL).toBe(`vk:${rumour.externalId}`);
    await page.keyboard.press('n');
    await page.locator('#claim-new-title').waitFor({ state: 'visible' });
    await page.fill('#claim-new-title', 'В Омске отравлена вода в водопроводе');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#claim-title').textContent(), POLL).toBe('В Омске отравлена вода в водопроводе');
    // The earlier copy joined the claim; the spread chart (ECharts, canvas) is drawn.
    await expect.poll(() => page.locator('#claim-posts li').count(), POLL).toBe(2);
    await expect.poll(() => page.locator('#spread-chart canvas').count(), POLL).toBeGreaterThan(0);
    expect(await page.locator('#spread-summary').textContent()).toContain('Копии:');

    // v: the verdict form. A false verdict without evidence is refused with a message.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('v');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('verdict-debunk');
    await page.selectOption('#verdict-value', 'false');
    await page.fill('#verdict-debunk', 'Вода в Омске соответствует нормам, отравлений нет.');
    await page.click('#verdict-form button[type=submit]');
    await expect.poll(() => page.locator('#verdict-message').textContent(), POLL).toContain('доказательство');
    await page.fill('#verdict-form fieldset input[name=url]', 'https://omskvodokanal.ru/news/1');
    await page.fill('#verdict-form fieldset input[name=title]', 'Вода соответствует нормам');
    await page.click('#verdict-form button[type=submit]');
    await expect.poll(() => page.locator('.desk-verdict-view').textContent(), POLL).toContain('Вода в Омске соответствует нормам');
    expect(await page.locator('#detail .desk-badge--false').first().textContent()).toBe('Ложь');

    // A retelling after the verdict is suggested; s lists it, Enter opens the claim, a confirms.
    const retold = complaintPost({ externalId: `${TAG}-3`, text: RETELLING });
    await indexed([retold]);
    // Wait until the suggestion is searchable (what the page lists), not only written.
    await eventually(async () => (await system.container.repos.desk.suggestions({}, 10)).some((l) => l.postId === `vk:${retold.externalId}`), 15_000, 'suggestion searchable');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('s');
    await expect.poll(() => page.locator('#suggestions li').count(), POLL).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#claim-suggestions li').count(), POLL).toBe(1);
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('#claim-posts li').count(), POLL).toBe(3);
    expect(await page.locator('#claim-suggestions').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
