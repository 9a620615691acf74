/**
 * Finding 2: anyone could lock any account (five wrong passwords from anywhere → the owner's
 * right password got 429), and behind a proxy everyone shared one address. Limits now count per
 * (account, address) and per address; the owner on another address gets in (at most slowed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { ATTACKER, httpFrom, OWNER } from './http-client';

describe('login limits without a proxy', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
  });
  afterAll(async () => {
    await sys?.stop();
  });
  const login = (from: string, username: string, password: string, headers?: Record<string, string>) =>
    httpFrom(sys.baseUrl, from, 'POST', '/api/auth/login', { body: { username, password, mode: 'bearer' }, ...(headers ? { headers } : {}) });

  it('an attacker on 127.0.0.77 locks only themself out; the owner on 127.0.0.1 logs in', async () => {
    const owner = await sys.createUser({ username: 'duty-owner', role: 'operator' });
    for (let i = 0; i < 5; i++) expect((await login(ATTACKER, owner.username, `wrong-guess-${i}`)).status).toBe(401);
    // The attacker's address is out of tries for this account, even with the right password…
    const blocked = await login(ATTACKER, owner.username, owner.password);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeTruthy();
    // …and further guesses keep the account's slow-down going, but the owner still gets in.
    for (let i = 0; i < 5; i++) await login(ATTACKER, owner.username, `more-${i}`);
    const started = Date.now();
    const ok = await login(OWNER, owner.username, owner.password);
    expect(ok.status).toBe(200);
    expect(typeof ok.body.token).toBe('string');
    expect(Date.now() - started).toBeLessThan(sys.container.services.auth.policy.maxSlowdownMs + 2000);
  });

  it('an address that sprays many accounts is limited as an address, not the accounts', async () => {
    const victim = await sys.createUser({ username: 'duty-spray', role: 'operator' });
    const { maxFailuresPerAddress } = sys.container.services.auth.policy;
    for (let i = 0; i < maxFailuresPerAddress; i++) await login('127.0.0.78', `nobody-${i}`, 'wrong-password-1');
    expect((await login('127.0.0.78', victim.username, victim.password)).status).toBe(429);
    expect((await login(OWNER, victim.username, victim.password)).status).toBe(200);
  });

  it('does not believe X-Forwarded-For from a client when no proxy is trusted', async () => {
    const owner = await sys.createUser({ username: 'duty-spoof', role: 'operator' });
    for (let i = 0; i < 5; i++) await login('127.0.0.79', owner.username, 'wrong-guess-x', { 'x-forwarded-for': `203.0.113.${i}` });
    expect((await login('127.0.0.79', owner.username, owner.password, { 'x-forwarded-for': '203.0.113.200' })).status).toBe(429);
  });

  it('keeps the failed login audit free of what was typed as a username', async () => {
    const typed = 'my-secret-passphrase-typed-as-username';
    expect((await login('127.0.0.80', typed, 'whatever-1')).status).toBe(401);
    const rec = await eventually(async () => (await sys.container.repos.audit.search({ action: 'auth.login', outcome: 'failure', offset: 0, size: 100 })).items.find((i) => i.ip === '127.0.0.80'), 10_000, 'the failed login record');
    expect(rec.target).toMatch(/^unknown:[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(rec)).not.toContain(typed);
  });
});

describe('login limits behind a trusted proxy (TRUST_PROXY)', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false, env: { TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('counts the client address the proxy reports: one client guessing does not lock out the others', async () => {
    const owner = await sys.createUser({ username: 'duty-proxied', role: 'operator' });
    const viaProxy = (client: string, password: string) => httpFrom(sys.baseUrl, OWNER, 'POST', '/api/auth/login', { body: { username: owner.username, password, mode: 'bearer' }, headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 5; i++) expect((await viaProxy('203.0.113.7', `wrong-${i}`)).status).toBe(401);
    expect((await viaProxy('203.0.113.7', owner.password)).status).toBe(429);
    expect((await viaProxy('198.51.100.2', owner.password)).status).toBe(200);
  });
});
