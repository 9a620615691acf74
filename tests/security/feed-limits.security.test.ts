/**
 * Finding 5: one user flooded the live feed (200 sockets on one token, each replaying from the
 * start). Now sockets per user are capped with a clear refusal, connects are rate-limited, a
 * replay is capped per reconnect and per minute; and `feed:ready` no longer hands out the
 * stream's head, which revealed when the newest out-of-scope event happened (finding 12).
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedReady } from '../../src/contracts/feed';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
const open: Socket[] = [];
beforeAll(async () => {
  sys = await startSystem({ withPipeline: false, env: { SOCKETS_PER_USER: '3', SOCKET_CONNECTS_PER_MINUTE: '8', SOCKET_REPLAY_MAX: '10' } });
});
afterAll(async () => {
  for (const s of open) s.disconnect();
  await sys?.stop();
});

type Outcome = { ok: true; socket: Socket; ready: FeedReady } | { ok: false; message: string; data: { reason?: string; message?: string } | undefined };

function attempt(token: string, lastCursor?: string): Promise<Outcome> {
  const socket = connect(sys.baseUrl, { auth: { token, ...(lastCursor ? { lastCursor } : {}) }, transports: ['websocket'], reconnection: false });
  open.push(socket);
  return new Promise((resolve) => {
    socket.once('feed:ready', (ready: FeedReady) => resolve({ ok: true, socket, ready }));
    socket.once('connect_error', (err: Error & { data?: { reason?: string; message?: string } }) => resolve({ ok: false, message: err.message, data: err.data }));
  });
}

describe('live feed limits', () => {
  it('caps sockets per user with a clear reason, and admits again once one closes', async () => {
    const token = await sys.login(await sys.createUser({ username: 'duty-tabs', role: 'operator' }));
    const first = await Promise.all([attempt(token), attempt(token), attempt(token)]);
    expect(first.every((o) => o.ok)).toBe(true);
    const fourth = await attempt(token);
    expect(fourth).toMatchObject({ ok: false, message: 'too_many_sockets', data: { reason: 'too_many_sockets' } });
    expect(fourth.ok ? '' : String(fourth.data?.message)).toMatch(/limit 3/);
    // Another user is not affected.
    expect((await attempt(await sys.login(await sys.createUser({ username: 'duty-other', role: 'operator' })))).ok).toBe(true);
    const one = first[0];
    if (one?.ok) one.socket.disconnect();
    await eventually(async () => (await attempt(token)).ok, 5000, 'a socket admitted after one closed');
  });

  it("the sweep's refresh keeps every user's registered sockets alive, one script run per user, and brings back none that left", async () => {
    const registry = sys.container.repos.socketRegistry;
    const key = (userId: string) => `${sys.config.REDIS_PREFIX}:sockets:${userId}`;
    for (const [userId, socketKey] of [['refresh-a', 'a1'], ['refresh-a', 'a2'], ['refresh-b', 'b1'], ['refresh-b', 'b2']] as const) {
      expect(await registry.register(userId, socketKey, 10, 2000)).toBe(true);
    }
    await registry.unregister('refresh-b', 'b2');
    const before = Date.now();
    await registry.refresh(
      [
        { userId: 'refresh-a', socketKey: 'a1' },
        { userId: 'refresh-b', socketKey: 'b1' },
        { userId: 'refresh-a', socketKey: 'a2' },
        { userId: 'refresh-b', socketKey: 'b2' },
      ],
      60_000,
    );
    for (const [userId, socketKey] of [['refresh-a', 'a1'], ['refresh-a', 'a2'], ['refresh-b', 'b1']] as const) {
      expect(Number(await sys.container.redis.zscore(key(userId), socketKey))).toBeGreaterThanOrEqual(before + 55_000);
    }
    expect(await sys.container.redis.zscore(key('refresh-b'), 'b2')).toBeNull();
    expect(await sys.container.redis.pttl(key('refresh-a'))).toBeGreaterThan(55_000);
  });

  it('limits connection attempts per user and minute', async () => {
    const token = await sys.login(await sys.createUser({ username: 'duty-reconnect', role: 'operator' }));
    for (let i = 0; i < 8; i++) {
      const o = await attempt(token);
      expect(o.ok).toBe(true);
      if (o.ok) o.socket.disconnect();
    }
    expect(await attempt(token)).toMatchObject({ ok: false, message: 'rate_limited' });
  });

  it('replays at most SOCKET_REPLAY_MAX events; further behind, the client reloads', async () => {
    const token = await sys.login(await sys.createUser({ username: 'duty-replay', role: 'operator' }));
    const before = await sys.container.repos.feed.head();
    for (let i = 0; i < 12; i++) await sys.container.repos.feed.publish({ incidentId: `inc:none-${i}`, sector: 'housing', municipality: 'omsk' });
    const o = await attempt(token, before);
    expect(o).toMatchObject({ ok: true, ready: { replayed: 0, resync: true } });
  });

  it('limits replayed events per user and minute across reconnects', async () => {
    const token = await sys.login(await sys.createUser({ username: 'duty-loop', role: 'operator' }));
    const before = await sys.container.repos.feed.head();
    for (let i = 0; i < 9; i++) await sys.container.repos.feed.publish({ incidentId: `inc:loop-${i}`, sector: 'housing', municipality: 'omsk' });
    const resyncs: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const o = await attempt(token, before);
      if (!o.ok) throw new Error(o.message);
      resyncs.push(o.ready.resync);
      o.socket.disconnect();
    }
    // 9 events a time, 40 a minute: the fifth reconnect from the same cursor is sent to REST.
    expect(resyncs).toEqual([false, false, false, false, true, true]);
  });

  it('hands out a cursor of the caller\'s own events, not the newest out-of-scope one', async () => {
    const token = await sys.login(await sys.createUser({ username: 'duty-housing', role: 'operator', scope: { sectors: ['housing'], municipalities: 'all' } }));
    const mine = await sys.container.repos.feed.publish({ incidentId: 'inc:mine', sector: 'housing', municipality: 'omsk' });
    const theirs = await sys.container.repos.feed.publish({ incidentId: 'inc:theirs', sector: 'transport', municipality: 'omsk' });
    const o = await attempt(token);
    if (!o.ok) throw new Error(o.message);
    expect(o.ready.cursor).toBe(mine);
    expect(o.ready.cursor).not.toBe(theirs);
  });
});
