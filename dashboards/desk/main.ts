/**
 * The misinformation desk page (`/desk/`): the queue of risky posts ranked by risk × reach ×
 * velocity, the claim view (posts, spread chart, verdict form with evidence, suggestions to
 * confirm) and the suggestions across claims. Keyboard-driven like the operator page; filters live
 * in the URL; the live feed's misinformation incidents refresh the queue.
 */
import type { IncidentCard } from '../../src/contracts/feed';
import { can, ROLE_TITLES_RU, type Role } from '../../src/domain/access';
import { CLAIM_STATUS_TITLES_RU, EVIDENCE_KINDS, VERDICT_TITLES_RU, VERDICTS, verdictNeedsEvidence, type Verdict } from '../../src/domain/claim';
import { byId, el, externalLink } from '../operator/dom';
import { FeedClient, type ConnectionState } from '../operator/feed-client';
import * as api from './api';
import { spreadChart } from './spread-chart';

const EVIDENCE_TITLES: Record<(typeof EVIDENCE_KINDS)[number], string> = {
  official_source: 'Официальный источник',
  document: 'Документ',
  organisation_statement: 'Заявление организации',
  other: 'Другое',
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
  connection: byId('connection'),
  alerts: byId('alerts'),
  tabQueue: byId<HTMLButtonElement>('tab-queue'),
  tabSuggestions: byId<HTMLButtonElement>('tab-suggestions'),
  suggestionCount: byId('suggestion-count'),
  filters: byId<HTMLFormElement>('filters'),
  fSector: byId<HTMLSelectElement>('f-sector'),
  fMunicipality: byId<HTMLSelectElement>('f-municipality'),
  fNetwork: byId<HTMLSelectElement>('f-network'),
  fStatus: byId<HTMLSelectElement>('f-status'),
  pageMessage: byId('page-message'),
  queue: byId<HTMLOListElement>('queue'),
  suggestions: byId<HTMLOListElement>('suggestions'),
  empty: byId('empty'),
  detail: byId('detail'),
};

type Tab = 'queue' | 'suggestions';
let tab: Tab = 'queue';
let queueItems: api.QueueItemDto[] = [];
let suggestionItems: api.SuggestionDto[] = [];
let selected = 0;
let current: api.ClaimDetailDto | null = null;
let canJudge = false;
let canLink = false;
let totpChallenge: string | null = null;
let feed: FeedClient | null = null;
let queueSeq = 0;
let reloadTimer: ReturnType<typeof setTimeout> | undefined;

function errorText(err: unknown): string {
  if (err instanceof api.ApiError) {
    if (err.status === 0) return 'Сервер недоступен. Проверьте подключение к сети.';
    if (err.status === 401) return 'Сеанс завершён. Войдите снова.';
    if (err.status === 403) return 'Недостаточно прав для этого действия.';
    if (err.status === 404) return 'Не найдено или вне вашей зоны ответственности.';
    if (err.status === 400 || err.status === 409) return err.message;
    if (err.status >= 500) return 'Ошибка сервера. Повторите попытку позже.';
    return `Ошибка ${err.status}: ${err.message}`;
  }
  return 'Что-то пошло не так. Повторите попытку.';
}

function showMessage(node: HTMLElement, text: string | null): void {
  node.hidden = !text;
  node.textContent = text ?? '';
}

// ── Session ───────────────────────────────────────────────────────────────────────────────────

function showLogin(message?: string): void {
  feed?.stop();
  feed = null;
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
  try {
    let answer: api.LoginResult;
    if (totpChallenge) answer = await api.loginTotp(totpChallenge, ui.loginTotp.value.trim());
    else answer = await api.login(ui.loginUsername.value.trim(), ui.loginPassword.value);
    if ('totpRequired' in answer) {
      totpChallenge = answer.challenge;
      showLogin('Введите шестизначный код из приложения-аутентификатора.');
      ui.loginTotp.focus();
      return;
    }
    totpChallenge = null;
    ui.loginPassword.value = '';
    await enter(answer);
  } catch (err) {
    totpChallenge = null;
    showLogin(err instanceof api.ApiError && err.status === 401 ? 'Неверное имя пользователя или пароль.' : errorText(err));
  }
}

async function enter(session: api.SessionInfo): Promise<void> {
  const role = session.user.role as Role;
  if (!(role in ROLE_TITLES_RU) || !can(role, 'desk:read')) return showLogin('Страница доступна руководителю направления по недостоверной информации.');
  canJudge = can(role, 'desk:verdict');
  canLink = can(role, 'desk:link');
  ui.userName.textContent = session.user.displayName;
  ui.userRole.textContent = ROLE_TITLES_RU[role];
  ui.boot.hidden = true;
  ui.loginView.hidden = true;
  ui.appView.hidden = false;
  await fillFilters();
  await Promise.all([loadQueue(), loadSuggestions(), loadAlerts()]);
  if (can(role, 'feed:read')) startFeed();
}

// ── Filters (in the URL) ──────────────────────────────────────────────────────────────────────

function option(value: string, text: string): HTMLOptionElement {
  return el('option', { text, attrs: { value } });
}

async function fillFilters(): Promise<void> {
  const meta = await api.meta();
  ui.fSector.replaceChildren(option('', 'все'), ...meta.sectors.map((s) => option(s.code, s.title)));
  ui.fMunicipality.replaceChildren(option('', 'все'), ...meta.municipalities.map((m) => option(m.code, m.name)));
  ui.fNetwork.replaceChildren(option('', 'все'), ...meta.networks.map((n) => option(n.code, n.title)));
  const q = new URLSearchParams(location.search);
  ui.fSector.value = q.get('sector') ?? '';
  ui.fMunicipality.value = q.get('municipality') ?? '';
  ui.fNetwork.value = q.get('network') ?? '';
  ui.fStatus.value = q.get('status') === 'all' ? 'all' : 'open';
}

function currentFilter(): api.QueueFilter {
  return {
    status: ui.fStatus.value === 'all' ? 'all' : 'open',
    ...(ui.fSector.value ? { sector: ui.fSector.value } : {}),
    ...(ui.fMunicipality.value ? { municipality: ui.fMunicipality.value } : {}),
    ...(ui.fNetwork.value ? { network: ui.fNetwork.value } : {}),
  };
}

function onFilterChange(): void {
  const f = currentFilter();
  const q = new URLSearchParams();
  if (f.sector) q.set('sector', f.sector);
  if (f.municipality) q.set('municipality', f.municipality);
  if (f.network) q.set('network', f.network);
  if (f.status === 'all') q.set('status', 'all');
  history.replaceState(null, '', `${location.pathname}${q.toString() ? `?${q.toString()}` : ''}`);
  selected = 0;
  void loadQueue();
}

// ── Queue and suggestions ─────────────────────────────────────────────────────────────────────

const num = new Intl.NumberFormat('ru-RU');

function queueRow(item: api.QueueItemDto, i: number): HTMLLIElement {
  const claim = item.claim
    ? el('span', { class: `desk-badge desk-badge--${item.claim.verdict ?? 'none'}`, text: item.claim.verdict ? VERDICT_TITLES_RU[item.claim.verdict] : CLAIM_STATUS_TITLES_RU[item.claim.status] })
    : null;
  return el(
    'li',
    { class: 'desk-item', attrs: { role: 'option', 'aria-selected': String(i === selected), id: `q-${i}` }, dataset: { postId: item.postId, index: String(i) } },
    el(
      'div',
      { class: 'desk-item__head' },
      el('span', { class: 'desk-item__priority', text: item.priority.toFixed(2), title: 'риск × охват × скорость' }),
      el('span', { class: 'desk-item__risk', text: `риск ${Math.round(item.risk * 100)}%` }),
      el('span', { text: `охват ${num.format(item.reach)}` }),
      el('span', { text: `${item.velocity} коп./ч` }),
      el('span', { class: 'desk-muted', text: `${item.network} · ${item.municipalityName}` }),
      claim,
    ),
    el('p', { class: 'desk-item__text', text: item.text.length > 280 ? `${item.text.slice(0, 279)}…` : item.text }),
  );
}

function suggestionRow(s: api.SuggestionDto, i: number): HTMLLIElement {
  return el(
    'li',
    { class: 'desk-item', attrs: { role: 'option', 'aria-selected': String(i === selected), id: `s-${i}` }, dataset: { postId: s.postId, claimId: s.claimId, index: String(i) } },
    el('div', { class: 'desk-item__head' }, el('span', { class: 'desk-item__priority', text: `${Math.round(s.similarity * 100)}%`, title: 'сходство' }), el('span', { text: `→ ${s.claimTitle}` })),
    el('p', { class: 'desk-item__text', text: s.text }),
  );
}

function renderList(): void {
  const items = tab === 'queue' ? queueItems : suggestionItems;
  if (selected >= items.length) selected = Math.max(0, items.length - 1);
  ui.queue.hidden = tab !== 'queue';
  ui.suggestions.hidden = tab !== 'suggestions';
  ui.filters.hidden = tab !== 'queue';
  if (tab === 'queue') ui.queue.replaceChildren(...queueItems.map(queueRow));
  else ui.suggestions.replaceChildren(...suggestionItems.map(suggestionRow));
  ui.empty.hidden = items.length > 0;
  ui.empty.textContent = tab === 'queue' ? 'Нет публикаций выше порога риска' : 'Похожих публикаций на проверку нет';
  ui.suggestionCount.textContent = suggestionItems.length > 0 ? `(${suggestionItems.length})` : '';
  const list = tab === 'queue' ? ui.queue : ui.suggestions;
  list.setAttribute('aria-activedescendant', `${tab === 'queue' ? 'q' : 's'}-${selected}`);
  list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
}

async function loadQueue(): Promise<void> {
  const seq = ++queueSeq;
  try {
    const res = await api.queue(currentFilter());
    if (seq !== queueSeq) return;
    queueItems = res.items;
    ui.summary.textContent = `В очереди: ${res.items.length} (порог риска ${Math.round(res.threshold * 100)}%)`;
    showMessage(ui.pageMessage, null);
    renderList();
  } catch (err) {
    if (err instanceof api.ApiError && err.status === 401) return showLogin('Сеанс завершён. Войдите снова.');
    showMessage(ui.pageMessage, errorText(err));
  }
}

async function loadSuggestions(): Promise<void> {
  try {
    suggestionItems = (await api.suggestions()).items;
    renderList();
  } catch (err) {
    showMessage(ui.pageMessage, errorText(err));
  }
}

async function loadAlerts(): Promise<void> {
  try {
    const res = await api.alerts();
    ui.alerts.hidden = res.items.length === 0;
    ui.alerts.replaceChildren(
      ...res.items.map((a) =>
        el(
          'button',
          { class: 'desk-alert', attrs: { type: 'button' }, dataset: { claimId: a.claimId } },
          `Ускоряется: «${a.title}» — ${VERDICT_TITLES_RU[a.verdict]}; ${a.copiesLastHour} копий за час (было ${a.copiesPreviousHour}, порог ${a.threshold})`,
        ),
      ),
    );
  } catch {
    /* alerts are advisory; the next poll retries */
  }
}

function scheduleReload(): void {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void Promise.all([loadQueue(), loadSuggestions(), loadAlerts()]), 800);
}

function startFeed(): void {
  feed?.stop();
  const states: Record<ConnectionState, string> = { connecting: 'Подключение…', connected: 'Подключено', reconnecting: 'Переподключение…', offline: 'Нет связи' };
  feed = new FeedClient(undefined, {
    onIncident: (card: IncidentCard) => {
      if (card.reason === 'misinformation') scheduleReload();
    },
    onReady: () => scheduleReload(),
    onState: (s) => (ui.connection.textContent = states[s]),
    onUnauthorized: () => showLogin('Сеанс завершён. Войдите снова.'),
    onForbidden: () => (ui.connection.textContent = ''),
  });
  feed.start();
}

// ── Claim view ────────────────────────────────────────────────────────────────────────────────

function field(label: string, control: HTMLElement): HTMLLabelElement {
  return el('label', { class: 'field' }, el('span', { class: 'field__label', text: label }), control);
}

function postRow(p: api.ClaimDetailDto['posts'][number], claimId: string, suggestion: boolean): HTMLLIElement {
  const actions: HTMLElement[] = [];
  if (canLink && suggestion) {
    const yes = el('button', { class: 'btn btn--primary', text: 'Та же (a)', attrs: { type: 'button' } });
    const no = el('button', { class: 'btn btn--ghost', text: 'Другое (r)', attrs: { type: 'button' } });
    yes.addEventListener('click', () => void decide(claimId, p.postId, true));
    no.addEventListener('click', () => void decide(claimId, p.postId, false));
    actions.push(yes, no);
  } else if (canLink && p.kind !== 'seed') {
    const un = el('button', { class: 'btn btn--ghost', text: 'Отвязать', attrs: { type: 'button' } });
    un.addEventListener('click', () => void act(() => api.unlink(claimId, p.postId)));
    actions.push(un);
  }
  return el(
    'li',
    { class: 'desk-post', dataset: { postId: p.postId, kind: p.kind } },
    el('div', { class: 'desk-item__head' }, el('span', { text: `${p.network} · ${new Date(p.publishedAt).toLocaleString('ru-RU')}` }), el('span', { text: `сходство ${Math.round(p.similarity * 100)}%` }), el('span', { text: `охват ${num.format(p.reach)}` }), externalLink(p.url, 'открыть', 'desk-link')),
    el('p', { class: 'desk-item__text', text: p.text }),
    actions.length > 0 ? el('div', { class: 'desk-actions' }, ...actions) : null,
  );
}

function evidenceRow(): HTMLFieldSetElement {
  const kind = el('select', { attrs: { name: 'kind', 'aria-label': 'Вид доказательства' } }, ...EVIDENCE_KINDS.map((k) => option(k, EVIDENCE_TITLES[k])));
  return el(
    'fieldset',
    { class: 'desk-evidence' },
    el('legend', { text: 'Доказательство' }),
    field('Вид', kind),
    field('Ссылка', el('input', { attrs: { name: 'url', type: 'url', maxlength: '2000', placeholder: 'https://…' } })),
    field('Название', el('input', { attrs: { name: 'title', type: 'text', maxlength: '300' } })),
    field('Кто опубликовал', el('input', { attrs: { name: 'publisher', type: 'text', maxlength: '300' } })),
  );
}

function verdictForm(detail: api.ClaimDetailDto): HTMLFormElement {
  const c = detail.claim;
  const select = el('select', { attrs: { id: 'verdict-value', name: 'verdict' } }, ...VERDICTS.map((v) => option(v, VERDICT_TITLES_RU[v])));
  if (c.verdict) select.value = c.verdict.value;
  const debunk = el('textarea', { attrs: { id: 'verdict-debunk', name: 'debunk', rows: '4', maxlength: '4000' } });
  debunk.value = c.verdict?.debunk ?? '';
  const evidence = el('div', { class: 'desk-evidence-list' }, evidenceRow());
  const add = el('button', { class: 'btn btn--ghost', text: '+ доказательство', attrs: { type: 'button' } });
  add.addEventListener('click', () => evidence.append(evidenceRow()));
  const message = el('p', { class: 'login__message', attrs: { role: 'alert', id: 'verdict-message' } });
  message.hidden = true;
  const form = el(
    'form',
    { class: 'desk-verdict', attrs: { id: 'verdict-form', novalidate: '' } },
    el('h3', { text: c.verdict ? 'Изменить вердикт' : 'Вердикт' }),
    field('Вердикт', select),
    field('Опровержение (коротко, для официальных страниц)', debunk),
    evidence,
    add,
    message,
    el('button', { class: 'btn btn--primary', text: 'Сохранить вердикт', attrs: { type: 'submit' } }),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const rows = [...evidence.querySelectorAll('fieldset')].map((fs) => ({
      kind: (fs.querySelector('[name=kind]') as HTMLSelectElement).value,
      url: (fs.querySelector('[name=url]') as HTMLInputElement).value.trim(),
      title: (fs.querySelector('[name=title]') as HTMLInputElement).value.trim(),
      publisher: (fs.querySelector('[name=publisher]') as HTMLInputElement).value.trim(),
    }));
    const filled = rows.filter((r) => r.url || r.title).map((r) => ({ kind: r.kind, url: r.url, title: r.title, ...(r.publisher ? { publisher: r.publisher } : {}) }));
    const v = select.value as Verdict;
    if (verdictNeedsEvidence(v) && filled.length === 0) return showMessage(message, `Для вердикта «${VERDICT_TITLES_RU[v]}» нужно хотя бы одно доказательство.`);
    void act(() => api.verdict(c.id, { verdict: v, debunk: debunk.value, evidence: filled }), message);
  });
  return form;
}

function renderClaim(detail: api.ClaimDetailDto): void {
  current = detail;
  const c = detail.claim;
  const status = el('span', { class: `desk-badge desk-badge--${c.verdict?.value ?? 'none'}`, text: c.verdictTitle ?? CLAIM_STATUS_TITLES_RU[c.status] });
  const parts: (HTMLElement | null)[] = [
    el('h2', { class: 'desk-claim__title', text: c.title, attrs: { id: 'claim-title' } }),
    el('div', { class: 'desk-item__head' }, status, el('span', { class: 'desk-muted', text: `${c.municipalityName} · ${c.id}` })),
    c.verdict
      ? el(
          'section',
          { class: 'desk-verdict-view' },
          el('p', { text: c.verdict.debunk }),
          el('ul', {}, ...c.verdict.evidence.map((e) => el('li', {}, externalLink(e.url, `${e.publisher ? `${e.publisher}: ` : ''}${e.title}`, 'desk-link')))),
          el('p', { class: 'desk-muted', text: `${c.verdict.analyst.username}, ${new Date(c.verdict.at).toLocaleString('ru-RU')}` }),
          el('p', {}, externalLink(`${location.origin}/api/desk/claims/${c.id}/warning?format=text`, 'Предупреждение (текст)', 'desk-link'), ' · ', externalLink(`${location.origin}/api/desk/claims/${c.id}/warning`, 'JSON', 'desk-link')),
        )
      : null,
    spreadChart(detail.spread),
    detail.suggestions.length > 0 ? el('h3', { text: `Похожие — подтвердите (${detail.suggestions.length})` }) : null,
    detail.suggestions.length > 0 ? el('ol', { class: 'desk-posts', attrs: { id: 'claim-suggestions' } }, ...detail.suggestions.map((p) => postRow(p, c.id, true))) : null,
    el('h3', { text: `Публикации (${detail.posts.length})` }),
    el('ol', { class: 'desk-posts', attrs: { id: 'claim-posts' } }, ...detail.posts.map((p) => postRow(p, c.id, false))),
    canJudge ? verdictForm(detail) : null,
  ];
  ui.detail.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

function renderNewClaim(item: api.QueueItemDto): void {
  current = null;
  const title = el('input', { attrs: { id: 'claim-new-title', type: 'text', maxlength: '500', required: '' } });
  title.value = (item.text.split(/(?<=[.!?])\s/)[0] ?? item.text).slice(0, 200);
  const message = el('p', { class: 'login__message', attrs: { role: 'alert' } });
  message.hidden = true;
  const form = el(
    'form',
    { class: 'desk-verdict', attrs: { id: 'claim-new', novalidate: '' } },
    el('h3', { text: 'Новое утверждение' }),
    field('Что утверждается (одной фразой)', title),
    message,
    el('button', { class: 'btn btn--primary', text: 'Создать утверждение', attrs: { type: 'submit' } }),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void act(async () => {
      const d = await api.createClaim(title.value, item.postId);
      void loadQueue();
      return d;
    }, message);
  });
  ui.detail.replaceChildren(
    el('h2', { text: 'Публикация' }),
    el('div', { class: 'desk-item__head' }, el('span', { text: `риск ${Math.round(item.risk * 100)}%` }), el('span', { text: item.riskReasons.join(', ') }), externalLink(item.url, 'открыть', 'desk-link')),
    el('p', { class: 'desk-item__text', text: item.text }),
    canLink ? form : el('p', { class: 'desk-muted', text: 'Создавать утверждения может руководитель направления.' }),
  );
}

async function openClaim(id: string): Promise<void> {
  try {
    renderClaim(await api.claim(id));
    byId('claim-title').focus?.();
  } catch (err) {
    showMessage(ui.pageMessage, errorText(err));
  }
}

/** Runs a desk action; shows the claim it returns, or the server's error next to the form. */
async function act(run: () => Promise<api.ClaimDetailDto | unknown>, messageNode: HTMLElement = ui.pageMessage): Promise<void> {
  try {
    const res = await run();
    if (res && typeof res === 'object' && 'claim' in res) renderClaim(res as api.ClaimDetailDto);
    scheduleReload();
  } catch (err) {
    showMessage(messageNode, errorText(err));
  }
}

async function decide(claimId: string, postId: string, accept: boolean): Promise<void> {
  await act(() => api.decide(claimId, postId, accept));
}

function openSelected(): void {
  if (tab === 'queue') {
    const item = queueItems[selected];
    if (!item) return;
    if (item.claim) void openClaim(item.claim.id);
    else renderNewClaim(item);
  } else {
    const s = suggestionItems[selected];
    if (s) void openClaim(s.claimId);
  }
}

function setTab(t: Tab): void {
  tab = t;
  selected = 0;
  ui.tabQueue.setAttribute('aria-pressed', String(t === 'queue'));
  ui.tabSuggestions.setAttribute('aria-pressed', String(t === 'suggestions'));
  renderList();
  void (t === 'queue' ? loadQueue() : loadSuggestions());
}

// ── Keyboard ──────────────────────────────────────────────────────────────────────────────────

/** One key handler: ignores modified keys and keys typed into fields (except Esc). */
function onKey(ev: KeyboardEvent): void {
  if (ui.appView.hidden || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const target = ev.target as HTMLElement;
  const typing = target.closest('input, textarea, select') !== null;
  if (typing && ev.key !== 'Escape') return;
  const items = tab === 'queue' ? queueItems.length : suggestionItems.length;
  switch (ev.key) {
    case 'j':
    case 'ArrowDown':
      selected = Math.min(items - 1, selected + 1);
      renderList();
      break;
    case 'k':
    case 'ArrowUp':
      selected = Math.max(0, selected - 1);
      renderList();
      break;
    case 'Enter':
    case 'n':
      openSelected();
      if (ev.key === 'n') document.getElementById('claim-new-title')?.focus();
      break;
    case 'v':
      document.getElementById('verdict-debunk')?.focus();
      break;
    case 'a':
    case 'r': {
      const first = current?.suggestions[0];
      if (current && first) void decide(current.claim.id, first.postId, ev.key === 'a');
      break;
    }
    case 'q':
      setTab('queue');
      break;
    case 's':
      setTab('suggestions');
      break;
    case 'Escape':
      if (typing) target.blur();
      else {
        current = null;
        ui.detail.replaceChildren();
      }
      break;
    default:
      return;
  }
  ev.preventDefault();
}

// ── Wiring ────────────────────────────────────────────────────────────────────────────────────

ui.loginForm.addEventListener('submit', (ev) => void onLogin(ev));
ui.logout.addEventListener('click', () => void api.logout().catch(() => undefined).finally(() => showLogin()));
ui.filters.addEventListener('change', onFilterChange);
ui.filters.addEventListener('submit', (ev) => ev.preventDefault());
ui.tabQueue.addEventListener('click', () => setTab('queue'));
ui.tabSuggestions.addEventListener('click', () => setTab('suggestions'));
for (const list of [ui.queue, ui.suggestions]) {
  list.addEventListener('click', (ev) => {
    const li = (ev.target as HTMLElement).closest('li');
    if (!li?.dataset.index) return;
    selected = Number(li.dataset.index);
    renderList();
    openSelected();
  });
}
ui.alerts.addEventListener('click', (ev) => {
  const id = (ev.target as HTMLElement).closest<HTMLElement>('[data-claim-id]')?.dataset.claimId;
  if (id) void openClaim(id);
});
document.addEventListener('keydown', onKey);
setInterval(() => {
  if (!ui.appView.hidden) void loadAlerts();
}, 30_000);

void (async () => {
  try {
    await enter(await api.me());
  } catch {
    showLogin();
  }
})();
