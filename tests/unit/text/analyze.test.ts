import { describe, expect, it } from 'vitest';
import { analyze, MAX_STEMMED_TOKENS, MAX_TOKENS, normalize, PLACEHOLDER, stem } from '../../../src/text/analyze';
import { pathologicalPosts, withinBudget } from './pathological';

describe('normalize', () => {
  it.each([
    ['Ёлки-палки, ОТОПЛЕНИЯ нет!!!', 'елки-палки, отопления нет!'],
    ['oтoплeниe', 'отопление'], // Latin lookalikes inside a Cyrillic word
    ['п0чему 3десь холодно, дом 70а', 'почему здесь холодно, дом 70а'], // digit lookalikes; house numbers stay
    ['#ОмскЖКХ_беда', 'омск жкх беда'],
    ['ооооочень плохо', 'очень плохо'],
    ['при\u00ADвет\u200Bмир', 'приветмир'], // soft hyphen and zero-width space join the word
    ['  много   пробелов\n\tи строк  ', 'много пробелов и строк'],
    ['The lift is broken', 'the lift is broken'], // pure Latin words stay Latin
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it('replaces links and mentions with placeholders', () => {
    const n = normalize('Смотрите https://vk.com/wall-1_2 и @adm_city [club12345|Администрация]');
    expect(n).toBe(`смотрите ${PLACEHOLDER.url} и ${PLACEHOLDER.mention} ${PLACEHOLDER.mention}`);
  });

  it('turns emoji and text smileys into mood placeholders, one per run', () => {
    expect(normalize('Ужас 😡😡😡 спасибо 👍')).toBe(`ужас ${PLACEHOLDER.emojiNegative} спасибо ${PLACEHOLDER.emojiPositive}`);
    expect(normalize('хорошо)))) плохо((')).toBe(`хорошо ${PLACEHOLDER.emojiPositive} плохо ${PLACEHOLDER.emojiNegative}`);
    expect(normalize('🔥🔥🔥')).toBe(PLACEHOLDER.emoji);
  });

  it('accepts anything without throwing', () => {
    for (const x of [undefined, null, 42, {}, '\uD800', '\u0000\u0001']) expect(() => analyze(x as unknown as string)).not.toThrow();
  });
});

describe('stemming', () => {
  it('maps word forms to one stem', () => {
    expect(new Set(['отопление', 'отопления', 'отоплением'].map(stem)).size).toBe(1);
    expect(new Set(['батареи', 'батарею', 'батарей'].map(stem)).size).toBe(1);
    expect(stem('управляющей')).toBe(stem('управляющая'));
  });

  it('gives parallel tokens and stems on fixed examples', () => {
    expect(analyze('Батареи холодные третий день!')).toEqual({
      normalized: 'батареи холодные третий день!',
      tokens: ['батареи', 'холодные', 'третий', 'день'],
      stems: ['батар', 'холодн', 'трет', 'ден'],
    });
  });

  it('leaves placeholders, Latin, numbers and junk tokens unstemmed', () => {
    const junk = 'абвгдежзийклмнопрстуфхцчшщ'.repeat(2);
    expect(analyze(`вот ${junk} 70а hello`).stems).toEqual(['вот', junk, '70а', 'hello']);
    expect(analyze('😡').stems).toEqual([PLACEHOLDER.emojiNegative]);
  });

  it('handles empty and media-only posts', () => {
    expect(analyze('')).toEqual({ normalized: '', tokens: [], stems: [] });
    expect(analyze('   \n ')).toEqual({ normalized: '', tokens: [], stems: [] });
  });
});

describe('robustness', () => {
  for (const [name, text] of Object.entries(pathologicalPosts(1))) {
    it(`analyses a 50 KB post (${name}) in ≤ 50 ms (scaled by the machine's current speed)`, () => {
      expect(analyze(text).tokens.length).toBeLessThanOrEqual(MAX_TOKENS);
      const r = withinBudget(name, (t) => void analyze(t));
      expect(r.ms, `bound ${r.boundMs.toFixed(1)} ms`).toBeLessThanOrEqual(r.boundMs);
    });
  }

  it('does not cut normal posts: a 1,500-word text keeps every token, the first 500 stemmed', () => {
    const a = analyze('во дворе не убирают снег '.repeat(300));
    expect(a.tokens).toHaveLength(1500);
    expect(a.stems).toHaveLength(1500);
    expect(a.stems[MAX_STEMMED_TOKENS - 2]).toBe('убира');
    expect(a.stems[MAX_STEMMED_TOKENS + 3]).toBe('убирают');
  });
});
