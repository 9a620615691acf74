/**
 * A fake VK API v5 on loopback, on top of the shared fake server. It keeps walls, comments and a
 * search index in memory and answers `wall.get`, `wall.getComments`, `newsfeed.search` and
 * `execute` (the VKScript subset the connector sends: `return [API.m({...}),...];`) the way VK
 * does: HTTP 200 with `{"response": …}` or `{"error": {error_code, error_msg, request_params}}`,
 * `false` plus `execute_errors` for failed sub-calls. Error bodies come from the fixtures.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VkComment, VkGroup, VkPost, VkPostsResponse, VkProfile } from '../../../connectors/vk/vk.mapper';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';

export const TOKEN = 'vk1.a.fake-token-0123456789abcdefghijklmnopqrstuvwxyz';
/** An application's service token: VK serves it wall.get/wall.getComments but refuses `execute` (error 28). */
export const SERVICE_TOKEN = 'svc.fake-service-token-0123456789abcdefghijklmnop';

type Params = Record<string, string | number | boolean>;
type Answer = { response: unknown } | { error: { error_code: number; error_msg: string; request_params: { key: string; value: string }[] } };

/** One injected failure for the next call of a method ('*' = any). */
export type Failure =
  | { code: number }
  | { malformed: string }
  | { hang: true }
  | { redirect: string }
  | { status: number; body: string };

interface Wall {
  ownerId: number;
  domain: string;
  posts: VkPost[];
  comments: Map<number, VkComment[]>;
  /** Posts VK no longer serves (deleted): wall.getComments answers error 15. */
  deleted: Set<number>;
}

export function vkErrorBody(code: number, method: string): Answer {
  const fixture = JSON.parse(readFileSync(new URL(`../../../connectors/vk/fixtures/error-${code}.json`, import.meta.url), 'utf8')) as Answer & { error: { request_params: { key: string; value: string }[] } };
  for (const p of fixture.error.request_params) if (p.key === 'method') p.value = method;
  return fixture;
}

/**
 * A realistic `wall.get` response of `n` posts (the fixture's posts repeated with fresh ids and
 * texts), for mapping benchmarks: `mapWallResponse(vkWallPage(100), source)`.
 */
export function vkWallPage(n: number, texts: readonly string[] = []): VkPostsResponse {
  const raw = (JSON.parse(readFileSync(new URL('../../../connectors/vk/fixtures/wall-get.json', import.meta.url), 'utf8')) as { response: VkPostsResponse }).response;
  const items = Array.from({ length: n }, (_, i) => {
    const base = raw.items[1 + (i % (raw.items.length - 1))]!; // not the pinned one
    return { ...base, id: 100_000 + i, date: base.date + i, text: texts.length ? `${texts[i % texts.length]} #${i}` : base.text };
  });
  return { ...raw, count: n, items };
}

export class FakeVk {
  server!: FakeServer;
  /** Unix seconds used for new posts' dates. */
  clock = 1795392000;
  readonly walls = new Map<number, Wall>();
  readonly profiles = new Map<number, VkProfile>();
  readonly groups = new Map<number, VkGroup>();
  /** Posts found by newsfeed.search (walls' posts are added too). */
  readonly index: VkPost[] = [];
  /** Every call: method, params and whether the token was in the URL (it must never be). */
  readonly calls: { method: string; params: Params; tokenInUrl: boolean }[] = [];
  private readonly failures: { method: string; failure: Failure }[] = [];
  private seq = 100;
  /** The search index newest first with lower-cased texts, rebuilt after a publish. */
  private sorted: { post: VkPost; text: string }[] | null = null;

  static async start(): Promise<FakeVk> {
    return FakeVk.attach(await startFakeServer());
  }

  /** Serves the VK routes on an existing fake server (the connectors benchmark passes its own). */
  static attach(server: FakeServer): FakeVk {
    const vk = new FakeVk();
    vk.server = server;
    for (const m of ['wall.get', 'wall.getComments', 'newsfeed.search', 'execute']) {
      vk.server.route(`/method/${m}`, (req, res) => void vk.handle(m, req, res));
    }
    return vk;
  }

  get apiUrl(): string {
    return `${this.server.origin}/method`;
  }

  methodCalls(method: string) {
    return this.calls.filter((c) => c.method === method);
  }

  /** Forgets every wall, post, call and pending failure (between tests). */
  reset(): void {
    this.walls.clear();
    this.index.length = 0;
    this.sorted = null;
    this.calls.length = 0;
    this.failures.length = 0;
    this.server.requests.length = 0;
  }

  /** Injected failures not yet served. */
  get pendingFailures(): number {
    return this.failures.length;
  }

  fail(method: string, failure: Failure): void {
    this.failures.push({ method, failure });
  }

  addGroup(id: number, name: string, screenName: string): Wall {
    this.groups.set(id, { id, name, screen_name: screenName });
    const wall: Wall = { ownerId: -id, domain: screenName, posts: [], comments: new Map(), deleted: new Set() };
    this.walls.set(-id, wall);
    return wall;
  }

  addProfile(id: number, first: string, last: string): void {
    this.profiles.set(id, { id, first_name: first, last_name: last, screen_name: `id${id}` });
  }

  /** Publishes a post now (or at `date`); ids grow like VK's per-wall counter. */
  publish(ownerId: number, text: string, over: Partial<VkPost> = {}): VkPost {
    const wall = this.walls.get(ownerId)!;
    this.clock += 60;
    const post: VkPost = {
      id: over.id ?? ++this.seq,
      owner_id: ownerId,
      from_id: ownerId,
      date: this.clock,
      text,
      post_type: 'post',
      attachments: [],
      comments: { count: 0 },
      likes: { count: 0 },
      reposts: { count: 0 },
      views: { count: 10 },
      ...over,
    };
    wall.posts.push(post);
    this.index.push(post);
    this.sorted = null;
    return post;
  }

  /** A comment (or, with `replyTo`, a thread reply) under a post. */
  comment(ownerId: number, postId: number, fromId: number, text: string, replyTo?: number): VkComment {
    const wall = this.walls.get(ownerId)!;
    this.clock += 30;
    const c: VkComment = { id: ++this.seq, from_id: fromId, date: this.clock, text, post_id: postId, owner_id: ownerId, parents_stack: replyTo ? [replyTo] : [], likes: { count: 0 } };
    if (replyTo) c.reply_to_comment = replyTo;
    const list = wall.comments.get(postId) ?? [];
    list.push(c);
    wall.comments.set(postId, list);
    const post = wall.posts.find((p) => p.id === postId);
    if (post) post.comments = { count: (post.comments?.count ?? 0) + 1 };
    return c;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  // -------------------------------------------------------------------------------------------

  private async handle(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      let s = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (s += c));
      req.on('end', () => resolve(s));
    });
    const form = new URLSearchParams(body);
    const params: Params = Object.fromEntries(form.entries());
    this.calls.push({ method, params, tokenInUrl: (req.url ?? '').includes(TOKEN) || (req.url ?? '').includes('access_token') });
    const i = this.failures.findIndex((f) => f.method === method || f.method === '*');
    if (i >= 0) {
      const { failure } = this.failures.splice(i, 1)[0]!;
      if ('hang' in failure) return; // never answers: the client's timeout must fire
      if ('redirect' in failure) return void res.writeHead(302, { location: failure.redirect }).end();
      if ('status' in failure) return void res.writeHead(failure.status, { 'content-type': 'text/html' }).end(failure.body);
      if ('malformed' in failure) return void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(failure.malformed);
      return this.send(res, vkErrorBody(failure.code, method));
    }
    if (req.method !== 'POST' || form.get('v') !== '5.199') return this.send(res, { error: { error_code: 8, error_msg: 'Invalid request: v is required', request_params: [] } });
    const token = form.get('access_token');
    if (token !== TOKEN && token !== SERVICE_TOKEN) return this.send(res, vkErrorBody(5, method));
    if (token === SERVICE_TOKEN && method === 'execute') return this.send(res, vkErrorBody(28, method));
    delete params.access_token;
    if (method === 'execute') return this.send(res, this.execute(String(params.code ?? '')));
    this.send(res, this.call(method, params));
  }

  private send(res: ServerResponse, answer: Answer): void {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer));
  }

  private execute(code: string): Answer {
    const m = /^return \[(.*)\];$/s.exec(code.trim());
    if (!m) return { error: { error_code: 12, error_msg: 'Unable to compile code', request_params: [] } };
    const calls = [...m[1]!.matchAll(/API\.([\w.]+)\((\{[^}]*\})\)/g)];
    if (calls.length > 25) return { error: { error_code: 13, error_msg: 'Runtime error occurred during code invocation: Too many API calls', request_params: [] } };
    const results: unknown[] = [];
    const errors: { method: string; error_code: number; error_msg: string }[] = [];
    for (const [, method, json] of calls) {
      const out = this.call(method!, JSON.parse(json!) as Params);
      if ('error' in out) {
        results.push(false);
        errors.push({ method: method!, error_code: out.error.error_code, error_msg: out.error.error_msg });
      } else results.push(out.response);
    }
    return errors.length ? ({ response: results, execute_errors: errors } as Answer) : { response: results };
  }

  private call(method: string, p: Params): Answer {
    switch (method) {
      case 'wall.get':
        return this.wallGet(p);
      case 'wall.getComments':
        return this.wallGetComments(p);
      case 'newsfeed.search':
        return this.search(p);
      default:
        return { error: { error_code: 3, error_msg: 'Unknown method passed', request_params: [] } };
    }
  }

  private wallOf(p: Params): Wall | undefined {
    if (p.owner_id !== undefined) return this.walls.get(Number(p.owner_id));
    return [...this.walls.values()].find((w) => w.domain === p.domain);
  }

  private extended(authorIds: number[]) {
    const ids = new Set(authorIds);
    return {
      profiles: [...ids].filter((i) => i > 0 && this.profiles.has(i)).map((i) => ({ ...this.profiles.get(i)!, can_access_closed: true, is_closed: false })),
      groups: [...ids].filter((i) => i < 0 && this.groups.has(-i)).map((i) => ({ ...this.groups.get(-i)!, is_closed: 0, type: 'page' })),
    };
  }

  private wallGet(p: Params): Answer {
    const wall = this.wallOf(p);
    if (!wall) return vkErrorBody(100, 'wall.get');
    const sorted = [...wall.posts].sort((a, b) => (b.is_pinned ?? 0) - (a.is_pinned ?? 0) || b.date - a.date || b.id - a.id);
    const offset = Number(p.offset ?? 0);
    const items = sorted.slice(offset, offset + Number(p.count ?? 20));
    return { response: { count: sorted.length, items, ...(p.extended ? this.extended(items.map((i) => i.from_id ?? i.owner_id)) : {}) } };
  }

  private wallGetComments(p: Params): Answer {
    const wall = this.walls.get(Number(p.owner_id));
    const postId = Number(p.post_id);
    if (!wall || wall.deleted.has(postId) || !wall.posts.some((x) => x.id === postId)) {
      return { error: { error_code: 15, error_msg: 'Access denied: post was deleted', request_params: [] } };
    }
    const all = wall.comments.get(postId) ?? [];
    const desc = p.sort === 'desc';
    const order = (a: VkComment, b: VkComment) => (desc ? b.id - a.id : a.id - b.id);
    const offset = Number(p.offset ?? 0);
    const count = Number(p.count ?? 10);
    let level: VkComment[];
    if (p.comment_id !== undefined) level = all.filter((c) => c.reply_to_comment === Number(p.comment_id)).sort(order);
    else level = all.filter((c) => c.reply_to_comment === undefined).sort(order);
    const inline = Number(p.thread_items_count ?? 0);
    const items = level.slice(offset, offset + count).map((c) => {
      if (p.comment_id !== undefined) return c;
      const replies = all.filter((r) => r.reply_to_comment === c.id).sort((a, b) => a.id - b.id);
      return { ...c, thread: { count: replies.length, items: replies.slice(0, inline), can_post: true, show_reply_button: true, groups_can_post: true } };
    });
    const authors = items.flatMap((c) => [c.from_id ?? 0, ...((c as VkComment).thread?.items ?? []).map((r) => r.from_id ?? 0)]);
    return {
      response: { count: all.length, current_level_count: level.length, can_post: true, show_reply_button: true, groups_can_post: true, items, ...(p.extended ? this.extended(authors) : {}) },
    };
  }

  private search(p: Params): Answer {
    const q = String(p.q ?? '').toLowerCase();
    const start = Number(p.start_time ?? 0);
    const end = Number(p.end_time ?? Number.MAX_SAFE_INTEGER);
    this.sorted ??= [...this.index].sort((a, b) => b.date - a.date || b.id - a.id).map((post) => ({ post, text: (post.text ?? '').toLowerCase() }));
    // VK serves only the first 1000 results of a search, however it is paged.
    const hits = this.sorted.filter((x) => x.post.date >= start && x.post.date <= end && x.text.includes(q)).slice(0, 1000).map((x) => x.post);
    const offset = p.start_from ? Number(/^o(\d+)$/.exec(String(p.start_from))?.[1] ?? NaN) : 0;
    if (Number.isNaN(offset)) return { error: { error_code: 100, error_msg: 'One of the parameters specified was missing or invalid: start_from is invalid', request_params: [] } };
    const count = Number(p.count ?? 30);
    const items = hits.slice(offset, offset + count);
    const more = offset + count < hits.length;
    return {
      response: {
        items,
        count: items.length,
        total_count: hits.length,
        ...(more ? { next_from: `o${offset + count}` } : {}),
        ...(p.extended ? this.extended(items.map((i) => i.from_id ?? i.owner_id)) : {}),
      },
    };
  }
}
