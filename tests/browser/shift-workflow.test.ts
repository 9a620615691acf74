/**
 * The shift handover page (/shift/) in real Chromium against the real system: what the outgoing
 * shift leaves (open incidents by status and owner, notes for the next shift), printable, and the
 * incoming operator's acknowledgement recorded and audited.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLL = { timeout: 10_000 };

describe('shift handover page', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem();
    const token = await system.login();
    const post = complaintPost({ text: 'Третий день нет отопления на Масленникова 70, дети мёрзнут, УК молчит' });
    await system.ingest([post]);
    const id = `inc:${post.network}:${post.externalId}`;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const incident = await eventually(async () => {
      const r = await fetch(`${system.baseUrl}/api/incidents/${encodeURIComponent(id)}`, { headers: auth });
      return r.status === 200 ? ((await r.json()) as { version: string }) : null;
    }, 15_000, 'incident opened');
    expect((await fetch(`${system.baseUrl}/api/incidents/${encodeURIComponent(id)}/actions`, { method: 'POST', headers: auth, body: JSON.stringify({ action: 'take', version: incident.version }) })).status).toBe(200);
    const note = await fetch(`${system.baseUrl}/api/incidents/${encodeURIComponent(id)}/comments`, { method: 'POST', headers: auth, body: JSON.stringify({ text: 'УК обещала дать тепло к 9 утра — проверить <b>утром</b>', forShift: true }) });
    expect(note.status).toBe(201);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'ru-RU' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('asks to log in first', async () => {
    await page.goto(`${system.baseUrl}/shift/`);
    await page.locator('#login-needed').waitFor({ state: 'visible', ...POLL });
  });

  it('shows what the outgoing shift leaves and records the acknowledgement', async () => {
    await page.goto(`${system.baseUrl}/`);
    await page.locator('#login-form').waitFor({ state: 'visible', ...POLL });
    await page.fill('#login-username', system.credentials.username);
    await page.fill('#login-password', system.credentials.password);
    await page.click('#login-submit');
    await page.locator('#login-form').waitFor({ state: 'hidden', ...POLL });

    await page.goto(`${system.baseUrl}/shift/`);
    await page.locator('#app-view').waitFor({ state: 'visible', ...POLL });
    await expect.poll(() => page.locator('#notes').innerText(), POLL).toContain('УК обещала дать тепло к 9 утра — проверить <b>утром</b>');
    expect(await page.locator('#notes b').count()).toBe(0);
    await expect.poll(() => page.locator('#by-status').innerText(), POLL).toMatch(/В работе\s+1/);
    await expect.poll(() => page.locator('#by-owner').innerText(), POLL).toContain('operator');

    await page.fill('#ack-note', 'Принял, проверю теплосети');
    await page.click('#ack-submit');
    await expect.poll(() => page.locator('#acks').innerText(), POLL).toContain('Смену принял(а) operator');
    await eventually(async () => {
      const audit = await system.container.repos.audit.search({ action: 'shift.handover_ack', offset: 0, size: 10 });
      return audit.items.some((a) => a.actorUsername === 'operator');
    }, 5000, 'acknowledgement audited');
    // Printable: the print stylesheet hides the controls.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#ack-form').isVisible()).toBe(false);
    expect(await page.locator('#notes').isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
