/**
 * Synthetic posts for the fan-out and load benches: demo posts in turn, each with six invented
 * words of its own appended, so grouping opens an incident per complaint instead of linking
 * repeats of the same demo text.
 */
import type { DemoPost } from '../connectors/demo/demo.connector';
import type { IncomingPost } from '../src/domain/post';

const LETTERS = 'абвгдежзиклмнопрстуфхцчшэюя';

/** Six invented words unique to `n`. */
function uniqueSuffix(n: number): string {
  const words: string[] = [];
  for (let w = 0; w < 6; w++) {
    let x = n * 6 + w + 1;
    let word = '';
    for (let i = 0; i < 7; i++) {
      word += LETTERS[x % LETTERS.length];
      x = Math.floor(x / LETTERS.length) + 7 * i + w;
    }
    words.push(word);
  }
  return words.join(' ');
}

/** A maker of such posts; external ids are `<idPrefix><n>`, n counting from 1. */
export function uniquePostMaker(demo: readonly DemoPost[], idPrefix: string): () => IncomingPost {
  let seq = 0;
  return () => {
    const d = demo[seq % demo.length]!;
    seq++;
    return { network: d.network, externalId: `${idPrefix}${seq}`, kind: 'post', url: d.url, text: `${d.text} ${uniqueSuffix(seq)}`, publishedAt: new Date().toISOString(), author: d.author, sourceId: d.sourceId, municipality: d.municipality };
  };
}
