/**
 * The responsible organisation's own page (`/organisation/`, role `organisation`): the incidents
 * routed to it (`GET /api/organisation/incidents`), both answer deadlines, templates with the
 * placeholders filled by the server, and the «отписка» check shown before an answer is sent
 * (`POST /api/answers/check`); the sender may still send, and the server keeps the flag.
 */
import { signal } from '@preact/signals';
import type { AnswerStage, AnswerTemplate, DeskIncident, FormalVerdict } from '../../../src/contracts/response';
import { api } from '../../shared/api';
import { errorText } from '../../shared/session';
import { describeDue, parseTime, type DueInfo } from '../../shared/time';

/** The stage an answer is due for: interim first, then final; none once the final one is given. */
export function nextStage(i: Pick<DeskIncident, 'interimAnsweredAt' | 'finalAnsweredAt' | 'status'>): AnswerStage | null {
  if (i.finalAnsweredAt || i.status === 'closed' || i.status === 'rejected' || i.status === 'merged') return null;
  return i.interimAnsweredAt ? 'final' : 'interim';
}

export interface Countdown extends DueInfo {
  stage: AnswerStage;
  /** The answer was given: when. */
  answeredAt: string | null;
}

/** Both countdowns of a card: an answered stage says when it was answered, not how much is left. */
export function countdowns(i: DeskIncident, now: number): Countdown[] {
  const one = (stage: AnswerStage, due: string | null, answered: string | null): Countdown => ({ stage, answeredAt: answered, ...describeDue(parseTime(due), now, 60 * 60_000) });
  return [one('interim', i.interimDueAt, i.interimAnsweredAt), one('final', i.finalDueAt, i.finalAnsweredAt)];
}

/** Overdue first, then the nearest deadline of the stage still open; answered ones last. */
export function sortForDesk(items: readonly DeskIncident[]): DeskIncident[] {
  const key = (i: DeskIncident): number => {
    const stage = nextStage(i);
    if (!stage) return Number.MAX_SAFE_INTEGER;
    const due = parseTime(stage === 'interim' ? i.interimDueAt : i.finalDueAt);
    return Number.isFinite(due) ? due : Number.MAX_SAFE_INTEGER - 1;
  };
  return [...items].sort((a, b) => key(a) - key(b));
}

export function createOrganisationDeskModel() {
  const organisation = signal<{ id: string; name: string } | null>(null);
  const items = signal<DeskIncident[]>([]);
  const error = signal<string | null>(null);
  const loaded = signal(false);

  const load = async (): Promise<void> => {
    try {
      const res = await api('GET /api/organisation/incidents');
      organisation.value = res.organisation;
      items.value = sortForDesk(res.items);
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      loaded.value = true;
    }
  };

  return { organisation, items, error, loaded, load };
}

/** One answer form: template, text, the check's verdict (shown before sending), send. */
export function createAnswerForm(incident: () => DeskIncident) {
  const templates = signal<AnswerTemplate[]>([]);
  const text = signal('');
  const verdict = signal<FormalVerdict | null>(null);
  /** The text the verdict was computed for: a changed text is checked again before sending. */
  const checkedText = signal<string | null>(null);
  const busy = signal(false);
  const error = signal<string | null>(null);

  const loadTemplates = async (): Promise<void> => {
    try {
      templates.value = (await api('GET /api/organisation/incidents/:id/answer-templates', { params: { id: incident().id } })).items;
    } catch (e) {
      error.value = errorText(e);
    }
  };

  const setText = (value: string): void => {
    text.value = value;
    if (checkedText.value !== value) verdict.value = null;
  };

  const check = async (): Promise<FormalVerdict | null> => {
    const value = text.value.trim();
    if (!value) {
      error.value = 'Напишите ответ.';
      return null;
    }
    busy.value = true;
    try {
      const v = await api('POST /api/answers/check', { body: { text: value } });
      verdict.value = v;
      checkedText.value = text.value;
      error.value = null;
      return v;
    } catch (e) {
      error.value = errorText(e);
      return null;
    } finally {
      busy.value = false;
    }
  };

  /**
   * Sending: the text is checked first; a formal one is shown with its reasons and sent only when
   * the sender confirms (`force`). Returns true when sent.
   */
  const send = async (stage: AnswerStage, force: boolean): Promise<'sent' | 'formal' | 'failed'> => {
    const v = checkedText.value === text.value && verdict.value ? verdict.value : await check();
    if (!v) return 'failed';
    if (v.formal && !force) return 'formal';
    const version = incident().version;
    if (!version) {
      error.value = 'Обращение изменилось. Обновите страницу.';
      return 'failed';
    }
    busy.value = true;
    try {
      await api('POST /api/organisation/incidents/:id/answers', { params: { id: incident().id }, body: { version, stage, text: text.value.trim() } });
      error.value = null;
      text.value = '';
      verdict.value = null;
      checkedText.value = null;
      return 'sent';
    } catch (e) {
      error.value = errorText(e);
      return 'failed';
    } finally {
      busy.value = false;
    }
  };

  return { templates, text, verdict, busy, error, loadTemplates, setText, check, send };
}
export type AnswerForm = ReturnType<typeof createAnswerForm>;
