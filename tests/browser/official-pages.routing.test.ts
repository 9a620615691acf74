/**
 * The «Официальные страницы» tab of /ratings/ in real Chromium against the real system (issue 11
 * point 9): a VK official page's posts, residents' comments and the page's replies go through the
 * real mapper, ingest and pipeline; the tab shows the page's figures and opens the comments behind
 * a figure with the page's answer and the отписка reasons.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapCommentsResponse, mapWallResponse, type VkComment } from '../../connectors/vk/vk.mapper';
import { buildDashboards } from '../../scripts/build-dashboards';
import type { PostDoc } from '../../src/repositories/posts.repository';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLL = { timeout: 15_000 };
const OWNER = -602;
const SOURCE = `vk_wall:${OWNER}`;
const unix = (iso: string) => Date.parse(iso) / 1000;
const FORMAL = 'Здравствуйте! Ваше обращение принято к сведению и будет рассмотрено в установленном порядке.';
const CONCRETE = 'Здравствуйте! Подрядчик засыпал яму у дома 12 по ул. Лермонтова сегодня в 14:00, асфальт уложат до 20 мая. Ответственный — мастер участка Петров И. И.';

function pagePosts() {
  const src = { sourceId: SOURCE, municipality: 'omsk' };
  const wall = mapWallResponse({ items: [{ id: 1, owner_id: OWNER, from_id: OWNER, date: unix('2026-05-04T03:00:00Z'), text: 'Начался ямочный ремонт дорог в Центральном округе.' }], groups: [{ id: -OWNER, name: 'Дорожный департамент Омска' }] }, src).posts;
  const c = (id: number, from: number, at: string, text: string, extra: Partial<VkComment> = {}): VkComment => ({ id, from_id: from, date: unix(at), text, ...extra });
  const comments = mapCommentsResponse(
    {
      items: [
        c(10, 911, '2026-05-04T04:00:00Z', 'Огромная яма у дома 12 на ул. Лермонтова, уже два колеса пробили!'),
        c(11, OWNER, '2026-05-04T08:00:00Z', CONCRETE, { reply_to_comment: 10 }),
        c(12, 912, '2026-05-04T05:00:00Z', 'На ул. Гагарина провалился асфальт у остановки, объезжаем по встречной'),
        c(13, OWNER, '2026-05-05T05:00:00Z', FORMAL, { reply_to_comment: 12 }),
        c(14, 913, '2026-05-04T06:00:00Z', 'Во дворе дома 3 на ул. Чкалова после ремонта теплотрассы не восстановили асфальт'),
      ],
      groups: [{ id: -OWNER, name: 'Дорожный департамент Омска' }],
    },
    { ownerId: OWNER, postId: 1 },
    src,
  ).posts;
  return [...wall, ...comments];
}

describe('ratings page: the official pages tab', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildDashboards();
    system = await startSystem({ withPipeline: true });
    await system.startPipeline();
    const now = new Date().toISOString();
    await system.container.repos.organisations.create({ id: 'org-roads-b', name: 'Дорожный департамент Омска', kind: 'ОМСУ' as never, municipality: 'omsk', sectors: ['roads'], contacts: {}, userIds: [], officialSourceIds: [SOURCE], createdAt: now, updatedAt: now });
    const sent = pagePosts();
    await system.ingest(sent);
    const es = system.container.es;
    const index = `${system.config.ES_INDEX_PREFIX}-posts`;
    await eventually(async () => {
      await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
      const res = await es.search<PostDoc>({ index, size: 0, track_total_hits: true, ignore_unavailable: true, allow_no_indices: true, query: { term: { source_id: SOURCE } } });
      const total = res.hits.total;
      return (typeof total === 'number' ? total : total?.value) === sent.length;
    }, 60_000, 'the page posts indexed');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('shows the page figures and opens the comments with the page answer', async () => {
    await page.goto(`${system.baseUrl}/ratings/?tab=pages&from=2026-05-01&to=2026-05-31&min=3`);
    await page.fill('#login-username', system.credentials.username);
    await page.fill('#login-password', system.credentials.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible', ...POLL });
    const row = page.locator(`#pages-table [data-source="${SOURCE}"]`).first();
    await row.waitFor({ state: 'visible', ...POLL });
    const text = await page.locator(`#pages-table tr[data-source="${SOURCE}"]`).innerText();
    expect(text).toContain('Дорожный департамент Омска');
    // 3 residents' comments, 2 answered (66.7 %), 1 of 2 replies formal (50 %).
    expect(text).toContain('66.7% (2)');
    expect(text).toContain('50% из 2');
    expect(text).not.toContain('вне рейтинга');
    await page.click(`#pages-table tr[data-source="${SOURCE}"] [data-page-figure="formal"]`);
    const drill = page.locator('#pages-drill');
    await drill.waitFor({ state: 'visible', ...POLL });
    await expect.poll(() => drill.locator('[data-comment]').count(), POLL).toBe(1);
    const item = await drill.innerText();
    expect(item).toContain('ул. Гагарина');
    expect(item).toContain('Ответ страницы (формальный)');
    await page.click(`#pages-table tr[data-source="${SOURCE}"] [data-page-figure="unanswered"]`);
    await expect.poll(() => drill.innerText(), POLL).toContain('ул. Чкалова');
    expect(pageErrors).toEqual([]);
  });
});
