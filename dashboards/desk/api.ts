/**
 * REST client of the desk page: the session client of the operator page plus typed calls to
 * `/api/desk/*` (types from src/contracts/desk.ts, never written by hand).
 */
import type { AlertDto, ClaimDetailDto, QueueItemDto, SuggestionDto } from '../../src/contracts/desk';
import { ApiError, createSessionClient, meta, type LoginResult, type Meta, type SessionInfo } from '../operator/api';

export { ApiError, meta };
export type { AlertDto, ClaimDetailDto, LoginResult, Meta, QueueItemDto, SessionInfo, SuggestionDto };

const client = createSessionClient();
export const { login, loginTotp, me, logout } = client;

export interface QueueFilter {
  sector?: string;
  municipality?: string;
  network?: string;
  status: 'open' | 'all';
}

export function queue(f: QueueFilter): Promise<{ items: QueueItemDto[]; threshold: number }> {
  const q = new URLSearchParams({ status: f.status, limit: '100' });
  if (f.sector) q.set('sector', f.sector);
  if (f.municipality) q.set('municipality', f.municipality);
  if (f.network) q.set('network', f.network);
  return client.request('GET', `/api/desk/queue?${q.toString()}`);
}

export const claim = (id: string) => client.request<ClaimDetailDto>('GET', `/api/desk/claims/${encodeURIComponent(id)}`);
export const createClaim = (title: string, postId: string) => client.request<ClaimDetailDto>('POST', '/api/desk/claims', { title, postId });
export const setStatus = (id: string, status: string) => client.request<unknown>('POST', `/api/desk/claims/${encodeURIComponent(id)}/status`, { status });
export const verdict = (id: string, body: { verdict: string; debunk: string; evidence: { kind: string; url: string; title: string; publisher?: string }[] }) =>
  client.request<ClaimDetailDto>('POST', `/api/desk/claims/${encodeURIComponent(id)}/verdict`, body);
export const decide = (id: string, postId: string, accept: boolean) => client.request<ClaimDetailDto>('POST', `/api/desk/claims/${encodeURIComponent(id)}/suggestions/${encodeURIComponent(postId)}`, { accept });
export const unlink = (id: string, postId: string) => client.request<ClaimDetailDto>('DELETE', `/api/desk/claims/${encodeURIComponent(id)}/posts/${encodeURIComponent(postId)}`);
export const suggestions = () => client.request<{ items: SuggestionDto[] }>('GET', '/api/desk/suggestions?limit=100');
export const alerts = () => client.request<{ items: AlertDto[]; perHour: number }>('GET', '/api/desk/alerts');
