/**
 * The desk's keyboard as a pure function: which action a key press means, or null. Keys typed
 * into a field (input, textarea, select, contenteditable) and keys with Ctrl/Alt/Meta are the
 * browser's, except Esc, which leaves the field.
 */
export type DeskKeyAction = 'next' | 'prev' | 'open' | 'new' | 'verdict' | 'accept' | 'reject' | 'queue' | 'suggestions' | 'leave-field' | 'close';

const KEYS: Readonly<Record<string, DeskKeyAction>> = {
  j: 'next',
  ArrowDown: 'next',
  k: 'prev',
  ArrowUp: 'prev',
  Enter: 'open',
  n: 'new',
  v: 'verdict',
  a: 'accept',
  r: 'reject',
  q: 'queue',
  s: 'suggestions',
  Escape: 'close',
};

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

/** Is the event's target a field the user types into? */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as (Element & { isContentEditable?: boolean }) | null;
  if (!el || typeof el.closest !== 'function') return false;
  return el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null || el.isContentEditable === true;
}

export function keyAction(ev: KeyLike): DeskKeyAction | null {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return null;
  if (isTyping(ev.target)) return ev.key === 'Escape' ? 'leave-field' : null;
  // Enter on a button or link is that control's own click.
  if (ev.key === 'Enter' && (ev.target as Element | null)?.closest?.('button, a[href]')) return null;
  return KEYS[ev.key] ?? null;
}
