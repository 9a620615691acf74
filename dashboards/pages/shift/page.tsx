/**
 * The shift handover page (`/shift/`): what the outgoing shift leaves — open incidents by status
 * and owner, overdue and urgent ones, notes written for the next shift — printable; the incoming
 * operator acknowledges it (recorded and audited by the server).
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { IncidentCard } from '../../../src/contracts/feed';
import type { IncidentStatus } from '../../../src/domain/incident';
import { session, toasts } from '../../shared/context';
import { formatFull, parseTime } from '../../shared/time';
import { createShiftModel } from './model';

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

const when = (iso: string): string => formatFull(parseTime(iso));

function IncidentItem({ i }: { i: IncidentCard }) {
  const owner = i.assignee ? `у ${i.assignee.name}` : 'никто не взял';
  return (
    <li>
      <strong>{i.municipalityName}: </strong>
      {i.text.length > 160 ? `${i.text.slice(0, 160)}…` : i.text}
      <div class="muted">{`${STATUS_RU[i.status]} · ${owner} · срок ${when(i.dueAt)} · сообщений: ${i.postCount}`}</div>
    </li>
  );
}

function List({ id, empty, children }: { id: string; empty: string; children: preact.ComponentChildren[] }) {
  return (
    <ul id={id} class="shift__list">
      {children.length > 0 ? children : <li class="muted">{empty}</li>}
    </ul>
  );
}

export default function ShiftPage() {
  const model = useMemo(createShiftModel, []);
  const note = useRef<HTMLInputElement>(null);
  useEffect(() => void model.load(), [model]);
  const h = model.handover.value;
  const canAck = session.can('incidents:work');

  const submit = (ev: Event): void => {
    ev.preventDefault();
    void model.acknowledge(note.current?.value ?? '').then((ok) => {
      if (!ok) return;
      if (note.current) note.current.value = '';
      toasts.success('Приём смены записан');
    });
  };

  return (
    <main class="shift">
      <header class="shift__head">
        <h1>Передача смены</h1>
        <p id="generated" class="shift__meta">
          {h ? `Сформировано ${when(h.generatedAt)}` : 'Загрузка…'}
        </p>
        <div class="shift__actions no-print">
          <button id="print" type="button" class="btn" onClick={() => window.print()}>
            Печать
          </button>
        </div>
      </header>
      {model.error.value && (
        <p id="page-message" class="shift__message" role="alert">
          {model.error.value}
        </p>
      )}
      <section aria-labelledby="h-status">
        <h2 id="h-status">Открытые инциденты по статусам</h2>
        <table class="shift__table">
          <tbody id="by-status">
            {OPEN.map((s) => (
              <tr key={s}>
                <th>{STATUS_RU[s]}</th>
                <td>{h ? String(h.byStatus[s] ?? 0) : '…'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="h-owner">
        <h2 id="h-owner">У кого в работе</h2>
        <table class="shift__table">
          <thead>
            <tr>
              <th>Сотрудник</th>
              <th>Открытых</th>
              <th>Самый старый с</th>
            </tr>
          </thead>
          <tbody id="by-owner">
            {h?.byOwner.map((o) => (
              <tr key={o.assignee.id}>
                <td>{o.assignee.name}</td>
                <td>{o.open}</td>
                <td>{when(o.oldestCreatedAt)}</td>
              </tr>
            ))}
            {h && (
              <tr>
                <td>Не назначены</td>
                <td>{h.unassigned}</td>
                <td />
              </tr>
            )}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="h-overdue">
        <h2 id="h-overdue">Просроченные</h2>
        <List id="overdue" empty="Просроченных нет">
          {(h?.overdue ?? []).map((i) => (
            <IncidentItem key={i.id} i={i} />
          ))}
        </List>
      </section>
      <section aria-labelledby="h-urgent">
        <h2 id="h-urgent">Срочные</h2>
        <List id="urgent" empty="Срочных нет">
          {(h?.urgent ?? []).map((i) => (
            <IncidentItem key={i.id} i={i} />
          ))}
        </List>
      </section>
      <section aria-labelledby="h-notes">
        <h2 id="h-notes">Заметки для следующей смены</h2>
        <List id="notes" empty="Заметок нет">
          {(h?.notes ?? []).map((n) => (
            <li key={`${n.incidentId}:${n.at}`}>
              {n.text}
              <div class="muted">{`${n.author.name} · ${when(n.at)} · инцидент ${n.incidentId} (${STATUS_RU[n.incidentStatus]})`}</div>
            </li>
          ))}
        </List>
      </section>
      <section aria-labelledby="h-ack" class="no-print">
        <h2 id="h-ack">Принять смену</h2>
        {canAck && (
          <form id="ack-form" class="shift__ack" onSubmit={submit}>
            <label class="field">
              <span class="field__label">Комментарий (необязательно)</span>
              <input ref={note} id="ack-note" name="note" type="text" maxLength={2000} />
            </label>
            <button id="ack-submit" type="submit" class="btn btn--primary" disabled={model.busy.value}>
              Смену принял(а)
            </button>
          </form>
        )}
        <List id="acks" empty="Смену ещё не принимали">
          {(h?.acknowledgements ?? []).map((a) => (
            <li key={a.at}>
              {`Смену принял(а) ${a.by.name} · ${when(a.at)}`}
              {a.note && <div class="muted">{a.note}</div>}
            </li>
          ))}
        </List>
      </section>
    </main>
  );
}
