/**
 * REST client for the audit page. Same origin; the session is the HttpOnly cookie set by
 * `/api/auth/login` in cookie mode, and writes (logout) carry the anti-CSRF token. The page only
 * reads: there is no endpoint that changes the audit trail.
 */
import { ApiError, type SessionUser } from '../operator/api';

export { ApiError };
export type { SessionUser };

export interface SessionInfo {
  user: SessionUser;
  csrfToken: string;
  totpEnrolmentRequired: boolean;
}
export type LoginAnswer = SessionInfo | { totpRequired: true; challenge: string };

export interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string; username: string | null; role: string | null } | null;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface AuditPage {
  total: number;
  page: number;
  size: number;
  items: AuditEntry[];
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  outcome?: string;
  target?: string;
  from?: string;
  to?: string;
  page: number;
  size: number;
}

let csrf = '';

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let payload: unknown = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (!res.ok) {
    const obj = (payload && typeof payload === 'object' ? payload : {}) as { error?: unknown; message?: unknown };
    const retry = Number(res.headers.get('Retry-After'));
    throw new ApiError(res.status, typeof obj.error === 'string' ? obj.error : `http_${res.status}`, typeof obj.message === 'string' ? obj.message : res.statusText, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return payload as T;
}

function remember<T extends LoginAnswer>(answer: T): T {
  if ('csrfToken' in answer) csrf = answer.csrfToken;
  return answer;
}

export const login = async (username: string, password: string) => remember(await request<LoginAnswer>('POST', '/api/auth/login', { username, password, mode: 'cookie' }));
export const loginTotp = async (challenge: string, code: string) => remember(await request<SessionInfo>('POST', '/api/auth/login/totp', { challenge, code, mode: 'cookie' }));
export const me = async () => remember(await request<SessionInfo>('GET', '/api/auth/me'));
export async function logout(): Promise<void> {
  await request<void>('POST', '/api/auth/logout');
  csrf = '';
}

export function audit(f: AuditFilter): Promise<AuditPage> {
  const q = new URLSearchParams({ page: String(f.page), size: String(f.size) });
  for (const k of ['actor', 'action', 'outcome', 'target', 'from', 'to'] as const) {
    const v = f[k];
    if (v) q.set(k, v);
  }
  return request<AuditPage>('GET', `/api/audit?${q.toString()}`);
}
