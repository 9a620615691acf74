/**
 * Shared bits of the archive, analytics and reports pages: session check (login happens on the
 * operator page), the top bar, and links into the archive for drill-downs.
 */
import { ApiError, createSessionClient } from '../operator/api';
import { byId, el } from '../operator/dom';

export const session = createSessionClient();

export interface Drill {
  q: string;
  from?: string;
  to?: string;
}

/** The archive URL that lists the posts behind a number. */
export function drillHref(d: Drill): string {
  const p = new URLSearchParams({ q: d.q });
  if (d.from) p.set('from', d.from);
  if (d.to) p.set('to', d.to);
  return `/archive/?${p.toString()}`;
}

export function link(href: string, text: string, cls?: string): HTMLAnchorElement {
  return el('a', { attrs: { href }, text, ...(cls ? { class: cls } : {}) });
}

/** Resolves with the user, or shows the "please log in" view and never resolves. */
export async function requireSession(): Promise<{ username: string; role: string }> {
  try {
    const s = await session.me();
    byId('boot').hidden = true;
    byId('app-view').hidden = false;
    byId('user-name').textContent = s.user.displayName || s.user.username;
    byId('logout').addEventListener('click', () => void session.logout().finally(() => location.assign('/')));
    void notifications();
    return { username: s.user.username, role: s.user.role };
  } catch (err) {
    byId('boot').hidden = true;
    const box = byId('login-needed');
    box.hidden = false;
    if (!(err instanceof ApiError && err.status === 401)) box.prepend(el('p', { text: 'Сервис недоступен, попробуйте позже' }));
    return new Promise(() => undefined);
  }
}

export function showError(err: unknown): void {
  const box = byId('page-message');
  box.hidden = false;
  box.textContent = err instanceof ApiError ? err.message : 'Не удалось выполнить запрос';
}
export function clearError(): void {
  byId('page-message').hidden = true;
}

interface NotificationItem {
  id: string;
  at: string;
  title: string;
  drill?: Drill;
}

/** The bell: unread count and the latest notifications, each opening its posts. */
async function notifications(): Promise<void> {
  const bell = document.getElementById('bell');
  if (!bell) return;
  try {
    const n = await session.request<{ items: NotificationItem[]; unread: number }>('GET', '/api/notifications?limit=20');
    bell.textContent = n.unread > 0 ? `Уведомления: ${n.unread}` : 'Уведомления';
    const list = byId('bell-list');
    list.replaceChildren(...n.items.map((i) => el('li', {}, i.drill ? link(drillHref(i.drill), i.title) : el('span', { text: i.title }))));
    bell.addEventListener('click', () => {
      list.hidden = !list.hidden;
      if (!list.hidden) void session.request('POST', '/api/notifications/seen');
    });
  } catch {
    bell.hidden = true;
  }
}
