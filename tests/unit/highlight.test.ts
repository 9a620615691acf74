import { describe, expect, it } from 'vitest';
import { highlight } from '../../src/services/search.service';
import { analyze } from '../../src/text/analyze';

const stemOf = (w: string) => analyze(w).stems[0] ?? w.toLowerCase();
const stems = (q: string) => new Set(analyze(q).stems);

describe('highlight', () => {
  it('marks other word forms of the query', () => {
    const frags = highlight('Во дворе не вывозят мусорные контейнеры уже неделю', stems('мусорный контейнер'), stemOf);
    expect(frags).toHaveLength(1);
    expect(frags[0]!.filter((s) => s.hit).map((s) => s.text)).toEqual(['мусорные', 'контейнеры']);
    expect(frags[0]!.map((s) => s.text).join('')).toBe('Во дворе не вывозят мусорные контейнеры уже неделю');
  });

  it('returns fragments around hits in a long text, with ellipses', () => {
    const text = `${'слово '.repeat(100)}отопление ${'слово '.repeat(100)}`;
    const frags = highlight(text, stems('отопления'), stemOf);
    expect(frags).toHaveLength(1);
    expect(frags[0]![0]!.text).toBe('…');
    expect(frags[0]!.at(-1)!.text).toBe('…');
    expect(frags[0]!.some((s) => s.hit && s.text === 'отопление')).toBe(true);
  });

  it('returns nothing without query stems and keeps markup as plain text', () => {
    expect(highlight('текст', new Set(), stemOf)).toEqual([]);
    const frags = highlight('<img src=x onerror=alert(1)> отопление', stems('отопление'), stemOf);
    expect(frags[0]![0]!.text).toContain('<img');
  });
});
