/**
 * Users page (/users/): the technical administrator's account management (list, create, edit
 * role and scope, disable, reset password or TOTP), and, for everyone, TOTP enrolment — the page
 * a role that must use TOTP is sent to after its first login. Plain DOM, text only.
 */
import { can, ROLE_TITLES_RU, ROLES, type Role } from '../../src/domain/access';
import { ApiError, apiRequest, meta as loadMeta, me, logout, type Meta, type SessionUser } from '../operator/api';
import { byId, el } from '../operator/dom';

interface UserView extends SessionUser {
  disabled: boolean;
  totpEnabled: boolean;
  createdAt: string;
  updatedAt: string;
}

const ui = {
  boot: byId('boot'),
  needLogin: byId('need-login'),
  app: byId('app'),
  meName: byId('me-name'),
  logout: byId<HTMLButtonElement>('logout'),
  toFeed: byId<HTMLAnchorElement>('to-feed'),
  notice: byId('notice'),
  totpRequired: byId('totp-required'),
  totpStart: byId<HTMLButtonElement>('totp-start'),
  totpPassword: byId<HTMLInputElement>('totp-password'),
  passwordRequired: byId('password-required'),
  passwordForm: byId<HTMLFormElement>('password-form'),
  pwCurrent: byId<HTMLInputElement>('pw-current'),
  pwNew: byId<HTMLInputElement>('pw-new'),
  passwordMessage: byId('password-message'),
  totpSetup: byId<HTMLFormElement>('totp-setup'),
  totpSecret: byId('totp-secret'),
  totpUri: byId<HTMLAnchorElement>('totp-uri'),
  totpCode: byId<HTMLInputElement>('totp-code'),
  totpMessage: byId('totp-message'),
  usersSection: byId('users-section'),
  userNew: byId<HTMLButtonElement>('user-new'),
  form: byId<HTMLFormElement>('user-form'),
  formTitle: byId('form-title'),
  fUsername: byId<HTMLInputElement>('f-username'),
  fName: byId<HTMLInputElement>('f-name'),
  fRole: byId<HTMLSelectElement>('f-role'),
  fPasswordField: byId('f-password-field'),
  fPassword: byId<HTMLInputElement>('f-password'),
  fGenerate: byId<HTMLButtonElement>('f-generate'),
  fSectorsAll: byId<HTMLInputElement>('f-sectors-all'),
  fSectors: byId('f-sectors'),
  fMunisAll: byId<HTMLInputElement>('f-munis-all'),
  fMunis: byId('f-munis'),
  formMessage: byId('form-message'),
  fSubmit: byId<HTMLButtonElement>('f-submit'),
  fCancel: byId<HTMLButtonElement>('f-cancel'),
  body: byId('users-body'),
};

let csrf = '';
let self: SessionUser | null = null;
let meta: Meta = { sectors: [], networks: [], municipalities: [] };
/** The user being edited, or null when the form creates one. */
let editing: UserView | null = null;

// ---------------------------------------------------------------------------------------------
// REST (same origin, session cookie; writes carry the anti-CSRF token)

async function call<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  try {
    return await apiRequest<T>(method, path, { csrf: method === 'GET' ? null : csrf, body });
  } catch (err) {
    if (err instanceof ApiError && err.status === 0) throw new ApiError(0, 'network', 'Сервер недоступен');
    if (err instanceof ApiError && err.status === 401) showNeedLogin();
    throw err;
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Не удалось выполнить действие.';
  if (err.status === 0) return 'Сервер недоступен. Проверьте подключение к сети.';
  if (err.status === 403) return 'Недостаточно прав для этого действия.';
  if (err.status === 409) return `Конфликт: ${err.message}`;
  if (err.status === 400) return `Проверьте поля: ${err.message}`;
  if (err.status === 404) return 'Пользователь не найден.';
  return `Ошибка ${err.status}. Повторите попытку.`;
}

// ---------------------------------------------------------------------------------------------
// Views

function showNeedLogin(): void {
  ui.boot.hidden = true;
  ui.app.hidden = true;
  ui.needLogin.hidden = false;
}

function say(node: HTMLElement, text: string | null, kind: 'error' | 'ok' = 'error'): void {
  node.hidden = !text;
  node.textContent = text ?? '';
  node.dataset.kind = kind;
}

function roleTitle(role: string): string {
  return (ROLE_TITLES_RU as Record<string, string>)[role] ?? role;
}

function scopeText(u: SessionUser): string {
  const sectors = u.scope.sectors === 'all' ? 'все направления' : u.scope.sectors.map((s) => meta.sectors.find((x) => x.code === s)?.title ?? s).join(', ');
  const munis = u.scope.municipalities === 'all' ? 'все МО' : u.scope.municipalities.map((m) => meta.municipalities.find((x) => x.code === m)?.name ?? m).join(', ');
  return `${sectors}; ${munis}`;
}

/** A random temporary password: 16 characters without look-alikes. */
function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

// ---------------------------------------------------------------------------------------------
// TOTP enrolment

async function startTotp(): Promise<void> {
  say(ui.totpMessage, null);
  try {
    if (ui.totpPassword.value === '') {
      say(ui.totpMessage, 'Введите текущий пароль: без него второй фактор не подключить.');
      ui.totpPassword.focus();
      return;
    }
    const res = await call<{ secret: string; otpauthUri: string }>('POST', '/api/auth/totp/setup', { password: ui.totpPassword.value });
    ui.totpPassword.value = '';
    ui.totpSecret.textContent = res.secret.replace(/(.{4})/g, '$1 ').trim();
    ui.totpUri.href = res.otpauthUri;
    ui.totpSetup.hidden = false;
    ui.totpStart.hidden = true;
    ui.totpCode.focus();
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      ui.totpStart.hidden = true;
      say(ui.totpMessage, 'Двухфакторная аутентификация уже настроена. Чтобы привязать другой телефон, попросите администратора сбросить её.', 'ok');
    } else say(ui.totpMessage, err instanceof ApiError && err.status === 400 ? 'Неверный текущий пароль.' : errorText(err));
  }
}

/** The owner's own password change (required after an administrator set the password). */
async function changePassword(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  say(ui.passwordMessage, null);
  try {
    const res = await call<{ csrfToken: string; totpEnrolmentRequired: boolean }>('POST', '/api/auth/password', { currentPassword: ui.pwCurrent.value, newPassword: ui.pwNew.value });
    csrf = res.csrfToken;
    ui.pwCurrent.value = '';
    ui.pwNew.value = '';
    say(ui.passwordMessage, 'Пароль сменён. Другие сеансы этой учётной записи завершены.', 'ok');
    if (!ui.passwordRequired.hidden) {
      ui.passwordRequired.hidden = true;
      ui.toFeed.hidden = res.totpEnrolmentRequired;
      if (res.totpEnrolmentRequired) ui.totpRequired.hidden = false;
      else if (self) await showAdmin(self);
    }
  } catch (err) {
    say(ui.passwordMessage, errorText(err));
  }
}

async function confirmTotp(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const code = ui.totpCode.value.replace(/\s/g, '');
  if (!/^\d{6}$/.test(code)) return say(ui.totpMessage, 'Код состоит из шести цифр.');
  try {
    const res = await call<{ csrfToken: string }>('POST', '/api/auth/totp/confirm', { code });
    csrf = res.csrfToken;
    ui.totpSetup.hidden = true;
    ui.totpRequired.hidden = true;
    say(ui.totpMessage, 'Готово: теперь при входе будет запрашиваться код из приложения.', 'ok');
    if (self) await showAdmin(self);
  } catch (err) {
    say(ui.totpMessage, err instanceof ApiError && err.status === 400 ? 'Неверный или уже использованный код. Проверьте время на телефоне и введите новый код.' : errorText(err));
    ui.totpCode.select();
  }
}

// ---------------------------------------------------------------------------------------------
// Users

async function showAdmin(user: SessionUser): Promise<void> {
  if (!(ROLES as readonly string[]).includes(user.role) || !can(user.role as Role, 'users:manage')) return;
  try {
    meta = await loadMeta();
  } catch {
    // Codes are shown instead of names.
  }
  buildFormOptions();
  ui.usersSection.hidden = false;
  await refresh();
}

async function refresh(): Promise<void> {
  const { items } = await call<{ items: UserView[] }>('GET', '/api/users');
  ui.body.replaceChildren(...items.map(row));
}

function actionButton(label: string, action: string, id: string): HTMLButtonElement {
  return el('button', { class: 'btn btn--small', text: label, attrs: { type: 'button' }, dataset: { action, id } });
}

function row(u: UserView): HTMLTableRowElement {
  const isSelf = self?.id === u.id;
  return el(
    'tr',
    { dataset: { user: u.id }, class: u.disabled ? 'is-disabled' : '' },
    el('td', { text: u.username }),
    el('td', { text: u.displayName }),
    el('td', { text: roleTitle(u.role) }),
    el('td', { class: 'scope-cell', text: scopeText(u) }),
    el('td', { text: u.totpEnabled ? 'включена' : '—' }),
    el('td', { text: u.disabled ? 'отключена' : 'активна' }),
    el(
      'td',
      { class: 'actions' },
      actionButton('Изменить', 'edit', u.id),
      !isSelf && actionButton(u.disabled ? 'Включить' : 'Отключить', u.disabled ? 'enable' : 'disable', u.id),
      actionButton('Сбросить пароль', 'password', u.id),
      u.totpEnabled && actionButton('Сбросить 2FA', 'totp', u.id),
    ),
  );
}

function buildFormOptions(): void {
  ui.fRole.replaceChildren(...ROLES.map((r) => el('option', { text: ROLE_TITLES_RU[r], attrs: { value: r } })));
  ui.fSectors.replaceChildren(...meta.sectors.map((s) => el('label', { class: 'check' }, el('input', { attrs: { type: 'checkbox', value: s.code } }), ` ${s.title}`)));
  ui.fMunis.replaceChildren(...meta.municipalities.map((m) => el('label', { class: 'check' }, el('input', { attrs: { type: 'checkbox', value: m.code } }), ` ${m.name}`)));
}

function setChecks(box: HTMLElement, all: HTMLInputElement, value: string[] | 'all'): void {
  all.checked = value === 'all';
  for (const input of box.querySelectorAll<HTMLInputElement>('input')) {
    input.checked = value !== 'all' && value.includes(input.value);
    input.disabled = all.checked;
  }
}

function readChecks(box: HTMLElement, all: HTMLInputElement): string[] | 'all' {
  if (all.checked) return 'all';
  return [...box.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
}

function openForm(user: UserView | null): void {
  editing = user;
  ui.formTitle.textContent = user ? `Изменить: ${user.username}` : 'Новый пользователь';
  ui.fSubmit.textContent = user ? 'Сохранить' : 'Создать';
  ui.fUsername.value = user?.username ?? '';
  ui.fUsername.disabled = user !== null;
  ui.fName.value = user?.displayName ?? '';
  ui.fRole.value = user?.role ?? 'operator';
  ui.fRole.disabled = user !== null && user.id === self?.id;
  ui.fPasswordField.hidden = user !== null;
  ui.fPassword.value = user ? '' : generatePassword();
  setChecks(ui.fSectors, ui.fSectorsAll, user?.scope.sectors ?? 'all');
  setChecks(ui.fMunis, ui.fMunisAll, user?.scope.municipalities ?? 'all');
  say(ui.formMessage, null);
  ui.form.hidden = false;
  (user ? ui.fName : ui.fUsername).focus();
}

async function submitForm(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const scope = { sectors: readChecks(ui.fSectors, ui.fSectorsAll), municipalities: readChecks(ui.fMunis, ui.fMunisAll) };
  if ((scope.sectors !== 'all' && scope.sectors.length === 0) || (scope.municipalities !== 'all' && scope.municipalities.length === 0)) {
    return say(ui.formMessage, 'Выберите хотя бы одно направление и одно муниципальное образование (или «Все»).');
  }
  const role = ui.fRole.value as Role;
  ui.fSubmit.disabled = true;
  try {
    if (editing) {
      await call('PATCH', `/api/users/${encodeURIComponent(editing.id)}`, { displayName: ui.fName.value.trim(), role, scope });
      say(ui.notice, `Изменения сохранены: ${editing.username}. Если изменились роль или область работы, его сеансы завершены.`, 'ok');
    } else {
      const password = ui.fPassword.value;
      const created = await call<UserView>('POST', '/api/users', { username: ui.fUsername.value.trim(), displayName: ui.fName.value.trim(), role, scope, password });
      say(ui.notice, `Создан пользователь ${created.username}. Временный пароль: ${password} — передайте его лично.`, 'ok');
    }
    ui.form.hidden = true;
    await refresh();
  } catch (err) {
    say(ui.formMessage, errorText(err));
  } finally {
    ui.fSubmit.disabled = false;
  }
}

async function onAction(action: string, id: string): Promise<void> {
  const path = `/api/users/${encodeURIComponent(id)}`;
  try {
    if (action === 'edit') return openForm(await call<UserView>('GET', path));
    if (action === 'disable' || action === 'enable') {
      await call('POST', `${path}/${action}`);
      say(ui.notice, action === 'disable' ? `Учётная запись ${id} отключена, её сеансы завершены.` : `Учётная запись ${id} включена.`, 'ok');
    } else if (action === 'password') {
      const password = generatePassword();
      await call('POST', `${path}/password`, { password });
      say(ui.notice, `Новый временный пароль для ${id}: ${password} — передайте его лично. Сеансы пользователя завершены.`, 'ok');
    } else if (action === 'totp') {
      await call('POST', `${path}/totp/reset`);
      say(ui.notice, `Двухфакторная аутентификация ${id} сброшена; при следующем входе её нужно настроить заново.`, 'ok');
    }
    await refresh();
  } catch (err) {
    say(ui.notice, errorText(err));
  }
}

// ---------------------------------------------------------------------------------------------
// Boot

ui.totpStart.addEventListener('click', () => void startTotp());
ui.passwordForm.addEventListener('submit', (ev) => void changePassword(ev));
ui.totpSetup.addEventListener('submit', (ev) => void confirmTotp(ev));
ui.userNew.addEventListener('click', () => openForm(null));
ui.fCancel.addEventListener('click', () => {
  ui.form.hidden = true;
});
ui.fGenerate.addEventListener('click', () => {
  ui.fPassword.value = generatePassword();
});
ui.fSectorsAll.addEventListener('change', () => setChecks(ui.fSectors, ui.fSectorsAll, ui.fSectorsAll.checked ? 'all' : []));
ui.fMunisAll.addEventListener('change', () => setChecks(ui.fMunis, ui.fMunisAll, ui.fMunisAll.checked ? 'all' : []));
ui.form.addEventListener('submit', (ev) => void submitForm(ev));
ui.body.addEventListener('click', (ev) => {
  const button = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
  if (button?.dataset.action && button.dataset.id) void onAction(button.dataset.action, button.dataset.id);
});
ui.logout.addEventListener('click', () => {
  void logout(csrf)
    .catch(() => undefined)
    .then(() => window.location.assign('/'));
});

async function boot(): Promise<void> {
  try {
    const info = await me();
    csrf = info.csrfToken;
    self = info.user;
    ui.meName.textContent = info.user.displayName || info.user.username;
    ui.boot.hidden = true;
    ui.app.hidden = false;
    ui.toFeed.hidden = info.totpEnrolmentRequired || info.passwordChangeRequired;
    if (info.passwordChangeRequired) {
      ui.passwordRequired.hidden = false;
      if (info.totpEnrolmentRequired) ui.totpRequired.hidden = false;
      ui.pwCurrent.focus();
      return;
    }
    if (info.totpEnrolmentRequired) {
      ui.totpRequired.hidden = false;
      ui.totpPassword.focus();
      return;
    }
    await showAdmin(info.user);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return showNeedLogin();
    ui.boot.textContent = 'Сервер недоступен. Обновите страницу позже.';
  }
}

void boot();
