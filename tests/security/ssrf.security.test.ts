/**
 * Finding 11: SSRF ranges the address policy missed, a 500 for an IPv6 zone id, and the allow-list
 * that kept IPv6 literals in brackets (so it refused them before the address policy could judge).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError, isPublicAddress } from '../../connectors/http/http-client';
import { startSystem, type TestSystem } from '../helpers/system';

describe('the SSRF address policy', () => {
  it.each([
    ['::ffff:0:127.0.0.1', 'IPv4-translated loopback'],
    ['::ffff:0:7f00:1', 'IPv4-translated loopback, hex'],
    ['::ffff:0:10.1.2.3', 'IPv4-translated private'],
    ['64:ff9b:1::7f00:1', 'local-use NAT64 with loopback'],
    ['64:ff9b:1::a9fe:a9fe', 'local-use NAT64 with the metadata address'],
    ['64:ff9b:1:abcd::1', 'local-use NAT64 in another layout'],
    ['64:ff9b::127.0.0.1', 'well-known NAT64 with loopback'],
    ['64:ff9b::c0a8:101', 'well-known NAT64 with a private address'],
    ['2001::1', 'Teredo'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo with a mapped client'],
    ['fe80::1%eth0', 'link-local with a zone id'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '::ffff:0:8.8.8.8', '64:ff9b::808:808', '64:ff9b:1::808:808', '2a02:6b8::2:242', '2001:4860:4860::8888'])('still admits the public %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('the connector allow-list with IPv6 literals', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function kindOf(p: Promise<unknown>): Promise<string> {
    try {
      await p;
      return 'ok';
    } catch (err) {
      return err instanceof HttpError ? err.kind : String(err);
    }
  }

  it('matches a bracketed IPv6 literal in the list, so the address policy decides', async () => {
    const listed = createHttpClient({ allowedHosts: ['[::1]'], retries: 0 });
    // Allowed by the list, refused as loopback by the default policy (before: refused by the list).
    expect(await kindOf(listed.request(`http://[::1]:${port}/`))).toBe('forbidden_address');
    const admitted = createHttpClient({ allowedHosts: ['[::1]'], retries: 0, addressPolicy: (_a, t) => t.port === port });
    expect(await kindOf(admitted.request(`http://[::1]:${port}/`))).toBe('ok');
    expect(hits).toBe(1);
  });
});

describe('a source URL with an IPv6 zone id', () => {
  let sys: TestSystem;
  let admin: string;
  beforeAll(async () => {
    sys = await startSystem({ withPipeline: false });
    admin = await sys.login(await sys.createUser({ username: 'chief-ssrf', role: 'admin' }));
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('gets a clear 400, not a 500', async () => {
    const res = await fetch(`${sys.baseUrl}/api/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'rss', title: 'Внутренний', municipality: 'region', settings: { url: 'http://[fe80::1%25eth0]/' } }),
    });
    const body = (await res.json()) as { message: string };
    expect(res.status).toBe(400);
    expect(body.message).toMatch(/settings\.url/);
  });
});
