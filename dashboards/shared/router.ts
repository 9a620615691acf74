/**
 * The location as a signal: the shell renders the page whose table entry matches the path, and
 * links inside the application navigate without reloading. Filters live in the query string
 * (`setQuery`), so a reload or a shared link shows the same view.
 */
import { signal } from '@preact/signals';

export interface Location {
  /** `/sources/`, `/organisations/42` — always starting with `/`. */
  path: string;
  query: URLSearchParams;
  hash: string;
}

function read(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search), hash: window.location.hash };
}

export const location = signal<Location>(read());

window.addEventListener('popstate', () => {
  location.value = read();
});

/** Go to a path of the application without a reload. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  location.value = read();
  window.scrollTo?.(0, 0);
}

/** Replace the query string (filters): empty values are dropped. */
export function setQuery(values: Record<string, string | number | null | undefined>, opts: { replace?: boolean } = { replace: true }): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  navigate(`${window.location.pathname}${s ? `?${s}` : ''}${window.location.hash}`, opts);
}

/** A click on an in-app link: plain left clicks navigate in place; others (new tab) are the browser's. */
export function onLinkClick(ev: MouseEvent): void {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.currentTarget as HTMLAnchorElement | null) ?? null;
  const href = a?.getAttribute('href');
  if (!href || !href.startsWith('/') || a?.target === '_blank') return;
  ev.preventDefault();
  navigate(href);
}
