/**
 * The technical administrator's sources page: the registry (add, edit, pause, resume, delete),
 * each source's connector health, and alerts (stopped, silent) highlighted. Plain DOM through
 * the operator page's text-only builder; bundled into /assets/sources.js.
 */
import { ROLE_TITLES_RU, type Role } from '../../src/domain/access';
import { byId, el } from '../operator/dom';
import { formatAgo, formatDuration, parseTime, pluralRu } from '../operator/time';
import * as api from './api';

/** How often health is refreshed. */
const REFRESH_MS = 15_000;

const KIND_TITLES: Record<api.SourceKind, string> = {
  vk_wall: 'ВКонтакте: стена',
  vk_search: 'ВКонтакте: поиск',
  telegram_channel: 'Telegram-канал',
  ok_group: 'Одноклассники: группа',
  max_chat: 'MAX: чат',
  rss: 'RSS / Дзен',
  webhook: 'Обращения (вебхук)',
};
const KINDS = Object.keys(KIND_TITLES) as api.SourceKind[];

const ERROR_KIND_TITLES: Record<string, string> = {
  rate_limited: 'лимит запросов',
  flood: 'флуд-контроль',
  network: 'сеть',
  timeout: 'таймаут',
  http: 'HTTP',
  feed: 'формат ленты',
  parse: 'разбор страницы',
  auth: 'токен',
  config: 'настройка',
};

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
  alertCounter: byId('alert-counter'),
  filterKind: byId<HTMLSelectElement>('filter-kind'),
  filterStatus: byId<HTMLSelectElement>('filter-status'),
  refreshed: byId('refreshed'),
  add: byId<HTMLButtonElement>('add'),
  pageMessage: byId('page-message'),
  secretPanel: byId('secret-panel'),
  secretSender: byId('secret-sender'),
  secretValue: byId('secret-value'),
  secretCopy: byId<HTMLButtonElement>('secret-copy'),
  secretClose: byId<HTMLButtonElement>('secret-close'),
  editor: byId('editor'),
  editorForm: byId<HTMLFormElement>('editor-form'),
  editorTitle: byId('editor-title'),
  editorMessage: byId('editor-message'),
  editorSave: byId<HTMLButtonElement>('editor-save'),
  editorCancel: byId<HTMLButtonElement>('editor-cancel'),
  fKind: byId<HTMLSelectElement>('f-kind'),
  fTitle: byId<HTMLInputElement>('f-title'),
  fMunicipality: byId<HTMLSelectElement>('f-municipality'),
  fPoll: byId<HTMLInputElement>('f-poll'),
  fOfficial: byId<HTMLInputElement>('f-official'),
  fOrgField: byId('f-org-field'),
  fOrg: byId<HTMLInputElement>('f-org'),
  rows: byId('rows'),
  empty: byId('empty'),
};

let municipalities = new Map<string, string>();
let views: api.HealthView[] = [];
/** The source being edited; null while adding. */
let editing: api.Source | null = null;
let totpChallenge: string | null = null;
let timer: ReturnType<typeof setInterval> | null = null;

// ── Errors ──────────────────────────────────────────────────────────────────────────────────────

function errorText(err: unknown): string {
  if (err instanceof api.ApiError) {
    if (err.status === 0) return 'Сервер недоступен. Проверьте подключение к сети.';
    if (err.status === 401) return 'Сеанс завершён. Войдите снова.';
    if (err.status === 403) return `Недостаточно прав: ${err.message}`;
    if (err.status === 404) return 'Источник не найден — возможно, его уже удалили.';
    if (err.status === 409) return err.message;
    if (err.status === 400) return `Проверьте поля формы: ${err.message}`;
    if (err.status === 429) return 'Слишком много запросов. Повторите позже.';
    if (err.status >= 500) return 'Ошибка сервера. Повторите попытку позже.';
    return `Ошибка ${err.status}: ${err.message}`;
  }
  return 'Что-то пошло не так. Повторите попытку.';
}

function showMessage(node: HTMLElement, text: string | null, kind: 'error' | 'info' = 'error'): void {
  node.hidden = !text;
  node.textContent = text ?? '';
  node.dataset.kind = kind;
}

// ── Login ───────────────────────────────────────────────────────────────────────────────────────

function showLogin(message?: string): void {
  stopRefresh();
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
    if (totpChallenge) {
      answer = await api.loginTotp(totpChallenge, ui.loginTotp.value.trim());
    } else {
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
  if (session.passwordChangeRequired) {
    showLogin('Пароль задан администратором: смените его на странице «Пользователи» (/users/), затем войдите снова.');
    return;
  }
  if (session.totpEnrolmentRequired) {
    showLogin('Для входа администратора нужна двухфакторная аутентификация: настройте её на главной странице «Дозора».');
    return;
  }
  if (session.user.role !== 'admin') {
    showLogin('Эта страница доступна только техническому администратору.');
    return;
  }
  ui.userName.textContent = session.user.displayName;
  ui.userRole.textContent = ROLE_TITLES_RU[session.user.role as Role] ?? session.user.role;
  try {
    const m = await api.meta();
    municipalities = new Map([['region', m.region ? `${m.region.name} (вся область)` : 'Вся область'], ...m.municipalities.map((x) => [x.code, x.name] as [string, string])]);
  } catch {
    municipalities = new Map([['region', 'Вся область']]);
  }
  fillSelects();
  ui.boot.hidden = true;
  ui.loginView.hidden = true;
  ui.appView.hidden = false;
  await refresh();
  stopRefresh();
  timer = setInterval(() => void refresh(), REFRESH_MS);
}

function stopRefresh(): void {
  if (timer) clearInterval(timer);
  timer = null;
}

function fillSelects(): void {
  ui.filterKind.replaceChildren(el('option', { text: 'все', attrs: { value: '' } }), ...KINDS.map((k) => el('option', { text: KIND_TITLES[k], attrs: { value: k } })));
  ui.fKind.replaceChildren(...KINDS.map((k) => el('option', { text: KIND_TITLES[k], attrs: { value: k } })));
  ui.fMunicipality.replaceChildren(...[...municipalities].map(([code, name]) => el('option', { text: name, attrs: { value: code } })));
}

// ── Table ───────────────────────────────────────────────────────────────────────────────────────

async function refresh(): Promise<void> {
  try {
    const res = await api.listHealth();
    views = res.items;
    render();
    ui.refreshed.textContent = `Обновлено ${new Date().toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`;
    if (ui.pageMessage.dataset.kind === 'stale') showMessage(ui.pageMessage, null);
  } catch (err) {
    if (err instanceof api.ApiError && err.status === 401) return showLogin('Сеанс завершён. Войдите снова.');
    showMessage(ui.pageMessage, `Не удалось обновить состояние источников. ${errorText(err)}`);
    ui.pageMessage.dataset.kind = 'stale';
  }
}

function render(): void {
  const now = Date.now();
  const kind = ui.filterKind.value;
  const status = ui.filterStatus.value;
  const shown = views.filter((v) => (!kind || v.source.kind === kind) && (!status || (status === 'alert' ? v.alert !== null : v.source.status === status)));
  ui.rows.replaceChildren(...shown.map((v) => row(v, now)));
  ui.empty.hidden = views.length > 0;
  const alerts = views.filter((v) => v.alert).length;
  const active = views.filter((v) => v.source.status === 'active').length;
  ui.summary.textContent = `Источников: ${views.length}, работают: ${active}`;
  ui.alertCounter.hidden = alerts === 0;
  ui.alertCounter.textContent = `${alerts} ${pluralRu(alerts, ['тревога', 'тревоги', 'тревог'])}`;
}

function row(v: api.HealthView, now: number): HTMLElement {
  const { source: s, health: h, alert } = v;
  const errors = Object.entries(h.errorsByKind).sort(([, a], [, b]) => b - a);
  const waitUntil = parseTime(h.waitUntil);
  const state =
    s.status === 'paused'
      ? el('span', { class: 'src-status src-status--paused', text: 'на паузе' })
      : alert?.kind === 'stopped'
        ? el('span', { class: 'src-status src-status--stopped', text: 'остановлен' })
        : alert?.kind === 'silent'
          ? el('span', { class: 'src-status src-status--silent', text: 'молчит' })
          : el('span', { class: 'src-status src-status--ok', text: 'работает' });
  const tr = el(
    'tr',
    { class: alert ? `src-row src-row--${alert.kind}` : 'src-row', dataset: { id: s.id } },
    el(
      'td',
      {},
      el('div', { class: 'src-title', text: s.title }),
      el('div', { class: 'src-id muted', text: s.id }),
      s.official ? el('div', { class: 'src-official', text: `Госпаблик: ${s.official.organisation}` }) : null,
      alert ? el('div', { class: 'src-alert', text: alert.reason }) : null,
    ),
    el('td', { text: KIND_TITLES[s.kind] }),
    el('td', { text: municipalities.get(s.municipality) ?? s.municipality }),
    el('td', {}, state, Number.isFinite(waitUntil) ? el('div', { class: 'src-wait', text: `ждём до ${new Date(waitUntil).toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' })}` }) : null),
    el('td', { text: h.lastSuccessAt ? formatAgo(parseTime(h.lastSuccessAt), now) : '—', title: h.lastItemAt ? `Последнее сообщение: ${formatAgo(parseTime(h.lastItemAt), now)}` : '' }),
    el('td', { text: h.lagMs === null ? '—' : formatDuration(h.lagMs) }),
    el('td', { text: String(h.itemsLastHour), title: `Всего: ${h.itemsTotal}` }),
    el(
      'td',
      { title: h.lastError ?? '' },
      errors.length === 0 ? '—' : el('ul', { class: 'src-errors' }, ...errors.map(([k, n]) => el('li', { text: `${ERROR_KIND_TITLES[k] ?? k}: ${n}` }))),
      h.floodWaits > 0 ? el('div', { class: 'src-wait', text: `ограничений: ${h.floodWaits}` }) : null,
    ),
    el(
      'td',
      { class: 'src-actions' },
      button('Изменить', () => openEditor(s)),
      s.status === 'active' ? button('Пауза', () => void act(() => api.setStatus(s.id, 'pause'))) : button('Возобновить', () => void act(() => api.setStatus(s.id, 'resume'))),
      s.kind === 'webhook' ? button('Новый секрет', () => void rotate(s)) : null,
      button('Удалить', () => void remove(s), 'src-danger'),
    ),
  );
  return tr;
}

function button(text: string, onClick: () => void, extra = ''): HTMLButtonElement {
  const b = el('button', { class: `btn btn--small ${extra}`.trim(), text, attrs: { type: 'button' } });
  b.addEventListener('click', onClick);
  return b;
}

async function act(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
    showMessage(ui.pageMessage, null);
  } catch (err) {
    showMessage(ui.pageMessage, errorText(err));
  }
  await refresh();
}

async function remove(s: api.Source): Promise<void> {
  if (!window.confirm(`Удалить источник «${s.title}»? Сбор из него прекратится, история состояния будет удалена.${s.kind === 'webhook' ? ' Секрет отправителя перестанет действовать.' : ''}`)) return;
  await act(() => api.deleteSource(s.id));
}

async function rotate(s: api.Source): Promise<void> {
  if (!window.confirm(`Выпустить новый секрет для «${s.title}»? Старый перестанет действовать сразу.`)) return;
  await act(async () => showSecret(String(s.settings.senderId ?? s.id), (await api.rotateSecret(s.id)).secret));
}

function showSecret(sender: string, secret: string): void {
  ui.secretSender.textContent = sender;
  ui.secretValue.textContent = secret;
  ui.secretPanel.hidden = false;
  ui.secretPanel.scrollIntoView({ block: 'nearest' });
}

// ── Editor ──────────────────────────────────────────────────────────────────────────────────────

function settingInputs(kind: string): HTMLInputElement[] {
  return [...ui.editorForm.querySelectorAll<HTMLInputElement>(`fieldset[data-kind="${kind}"] [data-setting]`)];
}

function showKindFields(): void {
  for (const fs of ui.editorForm.querySelectorAll<HTMLFieldSetElement>('fieldset[data-kind]')) fs.hidden = fs.dataset.kind !== ui.fKind.value;
}

function openEditor(source: api.Source | null): void {
  editing = source;
  ui.editorForm.reset();
  showMessage(ui.editorMessage, null);
  ui.editorTitle.textContent = source ? `Изменить: ${source.title}` : 'Новый источник';
  ui.fKind.disabled = source !== null;
  ui.fKind.value = source?.kind ?? 'vk_wall';
  ui.fTitle.value = source?.title ?? '';
  ui.fMunicipality.value = source?.municipality ?? 'region';
  ui.fPoll.value = source?.pollIntervalSec ? String(source.pollIntervalSec) : '';
  ui.fOfficial.checked = Boolean(source?.official);
  ui.fOrg.value = source?.official?.organisation ?? '';
  ui.fOrgField.hidden = !ui.fOfficial.checked;
  if (source) {
    const st = source.settings as Record<string, unknown> & { geo?: { latitude: number; longitude: number } };
    for (const input of settingInputs(source.kind)) {
      const name = input.dataset.setting ?? '';
      const value = name === 'latitude' || name === 'longitude' ? st.geo?.[name] : st[name];
      if (input.type === 'checkbox') input.checked = value === true;
      else input.value = value === undefined || value === null ? '' : String(value as string | number);
    }
  }
  showKindFields();
  ui.editor.hidden = false;
  ui.fTitle.focus();
}

function collectSettings(kind: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let latitude: string | null = null;
  let longitude: string | null = null;
  for (const input of settingInputs(kind)) {
    const name = input.dataset.setting ?? '';
    if (input.type === 'checkbox') out[name] = input.checked;
    else if (name === 'latitude') latitude = input.value.trim();
    else if (name === 'longitude') longitude = input.value.trim();
    else if (input.value.trim() !== '') out[name] = input.value.trim();
  }
  if (latitude || longitude) out.geo = { latitude: Number(latitude), longitude: Number(longitude) };
  // Editing merges over the stored settings: empty coordinates must say «no geo» explicitly.
  else if (kind === 'vk_search' && editing) out.geo = null;
  return out;
}

async function onSave(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const kind = ui.fKind.value;
  const poll = ui.fPoll.value.trim();
  const body: Record<string, unknown> = {
    title: ui.fTitle.value.trim(),
    municipality: ui.fMunicipality.value,
    settings: collectSettings(kind),
  };
  if (ui.fOfficial.checked) body.official = { organisation: ui.fOrg.value.trim() };
  ui.editorSave.disabled = true;
  try {
    if (editing) {
      body.official = ui.fOfficial.checked ? body.official : null;
      body.pollIntervalSec = poll ? Number(poll) : null;
      await api.updateSource(editing.id, body);
    } else {
      if (poll) body.pollIntervalSec = Number(poll);
      const res = await api.createSource({ kind, ...body });
      if (res.secret) showSecret(String(res.source.settings.senderId ?? res.source.id), res.secret);
    }
    ui.editor.hidden = true;
    editing = null;
    await refresh();
  } catch (err) {
    showMessage(ui.editorMessage, errorText(err));
  } finally {
    ui.editorSave.disabled = false;
  }
}

// ── Wiring ──────────────────────────────────────────────────────────────────────────────────────

ui.loginForm.addEventListener('submit', (ev) => void onLogin(ev));
ui.logout.addEventListener('click', () => {
  void api.logout().catch(() => undefined).finally(() => showLogin());
});
ui.add.addEventListener('click', () => openEditor(null));
ui.editorCancel.addEventListener('click', () => {
  ui.editor.hidden = true;
  editing = null;
});
ui.editorForm.addEventListener('submit', (ev) => void onSave(ev));
ui.fKind.addEventListener('change', showKindFields);
ui.fOfficial.addEventListener('change', () => {
  ui.fOrgField.hidden = !ui.fOfficial.checked;
});
ui.filterKind.addEventListener('change', render);
ui.filterStatus.addEventListener('change', render);
ui.secretCopy.addEventListener('click', () => {
  void navigator.clipboard?.writeText(ui.secretValue.textContent ?? '').then(
    () => (ui.secretCopy.textContent = 'Скопировано'),
    () => (ui.secretCopy.textContent = 'Не удалось — выделите и скопируйте вручную'),
  );
});
ui.secretClose.addEventListener('click', () => {
  ui.secretPanel.hidden = true;
  ui.secretValue.textContent = '';
  ui.secretCopy.textContent = 'Скопировать';
});

void (async () => {
  try {
    await enter(await api.me());
  } catch {
    showLogin();
  }
})();
