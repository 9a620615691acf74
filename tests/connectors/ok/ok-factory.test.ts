import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../../connectors/http/http-client';
import { loadConfig } from '../../../src/config/env';
import type { Source } from '../../../src/domain/source';
import { ConnectorConfigError, createConnectorFor } from '../../../workers/connector.factory';
import { sameLimiterForEveryNetwork } from '../helpers/limiters';

const source: Source = {
  id: 'ok_group:54321987650001',
  kind: 'ok_group',
  title: 'Администрация Центрального района',
  municipality: 'omsk',
  status: 'active',
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
  settings: { groupId: '54321987650001', comments: true },
};
const ctx = (env: Record<string, string>) => ({
  config: loadConfig({ NODE_ENV: 'test', ...env }),
  rateLimiters: sameLimiterForEveryNetwork(createMemoryRateLimiter({ ratePerSecond: 3, burst: 3 })),
  log: pino({ level: 'silent' }),
});

describe('connector factory: ok_group', () => {
  it('refuses to build without the OK credentials, naming the missing variables only', () => {
    const err = (() => {
      try {
        createConnectorFor(source, ctx({ OK_ACCESS_TOKEN: 'secret-token-value' }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConnectorConfigError);
    expect((err as Error).message).toBe('ok_group:54321987650001: OK_APPLICATION_KEY, OK_SESSION_SECRET_KEY not set');
    expect((err as Error).message).not.toContain('secret-token-value');
  });

  it('builds the OK connector when the credentials are set', () => {
    const c = createConnectorFor(source, ctx({ OK_APPLICATION_KEY: 'CBAFJIICABABABABA', OK_ACCESS_TOKEN: 'tkn', OK_SESSION_SECRET_KEY: 'abc' }));
    expect(c?.sourceId).toBe(source.id);
  });
});
