/**
 * Serves the dashboards: the built assets under /assets/, and the application shell
 * (dist/index.html) at every path of the page table (dist/pages.json, written by
 * `npm run build:dashboards`). The shell's router picks the page; the server only needs to know
 * which paths are pages so that anything else stays a 404. Legacy page folders that still carry
 * their own index.html are served as before until they move onto the shell.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const DASHBOARDS = fileURLToPath(new URL('../../dashboards/', import.meta.url));
const DIST = `${DASHBOARDS}dist/`;

/** Paths of the page table, or none when the dashboards were not built. */
export function shellPaths(): string[] {
  try {
    const paths: unknown = JSON.parse(readFileSync(`${DIST}pages.json`, 'utf8'));
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string' && p.startsWith('/')) : [];
  } catch {
    return [];
  }
}

export async function registerDashboards(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: DIST, prefix: '/assets/', decorateReply: false });

  const legacy = new Set<string>();
  if (existsSync(`${DASHBOARDS}operator/index.html`)) {
    legacy.add('/');
    await app.register(fastifyStatic, { root: `${DASHBOARDS}operator`, prefix: '/', index: ['index.html'], decorateReply: false, allowedPath: (path) => path === '/' || path === '/index.html' });
  }
  // Every other legacy page folder with an index.html is served at /<page>/ (its bundle under /assets/).
  for (const page of readdirSync(DASHBOARDS, { withFileTypes: true })) {
    if (!page.isDirectory() || page.name === 'operator' || !existsSync(`${DASHBOARDS}${page.name}/index.html`)) continue;
    legacy.add(`/${page.name}/`);
    await app.register(fastifyStatic, { root: `${DASHBOARDS}${page.name}`, prefix: `/${page.name}/`, index: ['index.html'], decorateReply: false, allowedPath: (path) => path === '/' || path === '/index.html' });
  }

  const shell = async (_request: unknown, reply: { type(t: string): unknown; header(k: string, v: string): unknown; send(b: unknown): unknown }) => {
    const html = await readFile(`${DIST}index.html`);
    reply.type('text/html; charset=utf-8');
    reply.header('cache-control', 'no-cache');
    return reply.send(html);
  };
  for (const path of shellPaths()) {
    if (legacy.has(path)) continue;
    app.get(path, { schema: { hide: true } }, shell);
    // `/organisations/` also answers `/organisations/42` (the page reads the rest of the path).
    if (path !== '/' && path.endsWith('/')) app.get(`${path}*`, { schema: { hide: true } }, shell);
  }
}
