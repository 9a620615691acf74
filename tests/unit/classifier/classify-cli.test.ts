import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(input: string) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/classify.ts'], { input, encoding: 'utf8', timeout: 30_000 });
  return { code: res.status, lines: res.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr: res.stderr };
}

describe('classify CLI', () => {
  it('writes one line per input with every output', () => {
    const { code, lines } = run('{"id":"a1","text":"Третий день нет отопления на Масленникова 70, УК не отвечает!"}\n{"id":7,"text":""}\n');
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ id: 'a1', sector: { label: 'housing' }, complaint: { value: true }, misinformation: { score: expect.any(Number), reasons: [] } });
    expect(lines[0]!.modelVersion).toEqual(expect.any(String));
    expect(lines[1]).toMatchObject({ id: 7, sector: { label: expect.any(String) } });
  });

  it('answers a bad line with an error naming the input, and goes on', () => {
    const { code, lines } = run(['not json', '{"text":"без id"}', '{"id":"x","text":5}', `{"id":"big","text":"${'а'.repeat(60_000)}"}`, '{"id":"ok","text":"Спасибо дворникам!"}'].join('\n'));
    expect(code).toBe(1);
    expect(lines.map((l) => l.error ?? 'ok')).toEqual(['not valid JSON', 'id: required (string or number)', 'text: required string', 'text: longer than 50000 characters', 'ok']);
    expect(lines[0]).toMatchObject({ line: 1 });
    expect(lines[2]).toMatchObject({ id: 'x' });
    expect(lines[4]).toMatchObject({ id: 'ok' });
  });
});
