/**
 * Queue shutdown without crashes. A pipeline worker stopped by SIGTERM right after it started
 * crashed with exit code 1 instead of draining (CI, tests/integration/shutdown.test.ts): bullmq
 * drops a shared connection's listeners when a queue closes, and an initialisation still running
 * then (its version check) failed as the shared client quit, an `error` event nobody heard.
 * Queues now close once initialised (closeWhenReady), and a queue's connection errors are logged.
 * Later the same crash came through a worker (CI, the same test): a worker closed while its own
 * blocking connection still connected. Workers close the same way now.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis';
import type { Logger } from '../../src/lib/logger';
import { closeWhenReady, createQueue, createWorker } from '../../src/queue/queues';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const clients: ReturnType<typeof createRedis>[] = [];
const client = () => {
  const c = createRedis(url, { forBullmq: true, name: 'queue-errors' });
  clients.push(c);
  return c;
};
afterAll(() => clients.forEach((c) => c.disconnect()));
const prefix = () => `test-qerr-${randomBytes(3).toString('hex')}`;

describe('queue shutdown', () => {
  it('a queue closed while its shared connection still connects closes once initialised, and the client can quit after it', async () => {
    const warnings: string[] = [];
    const log = { warn: (_o: object, msg: string) => warnings.push(msg) } as unknown as Logger;
    const connection = client();
    expect(connection.status).not.toBe('ready');
    const queue = createQueue('posts', { connection, prefix: prefix(), policy: { attempts: 1 }, log });
    await closeWhenReady(queue);
    // It waited for the connection (and the version check) before closing.
    expect(connection.status).toBe('ready');
    await connection.quit();
    expect(warnings).toEqual([]);
  });

  it('a queue connection error is logged with the queue name, not thrown', async () => {
    const warnings: { queue: string; err: string; msg: string }[] = [];
    const log = { warn: (o: { queue: string; err: string }, msg: string) => warnings.push({ ...o, msg }) } as unknown as Logger;
    const queue = createQueue('posts', { connection: client(), prefix: prefix(), policy: { attempts: 1 }, log });
    // What bullmq emits when the connection fails under an initialising queue.
    expect(() => queue.emit('error', new Error('Connection is closed.'))).not.toThrow();
    expect(warnings).toEqual([{ queue: 'posts', err: 'Connection is closed.', msg: 'queue connection error' }]);
    await closeWhenReady(queue);
  });

  it('a worker closed right after it starts (its blocking connection still connecting) closes once ready: no unheard error', async () => {
    const unheard: string[] = [];
    const onUnhandled = (err: unknown) => unheard.push(err instanceof Error ? err.message : String(err));
    process.on('unhandledRejection', onUnhandled);
    const errors: string[] = [];
    const log = { child: () => log, error: (o: { err?: string }) => errors.push(o.err ?? ''), warn: () => undefined } as unknown as Logger;
    try {
      // Closed at once and a few milliseconds in: with bullmq's own close, about one of these in
      // ten left an unhandled "Connection is closed." from ioredis on this machine.
      for (const delayMs of [0, 1, 2, 3, 5, 8].flatMap((d) => [d, d, d, d, d])) {
        const connection = client();
        const worker = createWorker('escalations', async () => null, { connection, prefix: prefix(), log });
        void worker.run();
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        await closeWhenReady(worker);
        await connection.quit();
      }
      // An unhandled rejection is reported after the socket's close event; a last connection that
      // connects and quits puts a full round trip behind the others' sockets.
      const last = client();
      await last.ping();
      await last.quit();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unheard).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
