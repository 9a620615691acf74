/** Finding 12: webhook senders' secrets were kept in Redis as they are; now sealed like TOTP secrets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAppeal } from '../../src/services/webhook.service';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let admin: string;
beforeAll(async () => {
  sys = await startSystem({ withPipeline: false, env: { TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') } });
  admin = await sys.login(await sys.createUser({ username: 'chief-seal', role: 'admin' }));
});
afterAll(async () => {
  await sys?.stop();
});

describe('webhook secrets at rest', () => {
  it('are sealed in Redis, and the sender still authenticates with the secret it was given', async () => {
    const res = await fetch(`${sys.baseUrl}/api/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'webhook', title: 'Платформа обратной связи', municipality: 'omsk', settings: { senderId: 'sealed-sender' } }),
    });
    expect(res.status).toBe(201);
    const { secret } = (await res.json()) as { secret: string };
    const stored = await sys.container.redis.hget(`${sys.config.REDIS_PREFIX}:webhook-secrets`, 'sealed-sender');
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain(secret);

    const body = JSON.stringify({ id: 'sealed-1', text: 'Не горит фонарь у дома 5 по улице Ленина, темно и опасно вечером.', createdAt: new Date().toISOString() });
    const ts = String(Math.floor(Date.now() / 1000));
    const push = await fetch(`${sys.baseUrl}/api/webhooks/appeals/sealed-sender`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dozor-timestamp': ts, 'x-dozor-signature': signAppeal(secret, ts, body) }, body });
    expect(push.status).toBe(202);
  });
});
