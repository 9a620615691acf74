/**
 * User administration (`/api/users`, `users:manage`) against the real API, Redis and
 * Elasticsearch: who may use it, what it validates, what it audits, and that a change of role or
 * scope, disabling, and resets end the user's sessions and disconnect their sockets promptly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let admin: string;
let operator: string;

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  await sys.createUser({ username: 'chief', role: 'admin' });
  admin = await sys.login({ username: 'chief', password: 'chief-password-1' });
  operator = await sys.login();
});
afterAll(async () => {
  await sys?.stop();
});

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

const auditOf = (target: string, action: string) =>
  eventually(async () => {
    const res = await sys.container.repos.audit.search({ target, action, offset: 0, size: 10 });
    return res.items.length > 0 ? res.items : null;
  }, 5000, `${action} audit record`);

describe('who may administer users', () => {
  it.each([
    ['GET', '/api/users'],
    ['POST', '/api/users'],
    ['PATCH', '/api/users/operator'],
    ['POST', '/api/users/operator/disable'],
    ['POST', '/api/users/operator/password'],
    ['POST', '/api/users/operator/totp/reset'],
  ])('%s %s is 403 for a non-administrator and 401 without a session', async (method, path) => {
    const body = method === 'GET' || path.endsWith('disable') || path.endsWith('reset') ? undefined : { displayName: 'x', password: 'whatever-password-1', username: 'zzz', role: 'admin', scope: { sectors: 'all', municipalities: 'all' } };
    expect((await call(method, path, operator, body)).status).toBe(403);
    expect((await fetch(`${sys.baseUrl}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) })).status).toBe(401);
  });
});

describe('user administration', () => {
  it('creates, lists and validates users, and audits the creation', async () => {
    const created = await call('POST', '/api/users', admin, {
      username: 'duty1',
      displayName: 'Анна Дежурная',
      role: 'operator',
      scope: { sectors: ['housing', 'roads'], municipalities: ['omsk'] },
      password: 'temporary-password-1',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'duty1', role: 'operator', disabled: false, totpEnabled: false, scope: { sectors: ['housing', 'roads'], municipalities: ['omsk'] } });
    expect(created.body.passwordHash).toBeUndefined();
    expect((await sys.login({ username: 'duty1', password: 'temporary-password-1' })).length).toBeGreaterThan(20);

    const list = await call('GET', '/api/users', admin);
    const items = list.body.items as Record<string, unknown>[];
    expect(items.map((u) => u.username)).toEqual(expect.arrayContaining(['chief', 'duty1', 'operator']));
    expect(items.find((u) => u.username === 'chief')?.totpEnabled).toBe(true);
    expect(JSON.stringify(items)).not.toMatch(/argon2|totp_secret|passwordHash/);

    expect((await call('POST', '/api/users', admin, { username: 'duty1', displayName: 'Дубль', role: 'operator', scope: { sectors: 'all', municipalities: 'all' }, password: 'temporary-password-1' })).status).toBe(409);
    const badRole = await call('POST', '/api/users', admin, { username: 'duty2', displayName: 'x', role: 'king', scope: { sectors: 'all', municipalities: 'all' }, password: 'temporary-password-1' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.message).toMatch(/body\.role/);
    const badPlace = await call('POST', '/api/users', admin, { username: 'duty2', displayName: 'x', role: 'operator', scope: { sectors: 'all', municipalities: ['atlantis'] }, password: 'temporary-password-1' });
    expect(badPlace.status).toBe(400);
    expect(badPlace.body.message).toMatch(/scope\.municipalities.*atlantis/);
    const shortPw = await call('POST', '/api/users', admin, { username: 'duty2', displayName: 'x', role: 'operator', scope: { sectors: 'all', municipalities: 'all' }, password: 'short' });
    expect(shortPw.status).toBe(400);
    expect(shortPw.body.message).toMatch(/body\.password/);

    const [rec] = await auditOf('duty1', 'user.create');
    expect(rec).toMatchObject({ actorId: 'chief', actorRole: 'admin', outcome: 'success' });
  });

  it('disconnects a connected socket within seconds when the role changes, and audits the change', async () => {
    await sys.createUser({ username: 'moved', role: 'operator' });
    const token = await sys.login({ username: 'moved', password: 'moved-password-1' });
    const { socket } = await sys.connectFeed(token);
    const t0 = Date.now();
    const gone = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now() - t0)));
    const res = await call('PATCH', '/api/users/moved', admin, { role: 'observer' });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('observer');
    const ms = await gone;
    // The pub/sub kick is immediate; the 3-second sweep is only the fallback.
    expect(ms).toBeLessThan(2000);
    expect((await call('GET', '/api/auth/me', token)).status).toBe(401);
    const fresh = await sys.login({ username: 'moved', password: 'moved-password-1' });
    expect(((await call('GET', '/api/auth/me', fresh)).body.user as { role: string }).role).toBe('observer');
    const [rec] = await auditOf('moved', 'user.update');
    expect(rec?.details).toMatchObject({ changed: ['role'], role: { from: 'operator', to: 'observer' }, sessionsEnded: 1 });
  });

  it('ends sessions and disconnects when the scope changes; a name change does not', async () => {
    await sys.createUser({ username: 'scoped', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } });
    const token = await sys.login({ username: 'scoped', password: 'scoped-password-1' });
    expect((await call('PATCH', '/api/users/scoped', admin, { displayName: 'Новое имя' })).status).toBe(200);
    expect((await call('GET', '/api/auth/me', token)).status).toBe(200);
    const { socket } = await sys.connectFeed(token);
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    expect((await call('PATCH', '/api/users/scoped', admin, { scope: { sectors: ['roads'], municipalities: ['omsk'] } })).status).toBe(200);
    await gone;
    expect((await call('GET', '/api/auth/me', token)).status).toBe(401);
  });

  it('disables and enables an account; a disabled user cannot log in and loses their socket', async () => {
    const creds = await sys.createUser({ username: 'leaver', role: 'operator' });
    const token = await sys.login(creds);
    const { socket } = await sys.connectFeed(token);
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    const res = await call('POST', '/api/users/leaver/disable', admin);
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);
    await gone;
    await expect(sys.login(creds)).rejects.toThrow(/401/);
    expect((await call('POST', '/api/users/leaver/enable', admin)).status).toBe(200);
    expect((await sys.login(creds)).length).toBeGreaterThan(20);
    await auditOf('leaver', 'user.disable');
    await auditOf('leaver', 'user.enable');
  });

  it('resets a password and a TOTP secret, ending sessions', async () => {
    const creds = await sys.createUser({ username: 'forgetful', role: 'operator' });
    const token = await sys.login(creds);
    expect((await call('POST', '/api/users/forgetful/password', admin, { password: 'brand-new-password-1' })).status).toBe(200);
    expect((await call('GET', '/api/auth/me', token)).status).toBe(401);
    await expect(sys.login(creds)).rejects.toThrow(/401/);
    expect((await sys.login({ username: 'forgetful', password: 'brand-new-password-1' })).length).toBeGreaterThan(20);

    await sys.createUser({ username: 'lostphone', role: 'admin' });
    expect((await call('GET', '/api/users/lostphone', admin)).body.totpEnabled).toBe(true);
    const reset = await call('POST', '/api/users/lostphone/totp/reset', admin);
    expect(reset.status).toBe(200);
    expect(reset.body.totpEnabled).toBe(false);
    // Without TOTP the administrator logs straight into an enrolment-only session.
    const login = await fetch(`${sys.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lostphone', password: 'lostphone-password-1', mode: 'bearer' }) });
    const body = (await login.json()) as { token: string; totpEnrolmentRequired: boolean };
    expect(body.totpEnrolmentRequired).toBe(true);
    expect((await call('GET', '/api/users', body.token)).status).toBe(403);
    await auditOf('forgetful', 'user.password_reset');
    await auditOf('lostphone', 'user.totp_reset');
  });

  it('refuses to let an administrator lock themselves out', async () => {
    expect((await call('POST', '/api/users/chief/disable', admin)).status).toBe(409);
    expect((await call('PATCH', '/api/users/chief', admin, { role: 'observer' })).status).toBe(409);
    expect((await call('PATCH', '/api/users/nobody', admin, { role: 'observer' })).status).toBe(404);
  });
});
