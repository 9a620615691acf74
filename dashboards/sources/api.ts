/**
 * REST client for the administrator's sources page. Same origin; the session is the HttpOnly
 * cookie set by `/api/auth/login` (cookie mode), and every write carries the session's anti-CSRF
 * token in X-CSRF-Token. Errors are the operator page's ApiError.
 */
import { ApiError, createSessionClient, type LoginResult, type SessionInfo, type SessionUser } from '../operator/api';

export { ApiError };
export type { SessionInfo, SessionUser };
export type LoginAnswer = LoginResult;

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


const session = createSessionClient();
const { request } = session;
export const { login, loginTotp, me, logout } = session;
export const meta = () => request<{ municipalities: { code: string; name: string }[]; region?: { code: string; name: string } }>('GET', '/api/meta');

export const listHealth = () => request<{ items: HealthView[]; alerts: SourceAlert[] }>('GET', '/api/sources/health');
export const createSource = (body: unknown) => request<{ source: Source; secret?: string }>('POST', '/api/sources', body);
export const updateSource = (id: string, body: unknown) => request<{ source: Source }>('PATCH', `/api/sources/${encodeURIComponent(id)}`, body);
export const setStatus = (id: string, action: 'pause' | 'resume') => request<{ source: Source }>('POST', `/api/sources/${encodeURIComponent(id)}/${action}`);
export const rotateSecret = (id: string) => request<{ source: Source; secret: string }>('POST', `/api/sources/${encodeURIComponent(id)}/rotate-secret`);
export const deleteSource = (id: string) => request<void>('DELETE', `/api/sources/${encodeURIComponent(id)}`);
