/**
 * Builds the dashboards into dashboards/dist/ (served by the API under /assets/):
 *   dashboards/operator/main.ts    -> dashboards/dist/operator.js (+ .map)
 *   dashboards/operator/styles.css -> dashboards/dist/operator.css
 *
 * Usage: npm run build:dashboards [-- --watch]
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_DIR = path.join(root, 'dashboards', 'dist');

const options: esbuild.BuildOptions = {
  entryPoints: [path.join(root, 'dashboards', 'operator', 'main.ts')],
  outfile: path.join(DIST_DIR, 'operator.js'),
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
  await copyFile(path.join(root, 'dashboards', 'operator', 'styles.css'), path.join(DIST_DIR, 'operator.css'));
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
  console.log('[build-dashboards] watching dashboards/operator (note: styles.css is copied on each JS rebuild)');
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const run = process.argv.includes('--watch') ? watch() : buildDashboards();
  run.then(
    () => {
      if (!process.argv.includes('--watch')) console.log(`[build-dashboards] wrote ${path.relative(root, DIST_DIR)}/operator.{js,css}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
