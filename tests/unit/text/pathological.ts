/** Pathological ~50 KB posts for the robustness tests (deterministic). */
const CYRILLIC = 'абвгдежзийклмнопрстуфхцчшщъыьэюя';
const SIZE = 50_000;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/** Each call gives fresh text (a new seed), so stem caches cannot hide the cold cost. */
export function pathologicalPosts(seed: number, size = SIZE): Record<string, string> {
  const r = rng(seed);
  const word = (n: number) => Array.from({ length: n }, () => CYRILLIC[Math.floor(r() * CYRILLIC.length)]).join('');
  const fill = (f: () => string) => {
    let s = '';
    while (s.length < size) s += f();
    return s.slice(0, size);
  };
  return {
    'random unique Cyrillic words': fill(() => word(3 + Math.floor(r() * 9)) + ' '),
    'one giant token': word(size),
    'emoji flood': fill(() => '😡🔥👍🏻❤️‍🔥'),
    'spaced emoji flood': fill(() => '😡 🔥 ✅ '),
    'mixed scripts': fill(() => `${word(4)}Hello${word(3)} oтoплeниe wORLD${word(2)} `),
    'repeated characters': fill(() => 'аааааааааааааа!!!!!!!!)))))))((((((( '),
    'urls, mentions and hashtags': fill(() => `https://example.com/${word(5)}?a=1 @user_${word(4)} #Тег${word(3)}Тег [club1|${word(5)}] `),
    'digits and punctuation': fill(() => `${Math.floor(r() * 1e9)} .,;:!?-— `),
    'whitespace and control characters': fill(() => ' \n\t\u0000\u200B\u00AD'),
    'broken surrogates': fill(() => '\uD83D' + word(3) + '\uDE00 '),
  };
}

/**
 * Median time of `f` over three different texts of the same kind (fresh words each time, so no
 * cache helps), in milliseconds. The code paths are warmed first on a 1 KB sample of every kind,
 * as they are in a running service: the bound is on the work, not on the JIT compiling it.
 */
export function medianMs(kind: string, f: (text: string) => void, seed = 100): number {
  for (const t of Object.values(pathologicalPosts(seed - 1, 1_000))) f(t);
  const ts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const text = pathologicalPosts(seed + i)[kind] as string;
    const t0 = performance.now();
    f(text);
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[1] as number;
}

/** The ordinary case the bound scales with: fresh Cyrillic words, as in any long post. */
export const REFERENCE_KIND = 'random unique Cyrillic words';

/**
 * The time allowed for one pathological 50 KB post: 50 ms, or four times what the same function
 * takes right now on a 50 KB post of ordinary words, whichever is larger. On a quiet machine the
 * bound is the 50 ms budget; on a busy one it stretches with the machine, not with the input —
 * a catastrophic case (backtracking, quadratic scans) costs tens to thousands of times the
 * reference and still fails.
 */
export function boundMs(f: (text: string) => void, seed = 100): number {
  return Math.max(50, 4 * medianMs(REFERENCE_KIND, f, seed + 1000));
}
