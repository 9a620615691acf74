/** Empty and error states: a title, a hint, and optionally an action. */
import type { ComponentChildren } from 'preact';

export function EmptyState({ id, title, hint, children }: { id?: string; title: string; hint?: string; children?: ComponentChildren }) {
  return (
    <div id={id} class="state state--empty">
      <p class="state__title">{title}</p>
      {hint && <p class="state__hint">{hint}</p>}
      {children}
    </div>
  );
}

export function ErrorState({ id, title, hint, onRetry }: { id?: string; title: string; hint?: string; onRetry?: () => void }) {
  return (
    <div id={id} class="state state--error" role="alert">
      <p class="state__title">{title}</p>
      {hint && <p class="state__hint">{hint}</p>}
      {onRetry && (
        <button type="button" class="btn btn--small" onClick={onRetry}>
          Повторить
        </button>
      )}
    </div>
  );
}
