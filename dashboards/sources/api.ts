/**
 * REST client for the administrator's sources page. Same origin; the session is the HttpOnly
 * cookie set by `/api/auth/login` (cookie mode), and every write carries the session's anti-CSRF
 * token in X-CSRF-Token. Errors are the operator page's ApiError.
 */
import { ApiError, type SessionUser } from '../operator/api';

export { ApiError };
export type { SessionUser };

export type SourceKind = 'vk_wall' | 'vk_search' | 'telegram_channel' | 'ok_group' | 'max_chat' | 'rss' | 'webhook';

export interface Source {
  id: string;
  kind: SourceKind;
  title: string;
  municipality: string;
  official?: { organisation: string };
  status: 'active' | 'paused';
  pollIntervalSec?: number;
  createdAt: string;
  updatedAt: string;
  settings: Record<string, unknown>;
}

export interface SourceHealth {
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  lagMs: number | null;
  itemsTotal: number;
  itemsLastHour: number;
  errorsByKind: Record<string, number>;
  floodWaits: number;
  waitUntil: string | null;
  lastItemAt: string | null;
  usualGapMs: number | null;
  stopped: { at: string; reason: string } | null;
}

export interface SourceAlert {
  sourceId: string;
  kind: 'stopped' | 'silent';
  reason: string;
  since: string;
}

export interface HealthView {
  source: Source;
  health: SourceHealth;
  alert: SourceAlert | null;
}

export interface SessionInfo {
  user: SessionUser;
  csrfToken: string;
  totpEnrolmentRequired: boolean;
}

export type LoginAnswer = SessionInfo | { totpRequired: true; challenge: string };

let csrf = '';

async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
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
export const meta = () => request<{ municipalities: { code: string; name: string }[]; region?: { code: string; name: string } }>('GET', '/api/meta');

export const listHealth = () => request<{ items: HealthView[]; alerts: SourceAlert[] }>('GET', '/api/sources/health');
export const createSource = (body: unknown) => request<{ source: Source; secret?: string }>('POST', '/api/sources', body);
export const updateSource = (id: string, body: unknown) => request<{ source: Source }>('PATCH', `/api/sources/${encodeURIComponent(id)}`, body);
export const setStatus = (id: string, action: 'pause' | 'resume') => request<{ source: Source }>('POST', `/api/sources/${encodeURIComponent(id)}/${action}`);
export const rotateSecret = (id: string) => request<{ source: Source; secret: string }>('POST', `/api/sources/${encodeURIComponent(id)}/rotate-secret`);
export const deleteSource = (id: string) => request<void>('DELETE', `/api/sources/${encodeURIComponent(id)}`);
