/**
 * A thin VK API v5 client over the shared HTTP client. It owns VK's wire conventions and nothing
 * else: POST `application/x-www-form-urlencoded` to `<VK_API_URL>/<method>` with the token and the
 * pinned version in the body (never in the URL, so no log line, error message or redirect can
 * carry the token), `{"response": …}` or `{"error": {error_code, error_msg, request_params}}`
 * bodies (HTTP 200 either way), and `execute` with its `execute_errors`.
 *
 * Errors become `VkApiError` with a coarse `kind` for health metrics and, for the codes VK
 * documents as "slow down" (6, 9), "quota exhausted" (29) or "captcha needed" (14), a
 * `retryAfterMs` the runner obeys.
 * `error.request_params` is never read: VK has echoed `access_token` in it.
 */
import type { HttpClient } from '../http/http-client';
import { tokenRateLimitKey } from '../http/rate-limiter';

/** The API version every request pins (`v`). Response shapes in the mapper follow it. */
export const VK_API_VERSION = '5.199';

/** Error codes the connector acts on (https://dev.vk.com/ru/reference/errors). */
export const VK_ERROR = {
  unknown: 1,
  authFailed: 5,
  tooManyRequests: 6,
  permissionDenied: 7,
  flood: 9,
  internal: 10,
  captcha: 14,
  accessDenied: 15,
  validationRequired: 17,
  deleted: 18,
  blocked: 19,
  groupAuthFailed: 27,
  appAuthFailed: 28,
  rateLimit: 29,
  privateProfile: 30,
  invalidParam: 100,
  invalidUserId: 113,
  commentsDenied: 212,
} as const;

/** Coarse kinds counted per source (health metrics, `errors:<kind>`). */
export type VkErrorKind = 'captcha' | 'rate_limited' | 'flood' | 'quota' | 'auth' | 'access_denied' | 'deleted' | 'invalid_request' | 'vk_error' | 'malformed';

export interface VkRetryPolicy {
  /** Error 6 (more requests per second than the token allows). Default 1.5 s. */
  tooManyRequestsMs: number;
  /** Error 9 (flood control). Default 60 s. */
  floodMs: number;
  /** Error 29 (the method's daily quota for this token is spent). Default 30 min. */
  rateLimitMs: number;
  /** Error 10 (VK internal error) and unreadable bodies. Default 5 s. */
  internalMs: number;
  /**
   * Error 14 (captcha needed). A robot cannot solve it and asking again at once only earns more
   * captchas: the source waits this long (its health shows `errors:captcha` and `waitUntil`).
   * Default 30 min.
   */
  captchaMs: number;
}

const DEFAULT_RETRY: VkRetryPolicy = { tooManyRequestsMs: 1_500, floodMs: 60_000, rateLimitMs: 30 * 60_000, internalMs: 5_000, captchaMs: 30 * 60_000 };

/** A VK API error (or a body that is not a VK answer). The message never contains the token. */
export class VkApiError extends Error {
  override readonly name = 'VkApiError';
  constructor(
    readonly kind: VkErrorKind,
    /** VK's `error_code`; 0 for a malformed answer. */
    readonly code: number,
    readonly method: string,
    message: string,
    /** How long to wait before asking again, when VK's documentation implies one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** What a failing sub-call of `execute` reports, in call order. */
export interface VkExecuteError {
  method: string;
  error_code: number;
  error_msg: string;
}

export interface VkClientOptions {
  http: Pick<HttpClient, 'request'>;
  /** Method base URL, e.g. `https://api.vk.com/method` (VK_API_URL). */
  apiUrl: string;
  token: string;
  retry?: Partial<VkRetryPolicy>;
}

export type VkParams = Record<string, string | number | boolean | undefined>;

export interface VkClient {
  call<T>(method: string, params: VkParams, signal: AbortSignal): Promise<T>;
  /**
   * Runs up to 25 calls in one request. VK refuses `execute` for a service token (error 28,
   * "method is unavailable with service token"); callers fall back to plain calls then. Each result is the call's `response`, or `false` when that
   * call failed; failures are listed in `errors` in the same order as the `false` entries.
   */
  execute<T>(calls: { method: string; params: VkParams }[], signal: AbortSignal): Promise<{ results: (T | false)[]; errors: VkExecuteError[] }>;
}

/** Rate-limit bucket for a token, shared by every process using it; never the token itself. */
export function vkRateLimitKey(token: string): string {
  return tokenRateLimitKey('vk', token);
}

/** Maps a VK error code to what the connector does about it. */
export function vkError(method: string, code: number, msg: string, retry: VkRetryPolicy = DEFAULT_RETRY): VkApiError {
  const text = `VK ${method}: error ${code} (${oneLine(msg)})`;
  switch (code) {
    case VK_ERROR.tooManyRequests:
      return new VkApiError('rate_limited', code, method, text, retry.tooManyRequestsMs);
    case VK_ERROR.flood:
      return new VkApiError('flood', code, method, text, retry.floodMs);
    case VK_ERROR.rateLimit:
      return new VkApiError('quota', code, method, text, retry.rateLimitMs);
    case VK_ERROR.captcha:
      return new VkApiError('captcha', code, method, text, retry.captchaMs);
    case VK_ERROR.internal:
    case VK_ERROR.unknown:
      return new VkApiError('vk_error', code, method, text, retry.internalMs);
    case VK_ERROR.authFailed:
    case VK_ERROR.validationRequired:
    case VK_ERROR.groupAuthFailed:
    case VK_ERROR.appAuthFailed:
      return new VkApiError('auth', code, method, text);
    case VK_ERROR.accessDenied:
    case VK_ERROR.privateProfile:
    case VK_ERROR.commentsDenied:
    case VK_ERROR.permissionDenied:
      return new VkApiError('access_denied', code, method, text);
    case VK_ERROR.deleted:
    case VK_ERROR.blocked:
      return new VkApiError('deleted', code, method, text);
    case VK_ERROR.invalidParam:
    case VK_ERROR.invalidUserId:
      return new VkApiError('invalid_request', code, method, text);
    default:
      return new VkApiError('vk_error', code, method, text, retry.internalMs);
  }
}

export function createVkClient(opts: VkClientOptions): VkClient {
  const base = opts.apiUrl.replace(/\/+$/, '');
  const retry: VkRetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };

  async function post(method: string, params: VkParams, signal: AbortSignal): Promise<Record<string, unknown>> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
    form.set('access_token', opts.token);
    form.set('v', VK_API_VERSION);
    const res = await opts.http.request(`${base}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal,
    });
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new VkApiError('malformed', 0, method, `VK ${method}: answer is not JSON (HTTP ${res.status}, ${res.body.length} bytes)`, retry.internalMs);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new VkApiError('malformed', 0, method, `VK ${method}: answer is not a JSON object`, retry.internalMs);
    }
    const o = body as Record<string, unknown>;
    if (o.error !== undefined) {
      const e = o.error as { error_code?: unknown; error_msg?: unknown } | null;
      const code = typeof e?.error_code === 'number' ? e.error_code : 0;
      // VK's messages do not carry the token, but a message is cheap to scrub and a leak is not.
      const msg = (typeof e?.error_msg === 'string' ? e.error_msg : 'no message').split(opts.token).join('***');
      if (code === 0) throw new VkApiError('malformed', 0, method, `VK ${method}: error without error_code`, retry.internalMs);
      throw vkError(method, code, msg, retry);
    }
    if (!('response' in o)) throw new VkApiError('malformed', 0, method, `VK ${method}: answer has neither "response" nor "error"`, retry.internalMs);
    return o;
  }

  return {
    async call<T>(method: string, params: VkParams, signal: AbortSignal): Promise<T> {
      return (await post(method, params, signal)).response as T;
    },
    async execute<T>(calls: { method: string; params: VkParams }[], signal: AbortSignal) {
      if (calls.length === 0) return { results: [], errors: [] };
      if (calls.length > 25) throw new Error(`VK execute: at most 25 calls, got ${calls.length}`);
      const code = `return [${calls.map((c) => `API.${c.method}(${JSON.stringify(stripUndefined(c.params))})`).join(',')}];`;
      const o = await post('execute', { code }, signal);
      const results = o.response;
      if (!Array.isArray(results) || results.length !== calls.length) {
        throw new VkApiError('malformed', 0, 'execute', `VK execute: expected ${calls.length} results, got ${Array.isArray(results) ? results.length : typeof results}`, retry.internalMs);
      }
      const errors: VkExecuteError[] = [];
      if (Array.isArray(o.execute_errors)) {
        for (const e of o.execute_errors as Partial<VkExecuteError>[]) {
          errors.push({ method: String(e?.method ?? ''), error_code: Number(e?.error_code ?? 0), error_msg: String(e?.error_msg ?? '') });
        }
      }
      return { results: results as (T | false)[], errors };
    },
  };
}

function stripUndefined(p: VkParams): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
  return out;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').slice(0, 200);
}
