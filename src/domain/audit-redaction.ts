/** What stands in an audit record for an erased person's name, id or profile link. */
export const REDACTED = '[удалено]';

/** What to take out of audit records when a person's data is erased. */
export interface AuditRedaction {
  /** Free text (names, profile URLs): replaced wherever they occur, ignoring case. */
  phrases: readonly string[];
  /** Author ids: replaced where they stand as a whole token (an id `455` is not part of `14550`). */
  tokens: readonly string[];
  /** Erased posts' ids and what replaces each (an opaque id keeps the trail linkable). */
  postIds: ReadonlyMap<string, string>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole-token pattern: an all-digit id must not touch other digits, any other id no letter or digit. */
function tokenPattern(token: string): string {
  const edge = /^\d+$/.test(token) ? '\\p{N}' : '[\\p{L}\\p{N}_]';
  return `(?<!${edge})${escape(token)}(?!${edge})`;
}

/**
 * Builds the string rewriter for one erasure, or null when there is nothing to look for. Post ids
 * go first (they may contain the author id: `wall455_812`), then ids and phrases.
 */
export function redactor(r: AuditRedaction): ((s: string) => string) | null {
  const posts = [...r.postIds.keys()].filter((id) => id.length > 0).sort((a, b) => b.length - a.length);
  const tokens = r.tokens.filter((t) => t.length > 0 && t !== '[erased]');
  // Very short phrases would blank ordinary words; a name or a link is longer than that.
  const phrases = r.phrases.filter((p) => p.trim().length >= 3 && p !== REDACTED);
  if (posts.length + tokens.length + phrases.length === 0) return null;
  const postRe = posts.length > 0 ? new RegExp(posts.map(tokenPattern).join('|'), 'gu') : null;
  const tokenRe = tokens.length > 0 ? new RegExp(tokens.map(tokenPattern).join('|'), 'gu') : null;
  const phraseRe = phrases.length > 0 ? new RegExp(phrases.map(escape).join('|'), 'giu') : null;
  return (s) => {
    let out = s;
    if (postRe) out = out.replace(postRe, (m) => r.postIds.get(m) ?? REDACTED);
    if (tokenRe) out = out.replace(tokenRe, REDACTED);
    if (phraseRe) out = out.replace(phraseRe, REDACTED);
    return out;
  };
}

/** Applies a string rewriter to every string inside a JSON value; returns the same value when nothing changed. */
export function redactValue<T>(value: T, rewrite: (s: string) => string): T {
  if (typeof value === 'string') {
    const out = rewrite(value);
    return (out === value ? value : out) as T;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v: unknown) => {
      const r = redactValue(v, rewrite);
      if (r !== v) changed = true;
      return r;
    });
    return (changed ? out : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const r = redactValue(v, rewrite);
      if (r !== v) changed = true;
      out[k] = r;
    }
    return (changed ? out : value) as T;
  }
  return value;
}
