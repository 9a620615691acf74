/** The login form: password, then the six-digit code when the user has enrolled TOTP. */
import { useRef, useEffect } from 'preact/hooks';
import type { Session } from './session';

export function Login({ session, subtitle }: { session: Session; subtitle: string }) {
  const username = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  const code = useRef<HTMLInputElement>(null);
  const totpStep = session.challenge.value !== null;
  const message = session.message.value;

  useEffect(() => {
    if (totpStep) code.current?.focus();
    else (username.current?.value ? password.current : username.current)?.focus();
  }, [totpStep]);

  const submit = (ev: Event): void => {
    ev.preventDefault();
    void session.login(username.current?.value ?? '', password.current?.value ?? '', code.current?.value ?? '').then(() => {
      if (session.status.value === 'ready') {
        if (password.current) password.current.value = '';
        if (code.current) code.current.value = '';
      }
    });
  };

  return (
    <main id="login-view" class="login">
      <form id="login-form" class="login__card" noValidate onSubmit={submit}>
        <div class="brand brand--large">
          <span class="brand__mark" aria-hidden="true">
            Д
          </span>
          <span class="brand__name">Дозор</span>
        </div>
        <p class="login__sub">{subtitle}</p>
        <label class="field">
          <span class="field__label">Имя пользователя</span>
          <input ref={username} id="login-username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck={false} required />
        </label>
        <label class="field">
          <span class="field__label">Пароль</span>
          <input ref={password} id="login-password" name="password" type="password" autocomplete="current-password" required />
        </label>
        <label id="login-totp-field" class="field" hidden={!totpStep}>
          <span class="field__label">Код из приложения-аутентификатора</span>
          <input ref={code} id="login-totp" name="totp" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="\d{6}" maxLength={6} />
        </label>
        <p id="login-message" class="login__message" role="alert" data-kind={message?.kind} hidden={!message}>
          {message?.text ?? ''}
        </p>
        <button id="login-submit" type="submit" class="btn btn--primary btn--block" disabled={session.busy.value}>
          Войти
        </button>
        <p class="login__note">Доступ только для сотрудников ЦУР. Действия записываются в журнал.</p>
      </form>
    </main>
  );
}
