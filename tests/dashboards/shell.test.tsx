/**
 * The shell with the network mocked: restore or log in (with the TOTP step), navigation by
 * permission, the permission guard, a lost session back to the login form, logout.
 */
import { cleanup, fireEvent, render, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PageDef } from '../../dashboards/shared/page';
import { navigate } from '../../dashboards/shared/router';
import { session } from '../../dashboards/shared/session';
import { Shell } from '../../dashboards/shared/shell';
import { api } from '../../dashboards/shared/api';

const ADMIN = { user: { id: 'u1', username: 'boss', displayName: 'Главный администратор', role: 'admin', scope: { sectors: 'all', municipalities: 'all' } }, csrfToken: 'csrf-1', totpEnrolmentRequired: false };
const OBSERVER = { ...ADMIN, user: { ...ADMIN.user, username: 'watcher', displayName: 'Наблюдатель Иван', role: 'observer' } };

const PAGES: PageDef[] = [
  { path: '/', title: 'Лента инцидентов', nav: 'Лента', permission: 'incidents:read', load: async () => ({ default: () => <p id="feed-page">лента</p> }) },
  { path: '/audit/', title: 'Журнал аудита', nav: 'Аудит', permission: 'audit:read', deniedText: 'Только для администратора.', load: async () => ({ default: () => <p id="audit-page">аудит</p> }) },
];

type Handler = (init: RequestInit | undefined) => { status: number; body?: unknown };
const routes = new Map<string, Handler>();
const calls: { key: string; init: RequestInit | undefined }[] = [];

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  routes.clear();
  calls.length = 0;
  navigate('/');
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${new URL(url, 'http://127.0.0.1').pathname}`;
    calls.push({ key, init });
    const h = routes.get(key);
    if (!h) return json(404, { error: 'not_found', message: 'no route', requestId: 'r' });
    const { status, body } = h(init);
    return json(status, body);
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  session.info.value = null;
  session.status.value = 'loading';
  session.challenge.value = null;
  session.message.value = null;
});

const denied = { status: 401, body: { error: 'unauthorized', message: 'no session', requestId: 'r' } };

describe('shell', () => {
  it('logs in with the TOTP step, then shows the page and only the permitted nav links', async () => {
    routes.set('GET /api/auth/me', () => denied);
    routes.set('POST /api/auth/login', () => ({ status: 200, body: { totpRequired: true, challenge: 'ch-1' } }));
    routes.set('POST /api/auth/login/totp', (init) => (JSON.parse(String(init?.body)).code === '123456' ? { status: 200, body: OBSERVER } : { status: 401, body: { error: 'bad_code', message: 'bad', requestId: 'r' } }));
    const { container, findByText } = render(<Shell pages={PAGES} />);
    const form = await waitFor(() => {
      const f = container.querySelector('#login-form');
      if (!f) throw new Error('no login form yet');
      return f;
    });
    fireEvent.input(container.querySelector('#login-username')!, { target: { value: 'watcher' } });
    fireEvent.input(container.querySelector('#login-password')!, { target: { value: 'secret-password' } });
    fireEvent.submit(form);
    await findByText('Введите шестизначный код из приложения-аутентификатора.');
    expect((container.querySelector('#login-totp-field') as HTMLElement).hidden).toBe(false);

    fireEvent.input(container.querySelector('#login-totp')!, { target: { value: '000000' } });
    fireEvent.submit(form);
    await findByText('Неверный или уже использованный код. Дождитесь нового кода в приложении.');

    fireEvent.input(container.querySelector('#login-totp')!, { target: { value: '123456' } });
    fireEvent.submit(form);
    await waitFor(() => expect(container.querySelector('#feed-page')).not.toBeNull());
    expect(container.querySelector('#user-name')?.textContent).toBe('Наблюдатель Иван');
    expect(container.querySelector('#user-role')?.textContent).toBe('Наблюдатель');
    expect([...container.querySelectorAll('.nav__link')].map((a) => a.textContent)).toEqual(['Лента']);
    expect(container.querySelector('.nav__link')?.getAttribute('aria-current')).toBe('page');
  });

  it('guards a page the role may not open, and finds no page for an unknown path', async () => {
    routes.set('GET /api/auth/me', () => ({ status: 200, body: OBSERVER }));
    navigate('/audit/');
    const { container } = render(<Shell pages={PAGES} />);
    await waitFor(() => expect(container.querySelector('#page-denied')?.textContent).toContain('Только для администратора.'));
    expect(container.querySelector('#audit-page')).toBeNull();
    navigate('/nowhere/');
    await waitFor(() => expect(container.querySelector('#page-missing')).not.toBeNull());
  });

  it('an administrator sees every link; navigation happens in place', async () => {
    routes.set('GET /api/auth/me', () => ({ status: 200, body: ADMIN }));
    const { container } = render(<Shell pages={PAGES} />);
    await waitFor(() => expect(container.querySelectorAll('.nav__link')).toHaveLength(2));
    fireEvent.click(container.querySelector('.nav__link[href="/audit/"]')!);
    await waitFor(() => expect(container.querySelector('#audit-page')).not.toBeNull());
    expect(window.location.pathname).toBe('/audit/');
    await waitFor(() => expect(document.title).toBe('Дозор — Журнал аудита'));
  });

  it('returns to the login form when a call finds the session gone, and sends the CSRF token on writes', async () => {
    routes.set('GET /api/auth/me', () => ({ status: 200, body: ADMIN }));
    const { container } = render(<Shell pages={PAGES} />);
    await waitFor(() => expect(container.querySelector('#feed-page')).not.toBeNull());
    routes.set('GET /api/users', () => denied);
    await expect(api('GET /api/users')).rejects.toMatchObject({ status: 401 });
    await waitFor(() => expect(container.querySelector('#login-message')?.textContent).toBe('Сеанс завершён. Войдите снова.'));

    routes.set('POST /api/auth/login', () => ({ status: 200, body: ADMIN }));
    fireEvent.input(container.querySelector('#login-username')!, { target: { value: 'boss' } });
    fireEvent.input(container.querySelector('#login-password')!, { target: { value: 'pw-pw-pw-pw' } });
    fireEvent.submit(container.querySelector('#login-form')!);
    await waitFor(() => expect(container.querySelector('#logout')).not.toBeNull());
    routes.set('POST /api/auth/logout', () => ({ status: 204 }));
    fireEvent.click(container.querySelector('#logout')!);
    await waitFor(() => expect(container.querySelector('#login-form')).not.toBeNull());
    const logout = calls.find((c) => c.key === 'POST /api/auth/logout');
    expect((logout?.init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1');
  });
});
