/**
 * Findings 7, 8 and 12 (headers): slow bodies held connections forever, validation answered
 * anonymous callers before authentication (leaking the field list), and API answers carrying
 * personal data could be cached.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
beforeAll(async () => {
  // A short deadline stands in for the 30-second default.
  sys = await startSystem({ withPipeline: false, env: { HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '2000' } });
});
afterAll(async () => {
  await sys?.stop();
});

describe('a slow body', () => {
  it('is cut at the request deadline (408, connection closed)', async () => {
    const url = new URL(sys.baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{`);
    const started = Date.now();
    // One byte every 300 ms: never idle long enough for an idle timeout to catch it.
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(' ');
    }, 300);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(drip);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(6000);
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);
});

describe('authentication before validation', () => {
  it.each([
    ['POST', '/api/users', {}],
    ['GET', '/api/posts/search?size=1000', undefined],
    ['POST', '/api/posts/vk:1/corrections', { field: 'nonsense' }],
    ['POST', '/api/privacy/erasure', {}],
  ])('%s %s anonymous with an invalid request gets 401, not the field list', async (method, path, body) => {
    const res = await fetch(`${sys.baseUrl}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).not.toMatch(/body\.|querystring|size/);
  });

  it('a signed-in caller without the permission gets 403 before validation too', async () => {
    const token = await sys.login(await sys.createUser({ username: 'watcher-v', role: 'observer' }));
    const res = await fetch(`${sys.baseUrl}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
  });
});

describe('Cache-Control on personal data', () => {
  it('answers API requests with no-store', async () => {
    const token = await sys.login(await sys.createUser({ username: 'duty-cache', role: 'operator' }));
    for (const path of ['/api/incidents', '/api/posts/search?q=вода', '/api/auth/me']) {
      const res = await fetch(`${sys.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });
});
