/**
 * The technical administrator's audit page: filter the append-only audit trail by user, action,
 * outcome, object and time, newest first, page by page. Read-only by construction (the API has
 * no write route for it). Everything recorded is shown as text through the text-only DOM builder.
 */
import { can, ROLE_TITLES_RU, type Role } from '../../src/domain/access';
import { AUDIT_ACTION_TITLES_RU } from '../../src/domain/audit';
import { byId, el } from '../operator/dom';
import * as api from './api';

const PAGE_SIZE = 50;

/** Russian titles of the actions the system records; unknown ones are shown by code. */
const ACTION_TITLES: Readonly<Record<string, string>> = AUDIT_ACTION_TITLES_RU;
const ACTION_GROUPS: [string, string][] = [
  ['auth.*', 'Все: вход и выход'],
  ['access.*', 'Все: отказы в доступе'],
  ['post.*', 'Все: архив сообщений'],
  ['user.*', 'Все: пользователи и роли'],
  ['incident.*', 'Все: действия с инцидентами'],
];

const OUTCOME_TITLES: Record<api.AuditEntry['outcome'], string> = { success: 'успешно', failure: 'ошибка', denied: 'отказано' };

const ui = {
  boot: byId('boot'),
  loginView: byId('login-view'),
  loginForm: byId<HTMLFormElement>('login-form'),
  loginUsername: byId<HTMLInputElement>('login-username'),
  loginPassword: byId<HTMLInputElement>('login-password'),
  loginTotpField: byId('login-totp-field'),
  loginTotp: byId<HTMLInputElement>('login-totp'),
  loginMessage: byId('login-message'),
  loginSubmit: byId<HTMLButtonElement>('login-submit'),
  appView: byId('app-view'),
  userName: byId('user-name'),
  userRole: byId('user-role'),
  logout: byId<HTMLButtonElement>('logout'),
  summary: byId('summary'),
  filters: byId<HTMLFormElement>('filters'),
  fActor: byId<HTMLInputElement>('f-actor'),
  fAction: byId<HTMLSelectElement>('f-action'),
  fOutcome: byId<HTMLSelectElement>('f-outcome'),
  fTarget: byId<HTMLInputElement>('f-target'),
  fFrom: byId<HTMLInputElement>('f-from'),
  fTo: byId<HTMLInputElement>('f-to'),
  clear: byId<HTMLButtonElement>('clear-filters'),
  pageMessage: byId('page-message'),
  rows: byId('rows'),
  empty: byId('empty'),
  prev: byId<HTMLButtonElement>('prev'),
  next: byId<HTMLButtonElement>('next'),
  pageInfo: byId('page-info'),
};

let totpChallenge: string | null = null;
let page = 1;
let lastTotal = 0;
/** Only the answer to the latest request is shown: an older one arriving late is dropped. */
let loadSeq = 0;

function errorText(err: unknown): string {
  if (err instanceof api.ApiError) {
    if (err.status === 0) return 'Сервер недоступен. Проверьте подключение к сети.';
    if (err.status === 401) return 'Сеанс завершён. Войдите снова.';
    if (err.status === 403) return 'Недостаточно прав для просмотра журнала аудита.';
    if (err.status === 400) return `Проверьте условия поиска: ${err.message}`;
    if (err.status === 429) return 'Слишком много запросов. Повторите позже.';
    if (err.status >= 500) return 'Ошибка сервера. Повторите попытку позже.';
    return `Ошибка ${err.status}: ${err.message}`;
  }
  return 'Что-то пошло не так. Повторите попытку.';
}

function showMessage(node: HTMLElement, text: string | null): void {
  node.hidden = !text;
  node.textContent = text ?? '';
}

// ── Login ─────────────────────────────────────────────────────────────────────────────────────

function showLogin(message?: string): void {
  ui.boot.hidden = true;
  ui.appView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginTotpField.hidden = totpChallenge === null;
  showMessage(ui.loginMessage, message ?? null);
  ui.loginSubmit.disabled = false;
  (ui.loginUsername.value ? ui.loginPassword : ui.loginUsername).focus();
}

async function onLogin(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  ui.loginSubmit.disabled = true;
  showMessage(ui.loginMessage, null);
  try {
    let answer: api.LoginAnswer;
    if (totpChallenge) answer = await api.loginTotp(totpChallenge, ui.loginTotp.value.trim());
    else {
      const username = ui.loginUsername.value.trim();
      if (!username || !ui.loginPassword.value) throw new Error('empty');
      answer = await api.login(username, ui.loginPassword.value);
    }
    if ('totpRequired' in answer) {
      totpChallenge = answer.challenge;
      showLogin('Введите шестизначный код из приложения-аутентификатора.');
      ui.loginTotp.focus();
      return;
    }
    totpChallenge = null;
    ui.loginPassword.value = '';
    ui.loginTotp.value = '';
    await enter(answer);
  } catch (err) {
    if (err instanceof api.ApiError && err.status === 401) {
      const wasTotp = totpChallenge !== null;
      totpChallenge = null;
      showLogin(wasTotp ? 'Неверный или устаревший код. Войдите заново.' : 'Неверное имя пользователя или пароль.');
    } else if (err instanceof Error && err.message === 'empty') showLogin('Введите имя пользователя и пароль.');
    else showLogin(errorText(err));
  }
}

async function enter(session: api.SessionInfo): Promise<void> {
  if (session.totpEnrolmentRequired) {
    showLogin('Для входа администратора нужна двухфакторная аутентификация: настройте её на главной странице «Дозора».');
    return;
  }
  const role = session.user.role as Role;
  if (!(role in ROLE_TITLES_RU) || !can(role, 'audit:read')) {
    showLogin('Журнал аудита доступен только техническому администратору.');
    return;
  }
  ui.userName.textContent = session.user.displayName;
  ui.userRole.textContent = ROLE_TITLES_RU[role];
  ui.boot.hidden = true;
  ui.loginView.hidden = true;
  ui.appView.hidden = false;
  page = 1;
  await load();
}

// ── Filters and table ─────────────────────────────────────────────────────────────────────────

function fillActions(): void {
  ui.fAction.replaceChildren(
    el('option', { text: 'любое', attrs: { value: '' } }),
    ...ACTION_GROUPS.map(([code, title]) => el('option', { text: title, attrs: { value: code } })),
    ...Object.entries(ACTION_TITLES).map(([code, title]) => el('option', { text: title, attrs: { value: code } })),
  );
}

/** A datetime-local value (the browser's local time) as an ISO instant, or undefined. */
function isoOf(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function currentFilter(): api.AuditFilter {
  const f: api.AuditFilter = { page, size: PAGE_SIZE };
  const actor = ui.fActor.value.trim();
  const target = ui.fTarget.value.trim();
  const from = isoOf(ui.fFrom.value);
  const to = isoOf(ui.fTo.value);
  if (actor) f.actor = actor;
  if (ui.fAction.value) f.action = ui.fAction.value;
  if (ui.fOutcome.value) f.outcome = ui.fOutcome.value;
  if (target) f.target = target;
  if (from) f.from = from;
  if (to) f.to = to;
  return f;
}

const when = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

function row(e: api.AuditEntry): HTMLTableRowElement {
  const at = new Date(e.at);
  const actor = e.actor
    ? el('td', {}, el('div', { text: e.actor.username ?? e.actor.id }), el('div', { class: 'audit-muted', text: e.actor.role && e.actor.role in ROLE_TITLES_RU ? ROLE_TITLES_RU[e.actor.role as Role] : (e.actor.role ?? '') }))
    : el('td', { class: 'audit-muted', text: 'система / без входа' });
  const details = Object.keys(e.details).length > 0 ? el('code', { text: JSON.stringify(e.details, null, 1) }) : el('span', { class: 'audit-muted', text: '—' });
  return el(
    'tr',
    { dataset: { id: e.id, action: e.action, outcome: e.outcome } },
    el('td', { class: 'audit-when', text: Number.isNaN(at.getTime()) ? e.at : when.format(at), title: e.at }),
    actor,
    el('td', {}, el('div', { text: ACTION_TITLES[e.action] ?? e.action }), el('div', { class: 'audit-muted', text: e.action })),
    el('td', {}, el('span', { class: `outcome outcome--${e.outcome}`, text: OUTCOME_TITLES[e.outcome] ?? e.outcome })),
    el('td', { text: e.target ?? '—' }),
    el('td', { text: e.ip ?? '—' }),
    el('td', {}, details),
  );
}

async function load(): Promise<void> {
  showMessage(ui.pageMessage, null);
  const seq = ++loadSeq;
  try {
    const res = await api.audit(currentFilter());
    if (seq !== loadSeq) return;
    lastTotal = res.total;
    ui.rows.replaceChildren(...res.items.map(row));
    ui.empty.hidden = res.items.length > 0;
    const pages = Math.max(1, Math.ceil(res.total / PAGE_SIZE));
    ui.summary.textContent = `Записей: ${res.total}`;
    ui.pageInfo.textContent = `Страница ${page} из ${pages}`;
    ui.prev.disabled = page <= 1;
    ui.next.disabled = page >= pages || page * PAGE_SIZE >= 10_000;
  } catch (err) {
    if (seq !== loadSeq) return;
    if (err instanceof api.ApiError && err.status === 401) return showLogin('Сеанс завершён. Войдите снова.');
    showMessage(ui.pageMessage, errorText(err));
  }
}

// ── Wiring ────────────────────────────────────────────────────────────────────────────────────

fillActions();
ui.loginForm.addEventListener('submit', (ev) => void onLogin(ev));
ui.logout.addEventListener('click', () => {
  void api
    .logout()
    .catch(() => undefined)
    .finally(() => showLogin());
});
ui.filters.addEventListener('submit', (ev) => {
  ev.preventDefault();
  page = 1;
  void load();
});
ui.clear.addEventListener('click', () => {
  ui.filters.reset();
  page = 1;
  void load();
});
ui.prev.addEventListener('click', () => {
  if (page > 1) page--;
  void load();
});
ui.next.addEventListener('click', () => {
  if (page * PAGE_SIZE < lastTotal) page++;
  void load();
});

void (async () => {
  try {
    await enter(await api.me());
  } catch {
    showLogin();
  }
})();
