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

/** The ordinary case the bound scales with: fresh Cyrillic words, as in any long post. */
export const REFERENCE_KIND = 'random unique Cyrillic words';

/**
 * Whether one pathological 50 KB post stays within its budget: 50 ms, or four times what the same
 * function takes on a 50 KB post of ordinary words, whichever is larger. The two are timed
 * alternately (five rounds, fresh text each time) and each side's fastest round counts, so a burst
 * of load from other processes slows both sides or neither: on a quiet machine the bound is the
 * 50 ms budget, on a busy one it stretches with the machine, not with the input. A catastrophic
 * case (backtracking, quadratic scans) costs tens to thousands of times the reference and fails.
 */
export function withinBudget(kind: string, f: (text: string) => void, seed = 100): { ms: number; boundMs: number } {
  for (const t of Object.values(pathologicalPosts(seed - 1, 1_000))) f(t);
  let ms = Infinity;
  let ref = Infinity;
  for (let i = 0; i < 5; i++) {
    const texts = pathologicalPosts(seed + i);
    const t0 = performance.now();
    f(texts[kind] as string);
    const t1 = performance.now();
    f(texts[REFERENCE_KIND] as string);
    const t2 = performance.now();
    ms = Math.min(ms, t1 - t0);
    ref = Math.min(ref, t2 - t1);
  }
  const boundMs = Math.max(50, 4 * ref);
  return { ms, boundMs };
}
