import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdForPost } from '../../../src/queue/queues';
import { signAppeal } from '../../../src/services/webhook.service';
import { eventually, queueSettled, startSystem, type TestSystem } from '../../helpers/system';

const SENDER = 'nash-sever';
const SECRET = 'nash-sever-test-secret-0123456789abcdef';
const COMPLAINT = 'Третий день нет отопления в доме на ул. Масленникова 70, дети мёрзнут, управляющая компания не берёт трубку! Сколько можно?';

let sys: TestSystem;
let seq = 0;

beforeAll(async () => {
  sys = await startSystem({ env: { WEBHOOK_SENDERS: JSON.stringify({ [SENDER]: { secret: SECRET, municipality: 'omsk', name: 'Наш Север' } }) } });
});
afterAll(async () => {
  await sys?.stop();
});

function appeal(over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return { id: `${Date.now().toString(36)}-${seq}`, text: COMPLAINT, createdAt: new Date().toISOString(), category: 'ЖКХ', ...over };
}

/** Sends raw bytes as a sender would; `sign: false` leaves the signature headers out. */
async function push(body: string, opts: { sender?: string; secret?: string; timestamp?: number; sign?: boolean; headers?: Record<string, string> } = {}) {
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.sign ?? true) {
    headers['x-dozor-timestamp'] = ts;
    headers['x-dozor-signature'] = signAppeal(opts.secret ?? SECRET, ts, body);
  }
  const res = await fetch(`${sys.baseUrl}/api/webhooks/appeals/${opts.sender ?? SENDER}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as { status?: string; postId?: string; error?: string; message?: string; requestId?: string } };
}

async function count(index: 'posts' | 'incidents', field: 'id' | 'post_id', postId: string): Promise<number> {
  const name = sys.container.names[index];
  await sys.container.es.indices.refresh({ index: name });
  return (await sys.container.es.count({ index: name, query: { term: { [field]: postId } } })).count;
}

async function nothingQueued(postId: string): Promise<void> {
  expect(await sys.container.postsQueue.getJob(jobIdForPost(postId))).toBeUndefined();
  expect(await sys.container.repos.staging.get([postId])).toEqual([null]);
}

describe('signed appeals webhook', () => {
  it('queues a signed appeal (202), indexes it and pushes its incident to a connected operator', async () => {
    const { received } = await sys.connectFeed(await sys.login());
    const a = appeal({ address: 'ул. Масленникова, 70', author: { name: 'Житель' } });
    const res = await push(JSON.stringify(a));
    expect(res.status).toBe(202);
    const postId = `feedback:${SENDER}:${String(a.id)}`;
    expect(res.body).toEqual({ status: 'queued', postId });

    await eventually(async () => (await count('posts', 'id', postId)) === 1, 20_000, 'appeal indexed');
    const hit = await sys.container.es.search<{ network: string; source_id?: string; municipality: string }>({ index: sys.container.names.posts, query: { term: { id: postId } } });
    expect(hit.hits.hits[0]?._source).toMatchObject({ network: 'feedback', municipality: 'omsk' });

    const event = await eventually(() => received.find((e) => e.data.postId === postId), 15_000, 'incident pushed');
    expect(event.data.network).toBe('feedback');
    expect(event.data.author?.name).toBe('Житель');
    expect(event.data.text).toContain('Адрес: ул. Масленникова, 70');
    expect(event.data.url).toBe(`https://feedback.invalid/${SENDER}/${String(a.id)}`);
  });

  it('makes a redelivered appeal one document and at most one incident', async () => {
    const a = appeal();
    const body = JSON.stringify(a);
    const first = await push(body);
    const postId = `feedback:${SENDER}:${String(a.id)}`;
    await eventually(async () => (await count('posts', 'id', postId)) === 1, 20_000, 'appeal indexed');
    // Redelivered after processing, then twice at once (a sender retrying on a timeout), each
    // signed afresh; the very same signed request again is a replay (409, see tests/security).
    const now = Math.floor(Date.now() / 1000);
    const again = await Promise.all([push(body, { timestamp: now + 1 }), push(body, { timestamp: now + 2 }), push(body, { timestamp: now + 3 })]);
    expect([first, ...again].map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect((await push(body, { timestamp: now + 1 })).status).toBe(409);
    expect(new Set([first, ...again].map((r) => r.body.postId))).toEqual(new Set([postId]));
    await queueSettled(sys);
    expect(await count('posts', 'id', postId)).toBe(1);
    expect(await count('incidents', 'post_id', postId)).toBeLessThanOrEqual(1);
  });

  it('refuses a bad signature with 401, queues nothing and audits the denial without the body', async () => {
    const a = appeal();
    const postId = `feedback:${SENDER}:${String(a.id)}`;
    const body = JSON.stringify(a);
    const wrongSecret = await push(body, { secret: 'not-the-secret-0123456789abcdef0123456' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.requestId).toBeTruthy();
    // Signed, then altered in transit.
    const ts = Math.floor(Date.now() / 1000);
    const sig = signAppeal(SECRET, String(ts), body);
    const tampered = await push(body.replace('Третий', 'Пятый'), { sign: false, headers: { 'x-dozor-timestamp': String(ts), 'x-dozor-signature': sig } });
    expect(tampered.status).toBe(401);
    const unsigned = await push(body, { sign: false });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.message).toMatch(/X-Dozor-Timestamp/);
    await nothingQueued(postId);

    const audit = await eventually(async () => {
      await sys.container.es.indices.refresh({ index: sys.container.names.audit });
      const r = await sys.container.es.search<Record<string, unknown>>({ index: sys.container.names.audit, size: 10, query: { bool: { filter: [{ term: { action: 'webhook.appeal' } }, { term: { outcome: 'denied' } }] } } });
      return r.hits.hits.length >= 3 ? r.hits.hits.map((h) => h._source) : null;
    }, 10_000, 'denials audited');
    expect(audit[0]).toMatchObject({ target: `webhook:${SENDER}`, outcome: 'denied' });
    expect(JSON.stringify(audit)).not.toContain('отопления');
  });

  it('refuses a stale or future timestamp with 401 and a clear message', async () => {
    const a = appeal();
    const stale = await push(JSON.stringify(a), { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(/X-Dozor-Timestamp .*in the past.*±300 s/);
    const future = await push(JSON.stringify(a), { timestamp: Math.floor(Date.now() / 1000) + 600 });
    expect(future.status).toBe(401);
    expect(future.body.message).toMatch(/in the future/);
    await nothingQueued(`feedback:${SENDER}:${String(a.id)}`);
  });

  it('answers 404 for an unknown sender, signed or not', async () => {
    const body = JSON.stringify(appeal());
    const signed = await push(body, { sender: 'someone-else' });
    const unsigned = await push('{}', { sender: 'someone-else', sign: false });
    expect([signed.status, unsigned.status]).toEqual([404, 404]);
    expect(signed.body.message).toBe(unsigned.body.message);
    expect((await push(body, { sender: '__proto__' })).status).toBe(404);
  });

  it('answers 400 naming the field for a signed appeal that breaks the schema, and for malformed JSON', async () => {
    const noDate = appeal();
    delete noDate.createdAt;
    const cases: [Record<string, unknown>, RegExp][] = [
      [noDate, /body\.createdAt/],
      [appeal({ text: 'x'.repeat(50_001) }), /body\.text/],
      [appeal({ url: 'javascript:alert(1)' }), /body\.url/],
      [appeal({ id: 'has spaces' }), /body\.id/],
    ];
    for (const [a, field] of cases) {
      const res = await push(JSON.stringify(a));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.message).toMatch(field);
    }
    const malformed = await push('{"id": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/JSON/);
  });

  it('answers 413 for a body over 1 MB', async () => {
    const res = await push(JSON.stringify(appeal({ text: 'а'.repeat(600_000) })));
    expect(res.status).toBe(413);
  });

  it('is not reachable with a session token alone', async () => {
    const token = await sys.login();
    const a = appeal();
    const res = await push(JSON.stringify(a), { sign: false, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    await nothingQueued(`feedback:${SENDER}:${String(a.id)}`);
  });
});
