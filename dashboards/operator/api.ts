/** REST client for the operator page. Same origin; the session token goes in the Authorization header. */
import type { IncidentCard } from '../../src/contracts/feed';

export interface UserScope {
  sectors: string[] | 'all';
  municipalities: string[] | 'all';
}

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  scope: UserScope;
}

export interface LoginResult {
  token: string;
  user: SessionUser;
}

export interface Meta {
  region?: { code: string; name: string };
  sectors: { code: string; title: string }[];
  networks: { code: string; title: string }[];
  municipalities: { code: string; name: string }[];
}

export interface IncidentPage {
  items: IncidentCard[];
  cursor: string;
}

/** A non-2xx answer (status > 0) or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'dozor.operator.token';

export function loadToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}

async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  opts: { token?: string | null; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'network error');
  }
  if (res.status === 204) return undefined as T;
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
    const obj = (payload && typeof payload === 'object' ? payload : {}) as { error?: unknown; message?: unknown };
    const retry = Number(res.headers.get('Retry-After'));
    throw new ApiError(
      res.status,
      typeof obj.error === 'string' ? obj.error : `http_${res.status}`,
      typeof obj.message === 'string' ? obj.message : res.statusText,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  return payload as T;
}

export function login(username: string, password: string): Promise<LoginResult> {
  return request<LoginResult>('POST', '/api/auth/login', { body: { username, password } });
}

export async function logout(token: string): Promise<void> {
  await request<void>('POST', '/api/auth/logout', { token });
}

export async function me(token: string): Promise<SessionUser> {
  const res = await request<{ user: SessionUser }>('GET', '/api/auth/me', { token });
  return res.user;
}

export function meta(token: string): Promise<Meta> {
  return request<Meta>('GET', '/api/meta', { token });
}

export function incidents(
  token: string,
  opts: { sector: string | null; limit: number; signal?: AbortSignal },
): Promise<IncidentPage> {
  const q = new URLSearchParams({ limit: String(opts.limit) });
  if (opts.sector) q.set('sector', opts.sector);
  return request<IncidentPage>('GET', `/api/incidents?${q.toString()}`, { token, signal: opts.signal });
}
