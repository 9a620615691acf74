import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { detectFormalAnswer } from '../../src/domain/formal-answer';

describe('«отписка» detector', () => {
  it('flags boilerplate with the reasons shown to the sender', () => {
    const v = detectFormalAnswer('Ваше обращение рассмотрено. Работы будут выполнены в плановом порядке.');
    expect(v.formal).toBe(true);
    expect(v.reasons.join('; ')).toContain('ваше обращение рассмотрено');
    expect(v.reasons.join('; ')).toContain('нет даты или срока');
    expect(v.reasons.join('; ')).toContain('не назван ответственный');
  });
  it('passes a concrete answer even when it opens politely', () => {
    const v = detectFormalAnswer('Благодарим за обращение. Порыв на ул. Лукашевича, 10 устранён 3 февраля в 14:20, водоснабжение восстановлено. Ответственный — мастер Ковалёв А. П., тел. 8 (3812) 44-10-10.');
    expect(v.formal).toBe(false);
    expect(v.reasons).toEqual([]);
  });
  it('calls a promise of work with no date or owner a non-answer', () => {
    expect(detectFormalAnswer('Ремонт дороги будет выполнен. Вопрос находится на контроле.').formal).toBe(true);
  });
  it('scores at least 0.85 F1 on the held-out phrasings (npm run eval:answers)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval-answers.ts'], { encoding: 'utf8' });
    const last = out.trim().split('\n').at(-1) ?? '';
    const m = /^answers=(\d+) f1=([\d.]+)$/.exec(last);
    expect(m, last).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(150);
    expect(Number(m?.[2])).toBeGreaterThanOrEqual(0.85);
  });
});
