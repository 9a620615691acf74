/**
 * Builds the dashboards into dashboards/dist/ (served by the API under /assets/).
 *
 * The application: dashboards/app.tsx (the shell and the page table) -> dist/app.js as an ES
 * module with code splitting, so each page (and a chart library a page uses) is its own chunk
 * loaded on first visit; dashboards/shared/{tokens,shell}.css and every
 * dashboards/pages/<page>/styles.css -> dist/app.css; dashboards/shared/index.html ->
 * dist/index.html; the page table's paths -> dist/pages.json (the server serves the shell there).
 *
 * Legacy pages not yet on the shell: every dashboards/<page>/main.ts -> dist/<page>.js (+ css).
 *
 * The last line printed is the budget: `pages=N largest_kb_gz=X shared_kb_gz=Y` (the largest page
 * chunk with the chunks only it loads; the entry with the chunks every page needs).
 *
 * Usage: npm run build:dashboards [-- --watch]
 */
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DASH = path.join(root, 'dashboards');
export const DIST_DIR = path.join(DASH, 'dist');

/** Legacy page folders: dashboards/<page>/main.ts. */
export function dashboardPages(): string[] {
  return readdirSync(DASH, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(DASH, d.name, 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** Page folders of the application: dashboards/pages/<page>/. */
function appPageDirs(): string[] {
  const dir = path.join(DASH, 'pages');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

const common: esbuild.BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'es2020',
  platform: 'browser',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  define: { 'process.env.NODE_ENV': '"production"' },
};

const legacyOptions = (): esbuild.BuildOptions => ({
  ...common,
  entryPoints: Object.fromEntries(dashboardPages().map((page) => [page, path.join(DASH, page, 'main.ts')])),
  outdir: DIST_DIR,
  format: 'iife',
});

const appOptions = (): esbuild.BuildOptions => ({
  ...common,
  entryPoints: { app: path.join(DASH, 'app.tsx') },
  outdir: DIST_DIR,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
});

function cssEntry(): string {
  const files = ['shared/tokens.css', 'shared/shell.css', ...appPageDirs().map((p) => `pages/${p}/styles.css`).filter((f) => existsSync(path.join(DASH, f)))];
  return files.map((f) => `@import "./${f}";`).join('\n');
}

async function buildCss(): Promise<void> {
  await esbuild.build({
    stdin: { contents: cssEntry(), resolveDir: DASH, loader: 'css', sourcefile: 'app.css' },
    bundle: true,
    minify: true,
    outfile: path.join(DIST_DIR, 'app.css'),
    logLevel: 'warning',
    charset: 'utf8',
  });
}

async function copyStatic(): Promise<void> {
  for (const page of dashboardPages()) {
    const css = path.join(DASH, page, 'styles.css');
    if (existsSync(css)) await copyFile(css, path.join(DIST_DIR, `${page}.css`));
  }
  await copyFile(path.join(DASH, 'shared', 'index.html'), path.join(DIST_DIR, 'index.html'));
  const { PAGES } = await import('../dashboards/pages');
  await writeFile(path.join(DIST_DIR, 'pages.json'), JSON.stringify(PAGES.map((p) => p.path)));
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

/**
 * Budget from the metafile: `shared` is the entry plus every chunk it imports statically; a page
 * is its lazily imported chunk plus the chunks it pulls in that the entry does not.
 */
async function budget(meta: esbuild.Metafile): Promise<{ pages: number; largest: number; shared: number }> {
  const gz = new Map<string, number>();
  const sizeOf = async (file: string): Promise<number> => {
    let n = gz.get(file);
    if (n === undefined) {
      n = gzipSync(await readFile(path.join(root, file))).length;
      gz.set(file, n);
    }
    return n;
  };
  const closure = (file: string, kinds: readonly string[], seen = new Set<string>()): Set<string> => {
    if (seen.has(file)) return seen;
    seen.add(file);
    for (const imp of meta.outputs[file]?.imports ?? []) if (kinds.includes(imp.kind) && !imp.external) closure(imp.path, kinds, seen);
    return seen;
  };
  const entry = Object.keys(meta.outputs).find((f) => f.endsWith('dist/app.js'));
  if (!entry) throw new Error('no app.js in the build');
  const shared = closure(entry, ['import-statement']);
  let sharedBytes = (await sizeOf(path.relative(root, path.join(DIST_DIR, 'app.css')).replaceAll('\\', '/'))) || 0;
  for (const f of shared) sharedBytes += await sizeOf(f);
  // Pages: the dynamic imports of the entry (the page table's `load`).
  const pageChunks = (meta.outputs[entry]?.imports ?? []).filter((i) => i.kind === 'dynamic-import').map((i) => i.path);
  let largest = 0;
  for (const chunk of pageChunks) {
    let bytes = 0;
    // A page's own chunks, including what it loads lazily itself (a chart library).
    for (const f of closure(chunk, ['import-statement', 'dynamic-import'])) if (!shared.has(f)) bytes += await sizeOf(f);
    largest = Math.max(largest, bytes);
  }
  return { pages: pageChunks.length, largest, shared: sharedBytes };
}

/** One-off build; throws when esbuild reports errors. Returns the budget line. */
export async function buildDashboards(): Promise<string> {
  await mkdir(DIST_DIR, { recursive: true });
  await rm(path.join(DIST_DIR, 'chunks'), { recursive: true, force: true });
  if (dashboardPages().length > 0) await esbuild.build(legacyOptions());
  const app = await esbuild.build({ ...appOptions(), absWorkingDir: root });
  await buildCss();
  await copyStatic();
  const b = await budget(app.metafile!);
  return `pages=${b.pages} largest_kb_gz=${kb(b.largest)} shared_kb_gz=${kb(b.shared)}`;
}

async function watch(): Promise<void> {
  await mkdir(DIST_DIR, { recursive: true });
  const after: esbuild.Plugin = {
    name: 'css-and-static',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length === 0) {
          await buildCss();
          await copyStatic();
          console.log(`[build-dashboards] rebuilt ${new Date().toLocaleTimeString()}`);
        }
      });
    },
  };
  const app = await esbuild.context({ ...appOptions(), absWorkingDir: root, plugins: [after] });
  await app.watch();
  if (dashboardPages().length > 0) await (await esbuild.context(legacyOptions())).watch();
  console.log('[build-dashboards] watching (CSS and index.html are rebuilt on each JS rebuild)');
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  if (process.argv.includes('--watch')) {
    watch().catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
  } else {
    buildDashboards().then(
      (line) => {
        console.log(`[build-dashboards] wrote ${path.relative(root, DIST_DIR)}/ (app + ${dashboardPages().length} legacy pages)`);
        console.log(line);
      },
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      },
    );
  }
}
