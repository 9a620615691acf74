/** Notifications: short toasts that fade on their own (errors stay until closed). */
import { signal } from '@preact/signals';

export type ToastKind = 'info' | 'success' | 'error';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

export function createToasts(lifetimeMs = 5_000) {
  const items = signal<Toast[]>([]);
  let seq = 0;
  const dismiss = (id: number): void => {
    items.value = items.value.filter((t) => t.id !== id);
  };
  const show = (kind: ToastKind, text: string): number => {
    const id = ++seq;
    // At most five on screen: the oldest goes first.
    items.value = [...items.value.slice(-4), { id, kind, text }];
    if (kind !== 'error') setTimeout(() => dismiss(id), lifetimeMs);
    return id;
  };
  return {
    items,
    dismiss,
    info: (text: string) => show('info', text),
    success: (text: string) => show('success', text),
    error: (text: string) => show('error', text),
  };
}

export type Toasts = ReturnType<typeof createToasts>;

/** The application's notifications, shown by the shell. */
export const toasts = createToasts();
