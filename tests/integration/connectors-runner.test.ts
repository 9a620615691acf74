import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ConnectorPage } from '../../src/domain/connector';
import { createSourceHealthRepository } from '../../src/repositories/source-health.repository';
import { runConnector } from '../../workers/connector.runner';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
});
afterAll(async () => {
  await sys?.stop();
});

class FloodError extends Error {
  readonly kind = 'rate_limited';
  constructor(readonly retryAfterMs: number) {
    super('flood wait, see https://api.vk.com/method/wall.get?access_token=SECRET');
  }
}

describe('connector runner', () => {
  it('records health per source, obeys Retry-After, and saves the cursor only after queueing', async () => {
    const health = createSourceHealthRepository({ redis: sys.container.redis, prefix: sys.config.REDIS_PREFIX });
    const published = new Date(Date.now() - 60_000).toISOString();
    let calls = 0;
    const callTimes: number[] = [];
    const cursorsSeen: (string | null)[] = [];
    const connector: Connector = {
      sourceId: 'test:flaky',
      async fetchPage(cursor): Promise<ConnectorPage> {
        calls++;
        cursorsSeen.push(cursor);
        if (calls === 1) return { posts: [complaintPost({ publishedAt: published }), complaintPost({ publishedAt: published })], nextCursor: 'c1', waitMs: 0 };
        if (calls === 2) {
          callTimes.push(Date.now());
          throw new FloodError(700);
        }
        callTimes.push(Date.now());
        return { posts: [], nextCursor: null, waitMs: 60_000 };
      },
    };
    const ctl = new AbortController();
    const run = runConnector(connector, { ingest: sys.container.services.ingest, cursors: sys.container.repos.cursors, log: sys.container.log, health, backoff: { baseMs: 10, maxMs: 20 } }, ctl.signal);
    await eventually(() => calls >= 3, 5000, 'third page');
    ctl.abort();
    await run;

    expect(callTimes[1]! - callTimes[0]!).toBeGreaterThanOrEqual(650); // waited for Retry-After, not the 20 ms back-off
    expect(cursorsSeen.slice(0, 3)).toEqual([null, 'c1', 'c1']); // the failed page did not move it
    expect(await sys.container.repos.cursors.get('test:flaky')).toBe('c1');
    const h = await health.get('test:flaky');
    expect(h.itemsTotal).toBe(2);
    expect(h.itemsLastHour).toBe(2);
    expect(h.errorsByKind).toEqual({ rate_limited: 1 });
    expect(h.lagMs).toBeGreaterThanOrEqual(59_000);
    expect(h.lastSuccessAt).not.toBeNull();
    expect(h.lastError).not.toContain('SECRET'); // tokens in URLs never reach storage
  });
});
