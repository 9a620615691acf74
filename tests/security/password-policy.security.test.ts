import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/domain/password-policy';

describe('password policy (finding 10)', () => {
  it.each([
    ['aaaaaaaaaa', /too simple/],
    ['          ', /too simple/],
    ['abcabcabcabc', /too simple/],
    ['1234567890', /too simple/],
    ['qwertyuiop', /too simple/],
    ['Password123!', /too common/],
    ['йцукенгшщз', /too simple/],
    ['iloveyou2024', /too common/],
    ['duty-ivanov-2026', /username/],
    ['short', /at least 10/],
  ])('refuses %j', (password, reason) => {
    expect(passwordProblem(password, 'duty-ivanov')).toMatch(reason);
  });

  it.each(['Kfz8-rain-orbit-73', 'тёплый вечер над Иртышом', 'correct horse battery staple'])('accepts %j', (password) => {
    expect(passwordProblem(password, 'duty-ivanov')).toBeNull();
  });
});
