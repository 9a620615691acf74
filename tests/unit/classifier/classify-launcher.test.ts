import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const input = ['{"id":"a","text":"Третий день нет отопления, ул. Ленина, 12"}', 'not json', '{"id":"b","text":"Во дворе открытый люк, рядом школа","municipality":"tara"}', ''].join('\n');
const run = (args: string[]) => spawnSync(process.execPath, args, { input, encoding: 'utf8', timeout: 60_000 });

describe('npm run classify launcher (scripts/classify.mjs: a cached esbuild bundle of scripts/classify.ts)', () => {
  it('gives exactly the output and exit code of scripts/classify.ts', () => {
    const fast = run(['scripts/classify.mjs']);
    const tsx = run(['--import', 'tsx', 'scripts/classify.ts']);
    expect(fast.stderr).toBe('');
    expect(fast.status).toBe(1); // one bad line
    expect(fast.status).toBe(tsx.status);
    expect(fast.stdout).toBe(tsx.stdout);
    expect(fast.stdout.trim().split('\n')).toHaveLength(3);
  });
});
