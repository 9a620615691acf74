/**
 * The session model, owned by the shell: who is logged in, the TOTP step of the login, logout,
 * and the end of a session (expired or revoked) noticed by any API call or the live feed.
 * Pages read `session.user` and never call the auth routes themselves.
 */
import { computed, signal } from '@preact/signals';
import type { SessionInfo } from '../../src/contracts/auth';
import { can, ROLE_TITLES_RU, type Permission } from '../../src/domain/access';
import { api, ApiError, onSessionLost, setCsrfToken } from './api';

export type SessionStatus = 'loading' | 'anonymous' | 'ready';

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return 'Сервер недоступен. Проверьте подключение к сети.';
    if (err.status === 401) return 'Сеанс завершён. Войдите снова.';
    if (err.status === 403) return 'Недостаточно прав.';
    if (err.status === 429) return err.retryAfterSeconds ? `Слишком много попыток. Повторите через ${err.retryAfterSeconds} с.` : 'Слишком много запросов. Повторите позже.';
    if (err.status >= 500) return 'Ошибка сервера. Повторите попытку позже.';
    return `Ошибка ${err.status}: ${err.message}`;
  }
  return 'Что-то пошло не так. Повторите попытку.';
}

export function createSession() {
  const info = signal<SessionInfo | null>(null);
  const status = signal<SessionStatus>('loading');
  /** The TOTP challenge while the login waits for the code. */
  const challenge = signal<string | null>(null);
  /** A message for the login form (wrong password, session ended…). */
  const message = signal<{ kind: 'error' | 'info'; text: string } | null>(null);
  const busy = signal(false);

  const user = computed(() => info.value?.user ?? null);
  const roleTitle = computed(() => (user.value ? (ROLE_TITLES_RU[user.value.role] ?? user.value.role) : ''));

  function enter(answer: SessionInfo): void {
    setCsrfToken(answer.csrfToken);
    challenge.value = null;
    message.value = null;
    info.value = answer;
    status.value = 'ready';
  }

  function leave(text: string | null, kind: 'error' | 'info' = 'error'): void {
    setCsrfToken('');
    info.value = null;
    challenge.value = null;
    message.value = text ? { kind, text } : null;
    status.value = 'anonymous';
  }

  return {
    info,
    user,
    roleTitle,
    status,
    challenge,
    message,
    busy,
    /** Does the logged-in user's role hold this permission? */
    can(permission: Permission | null | undefined): boolean {
      const u = user.value;
      return !!u && (!permission || can(u.role, permission));
    },
    /** On page load: the session from the cookie, or the login form. */
    async restore(): Promise<void> {
      try {
        enter(await api('GET /api/auth/me'));
      } catch (err) {
        leave(err instanceof ApiError && err.status === 401 ? null : errorText(err));
      }
    },
    /** The password step, then (when enrolled) the code step. */
    async login(username: string, password: string, code: string): Promise<void> {
      busy.value = true;
      message.value = null;
      const pending = challenge.value;
      try {
        if (pending) {
          enter(await api('POST /api/auth/login/totp', { body: { challenge: pending, code: code.trim(), mode: 'cookie' } }));
          return;
        }
        if (!username.trim() || !password) {
          message.value = { kind: 'error', text: 'Введите имя пользователя и пароль.' };
          return;
        }
        const answer = await api('POST /api/auth/login', { body: { username: username.trim(), password, mode: 'cookie' } });
        if ('totpRequired' in answer) {
          challenge.value = answer.challenge;
          message.value = { kind: 'info', text: 'Введите шестизначный код из приложения-аутентификатора.' };
          return;
        }
        enter(answer);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          challenge.value = null;
          message.value = { kind: 'error', text: pending ? 'Неверный или устаревший код. Войдите заново.' : 'Неверное имя пользователя или пароль.' };
        } else if (err instanceof ApiError && err.status === 400 && pending) {
          message.value = { kind: 'error', text: 'Код — шесть цифр из приложения-аутентификатора.' };
        } else message.value = { kind: 'error', text: errorText(err) };
      } finally {
        busy.value = false;
      }
    },
    async logout(): Promise<void> {
      try {
        await api('POST /api/auth/logout');
      } catch {
        // The session may already be gone; the page logs out either way.
      }
      leave(null);
    },
    /** The server refused the session (expired, revoked, user disabled). */
    expired(): void {
      if (status.value !== 'ready') return;
      leave('Сеанс завершён. Войдите снова.');
    },
    /** A fresh session answer (TOTP enrolment confirmed, role changed). */
    replace(answer: SessionInfo): void {
      enter(answer);
    },
  };
}

export type Session = ReturnType<typeof createSession>;

/** The application's session; the client reports a lost session to it. */
export const session = createSession();
onSessionLost(() => session.expired());
