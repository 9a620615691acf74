/**
 * The operator page against the real system (API + pipeline in-process, real Redis and
 * Elasticsearch), driven in Debian's Chromium: log in, watch an incident arrive live, filter by
 * sector, and make sure post text is shown as text.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '__screenshots__', 'operator.png');

const HEATING = 'Третий день нет отопления в доме на ул. Масленникова 70, дети мёрзнут, УК не берёт трубку!';
const XSS = '<img src=x onerror=alert(1)>';
const POTHOLE = 'Огромная яма на дороге на улице Ленина 40, машины бьют колёса, дорожники второй месяц не ремонтируют асфальт!';
const XSS_TEXT = `Прорвало трубу отопления в подъезде дома на ул. Ленина 12, кипяток течёт по лестнице, управляющая компания не отвечает ${XSS}`;

describe('operator page', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The API serves dashboards/dist, so the bundle must exist before it starts.
    await buildDashboards();
    system = await startSystem({ withPipeline: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
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

  const cardWithText = (text: string) => page.locator('.card', { has: page.locator('.card__text', { hasText: text }) });

  it('logs in and shows the empty feed, connected', async () => {
    await page.goto(`${system.baseUrl}/`);
    await page.locator('#login-form').waitFor();

    // A wrong password stays on the form with a Russian message.
    await page.fill('#login-username', system.credentials.username);
    await page.fill('#login-password', 'wrong-password');
    await page.click('#login-submit');
    await expect.poll(() => page.locator('#login-message').textContent()).toContain('Неверное имя пользователя или пароль');

    await page.fill('#login-password', system.credentials.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible' });

    expect(await page.locator('.brand__name').first().textContent()).toBe('Дозор');
    expect(await page.locator('#user-name').textContent()).toBe(system.credentials.username);
    expect(await page.locator('#user-role').textContent()).toBe('Дежурный сотрудник ЦУР');
    await expect.poll(() => page.locator('#conn-state').textContent(), { timeout: 10_000 }).toContain('Подключено');
    // The session is an HttpOnly __Host- cookie Chromium accepted over http://127.0.0.1 (a
    // potentially trustworthy origin); page scripts cannot read it.
    const cookies = await page.context().cookies();
    const sessionCookie = cookies.find((c) => c.name === '__Host-dozor_session');
    expect(sessionCookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('dozor_session');
    expect(await page.evaluate(() => Object.keys(sessionStorage).length)).toBe(0);

    // A fresh index: nothing to show yet.
    await page.locator('#empty').waitFor({ state: 'visible' });
    expect(await page.locator('#empty-title').textContent()).toBe('Инцидентов пока нет');
    expect(await page.locator('#counter').textContent()).toBe('Инцидентов: 0');
    expect(await page.locator('.card').count()).toBe(0);

    // The filter: «Все направления» plus the ten sectors, the first one active.
    expect(await page.locator('#sector-filter button').count()).toBe(11);
    expect(await page.locator('#sector-filter button[aria-pressed="true"]').textContent()).toBe('Все направления');
  });

  it('shows a complaint live, without reloading', async () => {
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    await system.ingest([complaintPost({ network: 'vk', municipality: 'omsk', text: HEATING })]);

    const card = cardWithText(HEATING);
    await card.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

    expect(await card.locator('.chip').first().textContent()).toBe('ЖКХ');
    expect(await card.locator('.card__place').textContent()).toBe('Омск');
    expect(await card.locator('.card__source').textContent()).toContain('ВКонтакте');
    expect(await card.locator('.badge--complaint').textContent()).toBe('Жалоба');
    expect(await card.locator('.card__ago').textContent()).toMatch(/только что|минут[уы]? назад/);
    expect(await card.locator('.card__due-value').textContent()).toMatch(/^осталось /);
    const link = card.locator('a.card__link');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/vk\.com\//);

    expect(await page.locator('#counter').textContent()).toBe('Инцидентов: 1');
    expect(await page.locator('#empty').isVisible()).toBe(false);
  });

  it('filters by sector, on the server for the list and in the page for live events', async () => {
    await page.locator('#sector-filter button', { hasText: 'Дороги' }).click();
    await expect.poll(() => page.locator('.card').count()).toBe(0);
    await page.locator('#empty').waitFor({ state: 'visible' });
    expect(await page.locator('#empty-title').textContent()).toContain('Дороги');

    // A housing incident arriving while «Дороги» is chosen stays out of the list. Watch the feed
    // from the side to know the page has received it too.
    const token = await system.login();
    const { socket, received } = await system.connectFeed(token);
    try {
      await system.ingest([complaintPost({ network: 'telegram', kind: 'comment', municipality: 'omsk', text: XSS_TEXT })]);
      const event = await eventually(() => received.find((e) => e.data.text === XSS_TEXT), 10_000, 'the second incident on the feed');
      expect(event.data.sector).toBe('housing');
    } finally {
      socket.disconnect();
    }
    // A roads incident sent after it must appear; when it has, the housing one would have too.
    await system.ingest([complaintPost({ network: 'vk', municipality: 'omsk', text: POTHOLE })]);
    await cardWithText(POTHOLE).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('.card').count()).toBe(1);
    expect(await cardWithText('Прорвало трубу').count()).toBe(0);

    await page.locator('#sector-filter button', { hasText: 'Все направления' }).click();
    await cardWithText(HEATING).waitFor({ state: 'visible' });
    await cardWithText('Прорвало трубу').waitFor({ state: 'visible' });
    expect(await page.locator('#counter').textContent()).toBe('Инцидентов: 3');

    await page.locator('#sector-filter button', { hasText: 'ЖКХ' }).click();
    await expect.poll(() => page.locator('#sector-filter button[aria-pressed="true"]').textContent()).toBe('ЖКХ');
    await cardWithText(HEATING).waitFor({ state: 'visible' });
    await page.locator('#sector-filter button', { hasText: 'Все направления' }).click();
    await expect.poll(() => page.locator('.card').count()).toBe(3);
  });

  it('renders markup in post text as literal text', async () => {
    const card = cardWithText('Прорвало трубу');
    const text = card.locator('.card__text');
    expect(await text.textContent()).toContain(XSS);
    expect(await text.innerHTML()).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(await page.locator('#incident-list img').count()).toBe(0);
    expect(await card.locator('.card__kind').textContent()).toBe('комментарий');
    expect(await card.locator('.card__source').textContent()).toContain('Telegram');
    // Newest first.
    const texts = await page.locator('.card .card__text').allTextContents();
    expect(texts[0]).toBe(POTHOLE);
    expect(texts[1]).toContain('Прорвало трубу');
    expect(dialogs).toEqual([]);
  });

  it('looks right (screenshot) and logs out', async () => {
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.click('#logout');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    // Logout cleared the cookie, and a reload stays on the login form.
    await expect.poll(async () => (await page.context().cookies()).some((c) => c.name === '__Host-dozor_session')).toBe(false);
    await page.reload();
    await page.locator('#login-view').waitFor({ state: 'visible' });
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
