import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicAddressesOnly } from '../../../connectors/http/http-client';
import { SourceFatalError, type Connector } from '../../../src/domain/connector';
import { sourceKey, type Source } from '../../../src/domain/source';
import { startConnectorRole } from '../../../src/main/roles';
import { runConnector } from '../../../workers/connector.runner';
import { eventually, startSystem, type TestSystem } from '../../helpers/system';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let sys: TestSystem;
let server: FakeServer;
let admin: string;
let role: Awaited<ReturnType<typeof startConnectorRole>> | null = null;

/** Two items published a minute and two minutes ago. */
function feedXml(): string {
  const item = (n: number) =>
    `<item><title>Новость ${n}</title><link>https://omsk-news.example/news/${n}/</link><guid isPermaLink="false">${n}</guid>` +
    `<pubDate>${new Date(Date.now() - n * 60_000).toUTCString()}</pubDate><description>Во дворе на ул. Ленина ${n} прорвало трубу</description></item>`;
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Омские новости</title><link>https://omsk-news.example/</link>${item(1)}${item(2)}</channel></rss>`;
}

beforeAll(async () => {
  server = await startFakeServer();
  server.route('/feed.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feedXml()));
  server.route('/broken.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(readFileSync(new URL('../../../connectors/rss/fixtures/not-a-feed.html', import.meta.url))));
  sys = await startSystem({ withPipeline: false, env: { SOURCES_RELOAD_MS: '200', METRICS_TOKEN, VK_ACCESS_TOKEN: '' } });
  admin = await sys.login(await sys.createUser({ username: 'role-admin', role: 'admin' }));
}, 60_000);
afterAll(async () => {
  await role?.stop();
  await sys?.stop();
  await server?.close();
});

/** The API refuses loopback feeds (public hosts only), so tests register them in the repository. */
async function register(partial: Pick<Source, 'kind' | 'settings'> & Partial<Source>): Promise<Source> {
  const at = new Date().toISOString();
  const source = { title: 'Тестовый источник', municipality: 'omsk', status: 'active', createdAt: at, updatedAt: at, ...partial, id: sourceKey(partial) } as Source;
  expect(await sys.container.repos.sources.create(source)).toBe('created');
  return source;
}

interface HealthItem {
  source: { id: string };
  health: { itemsTotal: number };
}
/** What the assertions read from an answer (a loose view of the route schemas). */
interface Answer {
  items: HealthItem[];
  alerts: unknown[];
  health: { itemsTotal: number };
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${sys.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Answer };
}

describe('connector role with the source registry', () => {
  it('runs a new RSS source, records health, errors and config stops, exposes them in the API and /metrics, and stops the source when paused', async () => {
    role = await startConnectorRole(sys.container, { addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target) });
    // Registered after the role started: picked up by the reload.
    const feed = await register({ kind: 'rss', settings: { url: `${server.origin}/feed.xml`, flavour: 'news' }, pollIntervalSec: 30 });
    const broken = await register({ kind: 'rss', settings: { url: `${server.origin}/broken.xml`, flavour: 'news' } });
    const vk = await register({ kind: 'vk_wall', settings: { owner: 'club1', comments: false } });
    await register({ kind: 'webhook', settings: { senderId: 'pos' } });

    const h = await eventually(async () => {
      const v = await sys.container.repos.sourceHealth.get(feed.id);
      return v.itemsTotal === 2 ? v : null;
    }, 15_000, 'feed items');
    expect(h.lagMs).toBeGreaterThanOrEqual(60_000);
    expect(h.lastItemAt).not.toBeNull();
    expect((await sys.container.postsQueue.getJobCounts('waiting')).waiting).toBe(2);
    await eventually(async () => ((await sys.container.repos.sourceHealth.get(broken.id)).errorsByKind.feed ?? 0) >= 1, 15_000, 'broken feed error');
    const vkHealth = await eventually(async () => (await sys.container.repos.sourceHealth.get(vk.id)).stopped, 15_000, 'vk config stop');
    expect(vkHealth.reason).toContain('VK_ACCESS_TOKEN');
    await eventually(() => role!.supervisor.states()['webhook:pos'] === 'push', 5000, 'webhook source seen');
    expect(role.supervisor.states()).toMatchObject({ [feed.id]: 'running', [broken.id]: 'running', [vk.id]: 'config_error', 'webhook:pos': 'push' });

    // Health API: items, errors by kind, and the stopped source alerted in Russian.
    const health = await api('GET', '/api/sources/health');
    expect(health.status).toBe(200);
    const byId = new Map(health.body.items.map((i) => [i.source.id, i]));
    expect(byId.get(feed.id)).toMatchObject({ health: { itemsTotal: 2, itemsLastHour: 2 }, alert: null });
    expect(byId.get(broken.id)).toMatchObject({ health: { itemsTotal: 0, errorsByKind: { feed: expect.any(Number) } } });
    expect(health.body.alerts).toEqual([expect.objectContaining({ sourceId: vk.id, kind: 'stopped', reason: expect.stringContaining('Источник остановлен') })]);
    const one = await api('GET', `/api/sources/${encodeURIComponent(feed.id)}/health`);
    expect(one.body.health.itemsTotal).toBe(2);

    // Prometheus exposition.
    expect((await fetch(`${sys.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${sys.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status).toBe(401);
    const res = await fetch(`${sys.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const feedLabels = `source_id="${feed.id}",kind="rss",network="news"`;
    expect(text).toContain(`dozor_source_items_total{${feedLabels}} 2\n`);
    expect(text).toMatch(new RegExp(`dozor_source_last_success_timestamp_seconds\\{${feedLabels.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\} \\d+(\\.\\d+)?\\n`));
    expect(text).toMatch(/dozor_source_lag_seconds\{source_id="rss:http:\/\/127\.0\.0\.1:\d+\/feed\.xml",kind="rss",network="news"\} (6\d|[7-9]\d|1\d\d)(\.\d+)?\n/);
    expect(text).toMatch(new RegExp(`dozor_source_errors_total\\{source_id="rss:http://127\\.0\\.0\\.1:${server.port}/broken\\.xml",kind="rss",network="news",error_kind="feed"\\} [1-9]\\d*\\n`));
    expect(text).toContain(`dozor_source_stopped{source_id="${vk.id}",kind="vk_wall",network="vk"} 1\n`);
    expect(text).toContain(`dozor_source_stopped{${feedLabels}} 0\n`);
    expect(text).toContain(`dozor_source_silent{${feedLabels}} 0\n`);
    expect(text).toContain('dozor_queue_jobs{queue="posts",state="waiting"} 2\n');
    expect(text).toContain('# TYPE dozor_source_items_total counter\n');
    expect(text).toMatch(/process_resident_memory_bytes \d+\n/);

    // Paused: the role stops the source and the feed is no longer fetched.
    expect((await api('POST', `/api/sources/${encodeURIComponent(feed.id)}/pause`)).status).toBe(200);
    await eventually(() => !(feed.id in role!.supervisor.states()), 5000, 'feed stopped');
    const hits = server.hits('/feed.xml');
    // Two more convergences on the registry: the paused source stays stopped.
    await role.supervisor.reload();
    await role.supervisor.reload();
    expect(role.supervisor.states()).not.toHaveProperty(feed.id);
    expect(server.hits('/feed.xml')).toBe(hits);
    // Resumed: running again.
    await api('POST', `/api/sources/${encodeURIComponent(feed.id)}/resume`);
    await eventually(() => role!.supervisor.states()[feed.id] === 'running', 5000, 'feed restarted');
    await eventually(() => server.hits('/feed.xml') > hits, 5000, 'feed fetched again');
    // Edited: restarted at once (a fresh loop fetches immediately; the 30-s poll would not).
    const beforeEdit = server.hits('/feed.xml');
    expect((await api('PATCH', `/api/sources/${encodeURIComponent(feed.id)}`, { title: 'Омские новости', pollIntervalSec: 60 })).status).toBe(200);
    await eventually(() => server.hits('/feed.xml') > beforeEdit, 5000, 'feed restarted after the edit');
    expect(role.supervisor.states()[feed.id]).toBe('running');
    // Deleted: stopped and gone from the role.
    await api('DELETE', `/api/sources/${encodeURIComponent(broken.id)}`);
    await eventually(() => !(broken.id in role!.supervisor.states()), 5000, 'broken feed stopped');
  }, 60_000);

  it('with two connector processes each source runs in one of them, and moves to the other when it stops', async () => {
    server.route('/feed2.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feedXml()));
    const policy = (address: string, target: { port: number }) => address === '127.0.0.1' && target.port === server.port;
    const second = await startConnectorRole(sys.container, { addressPolicy: policy });
    const roles = [role!, second];
    try {
      const feed2 = await register({ kind: 'rss', settings: { url: `${server.origin}/feed2.xml`, flavour: 'news' }, pollIntervalSec: 30 });
      const runners = () => roles.filter((r) => r.supervisor.states()[feed2.id] === 'running');
      await eventually(() => runners().length === 1, 5000, 'feed2 running in one process');
      // Several convergences of both processes: still one.
      for (let i = 0; i < 3; i++) await Promise.all(roles.map((r) => r.supervisor.reload()));
      expect(runners()).toHaveLength(1);
      expect(server.hits('/feed2.xml')).toBe(1);
      const owner = runners()[0]!;
      const other = roles.find((r) => r !== owner)!;
      await owner.stop();
      await eventually(() => other.supervisor.states()[feed2.id] === 'running', 5000, 'feed2 taken over');
      await eventually(() => server.hits('/feed2.xml') === 2, 5000, 'feed2 fetched by the other process');
      if (owner === role) role = second;
      else await second.stop();
    } catch (err) {
      await second.stop().catch(() => undefined);
      throw err;
    }
  }, 30_000);

  it('a SourceFatalError stops the loop at once and records the source as stopped', async () => {
    let calls = 0;
    const connector: Connector = {
      sourceId: 'vk_wall:revoked',
      async fetchPage() {
        calls++;
        throw new SourceFatalError('auth', 'VK error 5: User authorization failed: invalid access_token (https://api.vk.com/method/wall.get?access_token=SECRET)');
      },
    };
    const ctl = new AbortController();
    const health = sys.container.repos.sourceHealth;
    await runConnector(connector, { ingest: sys.container.services.ingest, cursors: sys.container.repos.cursors, log: sys.container.log, health, backoff: { baseMs: 1, maxMs: 2 } }, ctl.signal);
    expect(ctl.signal.aborted).toBe(false); // returned by itself
    expect(calls).toBe(1);
    const h = await health.get('vk_wall:revoked');
    expect(h.stopped?.reason).toMatch(/^auth: VK error 5/);
    expect(h.stopped?.reason).not.toContain('SECRET');
    expect(h.errorsByKind).toEqual({ auth: 1 });
  });
});
