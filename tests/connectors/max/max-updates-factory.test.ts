/**
 * Wiring of the MAX updates stream: when the supervisor gets a stream, how routes follow the
 * registry, and how the per-chat connector steps back to backfill and catch-up behind it.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, publicAddressesOnly } from '../../../connectors/http/http-client';
import { maxUpdatesStreamId } from '../../../connectors/max/max.updates';
import { loadConfig } from '../../../src/config/env';
import type { Source } from '../../../src/domain/source';
import { createConnectorFor, MAX_CATCH_UP_POLL_MS, maxUpdatesStreams, type ConnectorContext } from '../../../workers/connector.factory';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';
import { BOT_TOKEN, FakeMaxApi } from './fake-max-api';
import { sameLimiterForEveryNetwork } from '../helpers/limiters';

let server: FakeServer;
const api = new FakeMaxApi();
beforeAll(async () => {
  server = await startFakeServer();
  api.attach(server);
});
afterAll(() => server.close());

const chat = (chatId: string, over: Partial<Source> = {}): Source =>
  ({
    id: `max_chat:${chatId}`,
    kind: 'max_chat',
    title: `Чат ${chatId}`,
    municipality: 'omsk',
    status: 'active',
    createdAt: '2026-11-23T00:00:00.000Z',
    updatedAt: '2026-11-23T00:00:00.000Z',
    settings: { chatId },
    ...over,
  }) as Source;
const rss = { id: 'rss:x', kind: 'rss', title: 'Лента', municipality: 'omsk', status: 'active', createdAt: '', updatedAt: '', settings: { url: 'https://omsk-news.example/rss', flavour: 'news' } } as Source;

function ctx(env: Record<string, string>, maxUpdates?: ConnectorContext['maxUpdates']): ConnectorContext {
  return {
    config: loadConfig({ NODE_ENV: 'test', MAX_API_URL: server.origin, ...env }),
    rateLimiters: sameLimiterForEveryNetwork(createMemoryRateLimiter({ ratePerSecond: 50, burst: 50 })),
    addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
    log: pino({ level: 'silent' }),
    ...(maxUpdates ? { maxUpdates } : {}),
  };
}

describe('MAX updates stream wiring', () => {
  it('yields one stream per bot token only while a max_chat source is active, and only when enabled with a token', () => {
    const streams = maxUpdatesStreams(ctx({ MAX_BOT_TOKEN: BOT_TOKEN }, {}));
    expect(streams([rss])).toEqual([]);
    expect(streams([chat('-701'), chat('-702'), rss]).map((s) => s.id)).toEqual([maxUpdatesStreamId(BOT_TOKEN)]);
    expect(maxUpdatesStreamId(BOT_TOKEN)).toMatch(/^max_updates:[0-9a-f]{12}$/);
    expect(streams([chat('-701', { status: 'paused' })])).toEqual([]);
    expect(maxUpdatesStreams(ctx({}, {}))([chat('-701')])).toEqual([]); // no token
    expect(maxUpdatesStreams(ctx({ MAX_BOT_TOKEN: BOT_TOKEN }))([chat('-701')])).toEqual([]); // not enabled
  });

  it('routes follow the registry on every reload, the running connector included', async () => {
    const streams = maxUpdatesStreams(ctx({ MAX_BOT_TOKEN: BOT_TOKEN }, { longPollSec: 1 }));
    const [spec] = streams([chat('-701')]);
    const connector = spec!.build();
    api.chat('-701');
    api.chat('-702');
    const t = Date.now() - 60_000; // within the first call's backfill (24 h)
    api.post('-701', 'Первое', t);
    api.post('-702', 'Второе, чат ещё не в реестре', t + 1_000);
    const page = await connector.fetchPage(null, new AbortController().signal);
    expect(page.posts.map((p) => [p.sourceId, p.municipality, p.author.name])).toEqual([['max_chat:-701', 'omsk', 'Анна Кузнецова']]);

    // The next reload adds -702 (a region-wide source: no municipality) and drops -701.
    streams([chat('-702', { municipality: 'region', title: 'Областной канал' })]);
    api.post('-701', 'Уже не в реестре', t + 2_000);
    api.post('-702', 'Теперь в реестре', t + 3_000);
    const page2 = await connector.fetchPage(page.nextCursor, new AbortController().signal);
    expect(page2.posts.map((p) => p.text)).toEqual(['Теперь в реестре']);
    expect(page2.posts[0]!.sourceId).toBe('max_chat:-702');
    expect(page2.posts[0]).not.toHaveProperty('municipality');
  });

  it('behind the stream a max_chat connector backfills at once, then idles for the catch-up interval', async () => {
    api.chat('-703');
    api.post('-703', 'История чата', Date.now() - 60_000);
    const signal = new AbortController().signal;
    const behind = createConnectorFor(chat('-703', { pollIntervalSec: 60 }), ctx({ MAX_BOT_TOKEN: BOT_TOKEN }, {}))!;
    const page = await behind.fetchPage(null, signal);
    expect(page.posts.map((p) => p.text)).toEqual(['История чата']);
    expect(page.waitMs).toBe(MAX_CATCH_UP_POLL_MS);
    // A source asking for a longer interval keeps it; without the stream the source's own interval holds.
    expect((await createConnectorFor(chat('-703', { pollIntervalSec: 3600 }), ctx({ MAX_BOT_TOKEN: BOT_TOKEN }, {}))!.fetchPage(null, signal)).waitMs).toBe(3_600_000);
    expect((await createConnectorFor(chat('-703', { pollIntervalSec: 60 }), ctx({ MAX_BOT_TOKEN: BOT_TOKEN }))!.fetchPage(null, signal)).waitMs).toBe(60_000);
  });
});
