/**
 * Findings 9, 10 and 6: a session alone could enrol TOTP (locking the owner out); weak and
 * administrator-set passwords stayed in use; every refused login wrote an audit document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/services/totp';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { httpFrom } from './http-client';

let sys: TestSystem;
let admin: string;
beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  admin = await sys.login(await sys.createUser({ username: 'chief-acc', role: 'admin' }));
});
afterAll(async () => {
  await sys?.stop();
});

async function api(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function bearerLogin(username: string, password: string): Promise<string> {
  const res = await api('POST', '/api/auth/login', null, { username, password, mode: 'bearer' });
  expect(res.status).toBe(200);
  return String(res.body.token);
}

describe('TOTP enrolment (finding 9)', () => {
  it('needs the current password, ends the other sessions and is audited', async () => {
    const owner = await sys.createUser({ username: 'duty-2fa', role: 'operator' });
    const stolen = await sys.login(owner);
    const other = await sys.login(owner);
    // Someone holding a session but not the password cannot enrol a factor.
    expect((await api('POST', '/api/auth/totp/setup', stolen, {})).status).toBe(400);
    const wrong = await api('POST', '/api/auth/totp/setup', stolen, { password: 'guessed-password-1' });
    expect(wrong.status).toBe(400);
    expect(String(wrong.body.message)).toMatch(/^password: wrong password/);

    const setup = await api('POST', '/api/auth/totp/setup', stolen, { password: owner.password });
    expect(setup.status).toBe(200);
    const code = totp(base32Decode(String(setup.body.secret)), Date.now());
    expect((await api('POST', '/api/auth/totp/confirm', stolen, { code })).status).toBe(200);
    // The session that enrolled stays; every other session of the account is ended.
    expect((await api('GET', '/api/auth/me', stolen)).status).toBe(200);
    expect((await api('GET', '/api/auth/me', other)).status).toBe(401);

    const records = await eventually(async () => {
      const r = await sys.container.repos.audit.search({ target: 'duty-2fa', offset: 0, size: 50 });
      const got = r.items.map((i) => `${i.action}:${i.outcome}`);
      return got.includes('auth.totp_enable:success') && got.includes('auth.totp_setup:failure') ? r.items : null;
    }, 10_000, 'enrolment audit records');
    expect(records.find((i) => i.action === 'auth.totp_enable')?.details).toMatchObject({ sessionsEnded: 1 });
  });
});

describe('passwords (finding 10)', () => {
  const newUser = (username: string, password: string) => api('POST', '/api/users', admin, { username, displayName: 'Сотрудник', role: 'operator', scope: { sectors: 'all', municipalities: 'all' }, password });

  it.each([
    ['aaaaaaaaaa', /too simple/],
    ['          ', /too simple/],
    ['password1234', /too common/],
    ['duty-weak-2026!', /username/],
  ])('refuses %j from an administrator with the reason', async (password, reason) => {
    const res = await newUser('duty-weak', password);
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toMatch(reason);
  });

  it('makes the owner replace a password an administrator set before anything else', async () => {
    expect((await newUser('duty-new', 'Temp-plum-river-42')).status).toBe(201);
    const token = await bearerLogin('duty-new', 'Temp-plum-river-42');
    const me = await api('GET', '/api/auth/me', token);
    expect(me.body.passwordChangeRequired).toBe(true);
    const refused = await api('GET', '/api/incidents', token);
    expect(refused.status).toBe(403);
    expect(String(refused.body.message)).toMatch(/must be changed first/);
    expect((await api('POST', '/api/auth/password', token, { currentPassword: 'Temp-plum-river-42', newPassword: 'qwertyuiop' })).status).toBe(400);
    const changed = await api('POST', '/api/auth/password', token, { currentPassword: 'Temp-plum-river-42', newPassword: 'Own-walnut-harbour-19' });
    expect(changed.status).toBe(200);
    expect(changed.body.passwordChangeRequired).toBe(false);
    expect((await api('GET', '/api/incidents', token)).status).toBe(200);

    // A reset by the administrator brings the requirement back.
    expect((await api('POST', '/api/users/duty-new/password', admin, { password: 'Reset-maple-cloud-58' })).status).toBe(200);
    const again = await bearerLogin('duty-new', 'Reset-maple-cloud-58');
    expect((await api('GET', '/api/incidents', again)).status).toBe(403);
  });
});

describe('refused logins in the audit trail (finding 6)', () => {
  it('are recorded per address and window, not one document per request', async () => {
    const owner = await sys.createUser({ username: 'duty-flood', role: 'operator' });
    const from = '127.0.0.90';
    for (let i = 0; i < 5; i++) await httpFrom(sys.baseUrl, from, 'POST', '/api/auth/login', { body: { username: owner.username, password: `wrong-${i}` } });
    for (let i = 0; i < 25; i++) expect((await httpFrom(sys.baseUrl, from, 'POST', '/api/auth/login', { body: { username: owner.username, password: 'wrong-again' } })).status).toBe(429);
    const denied = await eventually(async () => {
      const r = await sys.container.repos.audit.search({ action: 'auth.login', outcome: 'denied', offset: 0, size: 100 });
      const mine = r.items.filter((i) => i.ip === from);
      return mine.length >= 2 ? mine : null;
    }, 10_000, 'the aggregated denial records');
    // 25 refusals → records at the 1st and the 10th only (then 100, 1000…).
    await sys.container.es.indices.refresh({ index: sys.container.names.audit });
    const all = (await sys.container.repos.audit.search({ action: 'auth.login', outcome: 'denied', offset: 0, size: 100 })).items.filter((i) => i.ip === from);
    expect(all).toHaveLength(2);
    expect(denied.map((d) => d.details?.count).sort()).toEqual([1, 10]);
  });
});
