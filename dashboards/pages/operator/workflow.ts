/**
 * The card's workplace: which actions the user may do on an incident as it is now (the same
 * rules the server enforces, so no button leads to a refusal), and the model of one open card —
 * its detail (history), comments, route suggestions, and actions with the 409 handling: the
 * card is refreshed and a toast says who holds it now and in which status.
 */
import { signal } from '@preact/signals';
import type { IncidentActionInput } from '../../../src/contracts/incidents';
import type { IncidentCard } from '../../../src/contracts/feed';
import { can, type Role } from '../../../src/domain/access';
import type { IncidentStatus } from '../../../src/domain/incident';
import { api, ApiError, type Answer } from '../../shared/api';
import { errorText } from '../../shared/session';
import type { Toasts } from '../../shared/toasts';

export type CardAction = 'take' | 'release' | 'route' | 'answer' | 'close' | 'reject' | 'reopen' | 'correct';

export const ACTION_TITLES_RU: Record<CardAction, string> = {
  take: 'Взять',
  release: 'Вернуть',
  route: 'Направить',
  answer: 'Ответ',
  close: 'Закрыть',
  reject: 'Не инцидент',
  reopen: 'Возобновить',
  correct: 'Исправить',
};

export const STATUS_RU: Record<IncidentStatus, string> = { new: 'Новый', taken: 'В работе', routed: 'Направлен', answered: 'Дан ответ', closed: 'Закрыт', reopened: 'Возобновлён', rejected: 'Отклонён', merged: 'Объединён' };

const FROM: Record<Exclude<CardAction, 'correct'>, readonly IncidentStatus[]> = {
  take: ['new', 'reopened'],
  release: ['taken'],
  route: ['taken', 'reopened', 'routed'],
  answer: ['taken', 'reopened', 'routed', 'answered'],
  close: ['taken', 'reopened', 'routed', 'answered'],
  reopen: ['answered', 'closed', 'rejected'],
  reject: ['new', 'taken', 'reopened'],
};
const LEAD: ReadonlySet<CardAction> = new Set(['reopen', 'reject']);
const HOLDER: ReadonlySet<CardAction> = new Set(['release', 'route', 'answer', 'close']);
const OPEN: readonly IncidentStatus[] = ['new', 'taken', 'routed', 'answered', 'reopened'];

/** The actions the user may do on the card now, in button order. Pure: mirrors `decideTransition`. */
export function availableActions(card: Pick<IncidentCard, 'status' | 'assignee'>, user: { id: string; role: Role } | null): CardAction[] {
  if (!user || card.status === 'merged') return [];
  const out: CardAction[] = [];
  const lead = can(user.role, 'incidents:lead');
  for (const a of Object.keys(FROM) as (keyof typeof FROM)[]) {
    if (!FROM[a].includes(card.status)) continue;
    if (!can(user.role, LEAD.has(a) ? 'incidents:lead' : 'incidents:work')) continue;
    if (HOLDER.has(a) && !lead && card.assignee?.id !== user.id) continue;
    out.push(a);
  }
  if (OPEN.includes(card.status) && can(user.role, 'incidents:work') && can(user.role, 'classification:correct')) out.push('correct');
  return out;
}

/** After the answer: the operator records the resident's verdict or hands out the one-time link. */
export function canRecordSatisfaction(card: Pick<IncidentCard, 'status'>, user: { role: Role } | null): boolean {
  return user !== null && (card.status === 'answered' || card.status === 'closed') && can(user.role, 'incidents:work');
}

type Detail = Answer<'GET /api/incidents/:id'>;
type Comment = Answer<'GET /api/incidents/:id/comments'>['items'][number];
type Suggestion = Answer<'GET /api/organisations/suggest'>['items'][number];
type Organisation = Answer<'GET /api/organisations'>['items'][number];

/** What an action sends besides its name and the version. */
export type ActionPayload = IncidentActionInput extends infer T ? (T extends unknown ? Omit<T, 'version'> : never) : never;

export function conflictText(card: Pick<IncidentCard, 'status' | 'assignee'>, message: string): string {
  const owner = card.assignee ? `в работе у ${card.assignee.name}` : 'никто не взял';
  return `${message}. Сейчас: «${STATUS_RU[card.status]}», ${owner}.`;
}

/** One incident's workplace: loaded when the card is opened, shared by its buttons and keys. */
export function createIncidentWork(deps: { toasts: Toasts; onCard: (card: IncidentCard) => void }) {
  const detail = signal<Detail | null>(null);
  const comments = signal<Comment[]>([]);
  const suggestions = signal<Suggestion[]>([]);
  const organisations = signal<Organisation[]>([]);
  const busy = signal(false);
  const error = signal<string | null>(null);

  const loadDetail = async (id: string): Promise<void> => {
    try {
      const [d, c] = await Promise.all([api('GET /api/incidents/:id', { params: { id } }), api('GET /api/incidents/:id/comments', { params: { id } })]);
      detail.value = d;
      comments.value = c.items;
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  };

  const loadRouting = async (card: IncidentCard): Promise<void> => {
    try {
      const [s, o] = await Promise.all([
        api('GET /api/organisations/suggest', { query: { sector: card.sector, municipality: card.municipality, category: card.category, text: card.text.slice(0, 5000) } }),
        organisations.value.length ? Promise.resolve({ items: organisations.value }) : api('GET /api/organisations'),
      ]);
      suggestions.value = s.items;
      organisations.value = o.items;
    } catch (e) {
      error.value = errorText(e);
    }
  };

  /** Sends the action with the version last seen; a 409 refreshes the card and says who won. */
  const act = async (card: IncidentCard, payload: ActionPayload, done?: string): Promise<boolean> => {
    busy.value = true;
    try {
      const next = await api('POST /api/incidents/:id/actions', { params: { id: card.id }, body: { ...payload, version: card.version } as IncidentActionInput });
      deps.onCard(next);
      if (detail.value?.id === card.id) detail.value = next;
      if (done) deps.toasts.success(done);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        try {
          const now = await api('GET /api/incidents/:id', { params: { id: card.id } });
          deps.onCard(now);
          if (detail.value?.id === card.id) detail.value = now;
          deps.toasts.error(conflictText(now, e.message));
        } catch (again) {
          deps.toasts.error(errorText(again));
        }
      } else deps.toasts.error(errorText(e));
      return false;
    } finally {
      busy.value = false;
    }
  };

  const comment = async (card: IncidentCard, text: string, forShift: boolean): Promise<boolean> => {
    busy.value = true;
    try {
      const c = await api('POST /api/incidents/:id/comments', { params: { id: card.id }, body: { text, forShift } });
      comments.value = [...comments.value, c];
      return true;
    } catch (e) {
      deps.toasts.error(errorText(e));
      return false;
    } finally {
      busy.value = false;
    }
  };

  return { detail, comments, suggestions, organisations, busy, error, loadDetail, loadRouting, act, comment };
}
export type IncidentWork = ReturnType<typeof createIncidentWork>;
