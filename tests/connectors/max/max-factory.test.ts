import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../../connectors/http/http-client';
import { loadConfig } from '../../../src/config/env';
import type { Source } from '../../../src/domain/source';
import { ConnectorConfigError, createConnectorFor } from '../../../workers/connector.factory';

const source: Source = {
  id: 'max_chat:-70123456789',
  kind: 'max_chat',
  title: 'Чат жильцов',
  municipality: 'omsk',
  status: 'active',
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
  settings: { chatId: '-70123456789' },
};
const ctx = (env: Record<string, string>) => ({
  config: loadConfig({ NODE_ENV: 'test', ...env }),
  rateLimiter: createMemoryRateLimiter({ ratePerSecond: 3, burst: 3 }),
  log: pino({ level: 'silent' }),
});

describe('connector factory: max_chat', () => {
  it('refuses to build without MAX_BOT_TOKEN', () => {
    const err = (() => {
      try {
        createConnectorFor(source, ctx({}));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConnectorConfigError);
    expect((err as Error).message).toBe('max_chat:-70123456789: MAX_BOT_TOKEN is not set');
  });

  it('builds the MAX connector when the token is set', () => {
    const c = createConnectorFor(source, ctx({ MAX_BOT_TOKEN: 'maxbot-f9Q2rT7yU1iO3pA5' }));
    expect(c?.sourceId).toBe(source.id);
  });
});
