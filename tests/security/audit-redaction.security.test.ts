/** The string rewriter an erasure applies to audit records: whole ids only, names in any case. */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactValue, redactor } from '../../src/domain/audit-redaction';

describe('audit redaction', () => {
  const rewrite = redactor({ phrases: ['Иван Петров', 'https://vk.com/ivan_p'], tokens: ['455', 'ivan-7'], postIds: new Map([['vk:455_12', 'x.opaque']]) });

  it('replaces erased post ids (also inside incident ids) before the author id they contain', () => {
    expect(rewrite?.('inc:vk:455_12')).toBe('inc:x.opaque');
    expect(rewrite?.('vk:455_120')).toBe(`vk:${REDACTED}_120`);
  });

  it('replaces author ids only as whole tokens, and names and links in any case', () => {
    expect(rewrite?.('14550 и 455')).toBe(`14550 и ${REDACTED}`);
    expect(rewrite?.('ivan-7x ivan-7')).toBe(`ivan-7x ${REDACTED}`);
    expect(rewrite?.('жалобы иван петров, HTTPS://VK.COM/IVAN_P')).toBe(`жалобы ${REDACTED}, ${REDACTED}`);
  });

  it('rewrites nested values and keeps untouched ones identical', () => {
    const details = { q: 'Иван Петров', postIds: ['vk:455_12', 'vk:-1_2'], page: 2, nested: { x: null } };
    const out = redactValue(details, rewrite ?? ((s) => s));
    expect(out).toEqual({ q: REDACTED, postIds: ['x.opaque', 'vk:-1_2'], page: 2, nested: { x: null } });
    const clean = { q: 'мусор', ids: ['vk:-1_2'] };
    expect(redactValue(clean, rewrite ?? ((s) => s))).toBe(clean);
  });

  it('has nothing to do without ids or names', () => {
    expect(redactor({ phrases: ['ab'], tokens: ['[erased]'], postIds: new Map() })).toBeNull();
  });
});
