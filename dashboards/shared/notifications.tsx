/**
 * The shell's escalation notifications (issue 11 point 4): a bell with the unread count and the
 * list (`GET /api/escalations`), updated at once by the socket push (`notification:new`) while the
 * live feed is open and re-read every minute otherwise; opening one marks it read and leads to
 * its incident.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { EscalationNotificationDto } from '../../src/contracts/escalations';
import { api } from './api';
import { feed, toasts } from './context';
import { navigate } from './router';
import { formatFull, parseTime } from './time';

const POLL_MS = 60_000;

export function NotificationBell() {
  const items = useSignal<EscalationNotificationDto[]>([]);
  const unread = useSignal(0);
  const open = useSignal(false);

  useEffect(() => {
    let alive = true;
    const load = async (): Promise<void> => {
      try {
        const r = await api('GET /api/escalations');
        if (!alive) return;
        items.value = r.items;
        unread.value = r.unread;
      } catch {
        // The bell stays as it was; the next poll tries again.
      }
    };
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    const off = feed.on({
      onNotification: (n) => {
        if (items.peek().some((x) => x.id === n.id)) return;
        items.value = [n, ...items.peek()];
        unread.value = unread.peek() + 1;
        toasts.info(n.title);
      },
    });
    return () => {
      alive = false;
      clearInterval(timer);
      off();
    };
  }, []);

  const openOne = async (n: EscalationNotificationDto): Promise<void> => {
    open.value = false;
    if (!n.readAt) {
      try {
        await api('POST /api/escalations/:id/read', { params: { id: n.id } });
        items.value = items.peek().map((x) => (x.id === n.id ? { ...x, readAt: new Date().toISOString() } : x));
        unread.value = Math.max(0, unread.peek() - 1);
      } catch {
        // Stays unread.
      }
    }
    navigate(`/?${new URLSearchParams({ q: n.incidentId }).toString()}`);
  };

  return (
    <div class="bell">
      <button id="bell" type="button" class="btn btn--ghost" aria-expanded={open.value} onClick={() => (open.value = !open.value)}>
        {'Уведомления'}
        {unread.value > 0 && (
          <span id="bell-unread" class="bell__count">
            {String(unread.value)}
          </span>
        )}
      </button>
      {open.value && (
        <ul id="bell-list" class="bell__list">
          {items.value.length === 0 && <li class="muted">Уведомлений нет</li>}
          {items.value.map((n) => (
            <li key={n.id} class={n.readAt ? 'bell__item' : 'bell__item bell__item--unread'} data-id={n.id}>
              <button type="button" class="bell__open" onClick={() => void openOne(n)}>
                <strong>{n.title}</strong>
                <span>{n.body}</span>
                <span class="muted">{formatFull(parseTime(n.at))}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
