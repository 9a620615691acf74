/**
 * Demo connector: replays hand-written Omsk posts (posts.ru.jsonl) as if they were arriving live,
 * so the whole pipeline and the dashboards can run without network access or API keys.
 *
 * Cursor format: `<loop>:<line>` — the 1-based file line of the last post delivered, in the given
 * replay loop (e.g. "2:137"). `null` starts at loop 0, line 1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Connector, ConnectorPage } from '../../src/domain/connector';
import { isNetwork, type Network } from '../../src/domain/network';
import { POST_LIMITS, type Engagement, type IncomingPost, type PostAuthor } from '../../src/domain/post';
import { isSector, type Sector } from '../../src/domain/sector';

/** The intended classification of a demo post; ground truth for sanity checks, never delivered. */
export interface DemoLabel {
  sector: Sector;
  complaint: boolean;
  misinformation: boolean;
}

/** One parsed line of the demo file. */
export interface DemoPost {
  /** 1-based line number in the file; also the `line` part of the cursor. */
  line: number;
  externalId: string;
  network: Network;
  kind: 'post' | 'comment';
  parentExternalId?: string;
  text: string;
  author: PostAuthor;
  /** Gazetteer municipality code or `region`. */
  municipality: string;
  sourceId: string;
  url: string;
  /** How long before "now" the post was published, in minutes (0..600). */
  minutesAgo: number;
  engagement?: Engagement;
  /** Written by the page the source is (an official page's own posts and replies). */
  fromPage?: boolean;
  /** For a page's reply: the externalId of the earlier comment it answers. */
  replyToExternalId?: string;
  label: DemoLabel;
}

export interface DemoConnectorOptions {
  /** Path to a JSONL file; defaults to the posts.ru.jsonl next to this module. */
  file?: string;
  /** Posts per second to replay; must be > 0. */
  ratePerSecond: number;
  now?: () => Date;
  /** Registry id of the demo source (the cursor key); each post keeps its own sourceId. */
  sourceId?: string;
}

export const DEFAULT_DEMO_FILE = fileURLToPath(new URL('./posts.ru.jsonl', import.meta.url));
export const DEFAULT_DEMO_SOURCE_ID = 'demo:omsk';

const MAX_MINUTES_AGO = 600;
/** A page holds about this much of the stream, so the feed moves smoothly at any rate. */
const PAGE_WINDOW_MS = 200;
const KINDS = ['post', 'comment'] as const;

// ---------------------------------------------------------------------------------------------
// Loading and validation

/** Reads and validates the demo file; throws naming the file line of the first broken entry. */
export function loadDemoPosts(file: string = DEFAULT_DEMO_FILE): DemoPost[] {
  return parseDemoPosts(readFileSync(file, 'utf8'), file);
}

/** Parses JSONL content; `source` only names the file in error messages. */
export function parseDemoPosts(content: string, source = 'demo posts'): DemoPost[] {
  const lines = content.split('\n');
  // One trailing newline is normal; any other blank line would shift line numbers in cursors.
  if (lines.at(-1) === '') lines.pop();
  const posts: DemoPost[] = [];
  const seen = new Map<string, DemoPost>();
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const fail = (reason: string): never => {
      throw new Error(`${source}: line ${lineNo}: ${reason}`);
    };
    if (raw.trim() === '') fail('blank line');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      fail(`invalid JSON (${(error as Error).message})`);
    }
    const post = parseDemoLine(value, lineNo, fail);
    if (post.replyToExternalId !== undefined) {
      const target = seen.get(post.replyToExternalId);
      if (!target || target.kind !== 'comment' || target.parentExternalId !== post.parentExternalId) fail(`replyToExternalId "${post.replyToExternalId}" does not name an earlier comment under the same post`);
    }
    if (seen.has(post.externalId)) {
      fail(`duplicate externalId "${post.externalId}" (first on line ${seen.get(post.externalId)?.line})`);
    }
    if (post.parentExternalId !== undefined) {
      const parent = seen.get(post.parentExternalId);
      // Parents must come first so a replayed comment never arrives before its post.
      if (!parent) fail(`parentExternalId "${post.parentExternalId}" does not name an earlier line`);
      else if (parent.network !== post.network) fail(`parent "${parent.externalId}" is on another network`);
    }
    seen.set(post.externalId, post);
    posts.push(post);
  });
  if (posts.length === 0) throw new Error(`${source}: no posts`);
  return posts;
}

type Fail = (reason: string) => never;

function parseDemoLine(value: unknown, line: number, fail: Fail): DemoPost {
  const o = asRecord(value, 'line', fail);
  const network = o.network;
  if (!isNetwork(network)) fail(`unknown network ${JSON.stringify(network)}`);
  const kind = o.kind;
  if (!KINDS.includes(kind as 'post')) fail(`kind must be "post" or "comment"`);
  const parentExternalId =
    o.parentExternalId === undefined ? undefined : text(o.parentExternalId, 'parentExternalId', POST_LIMITS.maxExternalIdChars, fail);
  if (kind === 'comment' && parentExternalId === undefined) fail('a comment needs parentExternalId');
  if (kind === 'post' && parentExternalId !== undefined) fail('a post cannot have parentExternalId');
  const authorRaw = asRecord(o.author, 'author', fail);
  const author: PostAuthor = {
    id: text(authorRaw.id, 'author.id', POST_LIMITS.maxExternalIdChars, fail),
    name: text(authorRaw.name, 'author.name', POST_LIMITS.maxAuthorNameChars, fail),
  };
  if (authorRaw.url !== undefined) author.url = text(authorRaw.url, 'author.url', POST_LIMITS.maxUrlChars, fail);
  const minutesAgo = o.minutesAgo;
  if (!Number.isInteger(minutesAgo) || (minutesAgo as number) < 0 || (minutesAgo as number) > MAX_MINUTES_AGO) {
    fail(`minutesAgo must be an integer 0..${MAX_MINUTES_AGO}`);
  }
  const labelRaw = asRecord(o.label, 'label', fail);
  if (!isSector(labelRaw.sector)) fail(`unknown label.sector ${JSON.stringify(labelRaw.sector)}`);
  if (typeof labelRaw.complaint !== 'boolean') fail('label.complaint must be a boolean');
  if (typeof labelRaw.misinformation !== 'boolean') fail('label.misinformation must be a boolean');
  const post: DemoPost = {
    line,
    externalId: text(o.externalId, 'externalId', POST_LIMITS.maxExternalIdChars, fail),
    network: network as Network,
    kind: kind as DemoPost['kind'],
    text: text(o.text, 'text', POST_LIMITS.maxTextChars, fail),
    author,
    municipality: text(o.municipality, 'municipality', 100, fail),
    sourceId: text(o.sourceId, 'sourceId', POST_LIMITS.maxExternalIdChars, fail),
    url: text(o.url, 'url', POST_LIMITS.maxUrlChars, fail),
    minutesAgo: minutesAgo as number,
    label: {
      sector: labelRaw.sector as Sector,
      complaint: labelRaw.complaint as boolean,
      misinformation: labelRaw.misinformation as boolean,
    },
  };
  if (parentExternalId !== undefined) post.parentExternalId = parentExternalId;
  if (o.engagement !== undefined) post.engagement = parseEngagement(o.engagement, fail);
  if (o.fromPage !== undefined) {
    if (typeof o.fromPage !== 'boolean') fail('fromPage must be a boolean');
    post.fromPage = o.fromPage as boolean;
  }
  if (o.replyToExternalId !== undefined) {
    if (kind !== 'comment') fail('only a comment can have replyToExternalId');
    post.replyToExternalId = text(o.replyToExternalId, 'replyToExternalId', POST_LIMITS.maxExternalIdChars, fail);
  }
  return post;
}

function parseEngagement(value: unknown, fail: Fail): Engagement {
  const o = asRecord(value, 'engagement', fail);
  const engagement: Engagement = {};
  for (const key of ['likes', 'comments', 'reposts', 'views'] as const) {
    const n = o[key];
    if (n === undefined) continue;
    if (!Number.isInteger(n) || (n as number) < 0) fail(`engagement.${key} must be a non-negative integer`);
    engagement[key] = n as number;
  }
  return engagement;
}

function asRecord(value: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, field: string, max: number, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${field} must be a non-empty string`);
  if ((value as string).length > max) fail(`${field} is longer than ${max} characters`);
  return value as string;
}

// ---------------------------------------------------------------------------------------------
// Replay

export interface DemoPosition {
  loop: number;
  /** 1-based file line of the last delivered post; 0 = nothing delivered in this loop yet. */
  line: number;
}

export function formatDemoCursor(position: DemoPosition): string {
  return `${position.loop}:${position.line}`;
}

export function parseDemoCursor(cursor: string | null): DemoPosition {
  if (cursor === null) return { loop: 0, line: 0 };
  const match = /^(\d+):(\d+)$/.exec(cursor);
  if (!match) throw new Error(`demo connector: invalid cursor "${cursor}" (expected "<loop>:<line>")`);
  return { loop: Number(match[1]), line: Number(match[2]) };
}

/**
 * Each loop delivers fresh ids so the pipeline sees new documents, while a given (line, loop)
 * always maps to the same id: a replayed page after a crash is absorbed as a duplicate.
 */
export function demoExternalId(externalId: string, loop: number): string {
  return loop === 0 ? externalId : `${externalId}-l${loop}`;
}

/** Posts per page: about PAGE_WINDOW_MS worth of the stream, never fewer than one. */
export function demoPageSize(ratePerSecond: number): number {
  return Math.max(1, Math.round((ratePerSecond * PAGE_WINDOW_MS) / 1000));
}

/**
 * publishedAt = now − minutesAgo *seconds* (capped at 600 s). Real minutes would put a replayed
 * post hours in the past and make every loop look stale; seconds keep the relative age of posts in
 * the file (older lines look a bit older), keep every post within the last 10 minutes, and keep a
 * comment (which has a smaller minutesAgo) after its parent.
 */
export function demoPublishedAt(post: Pick<DemoPost, 'minutesAgo'>, now: Date): string {
  const offsetSeconds = Math.min(post.minutesAgo, MAX_MINUTES_AGO);
  return new Date(now.getTime() - offsetSeconds * 1000).toISOString();
}

/** Maps a demo line to what a real connector would deliver; the label stays behind. */
export function toIncomingPost(post: DemoPost, loop: number, now: Date): IncomingPost {
  const incoming: IncomingPost = {
    network: post.network,
    externalId: demoExternalId(post.externalId, loop),
    kind: post.kind,
    url: post.url,
    text: post.text,
    publishedAt: demoPublishedAt(post, now),
    author: { ...post.author },
    sourceId: post.sourceId,
    municipality: post.municipality,
  };
  if (post.parentExternalId !== undefined) incoming.parentExternalId = demoExternalId(post.parentExternalId, loop);
  if (post.engagement !== undefined) incoming.engagement = { ...post.engagement };
  if (post.fromPage !== undefined) incoming.fromPage = post.fromPage;
  if (post.replyToExternalId !== undefined) incoming.replyToExternalId = demoExternalId(post.replyToExternalId, loop);
  return incoming;
}

/** Replays the demo file at `ratePerSecond`, looping forever with fresh ids per loop. */
export function createDemoConnector(opts: DemoConnectorOptions): Connector {
  const { ratePerSecond } = opts;
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
    throw new Error(`demo connector: ratePerSecond must be a positive number, got ${ratePerSecond}`);
  }
  const posts = loadDemoPosts(opts.file ?? DEFAULT_DEMO_FILE);
  const now = opts.now ?? (() => new Date());
  const pageSize = demoPageSize(ratePerSecond);
  const waitMs = Math.round((pageSize * 1000) / ratePerSecond);

  return {
    sourceId: opts.sourceId ?? DEFAULT_DEMO_SOURCE_ID,
    async fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage> {
      signal.throwIfAborted();
      let { loop, line } = parseDemoCursor(cursor);
      const at = now();
      const page: IncomingPost[] = [];
      while (page.length < pageSize) {
        // A cursor at or past the end (the file may have got shorter) continues with the next loop.
        if (line >= posts.length) {
          loop += 1;
          line = 0;
        }
        const post = posts[line] as DemoPost;
        page.push(toIncomingPost(post, loop, at));
        line += 1;
      }
      return { posts: page, nextCursor: formatDemoCursor({ loop, line }), waitMs };
    },
  };
}
