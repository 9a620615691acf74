/**
 * The card's workplace: action buttons (only those the user's permissions and the incident's
 * status allow; none needs more than two clicks), and the open panel — route with the suggested
 * organisation preselected, answer, reject with a reason, corrections, the timeline and comments.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { IncidentCard } from '../../../src/contracts/feed';
import { SECTORS, SECTOR_TITLES_RU, type Sector } from '../../../src/domain/sector';
import type { SatisfactionVerdict } from '../../../src/contracts/response';
import { api } from '../../shared/api';
import { session } from '../../shared/context';
import { errorText } from '../../shared/session';
import { formatFull, parseTime } from '../../shared/time';
import { ACTION_TITLES_RU, canRecordSatisfaction, STATUS_RU, type CardAction, type IncidentWork } from './workflow';

export type PanelMode = 'details' | 'route' | 'answer' | 'reject' | 'correct' | 'satisfaction';
export interface OpenPanel {
  id: string;
  mode: PanelMode;
}

const KEY_HINT: Partial<Record<CardAction, string>> = { take: 't', close: 'x' };
const ONE_CLICK: ReadonlySet<CardAction> = new Set(['take', 'release', 'close', 'reopen']);
const DONE_RU: Partial<Record<CardAction, string>> = { take: 'Инцидент взят в работу', release: 'Инцидент возвращён в очередь', close: 'Инцидент закрыт', reopen: 'Инцидент возобновлён' };

export function ActionBar({ card, actions, work, open, onOpen }: { card: IncidentCard; actions: CardAction[]; work: IncidentWork; open: OpenPanel | null; onOpen: (p: OpenPanel | null) => void }) {
  const mode = open?.id === card.id ? open.mode : null;
  const toggle = (m: PanelMode): void => onOpen(mode === m ? null : { id: card.id, mode: m });
  return (
    <div class="card__actions" role="group" aria-label="Действия">
      {actions.map((a) =>
        ONE_CLICK.has(a) ? (
          <button key={a} type="button" class={`btn btn--small${a === 'take' ? ' btn--primary' : ''}`} data-action={a} disabled={work.busy.value} onClick={() => void work.act(card, { action: a } as never, DONE_RU[a])}>
            {ACTION_TITLES_RU[a]}
            {KEY_HINT[a] && <kbd>{KEY_HINT[a]}</kbd>}
          </button>
        ) : (
          <button key={a} type="button" class="btn btn--small" data-action={a} aria-expanded={mode === a} onClick={() => toggle(a as PanelMode)}>
            {ACTION_TITLES_RU[a]}…
          </button>
        ),
      )}
      {canRecordSatisfaction(card, session.user.value) && (
        <button type="button" class="btn btn--small" data-action="satisfaction" aria-expanded={mode === 'satisfaction'} onClick={() => toggle('satisfaction')}>
          Оценка жителя…
        </button>
      )}
      <button type="button" class="btn btn--small btn--ghost" data-action="details" aria-expanded={mode === 'details'} onClick={() => toggle('details')}>
        История и комментарии{card.commentCount > 0 ? ` (${card.commentCount})` : ''} <kbd>c</kbd>
      </button>
      {card.assignee && <span class="card__assignee">В работе у {card.assignee.name}</span>}
      {card.organisation && <span class="card__org">→ {card.organisation.name}</span>}
    </div>
  );
}

function RouteForm({ card, work, close }: { card: IncidentCard; work: IncidentWork; close: () => void }) {
  const [org, setOrg] = useState('');
  useEffect(() => void work.loadRouting(card), [card.id]);
  const suggested = work.suggestions.value[0];
  useEffect(() => {
    if (!org && suggested) setOrg(suggested.organisationId);
  }, [suggested?.organisationId]);
  const submit = (ev: Event): void => {
    ev.preventDefault();
    if (org) void work.act(card, { action: 'route', organisationId: org }, 'Инцидент направлен').then((ok) => ok && close());
  };
  return (
    <form class="card__form" data-form="route" onSubmit={submit}>
      {suggested && (
        <p class="muted">
          Предложено: <strong>{suggested.organisationName}</strong> — {suggested.explanation}
        </p>
      )}
      <label class="field">
        <span class="field__label">Ответственная организация</span>
        <select name="organisation" value={org} onChange={(e) => setOrg((e.currentTarget as HTMLSelectElement).value)} required>
          <option value="">— выберите —</option>
          {work.organisations.value.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="btn btn--primary btn--small" disabled={!org || work.busy.value}>
        Направить
      </button>
    </form>
  );
}

function TextForm({ name, label, button, required, onSubmit }: { name: string; label: string; button: string; required: boolean; onSubmit: (text: string) => Promise<boolean> }) {
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (ev: Event): void => {
    ev.preventDefault();
    const text = input.current?.value.trim() ?? '';
    if (required && !text) return;
    void onSubmit(text).then((ok) => ok && input.current && (input.current.value = ''));
  };
  return (
    <form class="card__form" data-form={name} onSubmit={submit}>
      <label class="field">
        <span class="field__label">{label}</span>
        <textarea ref={input} name={name} rows={3} maxLength={4000} required={required} />
      </label>
      <button type="submit" class="btn btn--primary btn--small">
        {button}
      </button>
    </form>
  );
}

function CorrectForm({ card, work }: { card: IncidentCard; work: IncidentWork }) {
  const [sector, setSector] = useState<Sector>(card.sector);
  const [category, setCategory] = useState(card.category ?? '');
  return (
    <div class="card__form" data-form="correct">
      <label class="field">
        <span class="field__label">Направление</span>
        <select name="sector" value={sector} onChange={(e) => setSector((e.currentTarget as HTMLSelectElement).value as Sector)}>
          {SECTORS.map((s) => (
            <option key={s} value={s}>
              {SECTOR_TITLES_RU[s]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="btn btn--small" disabled={sector === card.sector} onClick={() => void work.act(card, { action: 'correct', field: 'sector', value: sector }, 'Направление исправлено')}>
        Сохранить направление
      </button>
      <label class="field">
        <span class="field__label">Категория</span>
        <input name="category" value={category} maxLength={100} onInput={(e) => setCategory((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <button type="button" class="btn btn--small" disabled={!category.trim() || category === card.category} onClick={() => void work.act(card, { action: 'correct', field: 'category', value: category.trim() }, 'Категория исправлена')}>
        Сохранить категорию
      </button>
      <button type="button" class="btn btn--small" onClick={() => void work.act(card, { action: 'correct', field: 'complaint', value: card.reason !== 'complaint' }, 'Классификация исправлена')}>
        {card.reason === 'complaint' ? 'Это не жалоба' : 'Это жалоба'}
      </button>
      <button type="button" class="btn btn--small" onClick={() => void work.act(card, { action: 'correct', field: 'misinformation', value: card.reason !== 'misinformation' }, 'Классификация исправлена')}>
        {card.reason === 'misinformation' ? 'Не недостоверная информация' : 'Недостоверная информация'}
      </button>
    </div>
  );
}

const VERDICT_RU: Record<SatisfactionVerdict, string> = { solved: 'Решено', not_solved: 'Не решено', no_reply: 'Житель не ответил' };

/** The resident's verdict from their reply (not solved reopens the incident), or a one-time link for them. */
function SatisfactionForm({ card }: { card: IncidentCard }) {
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (f: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await f();
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const verdict = (v: SatisfactionVerdict) =>
    run(async () => {
      await api('POST /api/incidents/:id/satisfaction', { params: { id: card.id }, body: { verdict: v } });
      setMessage({ kind: 'ok', text: v === 'not_solved' ? 'Записано: не решено — инцидент возобновлён' : `Записано: ${VERDICT_RU[v].toLowerCase()}` });
    });
  const makeLink = () =>
    run(async () => {
      const l = await api('POST /api/incidents/:id/satisfaction-link', { params: { id: card.id } });
      setLink({ url: new URL(l.url, location.origin).href, expiresAt: l.expiresAt });
      setMessage(null);
    });
  return (
    <div class="card__form" data-form="satisfaction">
      <span class="field__label">Ответ жителя на вопрос «Проблема решена?»</span>
      <div class="row" role="group" aria-label="Оценка жителя">
        {(Object.keys(VERDICT_RU) as SatisfactionVerdict[]).map((v) => (
          <button key={v} type="button" class="btn btn--small" data-verdict={v} disabled={busy} onClick={() => void verdict(v)}>
            {VERDICT_RU[v]}
          </button>
        ))}
        <button type="button" class="btn btn--small btn--ghost" data-action="satisfaction-link" disabled={busy} onClick={() => void makeLink()}>
          Ссылка для жителя
        </button>
      </div>
      {link && (
        <label class="field">
          <span class="field__label">Одноразовая ссылка (показывается один раз, действует до {formatFull(parseTime(link.expiresAt))})</span>
          <input type="text" readOnly value={link.url} data-field="satisfaction-link" onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
      {message && <p class={message.kind === 'error' ? 'card__error' : 'muted'} data-message="satisfaction">{message.text}</p>}
    </div>
  );
}

function Details({ card, work }: { card: IncidentCard; work: IncidentWork }) {
  const [forShift, setForShift] = useState(false);
  const d = work.detail.value?.id === card.id ? work.detail.value : null;
  return (
    <div class="card__details">
      {work.error.value && <p class="card__error">{work.error.value}</p>}
      <h4>История</h4>
      <ol class="timeline" data-list="history">
        {(d?.history ?? []).map((h, i) => (
          <li key={i}>
            <time dateTime={h.at}>{formatFull(parseTime(h.at))}</time> {h.actor?.name ?? 'система'}: {h.action}
            {h.to ? ` → ${STATUS_RU[h.to]}` : ''}
          </li>
        ))}
      </ol>
      <h4>Комментарии</h4>
      <ul class="comments" data-list="comments">
        {work.comments.value.map((c) => (
          <li key={c.id}>
            <span class="muted">
              {c.author.name} · {formatFull(parseTime(c.at))}
              {c.forShift ? ' · для следующей смены' : ''}
            </span>
            <div>{c.text}</div>
          </li>
        ))}
      </ul>
      <TextForm name="comment" label="Комментарий" button="Добавить комментарий" required onSubmit={(text) => work.comment(card, text, forShift)} />
      <label class="check">
        <input type="checkbox" checked={forShift} onChange={(e) => setForShift((e.currentTarget as HTMLInputElement).checked)} /> для следующей смены
      </label>
    </div>
  );
}

export function Panel({ card, work, mode, onClose }: { card: IncidentCard; work: IncidentWork; mode: PanelMode; onClose: () => void }) {
  useEffect(() => void work.loadDetail(card.id), [card.id, card.version]);
  return (
    <div class="card__panel" data-mode={mode}>
      {mode === 'route' && <RouteForm card={card} work={work} close={onClose} />}
      {mode === 'answer' && (
        <TextForm name="answer" label="Окончательный ответ заявителю" button="Отправить ответ" required onSubmit={(text) => work.act(card, { action: 'answer', stage: 'final', text }, 'Ответ записан')} />
      )}
      {mode === 'reject' && <TextForm name="reason" label="Почему это не инцидент" button="Отклонить" required onSubmit={(reason) => work.act(card, { action: 'reject', reason }, 'Инцидент отклонён').then((ok) => (ok && onClose(), ok))} />}
      {mode === 'correct' && <CorrectForm card={card} work={work} />}
      {mode === 'satisfaction' && <SatisfactionForm card={card} />}
      <Details card={card} work={work} />
    </div>
  );
}
