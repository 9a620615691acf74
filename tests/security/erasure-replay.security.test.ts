/**
 * Finding 1: an erasure and a correction were undone by a re-delivery of the same appeal — the
 * very same signed request replayed within the clock window, or the platform (or a pull
 * connector) delivering the post again. Now the replay is refused as such (409, nothing
 * changes), and a fresh delivery of an erased author's post is anonymised again with the human
 * correction re-applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import { ERASED_AUTHOR } from '../../src/repositories/posts.repository';
import { signAppeal } from '../../src/services/webhook.service';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

const SENDER = 'nash-sever';
const SECRET = 'nash-sever-test-secret-0123456789abcdef';
const AUTHOR = { id: `citizen-${Date.now().toString(36)}`, name: 'Иван Петрович Сидоров' };

let sys: TestSystem;
let admin: string;
let operator: string;
beforeAll(async () => {
  sys = await startSystem({ withPipeline: true, env: { WEBHOOK_SENDERS: JSON.stringify({ [SENDER]: { secret: SECRET, municipality: 'omsk' } }) } });
  await sys.startPipeline();
  admin = await sys.login(await sys.createUser({ username: 'chief-erase', role: 'admin' }));
  operator = await sys.login(await sys.createUser({ username: 'duty-fix', role: 'operator', scope: FULL_SCOPE }));
});
afterAll(async () => {
  await sys?.stop();
});

interface StoredPost {
  author: { id: string; name: string };
  sector: string;
  ingested_at: string;
  text: string;
}

async function stored(postId: string): Promise<StoredPost | null> {
  await sys.container.es.indices.refresh({ index: sys.container.names.posts });
  const res = await sys.container.es.search<StoredPost>({ index: sys.container.names.posts, query: { ids: { values: [postId] } } });
  return res.hits.hits[0]?._source ?? null;
}

async function send(body: string, ts: string, signature: string) {
  const res = await fetch(`${sys.baseUrl}/api/webhooks/appeals/${SENDER}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dozor-timestamp': ts, 'x-dozor-signature': signature },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function api(method: string, path: string, token: string, body: unknown) {
  const res = await fetch(`${sys.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('erasure and corrections that survive a re-delivery', () => {
  it('refuses the replayed request, and anonymises and re-corrects a fresh delivery', async () => {
    const appeal = { id: `a-${Date.now().toString(36)}`, text: 'Третий день нет отопления в доме на ул. Масленникова 70, дети мёрзнут, управляющая компания молчит!', createdAt: new Date().toISOString(), author: AUTHOR };
    const body = JSON.stringify(appeal);
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = signAppeal(SECRET, ts, body);
    const first = await send(body, ts, signature);
    expect(first.status).toBe(202);
    const postId = String(first.body.postId);
    const original = await eventually(() => stored(postId), 20_000, 'the appeal indexed');
    expect(original.author.id).toBe(`${SENDER}:${AUTHOR.id}`);

    // An operator moves it to another sector; an administrator erases the author.
    const target = original.sector === 'transport' ? 'housing' : 'transport';
    expect((await api('POST', `/api/posts/${encodeURIComponent(postId)}/corrections`, operator, { field: 'sector', value: target })).status).toBe(201);
    expect((await api('POST', '/api/privacy/erasure', admin, { network: 'feedback', authorId: `${SENDER}:${AUTHOR.id}` })).status).toBe(200);
    const erased = await stored(postId);
    expect(erased).toMatchObject({ author: ERASED_AUTHOR, sector: target });

    // The very same request again, inside the 5-minute window: a replay, refused, nothing queued.
    const replay = await send(body, ts, signature);
    expect(replay.status).toBe(409);
    expect(String(replay.body.message)).toMatch(/Replayed request/);
    expect(await sys.container.repos.staging.get([postId])).toEqual([null]);

    // The platform delivers the appeal again (fresh timestamp): it is stored again, anonymised and corrected.
    const ts2 = String(Math.floor(Date.now() / 1000) + 1);
    expect((await send(body, ts2, signAppeal(SECRET, ts2, body))).status).toBe(202);
    const again = await eventually(async () => {
      const p = await stored(postId);
      return p && p.ingested_at !== erased?.ingested_at ? p : null;
    }, 20_000, 'the re-delivered appeal re-indexed');
    expect(again.author).toEqual(ERASED_AUTHOR);
    expect(again.sector).toBe(target);
    expect(JSON.stringify(again)).not.toContain(AUTHOR.name);
  }, 60_000);
});
