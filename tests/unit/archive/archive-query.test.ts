import { describe, expect, it } from 'vitest';
import { parseQuery, positiveTexts, QUERY_LIMITS, QuerySyntaxError, type QueryNode } from '../../../src/domain/archive-query';

function errorOf(q: string): QuerySyntaxError {
  try {
    parseQuery(q, { isMunicipality: (c) => c === 'omsk' || c === 'tara' });
  } catch (err) {
    if (err instanceof QuerySyntaxError) return err;
    throw err;
  }
  throw new Error(`no error for ${q}`);
}

describe('archive query language', () => {
  it('parses words with implicit AND, phrases, OR, NOT and groups', () => {
    const t = parseQuery('(тепло OR отопление) "нет воды" -учения');
    expect(t).toEqual<QueryNode>({
      type: 'and',
      children: [
        { type: 'or', children: [{ type: 'term', text: 'тепло', prefix: false, pos: 1 }, { type: 'term', text: 'отопление', prefix: false, pos: 10 }] },
        { type: 'phrase', text: 'нет воды', pos: 21 },
        { type: 'not', child: { type: 'term', text: 'учения', prefix: false, pos: 33 } },
      ],
    });
  });

  it('OR binds looser than AND; Russian operators work', () => {
    const t = parseQuery('мусор И свалка ИЛИ НЕ авария');
    expect(t?.type).toBe('or');
    expect(t && t.type === 'or' ? t.children.map((c) => c.type) : []).toEqual(['and', 'not']);
  });

  it('reads field filters with aliases and date ranges', () => {
    const t = parseQuery('sector:housing район:omsk tone:negative срочно:да date:2026-01-01..2026-01-31 org:"УК Жилсервис"', { isMunicipality: (c) => c === 'omsk' });
    expect(t?.type).toBe('and');
    const kids = t && t.type === 'and' ? t.children : [];
    expect(kids).toContainEqual({ type: 'field', field: 'municipality', value: 'omsk', pos: 15 });
    expect(kids).toContainEqual(expect.objectContaining({ type: 'field', field: 'urgent', value: 'true' }));
    expect(kids).toContainEqual(expect.objectContaining({ type: 'range', field: 'date', from: '2026-01-01', to: '2026-01-31' }));
    expect(kids).toContainEqual(expect.objectContaining({ type: 'field', field: 'organisation', value: 'УК Жилсервис' }));
  });

  it('an empty query means everything', () => {
    expect(parseQuery('')).toBeNull();
    expect(parseQuery('   ')).toBeNull();
  });

  it('points at the error', () => {
    expect(errorOf('тепло AND').position).toBe(9);
    expect(errorOf('(тепло OR вода').position).toBe(14);
    expect(errorOf('тепло)').position).toBe(5);
    expect(errorOf('"нет воды').position).toBe(0);
    expect(errorOf('цвет:синий').position).toBe(0);
    expect(errorOf('sector:космос').position).toBe(7);
    expect(errorOf('municipality:atlantis').position).toBe(13);
    expect(errorOf('date:2026-02-30..2026-03-01').position).toBe(5);
    expect(errorOf('date:2026-03-01..2026-02-01').reason).toMatch(/позже/);
    expect(errorOf('OR вода').position).toBe(0);
    expect(errorOf('вода ()').position).toBe(6);
    expect(errorOf('во*да').reason).toMatch(/звёздочка/);
    expect(errorOf('ab*').reason).toMatch(/трёх/);
    expect(errorOf('вода $').position).toBe(5);
    expect(errorOf('вода $').message).toContain('позиция 6');
  });

  it('survives hostile input with a syntax error, never another exception or a hang', () => {
    const hostile = [
      '('.repeat(5000),
      ')'.repeat(100),
      '"'.repeat(999),
      'NOT '.repeat(200) + 'x',
      '-'.repeat(500),
      Array.from({ length: 200 }, (_, i) => `w${i}`).join(' OR '),
      'a'.repeat(QUERY_LIMITS.maxLength + 1),
      '\u0000\u0001\u202e',
      '{"query":{"match_all":{}}}',
      'sector:housing OR sector:',
      '::::',
      'author:',
      '\\" OR 1=1 --',
      '<script>alert(1)</script>',
      'date:..',
      'date:2026-01-01..2026-01-02..2026-01-03',
      '🙂 AND',
    ];
    for (const q of hostile) {
      const started = Date.now();
      let outcome: unknown = null;
      try {
        parseQuery(q);
      } catch (err) {
        outcome = err;
      }
      expect(outcome, q.slice(0, 40)).toBeInstanceOf(QuerySyntaxError);
      expect((outcome as QuerySyntaxError).position).toBeGreaterThanOrEqual(0);
      expect((outcome as QuerySyntaxError).position).toBeLessThanOrEqual(Math.max(q.length, QUERY_LIMITS.maxLength));
      expect(Date.now() - started).toBeLessThan(200);
    }
  });

  it('random garbage never throws anything but a syntax error', () => {
    const alphabet = ['(', ')', '"', '«', '»', ':', '-', '*', ' ', 'AND', 'OR', 'NOT', 'вода', 'sector', 'date', '..', '2026-01-01', 'x', '.'];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 3000; i++) {
      const q = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      try {
        parseQuery(q);
      } catch (err) {
        expect(err, q).toBeInstanceOf(QuerySyntaxError);
      }
    }
  });

  it('highlights only words not under NOT', () => {
    expect(positiveTexts(parseQuery('вода -свет NOT (газ -тепло) "нет света"'))).toEqual(['вода', 'тепло', 'нет света']);
  });
});
