/**
 * Elasticsearch query-syntax fuzz on `GET /api/posts/search`, against the real Elasticsearch:
 * adversarial and random query strings (unbalanced quotes and parentheses, `field:value`,
 * wildcards, regex, escapes, boolean operators, JSON, huge and unicode input) never produce a
 * 5xx, and a scoped user never gets a hit from outside the scope — whatever the query says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope, type Scope } from '../../src/domain/access';
import type { PostCard } from '../../src/services/search.service';
import { startSystem, type TestSystem } from '../helpers/system';
import { cellPosts, seed } from './access-fixtures';

let sys: TestSystem;
let token: string;
const SCOPE: Scope = { sectors: ['housing'], municipalities: ['omsk'] };
const TAG = `fuz${Date.now().toString(36)}`;

const ADVERSARIAL = [
  '"',
  '"unbalanced',
  '((((',
  ')))',
  '(a OR b',
  'sector:roads',
  'municipality:tara',
  'sector:roads OR sector:housing',
  '_id:*',
  '*',
  '?',
  'яма*',
  '*:*',
  'text:*',
  '/.*/',
  '/[a-z/',
  '/(.*){1,1000}/',
  '\\',
  '\\\\\\',
  '\\"',
  'a AND NOT b',
  '|| && !',
  '+-=&&||><!(){}[]^"~*?:\\/',
  'a~10',
  'a^1000000',
  '"a b"~1000000',
  '[* TO *]',
  '{a TO z]',
  '@timestamp:>now-1y',
  '_exists_:author',
  'author.name:*',
  '{"query":{"match_all":{}}}',
  '{"bool":{"must_not":[]}}',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '%00',
  '\u0000',
  '\u202e',
  '\ud83d\ude00 😀 👨‍👩‍👧‍👦',
  'ёЁйЙ',
  'Ｆｕｌｌｗｉｄｔｈ',
  '\t\n\r',
  ' ',
  'a'.repeat(500),
  'слово '.repeat(83),
  `${TAG} OR sector:roads`,
  `${TAG}) OR (municipality:tara`,
  `${TAG} municipality:tara`,
  `"${TAG}" OR *`,
];

const ALPHABET = ['a', 'я', ' ', '"', "'", '(', ')', '[', ']', '{', '}', ':', '*', '?', '~', '^', '/', '\\', '+', '-', '!', '&', '|', '<', '>', '=', '.', ',', ';', '%', '#', '0', '9', 'AND', 'OR', 'NOT', 'TO', 'sector', 'roads', 'tara', TAG, '😀', '\u0301', '\ufeff'];

/** Deterministic pseudo-random strings (mulberry32), so a failure can be replayed. */
function randomQueries(n: number, seed = 20261123): string[] {
  let t = seed;
  const rnd = () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => {
    const len = 1 + Math.floor(rnd() * 12);
    return Array.from({ length: len }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join(rnd() < 0.5 ? '' : ' ');
  });
}

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
  await seed(sys, cellPosts(TAG));
  await sys.createUser({ username: 'fuzz-ho', role: 'sector_lead', scope: SCOPE });
  token = await sys.login({ username: 'fuzz-ho', password: 'fuzz-ho-password-1' });
});

afterAll(async () => {
  await sys?.stop();
});

async function search(q: string, extra = ''): Promise<{ status: number; body: { items?: PostCard[]; total?: number } }> {
  const res = await fetch(`${sys.baseUrl}/api/posts/search?q=${encodeURIComponent(q)}${extra}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { items?: PostCard[]; total?: number } };
}

describe('search query-syntax fuzz', () => {
  it('answers adversarial and random queries without a 5xx and without out-of-scope hits', async () => {
    const queries = [...ADVERSARIAL, ...randomQueries(150)];
    const problems: string[] = [];
    let ok = 0;
    for (const q of queries) {
      // The query in q, plus filters outside the scope, plus the query itself as a municipality filter.
      for (const extra of ['', '&sector=roads', '&municipality=tara', `&municipality=${encodeURIComponent(q.slice(0, 64))}`]) {
        const { status, body } = await search(q, extra);
        if (status >= 500) problems.push(`${status} for ${JSON.stringify(q)}${extra}`);
        else if (status === 200) {
          ok++;
          for (const it of body.items ?? []) if (!inScope(SCOPE, it)) problems.push(`out of scope ${it.sector}/${it.municipality} for ${JSON.stringify(q)}${extra}`);
          if (extra && (body.total ?? 0) > 0) problems.push(`${extra} outside the scope returned ${body.total} for ${JSON.stringify(q)}`);
        } else if (status !== 400) problems.push(`${status} for ${JSON.stringify(q)}${extra}`);
      }
    }
    expect(problems).toEqual([]);
    // Nearly all of them are valid queries (only over-long ones are refused).
    expect(ok).toBeGreaterThan(queries.length * 4 * 0.9);
  }, 120_000);

  it('treats query syntax as words: the scoped post is found, the others never', async () => {
    for (const q of [`${TAG} OR sector:roads`, `${TAG} municipality:tara`, `"${TAG}" OR *`]) {
      const { status, body } = await search(q);
      expect(status).toBe(200);
      for (const it of body.items ?? []) expect(inScope(SCOPE, it)).toBe(true);
    }
    const plain = await search(TAG);
    expect(plain.body.total).toBe(1);
  });

  it('refuses over-long input with 400 naming the field', async () => {
    const { status, body } = await search('я'.repeat(501));
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('querystring.q');
    const huge = await fetch(`${sys.baseUrl}/api/posts/search?q=${'a'.repeat(70_000)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(huge.status).toBeLessThan(500);
  });
});
