import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(input: string) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/classify.ts'], { input, encoding: 'utf8', timeout: 30_000 });
  return { code: res.status, lines: res.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr: res.stderr };
}

describe('classify CLI', () => {
  it('writes one line per input with every output', () => {
    const { code, lines } = run(
      [
        '{"id":"a1","text":"Третий день нет отопления на Масленникова 70, на улице мороз -30, дети мерзнут! УК «Жилищник» не отвечает"}',
        '{"id":7,"text":""}',
        '{"id":"t","text":"Спасибо поликлинике №4 за быструю запись","municipality":"tara"}',
      ].join('\n') + '\n',
    );
    expect(code).toBe(0);
    expect(lines).toHaveLength(3);
    const score = { confidence: expect.any(Number) };
    expect(lines[0]).toEqual({
      id: 'a1',
      sector: { label: 'housing', ...score },
      category: { code: 'housing.heating', title: 'Отопление', ...score },
      complaint: { value: true, ...score },
      tone: { label: 'negative', ...score },
      urgency: { value: true, ...score, reasons: expect.arrayContaining(['no_heat_in_frost']) },
      misinformation: { score: expect.any(Number), reasons: [] },
      organisations: [{ kind: 'management_company', name: 'УК «Жилищник»' }],
      place: { municipality: 'omsk', municipalitySource: 'text', address: { street: 'улица Масленникова', house: '70', known: true, raw: 'масленникова 70' } },
      modelVersion: expect.stringMatching(/^dozor-/),
    });
    expect(lines[1]).toMatchObject({ id: 7, sector: { label: expect.any(String) }, category: { code: expect.any(String) }, tone: score, urgency: { value: false }, place: { municipality: 'region', address: null } });
    expect(lines[2]).toMatchObject({ id: 't', tone: { label: 'positive' }, organisations: [{ kind: 'clinic', name: 'поликлиника № 4' }], place: { municipality: 'tara', municipalitySource: 'source' } });
  });

  it('answers a bad line with an error naming the input, and goes on', () => {
    const { code, lines } = run(
      ['not json', '{"text":"без id"}', '{"id":"x","text":5}', `{"id":"big","text":"${'а'.repeat(60_000)}"}`, '{"id":"m","text":"нет воды","municipality":5}', '{"id":"ok","text":"Спасибо дворникам!"}'].join('\n'),
    );
    expect(code).toBe(1);
    expect(lines.map((l) => l.error ?? 'ok')).toEqual([
      'not valid JSON',
      'id: required (string or number)',
      'text: required string',
      'text: longer than 50000 characters',
      'municipality: expected a municipality code (string)',
      'ok',
    ]);
    expect(lines[0]).toMatchObject({ line: 1 });
    expect(lines[2]).toMatchObject({ id: 'x' });
    expect(lines[4]).toMatchObject({ id: 'm' });
    expect(lines[5]).toMatchObject({ id: 'ok', tone: { label: 'positive' } });
  });
});
