/**
 * REST client for the operator page. Same origin; the session lives in an HttpOnly cookie the
 * page never sees. Writes carry the session's anti-CSRF token in `X-CSRF-Token`.
 */
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

/** A session: the user, the anti-CSRF token for writes, and whether TOTP enrolment is pending. */
export interface SessionInfo {
  user: SessionUser;
  csrfToken: string;
  totpEnrolmentRequired: boolean;
  /** The password was set by an administrator: the owner replaces it on the users page first. */
  passwordChangeRequired: boolean;
}

/** The password step either opens a session or asks for the TOTP code. */
export type LoginResult = SessionInfo | { totpRequired: true; challenge: string };

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

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * One same-origin JSON call, shared by every dashboard page: the cookie rides along, `csrf` goes
 * in X-CSRF-Token, a non-2xx answer becomes ApiError with the server's code and message.
 */
export async function apiRequest<T>(
  method: HttpMethod,
  path: string,
  opts: { csrf?: string | null; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.csrf) headers['X-CSRF-Token'] = opts.csrf;
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
  return apiRequest<LoginResult>('POST', '/api/auth/login', { body: { username, password, mode: 'cookie' } });
}

/** Second step: the code from the authenticator app for the challenge the password step gave. */
export function loginTotp(challenge: string, code: string): Promise<SessionInfo> {
  return apiRequest<SessionInfo>('POST', '/api/auth/login/totp', { body: { challenge, code, mode: 'cookie' } });
}

export async function logout(csrf: string): Promise<void> {
  await apiRequest<void>('POST', '/api/auth/logout', { csrf });
}

/** The current session (from the cookie); ApiError 401 when there is none. */
export function me(): Promise<SessionInfo> {
  return apiRequest<SessionInfo>('GET', '/api/auth/me');
}

export function meta(): Promise<Meta> {
  return apiRequest<Meta>('GET', '/api/meta');
}

export function incidents(opts: { sector: string | null; limit: number; signal?: AbortSignal }): Promise<IncidentPage> {
  const q = new URLSearchParams({ limit: String(opts.limit) });
  if (opts.sector) q.set('sector', opts.sector);
  return apiRequest<IncidentPage>('GET', `/api/incidents?${q.toString()}`, { signal: opts.signal });
}

/**
 * A client for pages that keep the session's anti-CSRF token in memory (sources, audit): it is
 * remembered from the login and `/api/auth/me` answers and sent on every write.
 */
export function createSessionClient() {
  let csrf = '';
  const remember = <R extends LoginResult>(answer: R): R => {
    if ('csrfToken' in answer) csrf = answer.csrfToken;
    return answer;
  };
  const request = <T>(method: HttpMethod, path: string, body?: unknown): Promise<T> =>
    apiRequest<T>(method, path, { csrf: method === 'GET' ? null : csrf, body });
  return {
    request,
    login: async (username: string, password: string) => remember(await login(username, password)),
    loginTotp: async (challenge: string, code: string) => remember(await loginTotp(challenge, code)),
    me: async () => remember(await me()),
    async logout(): Promise<void> {
      await request<void>('POST', '/api/auth/logout');
      csrf = '';
    },
  };
}
