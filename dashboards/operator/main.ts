/**
 * Operator page (рабочее место дежурного): login, live incident feed, sector filter.
 * Plain DOM; bundled by scripts/build-dashboards.ts into /assets/operator.js.
 */
import type { FeedReady, IncidentCard } from '../../src/contracts/feed';
import { can, ROLE_TITLES_RU, ROLES, type Role } from '../../src/domain/access';
import { SECTORS } from '../../src/domain/sector';
import * as api from './api';
import { byId, el } from './dom';
import { FeedClient, type ConnectionState } from './feed-client';
import { makeTitles, renderCard, sectorChip, settleClamp, updateCardTimes, type Titles } from './render';
import { pluralRu } from './time';

/** Cards kept in the DOM; older ones fall off the bottom. */
const MAX_CARDS = 300;
/** How many incidents the REST listing asks for. */
const LIST_LIMIT = 200;
/** How often «N минут назад» and deadlines are refreshed. */
const TICK_MS = 15_000;
const BASE_TITLE = 'Дозор — лента инцидентов';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Подключение…',
  connected: 'Подключено',
  reconnecting: 'Переподключение…',
  offline: 'Нет связи',
};

const CONNECTION_BANNER =
  'Нет связи с сервером. Новые инциденты не поступают; подключение восстанавливается автоматически, пропущенное будет догружено.';

interface Entry {
  card: IncidentCard;
  node: HTMLElement;
  createdTs: number;
}

interface Session {
  /** Anti-CSRF token for writes; the session itself is an HttpOnly cookie. */
  csrf: string;
  user: api.SessionUser;
  titles: Titles;
  /** Sectors the user may filter by, in canonical order. */
  sectors: string[];
  feed: FeedClient | null;
}

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
  section: byId('section-title'),
  conn: byId('conn-state'),
  connBanner: byId('conn-banner'),
  userName: byId('user-name'),
  userRole: byId('user-role'),
  logout: byId<HTMLButtonElement>('logout'),
  toUsers: byId<HTMLAnchorElement>('to-users'),
  filter: byId('sector-filter'),
  counter: byId('counter'),
  overdueCounter: byId('overdue-counter'),
  newAbove: byId<HTMLButtonElement>('new-above'),
  listStatus: byId('list-status'),
  list: byId('incident-list'),
  empty: byId('empty'),
  emptyTitle: byId('empty-title'),
};

let session: Session | null = null;
/** Set between the password step and the TOTP step of a login. */
let totpChallenge: string | null = null;
let sectorFilter: string | null = readFilterFromHash();
const entries = new Map<string, Entry>();
/** Live events that arrived while the list was loading; applied on top of the fresh list. */
let pending: IncidentCard[] = [];
let loading = false;
let listGeneration = 0;
let listAbort: AbortController | null = null;
let unseen = 0;
let ticker: ReturnType<typeof setInterval> | undefined;

// ---------------------------------------------------------------------------------------------
// Views

function showLogin(message?: { text: string; kind: 'error' | 'info' }): void {
  ui.boot.hidden = true;
  ui.appView.hidden = true;
  ui.loginView.hidden = false;
  document.title = 'Дозор — вход';
  setLoginMessage(message);
  setTotpStep(null);
  ui.loginSubmit.disabled = false;
  ui.loginSubmit.textContent = 'Войти';
  (ui.loginUsername.value ? ui.loginPassword : ui.loginUsername).focus();
}

/** Shows (with a challenge) or hides the code field of the second login step. */
function setTotpStep(challenge: string | null): void {
  totpChallenge = challenge;
  ui.loginTotpField.hidden = challenge === null;
  ui.loginTotp.required = challenge !== null;
  ui.loginTotp.value = '';
  ui.loginUsername.disabled = challenge !== null;
  ui.loginPassword.disabled = challenge !== null;
}

function setLoginMessage(message?: { text: string; kind: 'error' | 'info' }): void {
  ui.loginMessage.hidden = !message;
  ui.loginMessage.textContent = message?.text ?? '';
  ui.loginMessage.dataset.kind = message?.kind ?? '';
}

function loginErrorText(err: unknown): string {
  if (err instanceof api.ApiError) {
    if (err.status === 401) return 'Неверное имя пользователя или пароль.';
    if (err.status === 429) {
      return err.retryAfterSeconds
        ? `Слишком много попыток входа. Повторите через ${err.retryAfterSeconds} ${pluralRu(err.retryAfterSeconds, ['секунду', 'секунды', 'секунд'])}.`
        : 'Слишком много попыток входа. Повторите попытку позже.';
    }
    if (err.status === 400) return 'Введите имя пользователя и пароль.';
    if (err.status === 0) return 'Сервер недоступен. Проверьте подключение к сети.';
    return `Не удалось войти (ошибка ${err.status}). Повторите попытку.`;
  }
  return 'Не удалось войти. Повторите попытку.';
}

async function onLoginSubmit(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  if (totpChallenge) return onTotpSubmit(totpChallenge);
  const username = ui.loginUsername.value.trim();
  const password = ui.loginPassword.value;
  if (!username || !password) {
    setLoginMessage({ text: 'Введите имя пользователя и пароль.', kind: 'error' });
    (username ? ui.loginPassword : ui.loginUsername).focus();
    return;
  }
  ui.loginSubmit.disabled = true;
  ui.loginSubmit.textContent = 'Вход…';
  setLoginMessage();
  try {
    const res = await api.login(username, password);
    ui.loginPassword.value = '';
    if ('totpRequired' in res) {
      setTotpStep(res.challenge);
      setLoginMessage({ text: 'Введите шестизначный код из приложения-аутентификатора.', kind: 'info' });
      ui.loginTotp.focus();
      return;
    }
    await enterSession(res);
  } catch (err) {
    setLoginMessage({ text: loginErrorText(err), kind: 'error' });
    ui.loginPassword.select();
  } finally {
    ui.loginSubmit.disabled = false;
    ui.loginSubmit.textContent = 'Войти';
  }
}

async function onTotpSubmit(challenge: string): Promise<void> {
  const code = ui.loginTotp.value.replace(/\s/g, '');
  if (!/^\d{6}$/.test(code)) {
    setLoginMessage({ text: 'Код состоит из шести цифр.', kind: 'error' });
    ui.loginTotp.focus();
    return;
  }
  ui.loginSubmit.disabled = true;
  ui.loginSubmit.textContent = 'Проверка…';
  try {
    const res = await api.loginTotp(challenge, code);
    setTotpStep(null);
    await enterSession(res);
  } catch (err) {
    if (err instanceof api.ApiError && err.code === 'unauthorized') {
      // The challenge expired or was used up: back to the password.
      setTotpStep(null);
      setLoginMessage({ text: 'Время на ввод кода истекло. Войдите снова.', kind: 'error' });
      ui.loginPassword.focus();
    } else {
      setLoginMessage({ text: err instanceof api.ApiError && err.status === 401 ? 'Неверный или уже использованный код. Дождитесь нового кода в приложении.' : loginErrorText(err), kind: 'error' });
      ui.loginTotp.select();
    }
  } finally {
    ui.loginSubmit.disabled = false;
    ui.loginSubmit.textContent = 'Войти';
  }
}

/** A session the server opened: a role that must enrol TOTP first is sent to the enrolment page. */
async function enterSession(info: api.SessionInfo): Promise<void> {
  if (info.passwordChangeRequired) {
    window.location.assign('/users/#password');
    return;
  }
  if (info.totpEnrolmentRequired) {
    window.location.assign('/users/#totp');
    return;
  }
  await enterApp(info.csrfToken, info.user);
}

async function enterApp(csrf: string, user: api.SessionUser): Promise<void> {
  let meta: api.Meta | undefined;
  try {
    meta = await api.meta();
  } catch (err) {
    if (isUnauthorized(err)) return sessionEnded();
    // Titles fall back to the built-in ones.
  }
  const allowed = user.scope?.sectors;
  const sectors = (SECTORS as readonly string[]).filter((s) => allowed === 'all' || !Array.isArray(allowed) || allowed.includes(s));
  session = { csrf, user, titles: makeTitles(meta), sectors, feed: null };
  if (sectorFilter && !sectors.includes(sectorFilter)) sectorFilter = null;

  ui.userName.textContent = user.displayName || user.username;
  ui.userRole.textContent = roleTitle(user.role);
  ui.toUsers.hidden = !((ROLES as readonly string[]).includes(user.role) && can(user.role as Role, 'users:manage'));
  ui.section.textContent = meta?.region?.name ? `Лента инцидентов · ${meta.region.name}` : 'Лента инцидентов';
  ui.userName.title = `Учётная запись: ${user.username}`;
  renderFilter();
  setConnection('connecting');

  ui.boot.hidden = true;
  ui.loginView.hidden = true;
  ui.appView.hidden = false;
  updateTitle();

  ticker = setInterval(tick, TICK_MS);
  await loadList();
}

/** Tears down everything tied to the session (socket, timers, cards). */
function leaveApp(): void {
  session?.feed?.stop();
  session = null;
  clearInterval(ticker);
  listAbort?.abort();
  listGeneration += 1;
  loading = false;
  pending = [];
  clearList();
  unseen = 0;
  ui.newAbove.hidden = true;
  ui.listStatus.hidden = true;
  ui.connBanner.hidden = true;
  setConnection('connecting');
  ui.connBanner.hidden = true;
}

function sessionEnded(): void {
  if (!session && ui.appView.hidden && !ui.loginView.hidden) return;
  leaveApp();
  showLogin({ text: 'Сеанс завершён. Войдите снова.', kind: 'info' });
}

async function onLogout(): Promise<void> {
  const csrf = session?.csrf;
  leaveApp();
  showLogin();
  if (csrf) {
    try {
      // Ends the session in Redis and clears the cookie.
      await api.logout(csrf);
    } catch {
      // Nothing more the page can do; the session expires on its own.
    }
  }
}

function roleTitle(role: string): string {
  return Object.prototype.hasOwnProperty.call(ROLE_TITLES_RU, role) ? ROLE_TITLES_RU[role as keyof typeof ROLE_TITLES_RU] : role;
}

function isUnauthorized(err: unknown): boolean {
  return err instanceof api.ApiError && err.status === 401;
}

// ---------------------------------------------------------------------------------------------
// Connection state

function setConnection(state: ConnectionState): void {
  ui.conn.dataset.state = state;
  ui.connBanner.hidden = state !== 'offline';
  ui.connBanner.textContent = CONNECTION_BANNER;
  const text = ui.conn.querySelector('.conn__text');
  if (text) text.textContent = CONNECTION_TEXT[state];
  ui.conn.title =
    state === 'connected'
      ? 'Новые инциденты поступают в реальном времени'
      : state === 'offline'
        ? 'Связь с сервером потеряна, попытки подключения продолжаются'
        : 'Связь восстанавливается, пропущенные инциденты будут догружены';
}

function startFeed(cursor: string | undefined): void {
  if (!session || session.feed) return;
  const feed = new FeedClient(cursor, {
    onIncident: onLiveIncident,
    onReady: (info: FeedReady) => {
      if (info.resync) void loadList();
    },
    onState: setConnection,
    onUnauthorized: sessionEnded,
    onForbidden: () => {
      ui.connBanner.hidden = false;
      ui.connBanner.textContent = 'Вашей роли не предоставлен доступ к живой ленте: список обновляется только при перезагрузке страницы.';
    },
  });
  session.feed = feed;
  feed.start();
}

// ---------------------------------------------------------------------------------------------
// Sector filter

function renderFilter(): void {
  if (!session) return;
  const { titles, sectors } = session;
  const buttons: HTMLElement[] = [];
  const all = el('button', { class: 'chip chip--all', text: 'Все направления', attrs: { type: 'button' }, dataset: { sector: '' } });
  buttons.push(all);
  for (const code of sectors) {
    const chip = sectorChip(code, titles.sector(code), 'button');
    chip.setAttribute('type', 'button');
    chip.dataset.sector = code;
    buttons.push(chip);
  }
  for (const b of buttons) {
    b.classList.add('filter');
    b.addEventListener('click', () => setFilter(b.dataset.sector || null));
  }
  ui.filter.replaceChildren(...buttons);
  syncFilterButtons();
}

function syncFilterButtons(): void {
  for (const b of ui.filter.querySelectorAll<HTMLElement>('.filter')) {
    const active = (b.dataset.sector || null) === sectorFilter;
    b.setAttribute('aria-pressed', String(active));
    b.classList.toggle('is-active', active);
  }
}

function setFilter(sector: string | null): void {
  if (sector === sectorFilter) return;
  sectorFilter = sector;
  syncFilterButtons();
  const url = new URL(location.href);
  url.hash = sector ? `sector=${encodeURIComponent(sector)}` : '';
  history.replaceState(null, '', url.href.replace(/#$/, ''));
  void loadList();
}

function readFilterFromHash(): string | null {
  const m = /(?:^#|&)sector=([^&]+)/.exec(location.hash);
  const code = m?.[1] ? decodeURIComponent(m[1]) : null;
  return code && (SECTORS as readonly string[]).includes(code) ? code : null;
}

function matchesFilter(card: IncidentCard): boolean {
  return !sectorFilter || card.sector === sectorFilter;
}

// ---------------------------------------------------------------------------------------------
// The list

async function loadList(): Promise<void> {
  if (!session) return;
  const generation = ++listGeneration;
  listAbort?.abort();
  const abort = new AbortController();
  listAbort = abort;
  loading = true;
  showListStatus('Загрузка…', 'loading');
  try {
    const page = await api.incidents({ sector: sectorFilter, limit: LIST_LIMIT, signal: abort.signal });
    if (generation !== listGeneration) return;
    clearList();
    for (const card of page.items ?? []) insertCard(card, { live: false, append: true });
    loading = false;
    ui.listStatus.hidden = true;
    flushPending();
    // The listing's cursor is where the socket starts, so nothing in between is lost.
    startFeed(page.cursor);
  } catch (err) {
    if (generation !== listGeneration) return;
    if (err instanceof DOMException && err.name === 'AbortError') return;
    if (isUnauthorized(err)) return sessionEnded();
    loading = false;
    const retry = el('button', { class: 'btn btn--small', text: 'Повторить', attrs: { type: 'button' } });
    retry.addEventListener('click', () => void loadList());
    showListStatus(
      err instanceof api.ApiError && err.status === 0
        ? 'Не удалось загрузить список: сервер недоступен.'
        : 'Не удалось загрузить список инцидентов.',
      'error',
      retry,
    );
    flushPending();
    // Live events still help while the listing is unavailable.
    startFeed(undefined);
  } finally {
    if (generation === listGeneration) {
      listAbort = null;
      refreshCounters();
    }
  }
}

function showListStatus(text: string, kind: 'loading' | 'error', action?: HTMLElement): void {
  ui.listStatus.hidden = false;
  ui.listStatus.dataset.kind = kind;
  ui.listStatus.replaceChildren(el('span', { text }), action ?? '');
  if (kind === 'loading') ui.empty.hidden = true;
}

function clearList(): void {
  entries.clear();
  ui.list.replaceChildren();
  refreshCounters();
}

function flushPending(): void {
  const queued = pending;
  pending = [];
  for (const card of queued) insertCard(card, { live: true, append: false });
  refreshCounters();
}

function onLiveIncident(card: IncidentCard): void {
  if (!session || !card || typeof card.id !== 'string') return;
  if (loading) {
    pending.push(card);
    return;
  }
  const inserted = insertCard(card, { live: true, append: false });
  if (inserted) noteUnseen();
  refreshCounters();
}

function timeOf(card: IncidentCard): number {
  const created = Date.parse(card.createdAt);
  return Number.isFinite(created) ? created : Date.parse(card.publishedAt) || 0;
}

/**
 * Adds a card (or refreshes it when the id is already shown: replays resend events).
 * Live cards go in order of creation, newest on top, and flash briefly. Returns true when new.
 */
function insertCard(card: IncidentCard, opts: { live: boolean; append: boolean }): boolean {
  if (!session || !matchesFilter(card)) return false;
  const now = Date.now();
  const existing = entries.get(card.id);
  if (existing) {
    // Replays resend what is already shown; redraw only when something changed (e.g. status).
    if (sameCard(existing.card, card)) return false;
    const node = renderCard(card, session.titles, now);
    existing.node.replaceWith(node);
    entries.set(card.id, { card, node, createdTs: timeOf(card) });
    settleClamp(node);
    return false;
  }
  const node = renderCard(card, session.titles, now);
  const createdTs = timeOf(card);
  if (opts.append) {
    ui.list.append(node);
  } else {
    // Newest first: skip the (rare) cards that are newer than this one.
    let before: Element | null = ui.list.firstElementChild;
    while (before) {
      const id = (before as HTMLElement).dataset.incidentId;
      const other = id ? entries.get(id) : undefined;
      if (!other || other.createdTs <= createdTs) break;
      before = before.nextElementSibling;
    }
    ui.list.insertBefore(node, before);
  }
  entries.set(card.id, { card, node, createdTs });
  if (opts.live) {
    node.classList.add('is-new');
    const done = (ev: AnimationEvent): void => {
      if (ev.animationName !== 'card-flash') return;
      node.classList.remove('is-new');
      node.removeEventListener('animationend', done);
    };
    node.addEventListener('animationend', done);
  }
  settleClamp(node);
  trimList();
  return true;
}

function sameCard(a: IncidentCard, b: IncidentCard): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function trimList(): void {
  while (entries.size > MAX_CARDS) {
    const last = ui.list.lastElementChild as HTMLElement | null;
    if (!last) break;
    const id = last.dataset.incidentId;
    last.remove();
    if (id) entries.delete(id);
  }
}

function refreshCounters(): void {
  const total = entries.size;
  let overdue = 0;
  for (const e of entries.values()) if (e.node.classList.contains('is-overdue')) overdue += 1;
  ui.counter.textContent = `Инцидентов: ${total}`;
  ui.counter.title = total >= MAX_CARDS ? `Показаны последние ${MAX_CARDS}` : '';
  ui.overdueCounter.hidden = overdue === 0;
  ui.overdueCounter.textContent = `Просрочено: ${overdue}`;
  const showEmpty = total === 0 && !loading && ui.listStatus.hidden;
  ui.empty.hidden = !showEmpty;
  if (showEmpty && session) {
    ui.emptyTitle.textContent = sectorFilter
      ? `По направлению «${session.titles.sector(sectorFilter)}» инцидентов нет`
      : 'Инцидентов пока нет';
  }
}

function tick(): void {
  const now = Date.now();
  for (const e of entries.values()) updateCardTimes(e.node, now);
  refreshCounters();
}

// ---------------------------------------------------------------------------------------------
// «New above» hint when the operator has scrolled down or looks at another tab

function noteUnseen(): void {
  if (window.scrollY < 80 && !document.hidden) return;
  unseen += 1;
  if (window.scrollY >= 80) {
    ui.newAbove.hidden = false;
    ui.newAbove.textContent = `↑ Новые инциденты: ${unseen}`;
  }
  updateTitle();
}

function clearUnseen(): void {
  if (unseen === 0) return;
  unseen = 0;
  ui.newAbove.hidden = true;
  updateTitle();
}

function updateTitle(): void {
  document.title = unseen > 0 ? `(${unseen}) ${BASE_TITLE}` : BASE_TITLE;
}

// ---------------------------------------------------------------------------------------------
// Boot

ui.loginForm.addEventListener('submit', (ev) => void onLoginSubmit(ev));
ui.logout.addEventListener('click', () => void onLogout());
ui.newAbove.addEventListener('click', () => {
  window.scrollTo({ top: 0, behavior: 'smooth' });
  clearUnseen();
});
window.addEventListener(
  'scroll',
  () => {
    if (window.scrollY < 80 && !document.hidden) clearUnseen();
  },
  { passive: true },
);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && window.scrollY < 80) clearUnseen();
});

async function boot(): Promise<void> {
  try {
    // The cookie, if any, says whether a session is still open.
    await enterSession(await api.me());
  } catch (err) {
    if (isUnauthorized(err)) return showLogin();
    showLogin({ text: 'Сервер недоступен. Проверьте подключение и войдите снова.', kind: 'error' });
  }
}

void boot();
