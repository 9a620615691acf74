/**
 * REST client for the audit page. Same origin; the session is the HttpOnly cookie set by
 * `/api/auth/login` in cookie mode, and writes (logout) carry the anti-CSRF token. The page only
 * reads: there is no endpoint that changes the audit trail.
 */
import { ApiError, createSessionClient, type LoginResult, type SessionInfo, type SessionUser } from '../operator/api';

export { ApiError };
export type { SessionInfo, SessionUser };
export type LoginAnswer = LoginResult;


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

const session = createSessionClient();
const { request } = session;
export const { login, loginTotp, me, logout } = session;

export function audit(f: AuditFilter): Promise<AuditPage> {
  const q = new URLSearchParams({ page: String(f.page), size: String(f.size) });
  for (const k of ['actor', 'action', 'outcome', 'target', 'from', 'to'] as const) {
    const v = f[k];
    if (v) q.set(k, v);
  }
  return request<AuditPage>('GET', `/api/audit?${q.toString()}`);
}
