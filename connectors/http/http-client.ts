/**
 * The outbound HTTP client every connector uses. It owns the network hygiene a connector must not
 * re-invent: per-attempt timeouts, retries with full-jitter back-off (honouring Retry-After),
 * a response size cap, a per-connector host allow-list, and SSRF protection that checks every
 * resolved address of every hop (redirects are followed by hand) and pins the connection to the
 * checked address, so DNS cannot be re-resolved to somewhere else between check and connect.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { publicAddressesOnly, type AddressPolicy } from './address-policy';
import { abortableDelay, type RateLimiter } from './rate-limiter';

export { isPublicAddress, publicAddressesOnly, type AddressPolicy, type AddressTarget } from './address-policy';
export { createMemoryRateLimiter, type RateLimiter } from './rate-limiter';

export const HTTP_ERROR_KINDS = [
  'timeout',
  'network',
  'status',
  'too_large',
  'forbidden_host',
  'forbidden_address',
  'too_many_redirects',
] as const;
/** What went wrong, coarse enough to count per source in health metrics. */
export type HttpErrorKind = (typeof HTTP_ERROR_KINDS)[number];

/** Every failure of the client is one of these; `kind` is for counting, `message` for people. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly kind: HttpErrorKind,
    message: string,
    readonly details: {
      url: string;
      status?: number;
      /** Server-requested wait (Retry-After) when it was longer than the client may wait. */
      retryAfterMs?: number;
      attempts?: number;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The URL of the final hop, after redirects. */
  url: string;
  body: Buffer;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The caller's signal (the runner's shutdown); aborting it aborts the request, no retry. */
  signal?: AbortSignal;
}

/** Resolves a host name to all of its addresses (node:dns lookup by default). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface HttpClientOptions {
  /**
   * Host names this connector may reach, lower-case; `*.example.com` admits sub-domains (not the
   * apex). Checked for the first request and every redirect hop.
   */
  allowedHosts: readonly string[];
  /** Per-attempt limit for the whole exchange, headers and body. Default 15 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, on network errors, timeouts, 429 and 5xx. Default 3. */
  retries?: number;
  /** Full-jitter back-off: attempt n waits random(0, min(maxMs, baseMs × 2ⁿ)). */
  backoff?: { baseMs: number; maxMs: number };
  /** Longest Retry-After the client sleeps through itself; longer ones fail with retryAfterMs. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Decoded body cap. Default 5 MB. */
  maxBodyBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Which resolved addresses may be connected to. Default: public unicast only. */
  addressPolicy?: AddressPolicy;
  resolve?: Resolver;
  rateLimiter?: RateLimiter;
  /** Bucket key for the rate limiter (a token id, a host); default: the request's host. */
  rateLimitKey?: string;
  userAgent?: string;
  /**
   * Extra trusted root certificates (PEM), added to Node's bundle — e.g. the Russian Trusted Root
   * CA that some government portals use and that the bundle lacks.
   */
  extraCaCerts?: readonly string[];
  random?: () => number;
}

/**
 * The certificates of a PEM bundle file (one or several `BEGIN CERTIFICATE` blocks), for
 * `extraCaCerts`. Throws a message naming the file when it is unreadable or holds no certificate.
 */
export function readCaBundle(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`CA bundle ${path} cannot be read: ${(err as Error).message}`);
  }
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certs.length === 0) throw new Error(`CA bundle ${path} holds no PEM certificate`);
  return certs.map((c) => `${c}\n`);
}

export interface HttpClient {
  /**
   * Sends a request and returns the final response if its status is below 400 (304 included).
   * Throws HttpError otherwise, after retries where they make sense.
   */
  request(url: string, init?: HttpRequest): Promise<HttpResponse>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULTS = {
  timeoutMs: 15_000,
  retries: 3,
  backoff: { baseMs: 500, maxMs: 30_000 },
  maxRetryAfterMs: 60_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'DozorBot/0.1 (+regional management center monitoring)',
};

const systemResolve: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

/** Builds a client for one connector; its allow-list and policy apply to every request. */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  // IPv6 literals are compared bare: `[2a02:6b8::2]` in the list matches the URL's host.
  const allowed = opts.allowedHosts.map((h) => h.toLowerCase().replace(/^\[|\]$/g, ''));
  if (allowed.length === 0) throw new Error('http client: allowedHosts must name at least one host');
  const cfg = {
    timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: Math.max(0, opts.retries ?? DEFAULTS.retries),
    backoff: opts.backoff ?? DEFAULTS.backoff,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    maxRedirects: opts.maxRedirects ?? DEFAULTS.maxRedirects,
    policy: opts.addressPolicy ?? publicAddressesOnly,
    resolve: opts.resolve ?? systemResolve,
    userAgent: opts.userAgent ?? DEFAULTS.userAgent,
    random: opts.random ?? Math.random,
    ca: opts.extraCaCerts?.length ? [...rootCertificates, ...opts.extraCaCerts] : undefined,
  };

  function isAllowedHost(hostname: string): boolean {
    return allowed.some((h) => (h.startsWith('*.') ? hostname.endsWith(h.slice(1)) : hostname === h));
  }

  /** Checks a URL's host and addresses; returns the pinned addresses to connect to. */
  async function vet(url: URL): Promise<LookupAddress[]> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpError('forbidden_host', `refused ${url.protocol} URL: only http and https are allowed`, { url: url.href });
    }
    const hostname = bareHost(url);
    if (!isAllowedHost(hostname)) {
      throw new HttpError('forbidden_host', `refused host "${hostname}": not in this connector's allow-list`, { url: url.href });
    }
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    let addresses: LookupAddress[];
    const literal = isIP(hostname);
    if (literal) addresses = [{ address: hostname, family: literal }];
    else {
      try {
        addresses = await cfg.resolve(hostname);
      } catch (cause) {
        throw new HttpError('network', `cannot resolve "${hostname}": ${(cause as Error).message}`, { url: url.href, cause });
      }
      if (addresses.length === 0) throw new HttpError('network', `"${hostname}" resolves to no address`, { url: url.href });
    }
    // Every address must pass: the system may connect to any of them.
    const bad = addresses.find((a) => !cfg.policy(a.address, { hostname, port }));
    if (bad) {
      throw new HttpError(
        'forbidden_address',
        `refused "${hostname}" → ${bad.address}: address not allowed (private, loopback or reserved)`,
        {
          url: url.href,
        },
      );
    }
    return addresses;
  }

  /** One attempt: follows redirects, each hop vetted; returns the final (non-redirect) response. */
  async function attempt(start: URL, init: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    let url = start;
    let method = init.method ?? 'GET';
    let body = init.body;
    const headers: Record<string, string> = { 'user-agent': cfg.userAgent, 'accept-encoding': 'gzip, deflate, br' };
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
    for (let hop = 0; ; hop++) {
      const addresses = await untilAborted(vet(url), signal); // DNS itself cannot be cancelled
      const res = await exchange(url, method, headers, body, addresses, signal);
      if (!REDIRECTS.has(res.status)) return res;
      const location = res.headers['location'];
      if (!location) return res;
      if (hop >= cfg.maxRedirects) {
        throw new HttpError('too_many_redirects', `more than ${cfg.maxRedirects} redirects`, { url: url.href, status: res.status });
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (cause) {
        throw new HttpError('network', `invalid redirect Location "${location.slice(0, 200)}"`, { url: url.href, cause });
      }
      if (next.origin !== url.origin) {
        // Credentials stay with the origin they were meant for.
        delete headers['authorization'];
        delete headers['cookie'];
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      url = next;
    }
  }

  function exchange(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    addresses: LookupAddress[],
    signal: AbortSignal,
  ): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const hostname = bareHost(url);
      // Pin the connection to the vetted addresses: no second DNS answer can slip in.
      const pinned: LookupFunction = (_host, options, callback) => {
        const family = typeof options === 'object' && options.family ? options.family : 0;
        const usable = addresses.filter((a) => family === 0 || a.family === family);
        const list = usable.length > 0 ? usable : addresses;
        if (typeof options === 'object' && options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, list);
        else (callback as (e: null, a: string, f: number) => void)(null, list[0]!.address, list[0]!.family);
      };
      const options: RequestOptions = {
        method,
        protocol: url.protocol,
        hostname,
        port: url.port || undefined,
        path: url.pathname + url.search,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        signal,
        // No pooled sockets: every connection is made right after, and behind, its own check.
        agent: false,
      };
      if (url.protocol === 'https:') {
        const tlsOptions = options as { servername?: string; ca?: string[] };
        tlsOptions.servername = isIP(hostname) ? undefined : hostname;
        if (cfg.ca) tlsOptions.ca = cfg.ca;
      }
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (res) => {
        readBody(res, url, cfg.maxBodyBytes).then(
          (buf) => resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res), url: url.href, body: buf }),
          reject,
        );
      });
      req.on('error', (cause) => reject(cause));
      req.end(body);
    });
  }

  return {
    async request(rawUrl, init = {}) {
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch (cause) {
        throw new HttpError('forbidden_host', `invalid URL "${rawUrl.slice(0, 200)}"`, { url: rawUrl, cause });
      }
      const outer = init.signal ?? new AbortController().signal;
      const key = opts.rateLimitKey ?? bareHost(url);
      for (let n = 0; ; n++) {
        outer.throwIfAborted();
        if (opts.rateLimiter) await opts.rateLimiter.acquire(key, outer);
        const timeout = AbortSignal.timeout(cfg.timeoutMs);
        const signal = AbortSignal.any([outer, timeout]);
        let outcome: HttpResponse | HttpError;
        try {
          outcome = await attempt(url, init, signal);
        } catch (err) {
          if (outer.aborted) throw outer.reason;
          if (err instanceof HttpError) outcome = err;
          else if (timeout.aborted) {
            outcome = new HttpError('timeout', `no complete response within ${cfg.timeoutMs} ms`, { url: url.href, attempts: n + 1 });
          } else {
            outcome = new HttpError('network', `network error: ${(err as Error).message}`, { url: url.href, attempts: n + 1, cause: err });
          }
        }
        let waitMs: number | undefined;
        if (outcome instanceof HttpError) {
          // Refusals, size and redirect limits do not get better by asking again.
          if (outcome.kind !== 'network' && outcome.kind !== 'timeout') throw outcome;
        } else {
          const res = outcome;
          if (res.status < 400) return res;
          const retryAfterMs = parseRetryAfter(res.headers['retry-after'], Date.now());
          outcome = new HttpError('status', `HTTP ${res.status} from ${bareHost(new URL(res.url))}`, {
            url: res.url,
            status: res.status,
            attempts: n + 1,
            ...(retryAfterMs !== undefined && { retryAfterMs }),
          });
          if (res.status !== 429 && res.status < 500) throw outcome;
          if (retryAfterMs !== undefined) {
            if (retryAfterMs > cfg.maxRetryAfterMs) throw outcome; // the caller decides how to wait that long
            waitMs = retryAfterMs;
          }
        }
        if (n >= cfg.retries) throw outcome;
        const cap = Math.min(cfg.backoff.maxMs, cfg.backoff.baseMs * 2 ** n);
        await abortableDelay(waitMs ?? cfg.random() * cap, outer);
      }
    },
  };
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Reads and decodes the body, failing as soon as it passes `max` bytes (before or after decoding). */
function readBody(res: IncomingMessage, url: URL, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () =>
      new HttpError('too_large', `response body larger than ${max} bytes`, { url: url.href, status: res.statusCode ?? 0 });
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      res.destroy();
      return reject(tooLarge());
    }
    const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
    const decoder =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? createGunzip()
        : encoding === 'deflate'
          ? createInflate()
          : encoding === 'br'
            ? createBrotliDecompress()
            : null;
    const stream: NodeJS.ReadableStream = decoder ? res.pipe(decoder) : res;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      res.destroy();
      decoder?.destroy();
      reject(err);
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return fail(tooLarge());
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    stream.on('error', fail);
    if (decoder) res.on('error', fail);
    res.on('aborted', () => fail(new Error('response aborted')));
  });
}

function flattenHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Retry-After as delta-seconds or an HTTP-date, in ms from `nowMs`; undefined when absent or invalid. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
