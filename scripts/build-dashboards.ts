/**
 * Builds the dashboards into dashboards/dist/ (served by the API under /assets/). Every folder of
 * dashboards/ with a main.ts is a page:
 *   dashboards/<page>/main.ts    -> dashboards/dist/<page>.js (+ .map)
 *   dashboards/<page>/styles.css -> dashboards/dist/<page>.css (when present)
 *
 * Usage: npm run build:dashboards [-- --watch]
 */
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_DIR = path.join(root, 'dashboards', 'dist');

/** Page folders: dashboards/<page>/main.ts. */
export function dashboardPages(): string[] {
  return readdirSync(path.join(root, 'dashboards'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(root, 'dashboards', d.name, 'main.ts')))
    .map((d) => d.name)
    .sort();
}

const options: esbuild.BuildOptions = {
  entryPoints: Object.fromEntries(dashboardPages().map((page) => [page, path.join(root, 'dashboards', page, 'main.ts')])),
  outdir: DIST_DIR,
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'es2020',
  platform: 'browser',
  format: 'iife',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

async function copyStyles(): Promise<void> {
  for (const page of dashboardPages()) {
    const css = path.join(root, 'dashboards', page, 'styles.css');
    if (existsSync(css)) await copyFile(css, path.join(DIST_DIR, `${page}.css`));
  }
}

/** One-off build; throws when esbuild reports errors. */
export async function buildDashboards(): Promise<void> {
  await mkdir(DIST_DIR, { recursive: true });
  await esbuild.build(options);
  await copyStyles();
}

async function watch(): Promise<void> {
  await mkdir(DIST_DIR, { recursive: true });
  const copyCss: esbuild.Plugin = {
    name: 'copy-css',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length === 0) {
          await copyStyles();
          console.log(`[build-dashboards] rebuilt ${new Date().toLocaleTimeString()}`);
        }
      });
    },
  };
  const ctx = await esbuild.context({ ...options, plugins: [copyCss] });
  await ctx.watch();
  console.log(`[build-dashboards] watching ${dashboardPages().join(', ')} (styles.css is copied on each JS rebuild)`);
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const run = process.argv.includes('--watch') ? watch() : buildDashboards();
  run.then(
    () => {
      if (!process.argv.includes('--watch')) console.log(`[build-dashboards] wrote ${path.relative(root, DIST_DIR)}/{${dashboardPages().join(',')}}.{js,css}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
