/**
 * The labelled claim pairs of data/claims (see data/claims/README.md), shared by
 * `npm run eval:claims` (scripts/eval-claims.ts) and `npm run train:claims`
 * (scripts/train-claims.ts). Training asks for the dev rows of the first file only, so it never
 * opens a held-out test file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ClaimRow {
  file: string;
  family: string;
  group: string;
  split: 'dev' | 'test';
  text: string;
}
export interface ClaimPair {
  a: number;
  b: number;
  same: boolean;
  hard: boolean;
  split: 'dev' | 'test';
}

const pathOf = (file: string) => fileURLToPath(new URL(`../data/claims/${file}`, import.meta.url));

/**
 * Blind test files added later by another hand: read when present, skipped while absent, so the
 * eval runs before and after one lands.
 */
const LATER_FILES = ['claims-test-l.jsonl'] as const;

/**
 * The first set (dev + the first test families), the held-out test-b, and each later blind file
 * present (data/claims/README.md). test-c, test-d, test-e, test-f, test-g, test-h, test-i, test-j and test-k were promoted to dev
 * after their runs as tests.
 */
export const CLAIM_FILES: readonly string[] = ['claims.jsonl', 'claims-test-b.jsonl', ...LATER_FILES.filter((f) => existsSync(pathOf(f)))];

/** Rows of the given files (default: all), checked; `split` keeps only that split's rows. */
export function loadClaimRows(opts: { files?: readonly string[]; split?: 'dev' | 'test' } = {}): ClaimRow[] {
  const files = opts.files ?? CLAIM_FILES;
  const rows = files.flatMap((file) =>
    readFileSync(pathOf(file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l, i) => {
        const r = { ...(JSON.parse(l) as Omit<ClaimRow, 'file'>), file };
        if (!r.family || !r.group || !r.text || (r.split !== 'dev' && r.split !== 'test')) throw new Error(`${file} line ${i + 1}: family, group, split (dev|test) and text are required`);
        if (file !== CLAIM_FILES[0] && r.split !== 'test') throw new Error(`${file} line ${i + 1}: this file holds test pairs only`);
        return r;
      }),
  );
  // A family (topic) lives in one split and one file, so no test topic was seen while tuning.
  const home = new Map<string, string>();
  for (const r of rows) {
    const where = `${r.file}:${r.split}`;
    if ((home.get(r.family) ?? where) !== where) throw new Error(`family ${r.family} appears in ${home.get(r.family)} and ${where}`);
    home.set(r.family, where);
  }
  return opts.split ? rows.filter((r) => r.split === opts.split) : rows;
}

/** Positives inside groups, hard negatives across a family's groups, two other families per text. */
export function claimPairs(rows: readonly ClaimRow[]): ClaimPair[] {
  const pairs: ClaimPair[] = [];
  const families = [...new Set(rows.map((r) => r.family))];
  // Each row's place among the rows of its split.
  const seen = { dev: 0, test: 0 };
  const pos = rows.map((r) => seen[r.split]++);
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const a = rows[i] as ClaimRow;
      const b = rows[j] as ClaimRow;
      if (a.family !== b.family) continue;
      pairs.push({ a: i, b: j, same: a.group === b.group, hard: a.group !== b.group, split: a.split });
    }
  }
  rows.forEach((r, i) => {
    // Families of the text's own split, indexed within it: dev families added later leave the test pairs as they were.
    const ofSplit = families.filter((f) => rows.some((x) => x.family === f && x.split === r.split));
    const same = ofSplit.filter((f) => f !== r.family);
    const fi = ofSplit.indexOf(r.family);
    for (const k of [1, 2]) {
      const other = same[(fi + k * 3) % Math.max(1, same.length)];
      const j = rows.findIndex((x, idx) => x.family === other && (pos[idx] as number) % 3 === (pos[i] as number) % 3);
      const jj = j >= 0 ? j : rows.findIndex((x) => x.family === other);
      if (jj >= 0) pairs.push({ a: i, b: jj, same: false, hard: false, split: r.split });
    }
  });
  return pairs;
}
