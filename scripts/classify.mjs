// `npm run --silent classify` — the launcher of scripts/classify.ts that starts in well under a
// second: tsx compiles TypeScript on every start (≈1.5 s of CPU), so the command runs a bundle
// of scripts/classify.ts built by esbuild into .cache/classify/ (two levels below the repository
// root, like src/<dir>/, so the bundle's relative paths to models/ and config/ still resolve). The
// bundle is rebuilt when any file under src/ or scripts/classify.ts is newer than it.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = `${root}scripts/classify.ts`;
const bundle = `${root}.cache/classify/classify.mjs`;

function newest(dir) {
  let t = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${d.name}`;
    t = Math.max(t, d.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stale = !existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(newest(`${root}src`), statSync(entry).mtimeMs);
if (stale) {
  const { build } = await import('esbuild');
  const out = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, write: false, logLevel: 'error' });
  // Written aside and renamed: two commands starting at once never run a half-written bundle.
  const tmp = `${bundle}.${process.pid}.tmp`;
  mkdirSync(`${root}.cache/classify`, { recursive: true });
  writeFileSync(tmp, out.outputFiles[0].contents);
  renameSync(tmp, bundle);
}
await import(pathToFileURL(bundle).href);
