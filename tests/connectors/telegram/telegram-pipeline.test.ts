/**
 * End to end: the Telegram connector under the real runner, against a fake t.me, into the real
 * pipeline (Redis queue, Elasticsearch), with a burst longer than a page, a markup failure in the
 * middle and a restart. Every message must be stored exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../connectors/http/http-client';
import { createTelegramConnector, parseTelegramCursor } from '../../../connectors/telegram/telegram.connector';
import { createSourceHealthRepository } from '../../../src/repositories/source-health.repository';
import { runConnector } from '../../../workers/connector.runner';
import { eventually, startSystem, type TestSystem } from '../../helpers/system';
import { recordingIngest } from '../helpers/round-trip';
import { fixture, startFakeTelegram, type FakeTelegram } from './fake-telegram';

let sys: TestSystem;
let tg: FakeTelegram;
beforeAll(async () => {
  [sys, tg] = await Promise.all([startSystem({ withPipeline: true }), startFakeTelegram()]);
});
afterAll(async () => {
  await tg?.close();
  await sys?.stop();
});

describe('Telegram channel into the pipeline', () => {
  it('stores every post exactly once across a burst, a parse failure and a restart', async () => {
    const sourceId = 'telegram_channel:omsk_e2e';
    const channel = tg.channel('omsk_e2e', 'Омская область | Оперативно', Date.now() - 6 * 3600_000);
    channel.publish(30);
    const health = createSourceHealthRepository({ redis: sys.container.redis, prefix: sys.config.REDIS_PREFIX });
    const http = createHttpClient({
      allowedHosts: ['127.0.0.1'],
      addressPolicy: (address, target) => address === '127.0.0.1' && target.port === tg.server.port,
      retries: 0,
      timeoutMs: 2_000,
    });
    const { ingest, queued } = recordingIngest(sys);
    const deps = { ingest, cursors: sys.container.repos.cursors, log: sys.container.log, health, backoff: { baseMs: 10, maxMs: 20 } };
    const make = () => createTelegramConnector({ sourceId, channel: 'omsk_e2e', webUrl: tg.server.origin, municipality: 'omsk', http, pollIntervalMs: 20, initialPages: 2 });
    const newest = async () => parseTelegramCursor(await sys.container.repos.cursors.get(sourceId))?.newest ?? -1;

    // Run 1: the first run reads two pages (all 30), then a burst of 45 arrives, and one page
    // comes back with changed markup in the middle of the walk.
    const run1 = new AbortController();
    const running1 = runConnector(make(), deps, run1.signal);
    await eventually(async () => (await newest()) === 30, 10_000, 'first run');
    let served = 0;
    tg.body = (ch, before) => (++served === 2 ? fixture('channel-changed-markup.html').replaceAll('omsk_oper', ch.username) : ch.page(before));
    channel.publish(45);
    await eventually(async () => (await newest()) === 75, 10_000, 'burst walked');
    run1.abort();
    await running1;
    tg.body = null;

    // Run 2 after a restart: a few more posts.
    channel.publish(5);
    const run2 = new AbortController();
    const running2 = runConnector(make(), deps, run2.signal);
    await eventually(async () => (await newest()) === 80, 10_000, 'after restart');
    run2.abort();
    await running2;

    const expected = Array.from({ length: 80 }, (_, k) => `omsk_e2e/${k + 1}`);
    expect([...queued].sort()).toEqual([...expected].sort()); // each queued once
    const es = sys.container.es;
    await eventually(
      async () => {
        await es.indices.refresh({ index: sys.container.names.posts });
        return (await es.count({ index: sys.container.names.posts, query: { term: { source_id: sourceId } } })).count === 80;
      },
      20_000,
      'all 80 posts stored',
    );
    const stored = await es.count({ index: sys.container.names.posts, query: { terms: { id: expected.map((e) => `telegram:${e}`) } } });
    expect(stored.count).toBe(80);
    const doc = await es.search<{ url: string; author: { id: string; name: string }; engagement?: { views?: number }; municipality: string; text: string }>({
      index: sys.container.names.posts,
      query: { term: { id: 'telegram:omsk_e2e/42' } },
    });
    expect(doc.hits.hits[0]?._source).toMatchObject({
      url: 'https://t.me/omsk_e2e/42',
      author: { id: 'omsk_e2e', name: 'Омская область | Оперативно' },
      engagement: { views: 2500 }, // 1000 + 42 × 37 = 2554, shown as "2.5K"
      municipality: 'omsk',
    });

    const h = await health.get(sourceId);
    expect(h.itemsTotal).toBe(80);
    expect(h.errorsByKind).toEqual({ parse: 1 }); // the changed page was reported, not skipped
    expect(h.lastError).toContain('the markup has changed');
  });
});
