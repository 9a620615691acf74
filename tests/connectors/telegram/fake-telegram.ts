/**
 * A fake t.me on loopback: serves `/s/<channel>` and `/s/<channel>?before=<id>` like the real web
 * preview (the newest 20 messages below `before`, oldest first, a "load more" marker with the
 * oldest id when older ones exist), answers unknown or private names with the redirect to
 * `/<name>` and the contact page t.me shows there. The page shell is the recorded fixture.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';

const FIXTURES = new URL('./fixtures/', import.meta.url);
export const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

const LATEST = fixture('channel-latest.html');
const HISTORY_OPEN = '<section class="tgme_channel_history js-message_history">';
const SHELL_HEAD = LATEST.slice(0, LATEST.indexOf(HISTORY_OPEN) + HISTORY_OPEN.length);
const SHELL_TAIL = LATEST.slice(LATEST.indexOf('        </section>\n      </div>\n    </main>'));

export interface FakeMessage {
  id: number;
  text: string;
  /** ISO with +00:00, as t.me writes it. */
  date: string;
  views: number;
  service?: boolean;
}

export const PAGE_SIZE = 20;

const TEXTS = [
  'Во дворе дома на ул. Лукашевича, 14 не вывозят мусор уже неделю, контейнерная площадка переполнена.',
  'Плановое отключение горячей воды в Советском округе переносится на 2 декабря.',
  'На пересечении ул. 10 лет Октября и ул. Красный Путь не работает светофор, водители, будьте внимательны!',
  'Открыта запись на бесплатные курсы финансовой грамотности для пенсионеров в библиотеках города.',
  'Жители пос. Светлый жалуются на отсутствие освещения на остановке «Школа» — фонари не горят с октября.',
  'В Таре прошёл рейд по проверке качества уборки снега, выявлено 12 нарушений.',
];

/** One public channel whose history grows as the test publishes. */
export class FakeChannel {
  messages: FakeMessage[] = [];
  private nextId = 1;
  constructor(
    readonly username: string,
    readonly title: string,
    private readonly start = Date.UTC(2026, 10, 20, 6, 0, 0),
  ) {}

  /** Appends `n` messages; `gap` skips ids before each (deleted messages, album members). */
  publish(n: number, opts: { gap?: number; service?: boolean } = {}): FakeMessage[] {
    const out: FakeMessage[] = [];
    for (let k = 0; k < n; k++) {
      this.nextId += opts.gap ?? 0;
      const id = this.nextId++;
      const date = new Date(this.start + id * 60_000).toISOString().replace('.000Z', '+00:00');
      const m: FakeMessage = { id, text: `${TEXTS[id % TEXTS.length]} (сообщение ${id})`, date, views: 1000 + id * 37 };
      if (opts.service) m.service = true;
      this.messages.push(m);
      out.push(m);
    }
    return out;
  }

  get newestId(): number {
    return this.messages.at(-1)?.id ?? 0;
  }

  /** The HTML t.me serves for `/s/<channel>[?before=<before>]`. */
  page(before?: number): string {
    const older = this.messages.filter((m) => before === undefined || m.id < before);
    const shown = older.slice(-PAGE_SIZE);
    const more =
      shown.length > 0 && older.length > shown.length
        ? `
          <div class="tgme_widget_message_centered js-messages_more_wrap">
            <a href="/s/${this.username}?before=${shown[0]!.id}" class="tme_messages_more js-messages_more" data-before="${shown[0]!.id}"></a>
          </div>`
        : '';
    const head = SHELL_HEAD.replaceAll('Омская область | Оперативно', escapeHtml(this.title)).replaceAll('omsk_oper', this.username);
    return `${head}${more}\n${shown.map((m) => this.block(m)).join('\n')}\n${SHELL_TAIL}`;
  }

  private block(m: FakeMessage): string {
    const u = this.username;
    const view = Buffer.from(JSON.stringify({ c: -1001234567890, p: m.id, t: 1763880000 })).toString('base64url');
    if (m.service) {
      return `          <div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message service_message" data-post="${u}/${m.id}" data-view="${view}">
  <div class="tgme_widget_message_bubble">
    <div class="tgme_widget_message_text js-message_text" dir="auto">Live stream started</div>
    <div class="tgme_widget_message_footer js-message_footer">
      <div class="tgme_widget_message_info js-message_info">
        <span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/${u}/${m.id}"><time datetime="${m.date}" class="time">${m.date.slice(11, 16)}</time></a></span>
      </div>
    </div>
  </div>
</div></div>`;
    }
    return `          <div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="${u}/${m.id}" data-view="${view}">
  <div class="tgme_widget_message_user"><a href="https://t.me/${u}"><i class="tgme_widget_message_user_photo bgcolor5" style="background-color:#5caffa" data-content="ОО"><img src="https://cdn4.telesco.pe/file/${u}_avatar_160.jpg"></i></a></div>
  <div class="tgme_widget_message_bubble">
    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/${u}"><span dir="auto">${escapeHtml(this.title)}</span></a></div>
    <div class="tgme_widget_message_text js-message_text" dir="auto">${escapeHtml(m.text).replace('. ', '.<br/>')}</div>
    <div class="tgme_widget_message_footer compact js-message_footer">
      <div class="tgme_widget_message_info short js-message_info">
        <span class="tgme_widget_message_views">${formatViews(m.views)}</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/${u}/${m.id}"><time datetime="${m.date}" class="time">${m.date.slice(11, 16)}</time></a></span>
      </div>
    </div>
  </div>
</div></div>`;
  }
}

/** t.me's compact counts: 987, 1.2K, 12.7K, 1.1M. */
export function formatViews(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(Math.floor(n / 100) / 10).toString()}K`;
  return `${(Math.floor(n / 100_000) / 10).toString()}M`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type Override = (req: IncomingMessage, res: ServerResponse) => void;

export interface FakeTelegram {
  server: FakeServer;
  channels: Map<string, FakeChannel>;
  /** Names that exist but have no public preview (private channels, groups, users). */
  privateNames: Map<string, string>;
  /** Answers for the next requests to /s/…, used once each, in order. */
  overrides: Override[];
  /** When set, every /s/ page is served from this function instead (changed markup, another site). */
  body: ((channel: FakeChannel, before: number | undefined) => string) | null;
  /** `start`: the timestamp message ids count minutes from. */
  channel(username: string, title: string, start?: number): FakeChannel;
  /** A name with no public channel: unknown, or (with a title) private / a group / a user. */
  missing(name: string, privateTitle?: string): void;
  /** Paths (with query) requested under /s/, in order. */
  pageRequests(): string[];
  close(): Promise<void>;
}

export async function startFakeTelegram(): Promise<FakeTelegram> {
  const server = await startFakeServer();
  const tg: FakeTelegram = {
    server,
    channels: new Map(),
    privateNames: new Map(),
    overrides: [],
    body: null,
    channel(username, title, start) {
      const c = new FakeChannel(username, title, start);
      tg.channels.set(username.toLowerCase(), c);
      route(username);
      return c;
    },
    missing(name, privateTitle) {
      if (privateTitle !== undefined) tg.privateNames.set(name, privateTitle);
      route(name);
    },
    pageRequests: () => server.requests.map((r) => r.path).filter((p) => p.startsWith('/s/')),
    close: () => server.close(),
  };

  function route(name: string): void {
    server.route(`/s/${name}`, (req, res) => {
      const override = tg.overrides.shift();
      if (override) {
        override(req, res);
        return;
      }
      const channel = tg.channels.get(name.toLowerCase());
      if (!channel) {
        // t.me sends every name without a public preview to the contact page.
        res.writeHead(302, { location: `/${name}`, 'content-type': 'text/html; charset=utf-8' });
        res.end();
        return;
      }
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const rawBefore = query.get('before');
      const before = rawBefore === null ? undefined : Number(rawBefore);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(tg.body ? tg.body(channel, before) : channel.page(before));
    });
    server.route(`/${name}`, (_req, res) => {
      const title = tg.privateNames.get(name);
      const html = title === undefined ? fixture('username-not-found.html').replaceAll('omsk_oper_old', name) : fixture('channel-no-preview.html').replaceAll('Тарский район — чат жителей', title).replaceAll('tara_admin_chat', name);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
  }
  return tg;
}
