/**
 * A thin Odnoklassniki REST API client over the shared HTTP client. It owns OK's wire
 * conventions and nothing else:
 *
 * - every method is `POST <OK_API_URL>` (`https://api.ok.ru/fb.do`) with a form body holding
 *   `application_key`, `format=json`, `method`, the method's parameters, `sig` and `access_token`
 *   — in the body, never in the URL, so no log line, error message or redirect carries the token;
 * - the request signature as apiok.ru documents it: `sig = md5(sorted "k=v" pairs, without
 *   access_token/session_key, concatenated + session_secret_key)`, lower-case hex, where
 *   `session_secret_key = md5(access_token + application_secret_key)` (see okSignature);
 * - errors come as HTTP 200 with `{"error_code":…,"error_msg":…,"error_data":…}`; they become
 *   `OkApiError` with a coarse `kind` and, for the codes OK documents as limits, a `retryAfterMs`.
 */
import { createHash } from 'node:crypto';
import type { HttpClient } from '../http/http-client';
import { tokenRateLimitKey } from '../http/rate-limiter';

/** Error codes the connector acts on (https://apiok.ru/dev/errors). */
export const OK_ERROR = {
  unknown: 1,
  service: 2,
  method: 3,
  request: 4,
  actionBlocked: 7,
  floodBlocked: 8,
  ipBlocked: 9,
  permissionDenied: 10,
  limitReached: 11,
  param: 100,
  paramApiKey: 101,
  sessionExpired: 102,
  sessionKey: 103,
  signature: 104,
  resignature: 105,
  groupId: 160,
  paramPermission: 200,
  applicationDisabled: 210,
  notFound: 300,
  sessionRequired: 453,
  groupRestriction: 456,
  unauthorizedRestriction: 457,
} as const;

/** Coarse kinds counted per source (health metrics, `errors:<kind>`). */
export type OkErrorKind = 'flood' | 'quota' | 'ok_error' | 'auth' | 'access_denied' | 'not_found' | 'invalid_request' | 'malformed';

export interface OkRetryPolicy {
  /** Codes 7 and 8 (action or flood blocked). Default 60 s. */
  floodMs: number;
  /** Code 11 (the method's call limit for this application is reached). Default 30 min. */
  limitReachedMs: number;
  /** Code 9 (requests from this IP are blocked). Default 10 min. */
  ipBlockedMs: number;
  /** Codes 1, 2 (unknown, service temporarily unavailable) and unreadable bodies. Default 5 s. */
  serviceMs: number;
}

const DEFAULT_RETRY: OkRetryPolicy = { floodMs: 60_000, limitReachedMs: 30 * 60_000, ipBlockedMs: 10 * 60_000, serviceMs: 5_000 };

/** An OK API error (or a body that is not an OK answer). The message never contains a token. */
export class OkApiError extends Error {
  override readonly name = 'OkApiError';
  constructor(
    readonly kind: OkErrorKind,
    /** OK's `error_code`; 0 for a malformed answer. */
    readonly code: number,
    readonly method: string,
    message: string,
    /** How long to wait before asking again, when OK's documentation implies one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export type OkParams = Record<string, string | number | boolean | undefined>;

export interface OkClientOptions {
  http: Pick<HttpClient, 'request'>;
  /** The REST endpoint, e.g. `https://api.ok.ru/fb.do` (OK_API_URL). */
  apiUrl: string;
  applicationKey: string;
  accessToken: string;
  /** `md5(access_token + application_secret_key)`, lower-case hex (OK_SESSION_SECRET_KEY). */
  sessionSecretKey: string;
  retry?: Partial<OkRetryPolicy>;
}

export interface OkClient {
  call<T>(method: string, params: OkParams, signal: AbortSignal): Promise<T>;
}

function md5(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/** `session_secret_key` for calls in a session: `md5(access_token + application_secret_key)`, lower case. */
export function okSessionSecretKey(accessToken: string, applicationSecretKey: string): string {
  return md5(accessToken + applicationSecretKey).toLowerCase();
}

/**
 * The request signature: parameters without `sig`, `access_token` and `session_key`, sorted by
 * key, joined as `key=value` with nothing between them, then the secret appended; md5, lower case.
 */
export function okSignature(params: Readonly<Record<string, string>>, sessionSecretKey: string): string {
  const base = Object.keys(params)
    .filter((k) => k !== 'sig' && k !== 'access_token' && k !== 'session_key')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('');
  return md5(base + sessionSecretKey).toLowerCase();
}

/** Rate-limit bucket for a token, shared by every process using it; never the token itself. */
export function okRateLimitKey(accessToken: string): string {
  return tokenRateLimitKey('ok', accessToken);
}

/** Maps an OK error code to what the connector does about it. */
export function okError(method: string, code: number, msg: string, retry: OkRetryPolicy = DEFAULT_RETRY): OkApiError {
  const text = `OK ${method}: error ${code} (${oneLine(msg)})`;
  switch (code) {
    case OK_ERROR.actionBlocked:
    case OK_ERROR.floodBlocked:
      return new OkApiError('flood', code, method, text, retry.floodMs);
    case OK_ERROR.limitReached:
      return new OkApiError('quota', code, method, text, retry.limitReachedMs);
    case OK_ERROR.ipBlocked:
      return new OkApiError('flood', code, method, text, retry.ipBlockedMs);
    case OK_ERROR.unknown:
    case OK_ERROR.service:
      return new OkApiError('ok_error', code, method, text, retry.serviceMs);
    case OK_ERROR.paramApiKey:
    case OK_ERROR.sessionExpired:
    case OK_ERROR.sessionKey:
    case OK_ERROR.signature:
    case OK_ERROR.resignature:
    case OK_ERROR.paramPermission:
    case OK_ERROR.applicationDisabled:
    case OK_ERROR.sessionRequired:
      return new OkApiError('auth', code, method, text);
    case OK_ERROR.permissionDenied:
    case OK_ERROR.groupRestriction:
    case OK_ERROR.unauthorizedRestriction:
      return new OkApiError('access_denied', code, method, text);
    case OK_ERROR.groupId:
    case OK_ERROR.notFound:
      return new OkApiError('not_found', code, method, text);
    case OK_ERROR.method:
    case OK_ERROR.request:
    case OK_ERROR.param:
      return new OkApiError('invalid_request', code, method, text);
    default:
      return new OkApiError('ok_error', code, method, text, retry.serviceMs);
  }
}

export function createOkClient(opts: OkClientOptions): OkClient {
  const retry: OkRetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  return {
    async call<T>(method: string, params: OkParams, signal: AbortSignal): Promise<T> {
      const signed: Record<string, string> = { application_key: opts.applicationKey, format: 'json', method };
      for (const [k, v] of Object.entries(params)) if (v !== undefined) signed[k] = typeof v === 'boolean' ? String(v) : String(v);
      const form = new URLSearchParams(signed);
      form.set('sig', okSignature(signed, opts.sessionSecretKey));
      form.set('access_token', opts.accessToken);
      const res = await opts.http.request(opts.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        body: form.toString(),
        signal,
      });
      let body: unknown;
      try {
        body = JSON.parse(res.body.toString('utf8'));
      } catch {
        throw new OkApiError('malformed', 0, method, `OK ${method}: response is not JSON (HTTP ${res.status}, ${res.body.length} bytes)`, retry.serviceMs);
      }
      if (body !== null && typeof body === 'object' && 'error_code' in body) {
        const e = body as { error_code: unknown; error_msg?: unknown };
        // error_data is never read into messages: it can echo request parameters.
        return Promise.reject(okError(method, Number(e.error_code), typeof e.error_msg === 'string' ? e.error_msg : '', retry));
      }
      if (body === null || typeof body !== 'object') {
        throw new OkApiError('malformed', 0, method, `OK ${method}: unexpected response (${typeof body})`, retry.serviceMs);
      }
      return body as T;
    },
  };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 200);
}
