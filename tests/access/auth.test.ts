/**
 * Sessions behind the `__Host-` cookie, CSRF protection, CORS, TOTP (enrolment, login, replay,
 * rate limits) and the administrator's mandatory second factor, against the real API, Redis and
 * Elasticsearch.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../../src/domain/access';
import { base32Decode, base32Encode, totp } from '../../src/services/totp';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

const ALLOWED = 'https://partner.example.org';
const KEY = Buffer.alloc(32, 3).toString('base64');

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem({ withPipeline: false, env: { CORS_ORIGINS: ALLOWED, TOTP_ENCRYPTION_KEY: KEY } });
});
afterAll(async () => {
  await sys?.stop();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
  setCookie: string | null;
  headers: Headers;
}

/** A tiny browser: keeps the session cookie like Chromium would and sends it back. */
function browser() {
  let cookie: string | null = null;
  let csrf: string | null = null;
  async function call(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; csrf?: string | null } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    const token = opts.csrf === undefined ? csrf : opts.csrf;
    if (token) headers['x-csrf-token'] = token;
    const res = await fetch(`${sys.baseUrl}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0] ?? '';
      cookie = /Max-Age=0/i.test(setCookie) ? null : pair;
    }
    const text = await res.text();
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (typeof body.csrfToken === 'string') csrf = body.csrfToken;
    return { status: res.status, body, setCookie, headers: res.headers };
  }
  return {
    call,
    get cookie() {
      return cookie;
    },
    set cookie(v: string | null) {
      cookie = v;
    },
    get csrf() {
      return csrf;
    },
  };
}

describe('the session cookie', () => {
  it('is __Host-, Secure, HttpOnly, SameSite=Strict, Path=/, without Domain; the token never reaches the page', async () => {
    const b = browser();
    const res = await b.call('POST', '/api/auth/login', { body: sys.credentials });
    expect(res.status).toBe(200);
    const attrs = (res.setCookie ?? '').split(';').map((s) => s.trim());
    expect(attrs[0]).toMatch(/^__Host-dozor_session=[\w-]{40,}$/);
    expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Strict']));
    expect(attrs.some((a) => /^domain=/i.test(a))).toBe(false);
    expect(res.body.token).toBeUndefined();
    expect(typeof res.body.csrfToken).toBe('string');
    expect(res.body.totpEnrolmentRequired).toBe(false);
    const me = await b.call('GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect((me.body.user as { username: string }).username).toBe('operator');
    expect(me.body.csrfToken).toBe(res.body.csrfToken);
  });

  it('logout ends the session in Redis and clears the cookie; the old cookie is then refused', async () => {
    const b = browser();
    await b.call('POST', '/api/auth/login', { body: sys.credentials });
    const old = b.cookie;
    const token = (old ?? '').split('=')[1] ?? '';
    const key = `${sys.config.REDIS_PREFIX}:session:${sys.container.repos.sessions.sessionIdOf(token)}`;
    expect(await sys.container.redis.exists(key)).toBe(1);
    // Idle timeout is the key's TTL.
    expect(await sys.container.redis.ttl(key)).toBeGreaterThan(sys.config.SESSION_IDLE_MINUTES * 60 - 5);

    const out = await b.call('POST', '/api/auth/logout');
    expect(out.status).toBe(204);
    expect(out.setCookie).toMatch(/^__Host-dozor_session=; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=0$/);
    expect(await sys.container.redis.exists(key)).toBe(0);
    b.cookie = old;
    expect((await b.call('GET', '/api/auth/me')).status).toBe(401);
  });

  it('ends a session past its absolute expiry however active it is', async () => {
    const b = browser();
    await b.call('POST', '/api/auth/login', { body: sys.credentials });
    const id = sys.container.repos.sessions.sessionIdOf((b.cookie ?? '').split('=')[1] ?? '');
    const key = `${sys.config.REDIS_PREFIX}:session:${id}`;
    const rec = JSON.parse((await sys.container.redis.get(key)) ?? '{}') as { expiresAt: number };
    await sys.container.redis.set(key, JSON.stringify({ ...rec, expiresAt: Date.now() - 1 }), 'KEEPTTL');
    expect((await b.call('GET', '/api/auth/me')).status).toBe(401);
    expect(await sys.container.redis.exists(key)).toBe(0);
  });
});

describe('CSRF and CORS', () => {
  it('refuses a cookie-authenticated write without the right X-CSRF-Token, and accepts it with one', async () => {
    const b = browser();
    await b.call('POST', '/api/auth/login', { body: sys.credentials });
    const missing = await b.call('POST', '/api/auth/logout', { csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.body.message).toMatch(/CSRF token missing or invalid/);
    const wrong = await b.call('POST', '/api/auth/logout', { csrf: 'x'.repeat(32) });
    expect(wrong.status).toBe(403);
    expect((await b.call('GET', '/api/auth/me')).status).toBe(200);
    expect((await b.call('POST', '/api/auth/logout')).status).toBe(204);
  });

  it('refuses cookie-borne writes and logins from foreign origins and cross-site contexts', async () => {
    const b = browser();
    const foreignLogin = await b.call('POST', '/api/auth/login', { body: sys.credentials, headers: { origin: 'https://evil.example' } });
    expect(foreignLogin.status).toBe(403);
    expect(foreignLogin.body.message).toMatch(/origin https:\/\/evil\.example is not allowed/);
    expect(foreignLogin.setCookie).toBeNull();

    await b.call('POST', '/api/auth/login', { body: sys.credentials, headers: { origin: sys.baseUrl, 'sec-fetch-site': 'same-origin' } });
    expect(b.cookie).toBeTruthy();
    // Even with the right token: a foreign origin, a sandboxed page (Origin: null), or a cross-site fetch.
    expect((await b.call('POST', '/api/auth/logout', { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await b.call('POST', '/api/auth/logout', { headers: { origin: 'null' } })).status).toBe(403);
    expect((await b.call('POST', '/api/auth/logout', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await b.call('GET', '/api/auth/me')).status).toBe(200);
    // A configured origin may write with its token.
    expect((await b.call('POST', '/api/auth/logout', { headers: { origin: ALLOWED, 'sec-fetch-site': 'cross-site' } })).status).toBe(204);
  });

  it('exempts bearer-authenticated API clients from the CSRF token', async () => {
    const token = await sys.login();
    const res = await fetch(`${sys.baseUrl}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
    expect((await fetch(`${sys.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('sends CORS headers with credentials only to configured origins', async () => {
    const pre = await fetch(`${sys.baseUrl}/api/auth/me`, { method: 'OPTIONS', headers: { origin: ALLOWED, 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/x-csrf-token/);
    const foreign = await fetch(`${sys.baseUrl}/api/auth/me`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${sys.baseUrl}/health/live`, { headers: { origin: 'https://evil.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('keeps 5xx bodies generic and bodies small', async () => {
    const big = await fetch(`${sys.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) }) });
    expect(big.status).toBe(413);
  });
});

describe('TOTP', () => {
  /** Runs enrolment for a cookie session; returns the secret. */
  async function enrol(b: ReturnType<typeof browser>, password: string): Promise<{ secret: Buffer; usedAt: number }> {
    const setup = await b.call('POST', '/api/auth/totp/setup', { body: { password } });
    expect(setup.status).toBe(200);
    const uri = new URL(String(setup.body.otpauthUri));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(setup.body.secret);
    const secret = base32Decode(String(setup.body.secret));
    const wrong = await b.call('POST', '/api/auth/totp/confirm', { body: { code: totp(secret, Date.now() + 120_000) } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/^code:/);
    const usedAt = Date.now();
    const ok = await b.call('POST', '/api/auth/totp/confirm', { body: { code: totp(secret, usedAt) } });
    expect(ok.status).toBe(200);
    expect(ok.body.totpEnrolmentRequired).toBe(false);
    return { secret, usedAt };
  }

  it('enrols, then logs in with a second step; a used code is refused; the secret is never shown again', async () => {
    const creds = await sys.createUser({ username: 'lead2fa', role: 'sector_lead' });
    const b = browser();
    await b.call('POST', '/api/auth/login', { body: creds });
    const { secret, usedAt } = await enrol(b, creds.password);
    const again = await b.call('POST', '/api/auth/totp/setup', { body: { password: creds.password } });
    expect(again.status).toBe(409);
    await b.call('POST', '/api/auth/logout');

    // Stored sealed: the users index holds no base32 secret.
    const doc = await sys.container.es.get<Record<string, unknown>>({ index: sys.container.names.users, id: 'lead2fa' });
    expect(doc._source?.totp_enabled).toBe(true);
    expect(String(doc._source?.totp_secret)).toMatch(/^v1:/);
    expect(JSON.stringify(doc._source)).not.toContain(base32Encode(secret));

    const step1 = await b.call('POST', '/api/auth/login', { body: creds });
    expect(step1.status).toBe(200);
    expect(step1.body).toEqual({ totpRequired: true, challenge: expect.any(String) });
    expect(step1.setCookie).toBeNull();
    const challenge = String(step1.body.challenge);

    // The code just used to confirm enrolment is spent.
    const replay = await b.call('POST', '/api/auth/login/totp', { body: { challenge, code: totp(secret, usedAt) } });
    expect(replay.status).toBe(401);
    const next = totp(secret, usedAt + 30_000);
    const done = await b.call('POST', '/api/auth/login/totp', { body: { challenge, code: next } });
    expect(done.status).toBe(200);
    expect(done.setCookie).toMatch(/^__Host-dozor_session=/);
    expect((await b.call('GET', '/api/auth/me')).status).toBe(200);
    // The challenge is single-use, and so is the code.
    expect((await b.call('POST', '/api/auth/login/totp', { body: { challenge, code: next } })).status).toBe(401);
    const second = await b.call('POST', '/api/auth/login', { body: creds });
    expect((await b.call('POST', '/api/auth/login/totp', { body: { challenge: String(second.body.challenge), code: next } })).status).toBe(401);

    // The audit index refreshes once a second.
    const actions = await eventually(async () => {
      const got = (await sys.container.repos.audit.search({ target: 'lead2fa', offset: 0, size: 50 })).items.map((i) => `${i.action}:${i.outcome}`);
      return got.includes('auth.totp:failure') ? got : null;
    }, 5000, 'audit records');
    expect(actions).toEqual(expect.arrayContaining(['auth.totp_enable:success', 'auth.totp_enable:failure', 'auth.totp:failure']));
  });

  it('counts wrong codes toward the login rate limit', async () => {
    const creds = await sys.createUser({ username: 'guess2fa', role: 'operator' });
    const b = browser();
    await b.call('POST', '/api/auth/login', { body: creds });
    const { secret } = await enrol(b, creds.password);
    const { challenge } = (await b.call('POST', '/api/auth/login', { body: creds })).body as { challenge: string };
    const wrong = String((Number(totp(secret, Date.now())) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 4; i++) expect((await b.call('POST', '/api/auth/login/totp', { body: { challenge, code: wrong } })).status).toBe(401);
    // The fifth failure (one password step earlier counts nothing: it succeeded).
    const { challenge: c2 } = (await b.call('POST', '/api/auth/login', { body: creds })).body as { challenge: string };
    expect((await b.call('POST', '/api/auth/login/totp', { body: { challenge: c2, code: wrong } })).status).toBe(401);
    const limited = await b.call('POST', '/api/auth/login', { body: creds });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });

  it('requires the technical administrator to enrol before anything else', async () => {
    // Created the way `npm run user:create` does it: no TOTP yet.
    await sys.container.services.users.createUser({ username: 'newadmin', displayName: 'Админ', password: 'newadmin-password-1', role: 'admin', scope: FULL_SCOPE });
    const b = browser();
    const login = await b.call('POST', '/api/auth/login', { body: { username: 'newadmin', password: 'newadmin-password-1' } });
    expect(login.status).toBe(200);
    expect(login.body.totpEnrolmentRequired).toBe(true);
    const denied = await b.call('GET', '/api/users');
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/TOTP/);
    expect((await b.call('GET', '/api/incidents')).status).toBe(403);

    // Nor the live feed, with the cookie from the same origin.
    const socket = connect(sys.baseUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: b.cookie ?? '' } });
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(err.message).toBe('forbidden');
    socket.disconnect();

    await enrol(b, 'newadmin-password-1');
    expect((await b.call('GET', '/api/auth/me')).body.totpEnrolmentRequired).toBe(false);
    expect((await b.call('GET', '/api/users')).status).toBe(200);
  });
});

describe('the live feed over the cookie', () => {
  it('accepts the session cookie from our origin and refuses it from another', async () => {
    const b = browser();
    await b.call('POST', '/api/auth/login', { body: sys.credentials });
    const ok = connect(sys.baseUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: b.cookie ?? '', origin: sys.baseUrl } });
    await new Promise<void>((resolve, reject) => {
      ok.once('feed:ready', () => resolve());
      ok.once('connect_error', reject);
    });
    ok.disconnect();
    const evil = connect(sys.baseUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: b.cookie ?? '', origin: 'https://evil.example' } });
    const err = await new Promise<Error>((resolve) => evil.once('connect_error', resolve));
    expect(err.message).toBe('forbidden');
    evil.disconnect();
  });
});
