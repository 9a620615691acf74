/**
 * A fake MAX Bot API (`GET /messages`, `GET /updates`) over the shared loopback fake server: the
 * token in the Authorization header, messages newest first between `from` and `to` (unix ms, both
 * inclusive), `count` at most, and MAX's error statuses with `{"code","message"}` bodies.
 *
 * `/updates` long-polls: every posted message is also a `message_created` update with a sequence
 * number; a call with `marker=n` acknowledges (drops) everything before n and answers the updates
 * from n, waiting up to `timeout` seconds for one to arrive; the answer's `marker` is the next
 * expected sequence number. A call without a marker gets only the latest pending update, as the
 * real MAX does (dev.max.ru, GET /updates): whatever came before it is reachable through
 * `/messages` only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MaxMessage, MaxUpdate } from '../../../connectors/max/max.mapper';
import type { FakeServer } from '../helpers/fake-server';

export const BOT_TOKEN = 'maxbot-f9Q2rT7yU1iO3pA5sD8fG0hJ4kL6zX';

export interface FakeChat {
  type: 'chat' | 'channel';
  messages: MaxMessage[];
  /** The bot was removed: 403. */
  removed?: boolean;
}

export class FakeMaxApi {
  chats = new Map<string, FakeChat>();
  inject: { status?: number; body?: string; headers?: Record<string, string>; delayMs?: number; location?: string }[] = [];
  queries: Record<string, string>[] = [];
  /** Answers to inject into `/updates`, in order (the `/messages` ones stay in `inject`). */
  injectUpdates: { status?: number; body?: string; headers?: Record<string, string> }[] = [];
  updateQueries: Record<string, string>[] = [];
  /** The updates stream: sequence number → update. */
  updateLog: { seq: number; update: MaxUpdate }[] = [];
  /** Everything below this was acknowledged by a marker (and is gone). */
  acked = 1;
  /** Markers below this are refused with 400 (an expired marker). */
  rejectMarkersBelow = 0;
  private nextUpdateSeq = 1;
  private waiters = new Set<() => void>();
  private seq = 0;

  chat(chatId: string, type: 'chat' | 'channel' = 'chat'): FakeChat {
    let c = this.chats.get(chatId);
    if (!c) this.chats.set(chatId, (c = { type, messages: [] }));
    return c;
  }

  /** Posts a message at `timestamp` (unix ms); returns its mid. */
  post(chatId: string, text: string, timestamp: number, extra: Partial<MaxMessage> = {}): string {
    const c = this.chat(chatId);
    const n = ++this.seq;
    const mid = `mid.ffffbc1a2b3c4d5e${String(n).padStart(16, '0')}`;
    c.messages.push({
      ...(c.type === 'chat'
        ? { sender: { user_id: 90012000 + (n % 7), first_name: 'Анна', last_name: 'Кузнецова', name: 'Анна Кузнецова', username: null, is_bot: false } }
        : {}),
      recipient: { chat_id: Number(chatId), chat_type: c.type, user_id: null },
      timestamp,
      body: { mid, seq: 115583920000000000 + n, text, attachments: null },
      stat: c.type === 'channel' ? { views: 100 + n } : null,
      url: null,
      ...extra,
    });
    this.pushUpdate({ update_type: 'message_created', timestamp, message: c.messages.at(-1)!, user_locale: 'ru' });
    return mid;
  }

  /** Appends any update to the stream (and wakes the long polls). */
  pushUpdate(update: MaxUpdate): number {
    const seq = this.nextUpdateSeq++;
    this.updateLog.push({ seq, update });
    for (const wake of [...this.waiters]) wake();
    return seq;
  }

  /** The next marker the stream will hand out. */
  get nextMarker(): number {
    return this.nextUpdateSeq;
  }

  attach(server: FakeServer): void {
    server.route('/messages', (req, res) => {
      const next = this.inject.shift();
      const answer = () => this.answer(req.url ?? '/', req.headers.authorization, res);
      if (next?.delayMs) return void setTimeout(() => !res.destroyed && answer(), next.delayMs);
      if (next?.location) return void res.writeHead(302, { location: next.location }).end();
      if (next?.status || next?.body !== undefined) {
        return void res.writeHead(next.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...next.headers }).end(next.body ?? '');
      }
      answer();
    });
    server.route('/updates', (req, res) => {
      if (req.socket.destroyed) return; // aborted by a runner that has stopped: must not take an injected answer
      const next = this.injectUpdates.shift();
      if (next) {
        return void res.writeHead(next.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...next.headers }).end(next.body ?? '');
      }
      this.answerUpdates(req, res);
    });
  }

  private answerUpdates(req: IncomingMessage, res: ServerResponse): void {
    const json = (status: number, body: unknown): void => {
      if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    const q = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
    this.updateQueries.push(q);
    if (req.headers.authorization !== BOT_TOKEN) return json(401, { code: 'verify.token', message: 'Invalid access_token' });
    const limit = Number(q['limit'] ?? 100);
    const timeoutSec = Number(q['timeout'] ?? 30);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return json(400, { code: 'proto.payload', message: 'limit: must be 1-1000' });
    if (!Number.isInteger(timeoutSec) || timeoutSec < 0 || timeoutSec > 90) return json(400, { code: 'proto.payload', message: 'timeout: must be 0-90' });
    const types = q['types'] ? new Set(q['types'].split(',')) : null;
    if (q['marker'] !== undefined) {
      const marker = Number(q['marker']);
      if (!Number.isInteger(marker) || marker < this.rejectMarkersBelow) return json(400, { code: 'proto.payload', message: 'marker: unknown or expired' });
      this.acked = Math.max(this.acked, marker);
      this.updateLog = this.updateLog.filter((u) => u.seq >= this.acked);
    }
    const from = q['marker'] !== undefined ? Number(q['marker']) : this.acked;
    const pending = () => {
      const all = this.updateLog.filter((u) => u.seq >= from && (!types || types.has(u.update.update_type)));
      return q['marker'] !== undefined ? all.slice(0, limit) : all.slice(-1);
    };
    const reply = () => {
      const page = pending();
      json(200, { updates: page.map((u) => u.update), marker: page.length > 0 ? page.at(-1)!.seq + 1 : from });
    };
    if (pending().length > 0 || timeoutSec === 0) return reply();
    const wake = () => {
      if (pending().length === 0) return;
      done();
      reply();
    };
    const timer = setTimeout(() => {
      done();
      reply();
    }, timeoutSec * 1000);
    const done = () => {
      clearTimeout(timer);
      this.waiters.delete(wake);
    };
    this.waiters.add(wake);
    res.on('close', done);
  }

  private answer(url: string, authorization: string | undefined, res: ServerResponse): void {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    const q = Object.fromEntries(new URL(url, 'http://x').searchParams);
    this.queries.push(q);
    if (authorization !== BOT_TOKEN) return json(401, { code: 'verify.token', message: 'Invalid access_token' });
    const chat = this.chats.get(q['chat_id'] ?? '');
    if (!chat) return json(404, { code: 'not.found', message: `Chat ${q['chat_id']} not found` });
    if (chat.removed) return json(403, { code: 'chat.denied', message: 'Bot is not a member of the chat' });
    const count = Math.min(100, Number(q['count'] ?? 50));
    const from = q['from'] === undefined ? Infinity : Number(q['from']);
    const to = q['to'] === undefined ? -Infinity : Number(q['to']);
    const page = chat.messages
      .filter((m) => m.timestamp <= from && m.timestamp >= to)
      .sort((a, b) => b.timestamp - a.timestamp || b.body.mid.localeCompare(a.body.mid))
      .slice(0, count);
    json(200, { messages: page });
  }
}
