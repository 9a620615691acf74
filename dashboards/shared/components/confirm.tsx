/**
 * A confirm dialog on the native <dialog>: `const ok = await confirm({ title, text, action })`.
 * The shell renders <ConfirmHost/>; one question at a time.
 */
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmRequest {
  title: string;
  text?: string;
  /** The confirming button's label («Удалить»). */
  action: string;
  danger?: boolean;
}

const pending = signal<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);

export function confirm(req: ConfirmRequest): Promise<boolean> {
  pending.value?.resolve(false);
  return new Promise((resolve) => {
    pending.value = { ...req, resolve };
  });
}

function answer(ok: boolean): void {
  const p = pending.value;
  pending.value = null;
  p?.resolve(ok);
}

export function ConfirmHost() {
  const ref = useRef<HTMLDialogElement>(null);
  const req = pending.value;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (req && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
    if (!req && d.open) d.close();
  }, [req]);
  return (
    <dialog ref={ref} class="dialog" id="confirm-dialog" onCancel={() => answer(false)} aria-labelledby="confirm-title">
      {req && (
        <form method="dialog" class="dialog__body" onSubmit={(e) => (e.preventDefault(), answer(true))}>
          <h2 id="confirm-title" class="dialog__title">
            {req.title}
          </h2>
          {req.text && <p class="dialog__text">{req.text}</p>}
          <div class="dialog__actions">
            <button type="button" class="btn btn--ghost" id="confirm-cancel" onClick={() => answer(false)}>
              Отмена
            </button>
            <button type="submit" class={`btn ${req.danger ? 'btn--danger' : 'btn--primary'}`} id="confirm-ok">
              {req.action}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
