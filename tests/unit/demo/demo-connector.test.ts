import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDemoConnector,
  demoPageSize,
  loadDemoPosts,
  parseDemoPosts,
} from '../../../connectors/demo/demo.connector';
import type { Connector } from '../../../src/domain/connector';
import type { IncomingPost } from '../../../src/domain/post';

const NOW = new Date('2024-11-25T09:00:00.000Z');
const now = () => NOW;
const signal = new AbortController().signal;

function line(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    externalId: id,
    network: 'vk',
    kind: 'post',
    text: `Текст ${id}`,
    author: { id: '1', name: 'Иван Петров' },
    municipality: 'omsk',
    sourceId: 'vk:wall-1',
    url: `https://vk.com/wall-1_${id}`,
    minutesAgo: 30,
    label: { sector: 'housing', complaint: true, misinformation: false },
    ...extra,
  });
}

// Five lines: p1, c1 (comment on p1), p2, c2 (comment on p2), p3.
const FIXTURE = [
  line('p1', { minutesAgo: 50 }),
  line('c1', { kind: 'comment', parentExternalId: 'p1', minutesAgo: 40 }),
  line('p2', { minutesAgo: 30 }),
  line('c2', { kind: 'comment', parentExternalId: 'p2', minutesAgo: 20 }),
  line('p3', { minutesAgo: 10 }),
].join('\n');

let dir: string;
let fixture: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dozor-demo-'));
  fixture = join(dir, 'posts.jsonl');
  writeFileSync(fixture, `${FIXTURE}\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fetches `pages` pages in a row from `cursor`, as the runner would. */
async function run(connector: Connector, cursor: string | null, pages: number) {
  const posts: IncomingPost[] = [];
  for (let i = 0; i < pages; i += 1) {
    const page = await connector.fetchPage(cursor, signal);
    posts.push(...page.posts);
    cursor = page.nextCursor;
  }
  return { posts, cursor };
}

describe('createDemoConnector pacing', () => {
  it('sizes a page for ~200 ms of posts and waits that long', async () => {
    const fast = await createDemoConnector({ file: fixture, ratePerSecond: 20, now }).fetchPage(null, signal);
    expect(fast.posts).toHaveLength(4);
    expect(fast.waitMs).toBe(200);
  });

  it('delivers at least one post per page at slow rates, waiting longer', async () => {
    const slow = await createDemoConnector({ file: fixture, ratePerSecond: 0.5, now }).fetchPage(null, signal);
    expect(slow.posts).toHaveLength(1);
    expect(slow.waitMs).toBe(2000);
    expect(demoPageSize(1)).toBe(1);
    expect(demoPageSize(100)).toBe(20);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => createDemoConnector({ file: fixture, ratePerSecond: 0 })).toThrow(/ratePerSecond/);
    expect(() => createDemoConnector({ file: fixture, ratePerSecond: Number.NaN })).toThrow(/ratePerSecond/);
  });
});

describe('createDemoConnector replay', () => {
  it('maps lines to IncomingPost without the label, with the given source id', async () => {
    const connector = createDemoConnector({ file: fixture, ratePerSecond: 5, now, sourceId: 'demo:test' });
    expect(connector.sourceId).toBe('demo:test');
    const [post] = (await connector.fetchPage(null, signal)).posts;
    expect(post).toEqual({
      network: 'vk',
      externalId: 'p1',
      kind: 'post',
      url: 'https://vk.com/wall-1_p1',
      text: 'Текст p1',
      publishedAt: '2024-11-25T08:59:10.000Z', // now − 50 s (minutesAgo read as seconds)
      author: { id: '1', name: 'Иван Петров' },
      sourceId: 'vk:wall-1',
      municipality: 'omsk',
    });
    expect(post).not.toHaveProperty('label');
  });

  it('encodes the cursor as loop:line of the last delivered post', async () => {
    const connector = createDemoConnector({ file: fixture, ratePerSecond: 15, now }); // 3 per page
    const first = await connector.fetchPage(null, signal);
    expect(first.posts.map((p) => p.externalId)).toEqual(['p1', 'c1', 'p2']);
    expect(first.nextCursor).toBe('0:3');
    const second = await connector.fetchPage(first.nextCursor, signal);
    expect(second.posts.map((p) => p.externalId)).toEqual(['c2', 'p3', 'p1-l1']);
    expect(second.nextCursor).toBe('1:1');
  });

  it('loops forever with fresh ids per loop, comments pointing at their own loop', async () => {
    const connector = createDemoConnector({ file: fixture, ratePerSecond: 5, now });
    const { posts } = await run(connector, null, 15); // three full loops
    expect(posts.map((p) => p.externalId)).toEqual([
      'p1', 'c1', 'p2', 'c2', 'p3',
      'p1-l1', 'c1-l1', 'p2-l1', 'c2-l1', 'p3-l1',
      'p1-l2', 'c1-l2', 'p2-l2', 'c2-l2', 'p3-l2',
    ]);
    const comments = posts.filter((p) => p.kind === 'comment').map((p) => p.parentExternalId);
    expect(comments).toEqual(['p1', 'p2', 'p1-l1', 'p2-l1', 'p1-l2', 'p2-l2']);
  });

  it('gives the same page for the same cursor (a replayed page is a duplicate, not new posts)', async () => {
    const connector = createDemoConnector({ file: fixture, ratePerSecond: 10, now });
    const a = await connector.fetchPage('1:4', signal);
    const b = await connector.fetchPage('1:4', signal);
    expect(a).toEqual(b);
    expect(a.posts.map((p) => p.externalId)).toEqual(['p3-l1', 'p1-l2']);
  });

  it('publishes a comment after its parent', async () => {
    const connector = createDemoConnector({ file: fixture, ratePerSecond: 25, now });
    const { posts } = await run(connector, null, 1);
    const byId = new Map(posts.map((p) => [p.externalId, p]));
    for (const post of posts.filter((p) => p.kind === 'comment')) {
      const parent = byId.get(post.parentExternalId ?? '');
      expect(Date.parse(post.publishedAt)).toBeGreaterThan(Date.parse(parent?.publishedAt ?? ''));
    }
  });

  it('resumes exactly after a cursor across a restart, with no gap and no duplicate', async () => {
    // The real file, through the end of loop 0 and into loop 1.
    const total = loadDemoPosts().length;
    const pages = Math.ceil(total / demoPageSize(100)) + 5;
    const straight = await run(createDemoConnector({ ratePerSecond: 100, now }), null, pages);

    const before = await run(createDemoConnector({ ratePerSecond: 100, now }), null, 7);
    const after = await run(createDemoConnector({ ratePerSecond: 100, now }), before.cursor, pages - 7);
    const ids = [...before.posts, ...after.posts].map((p) => p.externalId);

    expect(ids).toEqual(straight.posts.map((p) => p.externalId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('d0001-l1');
    expect(after.cursor).toBe(straight.cursor);
  });

  it('rejects a malformed cursor and an aborted signal', async () => {
    const connector = createDemoConnector({ file: fixture, ratePerSecond: 5, now });
    await expect(connector.fetchPage('three', signal)).rejects.toThrow(/invalid cursor/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(connector.fetchPage(null, aborted.signal)).rejects.toThrow();
  });
});

describe('parseDemoPosts validation', () => {
  it('names the line of invalid JSON', () => {
    expect(() => parseDemoPosts(`${line('a')}\n{oops\n`, 'f.jsonl')).toThrow(/f\.jsonl: line 2: invalid JSON/);
  });

  it('names the line of a comment whose parent is not earlier', () => {
    const text = [line('a'), line('b', { kind: 'comment', parentExternalId: 'zzz' })].join('\n');
    expect(() => parseDemoPosts(text)).toThrow(/line 2: parentExternalId "zzz"/);
  });

  it('rejects unknown networks and sectors, duplicates and blank lines', () => {
    expect(() => parseDemoPosts(line('a', { network: 'twitter' }))).toThrow(/line 1: unknown network/);
    expect(() => parseDemoPosts(line('a', { label: { sector: 'x', complaint: true, misinformation: false } }))).toThrow(
      /line 1: unknown label\.sector/,
    );
    expect(() => parseDemoPosts([line('a'), line('a')].join('\n'))).toThrow(/line 2: duplicate externalId/);
    expect(() => parseDemoPosts([line('a'), '', line('b')].join('\n'))).toThrow(/line 2: blank line/);
    expect(() => parseDemoPosts(line('a', { minutesAgo: 601 }))).toThrow(/line 1: minutesAgo/);
  });
});
