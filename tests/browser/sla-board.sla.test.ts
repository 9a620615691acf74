/**
 * The SLA board (/sla/) and the shell's escalation bell in real Chromium against the real system:
 * counts and lists of overdue / due-soon answers, links to incidents, a live refresh when an
 * incident changes, and the unread escalation count.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../scripts/build-dashboards';
import type { IncidentDoc } from '../../src/repositories/incidents.repository';
import { startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLL = { timeout: 15_000 };
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const incident = (id: string, over: Partial<IncidentDoc>): IncidentDoc => ({
  id, post_id: id.replace(/^inc:/, ''), post_index: 'none', reason: 'complaint', status: 'routed', sector: 'housing', municipality: 'omsk', network: 'vk', kind: 'post',
  created_at: at(-600), due_at: at(-300), published_at: at(-600), text: 'Нет отопления на Масленникова 70', url: 'https://vk.com/wall-1_1',
  author: { id: 'a', name: 'Житель' }, complaint_confidence: 0.9, misinfo_score: 0, misinfo_reasons: [], model_version: 'test',
  organisation_id: 'uk-sever', organisation_name: 'УК «Север»', routed_at: at(-600), ...over,
});

describe('SLA board page and the escalation bell', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  let token: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem({ withPipeline: false });
    token = await system.login();
    const c = system.container;
    await c.repos.incidents.createOne(incident('inc:vk:sla-b1', { interim_due_at: at(-30), final_due_at: at(5000) }));
    await c.repos.incidents.createOne(incident('inc:vk:sla-b2', { text: 'Яма на дороге у школы', sector: 'roads', organisation_id: 'dor', organisation_name: 'ДорСервис', interim_due_at: at(90), final_due_at: at(5000) }));
    const me = await c.repos.users.findByUsername(system.credentials.username);
    await c.repos.escalationNotifications.create({ id: 'esc-b|1', recipientId: me!.id, kind: 'escalation', incidentId: 'inc:vk:sla-b1', stage: 'interim', level: 'sector_lead', title: 'Просрочен срок промежуточного ответа', body: 'УК «Север»: инцидент inc:vk:sla-b1', at: at(-1) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1300, height: 900 }, locale: 'ru-RU' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('shows counts and lists, links to incidents, and the unread escalation', async () => {
    await page.goto(`${system.baseUrl}/sla/`);
    await page.fill('#login-username', system.credentials.username);
    await page.fill('#login-password', system.credentials.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible', ...POLL });
    await expect.poll(() => page.locator('#count-interim-overdue').innerText(), POLL).toBe('1');
    expect(await page.locator('#count-interim-soon').innerText()).toBe('1');
    expect(await page.locator('#sla-items [data-incident="inc:vk:sla-b1"]').getAttribute('href')).toBe('/?q=inc%3Avk%3Asla-b1');
    expect(await page.locator('#sla-orgs').innerText()).toContain('УК «Север»');
    expect(await page.locator('#sla-sectors').innerText()).toContain('Дороги');
    await expect.poll(() => page.locator('#bell-unread').innerText(), POLL).toBe('1');
    await page.click('#bell');
    expect(await page.locator('#bell-list').innerText()).toContain('Просрочен срок промежуточного ответа');
    await page.click('#bell-list [data-id="esc-b|1"] button');
    await page.locator('#bell-unread').waitFor({ state: 'detached', ...POLL });
    await page.goto(`${system.baseUrl}/sla/`);
    await expect.poll(() => page.locator('#count-interim-overdue').innerText(), POLL).toBe('1');
  });

  it('refreshes live when an incident changes', async () => {
    // A new overdue incident appears in the store; the board hears of it through an update on the feed.
    await system.container.repos.incidents.createOne(incident('inc:vk:sla-b3', { final_due_at: at(-5), interim_due_at: at(-100), interim_answered_at: at(-120) }));
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const r = await fetch(`${system.baseUrl}/api/incidents/${encodeURIComponent('inc:vk:sla-b3')}/comments`, { method: 'POST', headers: auth, body: JSON.stringify({ text: 'Позвонили в УК' }) });
    expect(r.status).toBe(201);
    await expect.poll(() => page.locator('#count-final-overdue').innerText(), POLL).toBe('1');
    expect(pageErrors).toEqual([]);
  });
});
