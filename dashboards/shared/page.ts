/** What the page table (`dashboards/pages.ts`) holds for each page. */
import type { ComponentType } from 'preact';
import type { Permission } from '../../src/domain/access';

export interface PageDef {
  /**
   * `/sources/` — the page and everything under it (`/sources/rss:x`); `/` matches only itself.
   * The server serves the shell at each path in the table (from `dist/pages.json`).
   */
  path: string;
  /** The window title and the login form's subtitle. */
  title: string;
  /** The navigation label; a page without one is reachable by link only. */
  nav?: string;
  /** Needed to see the page (and its nav link); absent: any logged-in user. */
  permission?: Permission;
  /** Show the nav link only with this permission (the page itself stays open to all: `/users/` for TOTP enrolment). */
  navPermission?: Permission;
  /** What a user without the permission reads instead of the page. */
  deniedText?: string;
  /** Loaded on first visit (its own chunk): `() => import('./pages/x/page')`. */
  load: () => Promise<{ default: ComponentType }>;
}

/** The entry for a path: an exact match, else the longest prefix page. */
export function matchPage(pages: readonly PageDef[], path: string): PageDef | null {
  let best: PageDef | null = null;
  for (const p of pages) {
    if (p.path === path) return p;
    if (p.path !== '/' && p.path.endsWith('/') && path.startsWith(p.path) && (!best || p.path.length > best.path.length)) best = p;
    // `/sources` without the slash is the same page.
    if (p.path === `${path}/`) best = p;
  }
  return best;
}
