import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAppeal } from '../../../src/services/webhook.service';
import { startSystem, type TestSystem } from '../../helpers/system';

let sys: TestSystem;
let admin: string;
let operator: string;

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  const a = await sys.createUser({ username: 'registry-admin', role: 'admin' });
  admin = await sys.login(a);
  operator = await sys.login();
}, 60_000);
afterAll(async () => {
  await sys?.stop();
});

/** What the assertions read from an answer (a loose view of the route schemas). */
interface SourceOut {
  id: string;
  kind: string;
  title: string;
  status: string;
  municipality: string;
  official?: { organisation: string };
  settings: Record<string, unknown>;
}
interface Answer {
  source: SourceOut;
  secret?: string;
  message: string;
  items: SourceOut[];
  health: { itemsTotal: number };
}

async function call(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: Answer | null }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sys.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer) : null };
}
const enc = encodeURIComponent;

describe('source registry API', () => {
  it('creates, lists, filters, gets, updates, pauses, resumes and deletes a source, auditing each change', async () => {
    const created = await call('POST', '/api/sources', admin, {
      kind: 'vk_wall',
      title: 'Администрация Омска',
      municipality: 'omsk',
      official: { organisation: 'Администрация города Омска' },
      settings: { owner: 'https://vk.com/Omsk_Adm' },
      pollIntervalSec: 120,
    });
    expect(created.status).toBe(201);
    const source = created.body!.source;
    expect(source).toMatchObject({ id: 'vk_wall:omsk_adm', kind: 'vk_wall', status: 'active', municipality: 'omsk', settings: { owner: 'Omsk_Adm', comments: false } });
    expect(created.body!.secret).toBeUndefined();

    await call('POST', '/api/sources', admin, { kind: 'rss', title: 'Новости', municipality: 'region', settings: { url: 'https://dzen.ru/omsk_news/rss' } });
    const list = await call('GET', '/api/sources', admin);
    expect(list.status).toBe(200);
    expect(list.body!.items.map((s: { id: string }) => s.id)).toEqual(['vk_wall:omsk_adm', 'rss:https://dzen.ru/omsk_news/rss']);
    expect(list.body!.items[1]!.settings.flavour).toBe('dzen'); // guessed from the host
    const onlyRss = await call('GET', '/api/sources?kind=rss', admin);
    expect(onlyRss.body!.items).toHaveLength(1);
    expect((await call('GET', '/api/sources?municipality=omsk', admin)).body!.items).toHaveLength(1);

    const got = await call('GET', `/api/sources/${enc(source.id)}`, admin);
    expect(got.body!.source.title).toBe('Администрация Омска');

    const patched = await call('PATCH', `/api/sources/${enc(source.id)}`, admin, { title: 'Мэрия Омска', official: null, settings: { comments: true } });
    expect(patched.status).toBe(200);
    expect(patched.body!.source).toMatchObject({ id: 'vk_wall:omsk_adm', title: 'Мэрия Омска', settings: { comments: true } });
    expect(patched.body!.source.official).toBeUndefined();

    const paused = await call('POST', `/api/sources/${enc(source.id)}/pause`, admin);
    expect(paused.body!.source.status).toBe('paused');
    expect((await call('GET', '/api/sources?status=paused', admin)).body!.items).toHaveLength(1);
    expect((await call('POST', `/api/sources/${enc(source.id)}/resume`, admin)).body!.source.status).toBe('active');

    // The RSS source's id holds a URL: it round-trips encoded in the path.
    const rssId = 'rss:https://dzen.ru/omsk_news/rss';
    const rekeyed = await call('PATCH', `/api/sources/${enc(rssId)}`, admin, { settings: { url: 'https://dzen.ru/omsk_news2/rss' } });
    expect(rekeyed.body!.source.id).toBe('rss:https://dzen.ru/omsk_news2/rss');
    expect((await call('GET', `/api/sources/${enc(rssId)}`, admin)).status).toBe(404);

    expect((await call('DELETE', `/api/sources/${enc(source.id)}`, admin)).status).toBe(204);
    expect((await call('GET', `/api/sources/${enc(source.id)}`, admin)).status).toBe(404);
    expect((await call('DELETE', `/api/sources/${enc(source.id)}`, admin)).status).toBe(404);

    await sys.container.es.indices.refresh({ index: sys.container.names.audit });
    const audit = await sys.container.repos.audit.search({ action: 'source.', offset: 0, size: 50 });
    const actions = audit.items.map((r) => `${r.action} ${r.target}`).sort();
    expect(actions).toEqual(
      [
        'source.create rss:https://dzen.ru/omsk_news/rss',
        'source.create vk_wall:omsk_adm',
        'source.delete vk_wall:omsk_adm',
        'source.update rss:https://dzen.ru/omsk_news2/rss',
        'source.update vk_wall:omsk_adm',
        'source.update vk_wall:omsk_adm',
        'source.update vk_wall:omsk_adm',
      ].sort(),
    );
    expect(audit.items.every((r) => r.actorUsername === 'registry-admin')).toBe(true);
  });

  it('refuses invalid input with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'telegram_channel', title: 'Канал', municipality: 'omsk', settings: { channel: 'ab' } }, 'body.settings.channel'],
      [{ kind: 'ok_group', title: 'Группа', municipality: 'omsk', settings: { groupId: '12ab' } }, 'body.settings.groupId'],
      [{ kind: 'rss', title: 'Лента', municipality: 'omsk', settings: { url: 'ftp://example.org/feed' } }, 'body.settings.url'],
      [{ kind: 'rss', title: 'Лента', municipality: 'omsk', settings: { url: 'http://127.0.0.1:8080/feed' } }, 'body.settings.url'],
      [{ kind: 'rss', title: 'Лента', municipality: 'omsk', settings: { url: 'http://intranet.local/feed' } }, 'body.settings.url'],
      [{ kind: 'vk_search', title: 'Поиск', municipality: 'omsk', settings: { query: 'отопление', geo: { latitude: 95, longitude: 73 } } }, 'body.settings.geo.latitude'],
      [{ kind: 'vk_wall', title: 'Стена', municipality: 'atlantis', settings: { owner: 'club1' } }, 'body.municipality'],
      [{ kind: 'vk_wall', title: 'Стена', municipality: 'omsk', settings: { owner: 'club1' }, pollIntervalSec: 5 }, 'body.pollIntervalSec'],
      [{ kind: 'vk_wall', title: '', municipality: 'omsk', settings: { owner: 'club1' } }, 'body.title'],
      [{ kind: 'myspace', title: 'x', municipality: 'omsk', settings: {} }, 'body.kind'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/api/sources', admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body!.message, JSON.stringify(body)).toContain(field);
    }
    const search = await call('POST', '/api/sources', admin, { kind: 'vk_search', title: 'Поиск', municipality: 'omsk', settings: { query: 'Прорыв трубы', geo: { latitude: 54.98, longitude: 73.37 } } });
    expect(search.body!.source.id).toBe('vk_search:прорыв трубы@54.980,73.370');
    const noGeo = await call('PATCH', `/api/sources/${enc(search.body!.source.id)}`, admin, { settings: { geo: null } });
    expect(noGeo.body!.source).toMatchObject({ id: 'vk_search:прорыв трубы', settings: { query: 'Прорыв трубы' } });
    expect(noGeo.body!.source.settings.geo).toBeUndefined();
    expect((await call('PATCH', `/api/sources/${enc(search.body!.source.id)}`, admin, { title: 'x' })).status).toBe(404); // re-keyed away
    const empty = await call('PATCH', `/api/sources/${enc(noGeo.body!.source.id)}`, admin, {});
    expect(empty.status).toBe(400);
    const created = await call('POST', '/api/sources', admin, { kind: 'max_chat', title: 'Чат', municipality: 'omsk', settings: { chatId: '-100200' } });
    const bad = await call('PATCH', `/api/sources/${enc(created.body!.source.id)}`, admin, { settings: { chatId: 'abc' } });
    expect(bad.status).toBe(400);
    expect(bad.body!.message).toContain('body.settings.chatId');
  });

  it('refuses a duplicate with 409 naming the existing source', async () => {
    const first = await call('POST', '/api/sources', admin, { kind: 'telegram_channel', title: 'Омск онлайн', municipality: 'omsk', settings: { channel: 'omsk_online' } });
    expect(first.status).toBe(201);
    const dup = await call('POST', '/api/sources', admin, { kind: 'telegram_channel', title: 'Другое имя', municipality: 'region', settings: { channel: 'https://t.me/s/Omsk_Online' } });
    expect(dup.status).toBe(409);
    expect(dup.body!.message).toContain('«Омск онлайн» (telegram_channel:omsk_online)');
    expect(dup.body!.message).toContain('already registered');
  });

  it('answers 401 without a session and 403 to a non-admin', async () => {
    expect((await call('GET', '/api/sources', null)).status).toBe(401);
    expect((await call('POST', '/api/sources', null, { kind: 'webhook', title: 'x', municipality: 'omsk', settings: { senderId: 'x' } })).status).toBe(401);
    expect((await call('GET', '/api/sources', operator)).status).toBe(403);
    expect((await call('GET', '/api/sources/health', operator)).status).toBe(403);
    expect((await call('POST', '/api/sources', operator, { kind: 'webhook', title: 'x', municipality: 'omsk', settings: { senderId: 'x' } })).status).toBe(403);
    expect((await call('GET', '/api/sources', admin)).body!.items.some((s: { id: string }) => s.id === 'webhook:x')).toBe(false);
  });

  it('a webhook source gets a secret shown once; pushes with it are accepted, refused when paused, and the old secret dies on rotation', async () => {
    const created = await call('POST', '/api/sources', admin, { kind: 'webhook', title: 'ПОС Госуслуги', municipality: 'omsk', settings: { senderId: 'pos-omsk' } });
    expect(created.status).toBe(201);
    const secret = created.body!.secret as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const id = created.body!.source.id as string;
    expect(JSON.stringify((await call('GET', `/api/sources/${enc(id)}`, admin)).body)).not.toContain(secret);
    expect(JSON.stringify((await call('GET', '/api/sources', admin)).body)).not.toContain(secret);
    expect(JSON.stringify((await call('GET', '/api/sources/health', admin)).body)).not.toContain(secret);

    const push = async (key: string, appealId: string) => {
      const body = JSON.stringify({ id: appealId, text: 'Во дворе дома на ул. Ленина 10 третий день не вывозят мусор', createdAt: new Date().toISOString() });
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await fetch(`${sys.baseUrl}/api/webhooks/appeals/pos-omsk`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dozor-timestamp': ts, 'x-dozor-signature': signAppeal(key, ts, body) }, body });
      return res.status;
    };
    expect(await push(secret, 'a1')).toBe(202);
    const health = await call('GET', `/api/sources/${enc(id)}/health`, admin);
    expect(health.body!.health.itemsTotal).toBe(1);

    await call('POST', `/api/sources/${enc(id)}/pause`, admin);
    expect(await push(secret, 'a2')).toBe(403);
    await call('POST', `/api/sources/${enc(id)}/resume`, admin);

    const rotated = await call('POST', `/api/sources/${enc(id)}/rotate-secret`, admin);
    expect(rotated.status).toBe(200);
    expect(rotated.body!.secret).not.toBe(secret);
    expect(await push(secret, 'a3')).toBe(401);
    expect(await push(rotated.body!.secret as string, 'a4')).toBe(202);

    expect((await call('DELETE', `/api/sources/${enc(id)}`, admin)).status).toBe(204);
    expect(await push(rotated.body!.secret as string, 'a5')).toBe(404);
    expect(await sys.container.repos.sources.getSecret('pos-omsk')).toBeNull();
  });
});
