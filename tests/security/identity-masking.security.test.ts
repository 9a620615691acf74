/**
 * Finding 4: "authors hidden" leaked through ids and links — a VK post on a personal wall carries
 * the author's user id in its id and URL (`wall455555555_812`). Roles without `posts:author` now
 * get an opaque id and no link (and can still act on the post by that id); an erasure hides them
 * from everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed, publish, type SeedPost } from '../access/access-fixtures';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

const USER_ID = '455555555';
const TAG = `mask${Date.now().toString(36)}`;
const PERSONAL: SeedPost = { id: `vk:${USER_ID}_812`, sector: 'housing', municipality: 'omsk', text: `Нет воды третий день ${TAG}`, author: { id: USER_ID, name: 'Мария Иванова', url: `https://vk.com/id${USER_ID}` }, url: `https://vk.com/wall${USER_ID}_812`, publishedAt: new Date().toISOString() };
const COMMUNITY: SeedPost = { ...PERSONAL, id: 'vk:-123456_77', text: `Сообщение паблика ${TAG}`, author: { id: '-123456', name: 'Паблик' }, url: 'https://vk.com/wall-123456_77' };

let sys: TestSystem;
let observer: string;
let analyst: string;
let operator: string;
let admin: string;
beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  await seed(sys, [PERSONAL, COMMUNITY]);
  observer = await sys.login(await sys.createUser({ username: 'watcher-m', role: 'observer' }));
  analyst = await sys.login(await sys.createUser({ username: 'analyst-m', role: 'chief_analyst' }));
  operator = await sys.login(await sys.createUser({ username: 'duty-m', role: 'operator' }));
  admin = await sys.login(await sys.createUser({ username: 'chief-m', role: 'admin' }));
});
afterAll(async () => {
  await sys?.stop();
});

async function get(path: string, token: string): Promise<{ status: number; text: string; body: Record<string, unknown> }> {
  const res = await fetch(`${sys.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

describe('identity in post ids and links', () => {
  it('is opaque to roles without posts:author in incidents, search and the live feed', async () => {
    const incidents = await get('/api/incidents', observer);
    expect(incidents.status).toBe(200);
    expect(incidents.text).not.toContain(USER_ID);
    const items = incidents.body.items as { id: string; postId: string; url: string }[];
    const card = items.find((i) => i.postId.startsWith('x.'));
    expect(card).toMatchObject({ id: expect.stringMatching(/^x\./), url: '' });
    // A community wall names no one: unchanged.
    expect(items.map((i) => i.postId)).toContain(COMMUNITY.id);

    const search = await get(`/api/posts/search?q=${encodeURIComponent(TAG)}`, observer);
    expect(search.status).toBe(200);
    expect(search.text).not.toContain(USER_ID);

    const { received } = await sys.connectFeed(observer);
    await publish(sys, [PERSONAL]);
    const pushed = await eventually(() => received.find((e) => e.data.text.includes(TAG)), 20_000, 'the incident pushed');
    expect(JSON.stringify(pushed)).not.toContain(USER_ID);
  });

  it('lets such a role act on the post by its opaque id; a forged one is 404', async () => {
    const search = await get(`/api/posts/search?q=${encodeURIComponent(TAG)}`, analyst);
    const opaque = (search.body.items as { id: string }[]).find((i) => i.id.startsWith('x.'))?.id as string;
    expect(opaque).toBeDefined();
    const list = await get(`/api/posts/${encodeURIComponent(opaque)}/corrections`, analyst);
    expect(list.status).toBe(200);
    const res = await fetch(`${sys.baseUrl}/api/posts/${encodeURIComponent(opaque)}/corrections`, { method: 'POST', headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: JSON.stringify({ field: 'urgency', value: true }) });
    expect(res.status).toBe(201);
    expect(await res.text()).not.toContain(USER_ID);
    expect((await get(`/api/posts/${encodeURIComponent(`${opaque.slice(0, -2)}AA`)}/corrections`, analyst)).status).toBe(404);
  });

  it('is shown to roles with posts:author until the author is erased, then to no one', async () => {
    const before = await get('/api/incidents', operator);
    expect(before.text).toContain(PERSONAL.id);
    const erase = await fetch(`${sys.baseUrl}/api/privacy/erasure`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ network: 'vk', authorId: USER_ID }) });
    expect(erase.status).toBe(200);
    const after = await get('/api/incidents', operator);
    expect(after.text).not.toContain(USER_ID);
    const search = await get(`/api/posts/search?q=${encodeURIComponent(TAG)}`, operator);
    expect(search.text).not.toContain(USER_ID);
  });
});
