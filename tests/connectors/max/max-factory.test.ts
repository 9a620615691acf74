import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, readCaBundle } from '../../../connectors/http/http-client';
import { BOT_TOKEN, FakeMaxApi } from './fake-max-api';
import { loadConfig } from '../../../src/config/env';
import type { Source } from '../../../src/domain/source';
import { ConnectorConfigError, createConnectorFor } from '../../../workers/connector.factory';
import { sameLimiterForEveryNetwork } from '../helpers/limiters';

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
  rateLimiters: sameLimiterForEveryNetwork(createMemoryRateLimiter({ ratePerSecond: 3, burst: 3 })),
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

describe('MAX TLS: the national root CA from MAX_CA_FILE', () => {
  const tls = (f: string) => new URL(`./tls/${f}`, import.meta.url);
  const abort = new AbortController().signal;

  it('defaults to platform-api2.max.ru', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).MAX_API_URL).toBe('https://platform-api2.max.ru');
  });

  it('trusts a server whose certificate the bundle\'s root issued; without the bundle the call fails on TLS', async () => {
    const api = new FakeMaxApi();
    api.post('-70123456789', 'Сообщение через TLS', Date.now() - 60_000);
    const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
    api.attach({ route: (path: string, h: (req: IncomingMessage, res: ServerResponse) => void) => void routes.set(path, h) } as never);
    const server = createHttpsServer({ cert: readFileSync(tls('server.pem')), key: readFileSync(tls('server.key')) }, (req, res) => {
      const h = routes.get(new URL(req.url ?? '/', 'https://x').pathname);
      if (h) h(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const build = (env: Record<string, string>) =>
      createConnectorFor(source, {
        ...ctx({ MAX_BOT_TOKEN: BOT_TOKEN, MAX_API_URL: `https://127.0.0.1:${port}`, ...env }),
        addressPolicy: (address: string, target: { port: number }) => address === '127.0.0.1' && target.port === port,
      })!;
    try {
      const page = await build({ MAX_CA_FILE: tls('test-root-ca.pem').pathname }).fetchPage(null, abort);
      expect(page.posts.map((p) => p.text)).toEqual(['Сообщение через TLS']);
      await expect(build({}).fetchPage(null, abort)).rejects.toThrow(/certificate/i);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a missing or empty bundle is a clear configuration error of the source, not a crash', () => {
    expect(() => createConnectorFor(source, ctx({ MAX_BOT_TOKEN: BOT_TOKEN, MAX_CA_FILE: '/nonexistent/russian_trusted_root_ca.pem' }))).toThrow(
      /^max_chat:-70123456789: MAX_CA_FILE: CA bundle \/nonexistent\/russian_trusted_root_ca\.pem cannot be read/,
    );
    expect(() => readCaBundle(tls('README.md').pathname)).toThrow(/holds no PEM certificate/);
    expect(readCaBundle(tls('test-root-ca.pem').pathname)).toHaveLength(1);
  });
});
