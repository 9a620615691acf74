/**
 * The connector factory takes its rate limiter by network from the composition root's typed map,
 * never by the shape of a bucket key: each source's first request asks its own family, under the
 * token-hash or host key. Requests are refused at the limiter, so nothing leaves the process.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../../connectors/http/rate-limiter';
import { loadConfig } from '../../../src/config/env';
import type { Source } from '../../../src/domain/source';
import { createConnectorFor, type ConnectorRateLimiters } from '../../../workers/connector.factory';

const config = loadConfig({
  ...process.env,
  VK_ACCESS_TOKEN: 'vk1.a.wiring-test-token-0123456789',
  OK_APPLICATION_KEY: 'CBAWIRINGKEY',
  OK_ACCESS_TOKEN: 'ok-wiring-access-token-0123456789',
  OK_SESSION_SECRET_KEY: 'ok-wiring-session-secret',
  MAX_BOT_TOKEN: 'max-wiring-bot-token-0123456789',
});
const base = { title: 't', municipality: 'omsk', status: 'active' as const, createdAt: '', updatedAt: '' };
const SOURCES: Source[] = [
  { ...base, id: 'vk_wall:omsk_adm', kind: 'vk_wall', settings: { owner: 'omsk_adm', comments: false } },
  { ...base, id: 'vk_search:яма', kind: 'vk_search', settings: { query: 'яма' } },
  { ...base, id: 'ok_group:1', kind: 'ok_group', settings: { groupId: '1', comments: false } },
  { ...base, id: 'max_chat:-1', kind: 'max_chat', settings: { chatId: '-1' } },
  { ...base, id: 'telegram_channel:omsk', kind: 'telegram_channel', settings: { channel: 'omsk' } },
  { ...base, id: 'rss:https://example.org/feed', kind: 'rss', settings: { url: 'https://example.org/feed', flavour: 'news' } },
];

describe('connector wiring by network', () => {
  it('each network asks its own limiter family, keyed by a token hash or a host', async () => {
    const asked: { family: string; key: string }[] = [];
    const family = (name: string): RateLimiter => ({
      acquire: (key) => {
        asked.push({ family: name, key });
        return Promise.reject(new Error('stop here'));
      },
    });
    const rateLimiters: ConnectorRateLimiters = { vk: family('vk'), ok: family('ok'), max: family('max'), telegram: family('telegram'), web: family('web') };
    for (const source of SOURCES) {
      const connector = createConnectorFor(source, { config, rateLimiters, log: pino({ level: 'silent' }) })!;
      await expect(connector.fetchPage(null, new AbortController().signal)).rejects.toThrow();
    }
    expect(asked.map((a) => a.family)).toEqual(['vk', 'vk', 'ok', 'max', 'telegram', 'web']);
    expect(asked[0]!.key).toMatch(/^vk:[0-9a-f]{12}$/);
    expect(asked[2]!.key).toMatch(/^ok:[0-9a-f]{12}$/);
    expect(asked[3]!.key).toMatch(/^max:[0-9a-f]{12}$/);
    expect(asked[4]!.key).toBe('host:t.me');
    expect(asked[5]!.key).toBe('host:example.org');
    for (const a of asked) expect(a.key).not.toContain('token');
  });
});
