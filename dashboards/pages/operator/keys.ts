/**
 * The operator page's keyboard: one handler on the document. Modified keys (Ctrl, Alt, Meta)
 * and keys typed into fields are the browser's and the field's; the rest map to commands.
 */
export type KeyCommand = 'next' | 'prev' | 'take' | 'comment' | 'close' | 'search' | 'help' | 'escape';

const KEYS: Readonly<Record<string, KeyCommand>> = { j: 'next', k: 'prev', t: 'take', c: 'comment', x: 'close', '/': 'search', '?': 'help', Escape: 'escape' };

/** The shortcuts the help lists, in order. */
export const KEY_HELP: readonly [string, string][] = [
  ['j', 'следующий инцидент'],
  ['k', 'предыдущий инцидент'],
  ['t', 'взять в работу'],
  ['c', 'история и комментарии'],
  ['x', 'закрыть инцидент'],
  ['/', 'поиск'],
  ['?', 'эта подсказка'],
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** The command of a key press, or null when the key is not ours. */
export function keyCommand(ev: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'target'>): KeyCommand | null {
  if (ev.ctrlKey || ev.altKey || ev.metaKey) return null;
  if (typing(ev.target)) return ev.key === 'Escape' ? 'escape' : null;
  return KEYS[ev.key] ?? null;
}
