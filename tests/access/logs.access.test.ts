/**
 * No personal data or secrets in logs: the real system (API + pipeline, real Redis and
 * Elasticsearch) runs with the production logger configuration at `trace` level into a buffer,
 * through failed and successful logins, ingest, the pipeline, the live feed and archive searches;
 * the captured output must not contain an author's name, id or profile URL, a post's text, the
 * search query, a password or a session token. Queue payloads are checked the same way.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env';
import { createContainer, type Container } from '../../src/container';
import { FULL_SCOPE } from '../../src/domain/access';
import { REDACT_PATHS } from '../../src/lib/logger';
import { startApiRole, startPipelineRole, type RunningRole } from '../../src/main/roles';
import { dropIndices } from '../../src/repositories/indices';
import { complaintPost, eventually } from '../helpers/system';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(chunk.toString('utf8'));
    done();
  },
});

const ID = `logs${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const AUTHOR = { id: `id-${ID}-author`, name: `Евгения${ID} Секретова`, url: `https://vk.com/${ID}_profile` };
const WORD = `Уникальнослово${ID}`;
const TEXT = `Третий день нет отопления в доме на ул. Масленникова 70, ${WORD} дети мёрзнут, управляющая компания не берёт трубку!`;
const PASSWORD = `Pa55-${ID}-word`;
const WRONG_PASSWORD = `Wr0ng-${ID}-guess`;

let c: Container;
let api: RunningRole & { url: string };
let pipeline: RunningRole;
let token = '';

beforeAll(async () => {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'trace', PORT: '0', ES_INDEX_PREFIX: `test-${ID}`, REDIS_PREFIX: `test-${ID}`, PIPELINE_FLUSH_MS: '10' });
  // The production logger's options (src/lib/logger.ts), writing into the buffer.
  const log = pino({ name: 'logs-test', level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } }, sink);
  c = await createContainer(config, { name: 'logs-test', log });
  api = await startApiRole(c);
  pipeline = await startPipelineRole(c);
  await c.services.users.createUser({ username: 'duty', displayName: 'Дежурный', password: PASSWORD, role: 'operator', scope: FULL_SCOPE });
});

afterAll(async () => {
  await pipeline?.stop();
  await api?.stop();
  if (c) {
    await dropIndices(c.es, `test-${ID}`);
    let cursor = '0';
    do {
      const [next, keys] = await c.redis.scan(cursor, 'MATCH', `test-${ID}:*`, 'COUNT', 1000);
      if (keys.length > 0) await c.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    await c.close();
  }
});

const post = (path: string, body: unknown, tok?: string) =>
  fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}) }, body: JSON.stringify(body) });

describe('logs and queue payloads carry no personal data or secrets', () => {
  it('runs login, ingest, pipeline, feed and search with trace logging', async () => {
    expect((await post('/api/auth/login', { username: 'duty', password: WRONG_PASSWORD, mode: 'bearer' })).status).toBe(401);
    const ok = await post('/api/auth/login', { username: 'duty', password: PASSWORD, mode: 'bearer' });
    expect(ok.status).toBe(200);
    token = ((await ok.json()) as { token: string }).token;
    expect(token.length).toBeGreaterThan(20);

    const socket = connect(api.url, { auth: { token }, transports: ['websocket'], reconnection: false });
    const got: string[] = [];
    socket.on('incident:new', (e) => got.push(e.data.text));
    await new Promise<void>((resolve, reject) => {
      socket.once('feed:ready', () => resolve());
      socket.once('connect_error', reject);
    });
    try {
      const p = complaintPost({ text: TEXT, author: AUTHOR, externalId: `${ID}-1` });
      const res = await c.services.ingest.ingest([p]);
      expect(res.rejected).toEqual([]);
      // While the post waits, the queue job carries its id only.
      const jobs = await c.postsQueue.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed']);
      for (const j of jobs) {
        const payload = JSON.stringify(j.data);
        expect(payload).not.toContain(AUTHOR.name);
        expect(payload).not.toContain(WORD);
      }
      await eventually(() => got.some((t) => t.includes(WORD)), 15_000, 'the incident on the feed');
    } finally {
      socket.disconnect();
    }

    await eventually(async () => {
      const r = await fetch(`${api.url}/api/posts/search?q=${encodeURIComponent(WORD)}`, { headers: { authorization: `Bearer ${token}` } });
      return ((await r.json()) as { total: number }).total === 1;
    }, 10_000, 'the post in search');
    expect((await post('/api/auth/logout', {}, token)).status).toBe(204);
    // A request that fails validation with personal data in it.
    const invalid = await fetch(`${api.url}/api/posts/search?q=${encodeURIComponent(WORD)}&from=${encodeURIComponent(AUTHOR.name)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(invalid.status).toBeGreaterThanOrEqual(400);
    // Its access log line is written once the response has been sent.
    await eventually(() => lines.some((l) => l.includes('request completed') && l.includes(`"statusCode":${invalid.status}`)), 10_000, 'the refused request logged');
  });

  it('wrote plenty of log lines, none with author, text, query, password or token', () => {
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    // The flow did run through the logged paths.
    expect(all).toContain('incoming request');
    const forbidden: Record<string, string> = {
      'author name': AUTHOR.name,
      'author id': AUTHOR.id,
      'author profile URL': `${ID}_profile`,
      'post text': 'Масленникова',
      'search query': WORD,
      'search query (URL-encoded)': encodeURIComponent(WORD),
      password: PASSWORD,
      'wrong password': WRONG_PASSWORD,
      token,
    };
    const leaks = Object.entries(forbidden)
      .filter(([, v]) => v && all.includes(v))
      .map(([k]) => `${k}: ${lines.find((l) => l.includes(forbidden[k] as string))?.slice(0, 300) ?? ''}`);
    expect(leaks).toEqual([]);
  });
});
