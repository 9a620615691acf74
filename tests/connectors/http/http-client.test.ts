import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpClient,
  createMemoryRateLimiter,
  HttpError,
  isPublicAddress,
  parseRetryAfter,
  publicAddressesOnly,
  type AddressPolicy,
  type HttpClientOptions,
  type HttpErrorKind,
} from '../../../connectors/http/http-client';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';

let server: FakeServer;
/** A second loopback server standing in for something internal a redirect must never reach. */
let internal: FakeServer;
/** Admits exactly the fake server's endpoint; everything else goes through the default policy. */
let onlyFakeServer: AddressPolicy;

beforeAll(async () => {
  server = await startFakeServer();
  internal = await startFakeServer();
  internal.route('/secret', (_req, res) => res.end('internal data'));
  onlyFakeServer = (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target);
});
afterAll(async () => {
  await server.close();
  await internal.close();
});

function client(extra: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    allowedHosts: ['127.0.0.1'],
    addressPolicy: onlyFakeServer,
    timeoutMs: 2_000,
    retries: 3,
    backoff: { baseMs: 1, maxMs: 5 },
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    return err as HttpError;
  }
  throw new Error('expected the request to fail');
}

async function expectKind(promise: Promise<unknown>, kind: HttpErrorKind, message?: RegExp): Promise<HttpError> {
  const err = await failure(promise);
  expect(err.kind).toBe(kind);
  if (message) expect(err.message).toMatch(message);
  return err;
}

describe('default address policy', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.251',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '64:ff9b::a00:1',
    '2002:7f00:1::1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '5.255.255.242', '172.32.0.1', '100.128.0.1', '2a02:6b8::2:242', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'admits %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('refuses the loopback fake server itself, before any byte is sent', async () => {
    server.route('/default-policy', (_req, res) => res.end('ok'));
    const http = createHttpClient({ allowedHosts: ['127.0.0.1', 'localhost', 'feeds.example'], retries: 0 });
    await expectKind(http.request(`${server.origin}/default-policy`), 'forbidden_address', /127\.0\.0\.1.*not allowed/);
    await expectKind(http.request(`http://[::ffff:127.0.0.1]:${server.port}/default-policy`), 'forbidden_host');
    expect(server.hits('/default-policy')).toBe(0);
  });

  it('checks every resolved address of a host name', async () => {
    const resolveTo =
      (...addresses: string[]) =>
      () =>
        Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    const base = { allowedHosts: ['feeds.example'], retries: 0 };
    await expectKind(
      createHttpClient({ ...base, resolve: resolveTo('10.1.2.3') }).request('http://feeds.example/rss'),
      'forbidden_address',
      /10\.1\.2\.3/,
    );
    await expectKind(
      createHttpClient({ ...base, resolve: resolveTo('8.8.8.8', '169.254.169.254') }).request('http://feeds.example/rss'),
      'forbidden_address',
      /169\.254/,
    );
    await expectKind(
      createHttpClient({ ...base, resolve: resolveTo('::ffff:127.0.0.1') }).request('https://feeds.example/rss'),
      'forbidden_address',
    );
  });

  it('connects to the address it checked (the pinned lookup), not to a fresh DNS answer', async () => {
    server.route('/pinned', (req, res) => res.end(`host=${req.headers.host}`));
    const http = client({ allowedHosts: ['feeds.example'], resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) });
    const res = await http.request(`http://feeds.example:${server.port}/pinned`);
    expect(res.body.toString()).toBe(`host=feeds.example:${server.port}`);
  });
});

describe('allow-list', () => {
  it('refuses hosts outside it and non-http schemes', async () => {
    const http = client();
    await expectKind(http.request('http://evil.example/'), 'forbidden_host', /evil\.example.*allow-list/);
    await expectKind(http.request('file:///etc/passwd'), 'forbidden_host', /file:/);
    await expectKind(http.request('not a url'), 'forbidden_host', /invalid URL/);
  });

  it('admits sub-domains only through a *. entry', async () => {
    const resolve = () => Promise.resolve([{ address: '10.0.0.1', family: 4 }]);
    const http = createHttpClient({ allowedHosts: ['*.dzen.ru'], resolve, retries: 0 });
    await expectKind(http.request('https://zen.dzen.ru/x'), 'forbidden_address'); // host passed, address refused
    await expectKind(http.request('https://dzen.ru/x'), 'forbidden_host');
    await expectKind(http.request('https://evildzen.ru/x'), 'forbidden_host');
  });
});

describe('timeouts and retries', () => {
  it('times out a server that never answers, retrying once', async () => {
    server.route('/hang', () => undefined);
    const started = Date.now();
    await expectKind(client({ timeoutMs: 150, retries: 1 }).request(`${server.origin}/hang`), 'timeout', /150 ms/);
    expect(server.hits('/hang')).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a DNS lookup that never answers', async () => {
    const http = client({ allowedHosts: ['feeds.example'], resolve: () => new Promise(() => undefined), timeoutMs: 100, retries: 0 });
    await expectKind(http.request('http://feeds.example/rss'), 'timeout');
  });

  it('times out a body that stalls half-way', async () => {
    server.route('/stall', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<rss>');
    });
    await expectKind(client({ timeoutMs: 150, retries: 0 }).request(`${server.origin}/stall`), 'timeout');
  });

  it('retries 503 and returns the success', async () => {
    server.route('/flaky', (_req, res, hit) => (hit < 3 ? res.writeHead(503).end('busy') : res.end('<rss/>')));
    const res = await client().request(`${server.origin}/flaky`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('<rss/>');
    expect(server.hits('/flaky')).toBe(3);
  });

  it('gives up after the configured retries with the last status', async () => {
    server.route('/down', (_req, res) => res.writeHead(502).end());
    const err = await expectKind(client({ retries: 2 }).request(`${server.origin}/down`), 'status', /HTTP 502/);
    expect(err.status).toBe(502);
    expect(server.hits('/down')).toBe(3);
  });

  it('does not retry other 4xx', async () => {
    server.route('/gone', (_req, res) => res.writeHead(410).end());
    await expectKind(client().request(`${server.origin}/gone`), 'status');
    expect(server.hits('/gone')).toBe(1);
  });

  it('waits for Retry-After seconds on 429', async () => {
    server.route('/limited', (_req, res, hit) => (hit === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.end('ok')));
    const started = Date.now();
    const res = await client({ backoff: { baseMs: 1, maxMs: 1 } }).request(`${server.origin}/limited`);
    expect(res.body.toString()).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.hits('/limited')).toBe(2);
  });

  it('does not sleep through a Retry-After longer than the cap: the error carries it', async () => {
    server.route('/limited-long', (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const err = await expectKind(client({ maxRetryAfterMs: 5_000 }).request(`${server.origin}/limited-long`), 'status');
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(server.hits('/limited-long')).toBe(1);
  });

  it('parses Retry-After as seconds or an HTTP-date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('reports a refused connection as a network error', async () => {
    const gone = await startFakeServer();
    const port = gone.port;
    await gone.close();
    const policy: AddressPolicy = (a, t) => a === '127.0.0.1' && t.port === port;
    await expectKind(client({ addressPolicy: policy, retries: 1 }).request(`http://127.0.0.1:${port}/`), 'network', /ECONNREFUSED/);
  });

  it("stops at once when the caller's signal aborts, without retrying", async () => {
    server.route('/slow', () => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(client({ timeoutMs: 5_000 }).request(`${server.origin}/slow`, { signal: controller.signal })).rejects.toThrow(
      'shutting down',
    );
    expect(server.hits('/slow')).toBe(1);
  });
});

describe('response size', () => {
  const max = 64 * 1024;

  it('refuses a declared Content-Length over the cap', async () => {
    server.route('/big-declared', (_req, res) => res.writeHead(200, { 'content-length': String(max + 1) }).end(Buffer.alloc(max + 1)));
    await expectKind(client({ maxBodyBytes: max }).request(`${server.origin}/big-declared`), 'too_large', /larger than 65536 bytes/);
    expect(server.hits('/big-declared')).toBe(1);
  });

  it('aborts a chunked body once it passes the cap', async () => {
    server.route('/big-chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      for (let i = 0; i < 100; i++) res.write(Buffer.alloc(16 * 1024, 0x61));
      res.end();
    });
    await expectKind(client({ maxBodyBytes: max }).request(`${server.origin}/big-chunked`), 'too_large');
  });

  it('counts decompressed bytes, so a gzip bomb is too large too', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    server.route('/bomb', (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    expect(bomb.length).toBeLessThan(max);
    await expectKind(client({ maxBodyBytes: max }).request(`${server.origin}/bomb`), 'too_large');
  });

  it('decodes a normal gzip body', async () => {
    server.route('/gz', (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('<rss>привет</rss>')));
    expect((await client().request(`${server.origin}/gz`)).body.toString()).toBe('<rss>привет</rss>');
  });
});

describe('redirects', () => {
  it('follows a relative redirect within the allow-list and reports the final URL', async () => {
    server.route('/moved', (_req, res) => res.writeHead(301, { location: '/feed.xml' }).end());
    server.route('/feed.xml', (_req, res) => res.end('<rss/>'));
    const res = await client().request(`${server.origin}/moved`);
    expect(res.body.toString()).toBe('<rss/>');
    expect(res.url).toBe(`${server.origin}/feed.xml`);
  });

  it('refuses a redirect to a host outside the allow-list', async () => {
    server.route('/to-evil', (_req, res) => res.writeHead(302, { location: 'https://evil.example/' }).end());
    await expectKind(client().request(`${server.origin}/to-evil`), 'forbidden_host', /evil\.example/);
    expect(server.hits('/to-evil')).toBe(1);
  });

  it('refuses a redirect to another loopback endpoint (default policy decides it)', async () => {
    server.route('/to-internal', (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/secret` }).end());
    await expectKind(client().request(`${server.origin}/to-internal`), 'forbidden_address', /127\.0\.0\.1/);
    expect(internal.hits('/secret')).toBe(0);
  });

  it('refuses a redirect to ::1, to a private address and to cloud metadata', async () => {
    const http = client({ allowedHosts: ['127.0.0.1', '::1', '10.0.0.7', '169.254.169.254'] });
    for (const target of [`http://[::1]:${server.port}/x`, 'http://10.0.0.7/x', 'http://169.254.169.254/latest/meta-data/']) {
      server.route('/to-private', (_req, res) => res.writeHead(307, { location: target }).end());
      await expectKind(http.request(`${server.origin}/to-private`), 'forbidden_address');
    }
  });

  it('stops after 5 redirects', async () => {
    server.route('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
    await expectKind(client().request(`${server.origin}/loop`), 'too_many_redirects', /more than 5/);
    expect(server.hits('/loop')).toBe(6);
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    server.route('/auth-hop', (_req, res) => res.writeHead(302, { location: `http://feeds.example:${server.port}/auth-echo` }).end());
    server.route('/auth-echo', (req, res) => res.end(String(req.headers.authorization)));
    const http = client({
      allowedHosts: ['127.0.0.1', 'feeds.example'],
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    });
    const res = await http.request(`${server.origin}/auth-hop`, { headers: { Authorization: 'Bearer secret' } });
    expect(res.body.toString()).toBe('undefined');
  });
});

// Self-signed certificate for "feeds.example", generated for these tests only (valid 100 years).
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBoTCCAUegAwIBAgIUQ7jpUasl6shm6NWKPDsXfZY8qN4wCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNZmVlZHMuZXhhbXBsZTAgFw0yNjExMjMxMTE0MDRaGA8yMTI2
MTAzMDExMTQwNFowGDEWMBQGA1UEAwwNZmVlZHMuZXhhbXBsZTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABKrA2NwPqmOTWTEUCK9bJ99Hc3X6P7XYQ1C//LlSC0yF
FknlEbnI1ygLRGfS4g+78SbofN7+euVU39ltRUBZ6kajbTBrMB0GA1UdDgQWBBSD
OjiXuGFH5AHVoEfCZNxUzsHBCjAfBgNVHSMEGDAWgBSDOjiXuGFH5AHVoEfCZNxU
zsHBCjAPBgNVHRMBAf8EBTADAQH/MBgGA1UdEQQRMA+CDWZlZWRzLmV4YW1wbGUw
CgYIKoZIzj0EAwIDSAAwRQIhAL4dhm+CEs63N8JY2iUt/SiVUW/7ismXMGA65KUh
GlQeAiAJgGf3VQCGpo9Uv3OxkzpST4ZHBZjExkd4ISGcyvTKYw==
-----END CERTIFICATE-----`;
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgk0B/0sIkEl72VS5p
0cdKh8zuL1tMGbqqGUWBGxBW+vWhRANCAASqwNjcD6pjk1kxFAivWyffR3N1+j+1
2ENQv/y5UgtMhRZJ5RG5yNcoC0Rn0uIPu/Em6Hze/nrlVN/ZbUVAWepG
-----END PRIVATE KEY-----`;

describe('https', () => {
  it('verifies the certificate against the host name while connecting to the pinned address', async () => {
    const tlsServer = createHttpsServer({ cert: TEST_CERT, key: TEST_KEY }, (_req, res) => res.end('<feed/>'));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const port = (tlsServer.address() as AddressInfo).port;
    try {
      const base = {
        allowedHosts: ['feeds.example'],
        resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
        addressPolicy: ((a, t) => a === '127.0.0.1' && t.port === port) satisfies AddressPolicy,
        retries: 0,
      };
      const res = await createHttpClient({ ...base, extraCaCerts: [TEST_CERT] }).request(`https://feeds.example:${port}/atom`);
      expect(res.body.toString()).toBe('<feed/>');
      // Without the extra root the same server is untrusted.
      await expectKind(createHttpClient(base).request(`https://feeds.example:${port}/atom`), 'network', /self.signed/i);
    } finally {
      tlsServer.closeAllConnections();
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });
});

describe('rate limiter', () => {
  it('spaces requests past the burst at the configured rate', async () => {
    const limiter = createMemoryRateLimiter({ ratePerSecond: 20, burst: 2 });
    const signal = new AbortController().signal;
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire('token-a', signal)));
    // 2 at once, then 4 more at 50 ms each.
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    const other = Date.now();
    await limiter.acquire('token-b', signal);
    expect(Date.now() - other).toBeLessThan(30);
  });

  it('rejects a waiting acquire when the signal aborts', async () => {
    const limiter = createMemoryRateLimiter({ ratePerSecond: 0.1, burst: 1 });
    const controller = new AbortController();
    await limiter.acquire('k', controller.signal);
    const waiting = limiter.acquire('k', controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  it('is applied to every attempt of the client', async () => {
    server.route('/paced', (_req, res, hit) => (hit < 3 ? res.writeHead(500).end() : res.end('ok')));
    const acquired: string[] = [];
    const rateLimiter = {
      acquire: (key: string) => {
        acquired.push(key);
        return Promise.resolve();
      },
    };
    await client({ rateLimiter, rateLimitKey: 'rss' }).request(`${server.origin}/paced`);
    expect(acquired).toEqual(['rss', 'rss', 'rss']);
  });
});
