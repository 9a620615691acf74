/**
 * The shift handover page (`/shift/`): what the outgoing shift leaves — open incidents by status
 * and owner, overdue and urgent ones, notes written for the next shift — printable; the incoming
 * operator acknowledges it (recorded and audited by the server). Text only through `el`.
 */
import type { IncidentCard } from '../../src/contracts/feed';
import type { IncidentStatus } from '../../src/domain/incident';
import { apiRequest, ApiError, me } from '../operator/api';
import { byId, el } from '../operator/dom';
import { formatFull, parseTime } from '../operator/time';

interface Staff {
  id: string;
  username: string;
  name: string;
}
interface Handover {
  generatedAt: string;
  byStatus: Record<IncidentStatus, number>;
  byOwner: { assignee: Staff; open: number; oldestCreatedAt: string }[];
  unassigned: number;
  overdue: IncidentCard[];
  urgent: IncidentCard[];
  notes: { incidentId: string; incidentStatus: IncidentStatus; at: string; author: Staff; text: string }[];
  acknowledgements: { at: string; by: Staff; note?: string }[];
}

const STATUS_RU: Record<IncidentStatus, string> = {
  new: 'Новые',
  taken: 'В работе',
  routed: 'Направлены',
  answered: 'Дан ответ',
  closed: 'Закрыты',
  reopened: 'Возобновлены',
  rejected: 'Не инциденты',
  merged: 'Объединены',
};
const OPEN: IncidentStatus[] = ['new', 'taken', 'routed', 'answered', 'reopened'];

const ui = {
  boot: byId('boot'),
  loginNeeded: byId('login-needed'),
  app: byId('app-view'),
  generated: byId('generated'),
  message: byId('page-message'),
  byStatus: byId('by-status'),
  byOwner: byId('by-owner'),
  overdue: byId('overdue'),
  urgent: byId('urgent'),
  notes: byId('notes'),
  acks: byId('acks'),
  ackForm: byId<HTMLFormElement>('ack-form'),
  ackNote: byId<HTMLInputElement>('ack-note'),
  ackSubmit: byId<HTMLButtonElement>('ack-submit'),
  print: byId<HTMLButtonElement>('print'),
};

let csrf: string | null = null;

const when = (iso: string) => formatFull(parseTime(iso));

function incidentItem(i: IncidentCard): HTMLElement {
  const owner = i.assignee ? `у ${i.assignee.name}` : 'никто не взял';
  return el(
    'li',
    {},
    el('strong', { text: `${i.municipalityName}: ` }),
    i.text.length > 160 ? `${i.text.slice(0, 160)}…` : i.text,
    el('div', { class: 'muted', text: `${STATUS_RU[i.status]} · ${owner} · срок ${when(i.dueAt)} · сообщений: ${i.postCount}` }),
  );
}

function fill(list: HTMLElement, items: HTMLElement[], empty: string): void {
  list.replaceChildren(...(items.length > 0 ? items : [el('li', { class: 'muted', text: empty })]));
}

function render(h: Handover): void {
  ui.generated.textContent = `Сформировано ${when(h.generatedAt)}`;
  ui.byStatus.replaceChildren(...OPEN.map((s) => el('tr', {}, el('th', { text: STATUS_RU[s] }), el('td', { text: String(h.byStatus[s] ?? 0) }))));
  ui.byOwner.replaceChildren(
    ...h.byOwner.map((o) => el('tr', {}, el('td', { text: o.assignee.name }), el('td', { text: String(o.open) }), el('td', { text: when(o.oldestCreatedAt) }))),
    el('tr', {}, el('td', { text: 'Не назначены' }), el('td', { text: String(h.unassigned) }), el('td', { text: '' })),
  );
  fill(ui.overdue, h.overdue.map(incidentItem), 'Просроченных нет');
  fill(ui.urgent, h.urgent.map(incidentItem), 'Срочных нет');
  fill(
    ui.notes,
    h.notes.map((n) => el('li', {}, n.text, el('div', { class: 'muted', text: `${n.author.name} · ${when(n.at)} · инцидент ${n.incidentId} (${STATUS_RU[n.incidentStatus]})` }))),
    'Заметок нет',
  );
  fill(
    ui.acks,
    h.acknowledgements.map((a) => el('li', {}, `Смену принял(а) ${a.by.name} · ${when(a.at)}`, a.note ? el('div', { class: 'muted', text: a.note }) : null)),
    'Смену ещё не принимали',
  );
}

function showError(err: unknown): void {
  ui.message.hidden = false;
  ui.message.textContent = err instanceof ApiError ? err.message : 'Не удалось загрузить данные';
}

async function load(): Promise<void> {
  try {
    render(await apiRequest<Handover>('GET', '/api/shift/handover'));
    ui.message.hidden = true;
  } catch (err) {
    showError(err);
  }
}

async function start(): Promise<void> {
  try {
    const session = await me();
    csrf = session.csrfToken;
  } catch {
    ui.boot.hidden = true;
    ui.loginNeeded.hidden = false;
    return;
  }
  ui.boot.hidden = true;
  ui.app.hidden = false;
  ui.print.addEventListener('click', () => window.print());
  ui.ackForm.addEventListener('submit', (e) => {
    e.preventDefault();
    ui.ackSubmit.disabled = true;
    const note = ui.ackNote.value.trim();
    apiRequest('POST', '/api/shift/handover/ack', { csrf, body: note ? { note } : {} })
      .then(async () => {
        ui.ackNote.value = '';
        await load();
      })
      .catch(showError)
      .finally(() => (ui.ackSubmit.disabled = false));
  });
  await load();
}

void start();
