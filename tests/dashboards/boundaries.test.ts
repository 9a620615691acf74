/**
 * Page boundaries: a page imports shared/, its own folder, src/domain and src/contracts (types);
 * never another page's internals. What two pages share belongs in dashboards/shared/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PAGES = path.join(ROOT, 'dashboards', 'pages');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Relative import specifiers of a file (static and dynamic). */
function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** The page folder a path belongs to, or null outside dashboards/pages. */
function pageOf(file: string): string | null {
  const rel = path.relative(PAGES, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : (rel.split(path.sep)[0] ?? null);
}

/** Imports of one file that reach into another page. */
function crossPageImports(file: string, source: string): string[] {
  const own = pageOf(file);
  return importsOf(source).filter((spec) => {
    const target = pageOf(path.resolve(path.dirname(file), spec));
    return target !== null && target !== own;
  });
}

describe('dashboard page boundaries', () => {
  it('finds an import into another page (the check itself)', () => {
    const file = path.join(PAGES, 'audit', 'page.tsx');
    expect(crossPageImports(file, "import { x } from '../sources/model';")).toEqual(['../sources/model']);
    expect(crossPageImports(file, "const m = await import('../users/page');")).toEqual(['../users/page']);
    expect(crossPageImports(file, "import { api } from '../../shared/api';\nimport { m } from './model';")).toEqual([]);
    expect(crossPageImports(path.join(PAGES, 'audit', 'parts', 'row.tsx'), "import { m } from '../model';")).toEqual([]);
  });

  it('no page imports another page', () => {
    const offences = files(PAGES).flatMap((f) => crossPageImports(f, readFileSync(f, 'utf8')).map((spec) => `${path.relative(ROOT, f)} -> ${spec}`));
    expect(offences).toEqual([]);
  });

  it('shared/ imports no page', () => {
    const shared = path.join(ROOT, 'dashboards', 'shared');
    const offences = files(shared).flatMap((f) =>
      importsOf(readFileSync(f, 'utf8'))
        .filter((spec) => pageOf(path.resolve(path.dirname(f), spec)) !== null)
        .map((spec) => `${path.relative(ROOT, f)} -> ${spec}`),
    );
    expect(offences).toEqual([]);
  });
});
