/**
 * A fake OK REST endpoint (`POST /fb.do`) over the shared loopback fake server. It checks the
 * application key, the token and the request signature exactly as OK does, and answers
 * `mediatopic.getTopics` and `discussions.getComments` in OK's shapes (fixtures in
 * connectors/ok/fixtures), with opaque position-stable anchors and OK's error bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { okSignature } from '../../../connectors/ok/ok.client';
import type { OkComment, OkMediaTopic } from '../../../connectors/ok/ok.mapper';
import type { FakeServer } from '../helpers/fake-server';

export const APP_KEY = 'CBAFJIICABABABABA';
export const ACCESS_TOKEN = 'tkn1Vb3sKfTRzMF7Yq4aQ9lN0pX2cR6eW8hJ5uI3oO1sD7fG';
export const SESSION_SECRET = '3f2c6a0e9b8d7c6b5a4f3e2d1c0b9a88';

export interface FakeTopic extends OkMediaTopic {
  comments: OkComment[];
}
export interface FakeGroup {
  name: string;
  topics: FakeTopic[];
  /** Answer every call about this group with this OK error code. */
  errorCode?: number;
}

export class FakeOkApi {
  groups = new Map<string, FakeGroup>();
  /** Queued one-shot answers: a raw body (HTTP 200), or a status, or a delay. */
  inject: { body?: string; status?: number; delayMs?: number; location?: string }[] = [];
  /** Topic ids whose discussions.getComments answers error 300 (deleted topic). */
  deletedTopics = new Set<string>();
  calls: { method: string; params: Record<string, string> }[] = [];
  private seq = 0;

  group(gid: string, name = 'Администрация Центрального района'): FakeGroup {
    let g = this.groups.get(gid);
    if (!g) this.groups.set(gid, (g = { name, topics: [] }));
    return g;
  }

  /** Publishes a topic `minutesAgo` before `nowMs`; returns its id. */
  publish(gid: string, text: string, createdMs: number, extra: Partial<FakeTopic> = {}): string {
    const id = String(155470000000000 + ++this.seq);
    this.group(gid).topics.push({
      id,
      created_ms: createdMs,
      author_ref: `group:${gid}`,
      owner_ref: `group:${gid}`,
      media: [{ type: 'text', text }],
      like_summary: { count: 0 },
      discussion_summary: { comments_count: 0 },
      reshare_summary: { count: 0 },
      comments: [],
      ...extra,
    });
    return id;
  }

  comment(gid: string, topicId: string, text: string, dateMs: number, authorId = '571234567891'): string {
    const t = this.group(gid).topics.find((x) => x.id === topicId)!;
    const id = Buffer.from(`${dateMs}:${topicId}:${t.comments.length + 1}`).toString('base64url');
    t.comments.push({ id, text, author_id: authorId, author_name: 'Пётр Иванов', date: moscow(dateMs), like_count: 0 });
    t.discussion_summary = { comments_count: t.comments.length };
    return id;
  }

  attach(server: FakeServer): void {
    server.route('/fb.do', (req, res) => {
      void readBody(req).then((raw) => this.handle(raw, res));
    });
  }

  private handle(raw: string, res: ServerResponse): void {
    const next = this.inject.shift();
    if (next?.delayMs) {
      setTimeout(() => {
        if (!res.destroyed) this.answer(raw, res);
      }, next.delayMs);
      return;
    }
    if (next?.location) return void res.writeHead(302, { location: next.location }).end();
    if (next?.status) return void res.writeHead(next.status, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
    if (next?.body !== undefined) return void res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(next.body);
    this.answer(raw, res);
  }

  private answer(raw: string, res: ServerResponse): void {
    const params = Object.fromEntries(new URLSearchParams(raw));
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(body));
    };
    const error = (code: number, msg: string): void => json({ error_code: code, error_msg: msg, error_data: null });
    this.calls.push({ method: params['method'] ?? '', params });
    if (params['application_key'] !== APP_KEY) return error(101, 'PARAM_API_KEY : Application key is invalid');
    if (params['access_token'] !== ACCESS_TOKEN) return error(102, 'PARAM_SESSION_EXPIRED : Session expired');
    const { sig, ...signed } = params;
    delete signed['access_token'];
    if (sig !== okSignature(signed, SESSION_SECRET)) return error(104, `PARAM_SIGNATURE : Invalid signature ${sig ?? ''}`);

    if (params['method'] === 'mediatopic.getTopics') {
      const g = this.groups.get(params['gid'] ?? '');
      if (!g) return error(300, 'NOT_FOUND : Group not found');
      if (g.errorCode) return error(g.errorCode, 'GROUP_RESTRICTION : Group restriction');
      const count = Number(params['count'] ?? 10);
      const ordered = g.topics.filter((t) => !t.is_sticky).sort((a, b) => b.created_ms - a.created_ms || Number(b.id) - Number(a.id));
      let start = 0;
      if (params['anchor']) {
        const [ms, id] = Buffer.from(params['anchor'], 'base64url').toString().split(':');
        start = ordered.findIndex((t) => t.created_ms < Number(ms) || (t.created_ms === Number(ms) && Number(t.id) < Number(id)));
        if (start < 0) start = ordered.length;
      }
      const page = ordered.slice(start, start + count);
      const sticky = params['anchor'] ? [] : g.topics.filter((t) => t.is_sticky);
      const last = page[page.length - 1];
      return json({
        media_topics: [...sticky, ...page].map(({ comments: _c, ...t }) => t),
        entities: { groups: [{ uid: params['gid'], name: g.name }] },
        ...(last ? { anchor: Buffer.from(`${last.created_ms}:${last.id}`).toString('base64url') } : {}),
        has_more: start + count < ordered.length,
      });
    }
    if (params['method'] === 'discussions.getComments') {
      if (params['discussionType'] !== 'GROUP_TOPIC') return error(100, 'PARAM : discussionType');
      const topicId = params['discussionId'] ?? '';
      if (this.deletedTopics.has(topicId)) return error(300, 'NOT_FOUND : Discussion not found');
      const topic = [...this.groups.values()].flatMap((g) => g.topics).find((t) => t.id === topicId);
      if (!topic) return error(300, 'NOT_FOUND : Discussion not found');
      const count = Number(params['count'] ?? 20);
      const start = params['anchor'] ? topic.comments.findIndex((c) => c.id === params['anchor']) + 1 : 0;
      const page = topic.comments.slice(start, start + count);
      const anchor = page.length > 0 ? page[page.length - 1]!.id : params['anchor'];
      return json({
        comments: page,
        entities: { users: [{ uid: '571234567891', first_name: 'Пётр', last_name: 'Иванов', name: 'Пётр Иванов' }] },
        ...(anchor ? { anchor } : {}),
        has_more: start + count < topic.comments.length,
      });
    }
    return error(3, 'METHOD : Method not found');
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** `yyyy-MM-dd HH:mm:ss` in Moscow time, as OK writes comment dates. */
export function moscow(ms: number): string {
  return new Date(ms + 3 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
