/**
 * Synthetic unique posts for the benches: demo texts in turn, each with its own numbers taken out
 * and a house number of the post's own appended («…, дом 1234»). Grouping vetoes a link between
 * two posts that both name numbers and share none, so a unique post never links to another (one
 * incident per complaint, as the benches count), while the demo texts still repeat every few
 * hundred posts and fill the same LSH buckets: every grouping decision finds and scores
 * candidates, as in a busy feed.
 */
import type { DemoPost } from '../connectors/demo/demo.connector';
import type { IncomingPost } from '../src/domain/post';

/** `text` without its own numbers, with house number `n` appended. */
export function uniqueText(text: string, n: number): string {
  return `${text.replace(/\d+/g, ' ').replace(/\s+/g, ' ').trim()}, дом ${n}`;
}

/** Demo post `d` made unique by house number `n`, with external id `externalId`, published now. */
export function uniquePost(d: DemoPost, externalId: string, n: number): IncomingPost {
  return { network: d.network, externalId, kind: 'post', url: d.url, text: uniqueText(d.text, n), publishedAt: new Date().toISOString(), author: d.author, sourceId: d.sourceId, municipality: d.municipality };
}

/** A maker of such posts; external ids are `<idPrefix><n>`, n counting from 1. */
export function uniquePostMaker(demo: readonly DemoPost[], idPrefix: string): () => IncomingPost {
  let seq = 0;
  return () => {
    const d = demo[seq % demo.length]!;
    seq++;
    return uniquePost(d, `${idPrefix}${seq}`, seq);
  };
}
