/**
 * The one REST client of the dashboards. Pages call `api('GET /api/sources/health')` with the
 * route's key from `src/contracts/`: params, query, body and answer are typed from the server's
 * zod schemas, so a changed schema breaks the dashboard build instead of the page.
 *
 * Same origin; the session is the HttpOnly cookie the page never sees. Writes carry the
 * session's anti-CSRF token in `X-CSRF-Token`. A non-2xx answer becomes `ApiError` with the
 * server's code, message and field errors; no answer at all is status 0. A 401 on anything but
 * the login calls tells the shell the session has ended (`onSessionLost`).
 */
import type { ApiRoutes, RouteKey } from '../../src/contracts/api';
import type { ErrorBody } from '../../src/contracts/common';

export type { ApiRoutes, RouteKey };
export type Answer<K extends RouteKey> = ApiRoutes[K]['response'];
export type Body<K extends RouteKey> = ApiRoutes[K]['body'];
export type Query<K extends RouteKey> = ApiRoutes[K]['query'];

export type FieldError = NonNullable<ErrorBody['fields']>[number];

/** A non-2xx answer (status > 0) or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// A part is optional when the route has none or when every field of it is optional.
type Part<K extends RouteKey, P extends 'params' | 'query' | 'body'> = undefined extends ApiRoutes[K][P]
  ? { [Q in P]?: ApiRoutes[K][P] }
  : object extends ApiRoutes[K][P]
    ? { [Q in P]?: ApiRoutes[K][P] }
    : { [Q in P]: ApiRoutes[K][P] };

/** What one call takes besides the key: required parts are required, absent ones optional. */
export type CallOptions<K extends RouteKey> = Part<K, 'params'> & Part<K, 'query'> & Part<K, 'body'> & { signal?: AbortSignal };

type Args<K extends RouteKey> = object extends CallOptions<K> ? [opts?: CallOptions<K>] : [opts: CallOptions<K>];

/** Routes whose 401 is an answer to the user (wrong password), not a lost session. */
const NO_SESSION_ROUTES = new Set<string>(['POST /api/auth/login', 'POST /api/auth/login/totp', 'GET /api/auth/me']);

const state = {
  csrf: '',
  onSessionLost: (): void => {},
};

/** The session's anti-CSRF token, remembered by the session model from login and `/api/auth/me`. */
export function setCsrfToken(token: string): void {
  state.csrf = token;
}

/** The shell's handler for a 401 on an authenticated call: the session expired or was revoked. */
export function onSessionLost(handler: () => void): void {
  state.onSessionLost = handler;
}

/** `/api/sources/:id` with `{ id: 'rss:a/b' }` -> `/api/sources/rss%3Aa%2Fb`. */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}

/** Query string from an object; empty strings, null and undefined are left out. */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** One typed call. */
export async function api<K extends RouteKey>(key: K, ...[opts]: Args<K>): Promise<Answer<K>> {
  const o = (opts ?? {}) as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; signal?: AbortSignal };
  const space = key.indexOf(' ');
  const method = key.slice(0, space);
  const url = fillPath(key.slice(space + 1), o.params) + queryString(o.query);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: o.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'network error');
  }
  if (res.status === 204) return null as Answer<K>;
  let payload: unknown = null;
  const text = await res.text();
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!res.ok) {
    const body = (payload && typeof payload === 'object' ? payload : {}) as Partial<ErrorBody>;
    const retry = Number(res.headers.get('Retry-After'));
    const error = new ApiError(
      res.status,
      typeof body.error === 'string' ? body.error : `http_${res.status}`,
      typeof body.message === 'string' ? body.message : res.statusText,
      Array.isArray(body.fields) ? body.fields : [],
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
    if (res.status === 401 && !NO_SESSION_ROUTES.has(key)) state.onSessionLost();
    throw error;
  }
  return payload as Answer<K>;
}

/** True for an aborted request (a newer one replaced it): not an error to show. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/**
 * Sends a file as the raw request body (a spreadsheet import): `upload('POST /api/organisations/import', file, { format: 'csv' })`.
 * Same session, CSRF and error handling as `api()`; the answer is the route's JSON.
 */
export async function upload<K extends RouteKey>(key: K, file: Blob, query: Record<string, unknown>, contentType: string): Promise<Answer<K>> {
  const space = key.indexOf(' ');
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': contentType };
  if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let res: Response;
  try {
    res = await fetch(key.slice(space + 1) + queryString(query), { method: key.slice(0, space), headers, body: file, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  let payload: unknown = null;
  try {
    payload = JSON.parse(await res.text());
  } catch {
    payload = null;
  }
  if (!res.ok) {
    const body = (payload && typeof payload === 'object' ? payload : {}) as Partial<ErrorBody>;
    if (res.status === 401) state.onSessionLost();
    throw new ApiError(res.status, typeof body.error === 'string' ? body.error : `http_${res.status}`, typeof body.message === 'string' ? body.message : res.statusText, Array.isArray(body.fields) ? body.fields : []);
  }
  return payload as Answer<K>;
}
