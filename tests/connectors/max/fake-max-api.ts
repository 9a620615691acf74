/**
 * A fake MAX Bot API (`GET /messages`) over the shared loopback fake server: the token in the
 * Authorization header, messages newest first between `from` and `to` (unix ms, both inclusive),
 * `count` at most, and MAX's error statuses with `{"code","message"}` bodies.
 */
import type { ServerResponse } from 'node:http';
import type { MaxMessage } from '../../../connectors/max/max.mapper';
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
    return mid;
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
