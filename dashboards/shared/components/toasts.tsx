/** Notifications in the corner; errors stay until closed. */
import type { Toasts } from '../toasts';

export function ToastList({ toasts }: { toasts: Toasts }) {
  const items = toasts.items.value;
  return (
    <div class="toasts" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} class={`toast toast--${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span class="toast__text">{t.text}</span>
          <button type="button" class="toast__close" aria-label="Закрыть" onClick={() => toasts.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
