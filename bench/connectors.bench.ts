/**
 * `npm run bench:connectors` — how fast each connector maps and queues, on the real Redis.
 *
 * For every network (VK wall, Telegram channel, OK group, MAX chat, RSS feed):
 *  1. map: the pure mapper over a realistic raw page (~100 items), in a loop (no I/O) — items/s on
 *     one core; the issue asks for ≥10,000 so mapping is never the bottleneck.
 *  2. end to end: the real connector against a local fake server speaking the network's wire
 *     format (the fakes of tests/connectors; loopback admitted by the address policy), with ~100
 *     fresh items published before every poll, every page handed to the ingest service (staged in
 *     Redis + queued in BullMQ), cursor carried from page to page — items/s. A page with nothing
 *     new or an item delivered twice fails the run.
 * Pushed appeals: signed webhook POSTs through the real API. Baseline, same process: ingest alone
 * of ready-made posts (the queue's own ceiling); the ratio is the slowest pull network's
 * end-to-end rate over it.
 *
 * Last line: <network>_items_per_s=… for each network, webhook_items_per_s=…, then
 * min_map_items_per_s=… queue_only_items_per_s=… ratio=…
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createHttpClient, type AddressPolicy } from '../connectors/http/http-client';
import { createMaxClient } from '../connectors/max/max.client';
import { createMaxChatConnector, parseMaxCursor } from '../connectors/max/max.connector';
import { mapMaxMessages, type MaxMapContext, type MaxMessage } from '../connectors/max/max.mapper';
import { createOkClient } from '../connectors/ok/ok.client';
import { createOkGroupConnector, parseOkCursor } from '../connectors/ok/ok.connector';
import { mapOkTopics, type OkMapContext, type OkMediaTopic, type OkTopicsResponse } from '../connectors/ok/ok.mapper';
import { createRssConnector } from '../connectors/rss/rss.connector';
import { mapFeed } from '../connectors/rss/rss.mapper';
import { createTelegramConnector, parseTelegramCursor } from '../connectors/telegram/telegram.connector';
import { parseChannelPage, type TelegramSource } from '../connectors/telegram/telegram.mapper';
import { createVkClient } from '../connectors/vk/vk.client';
import { createVkWallConnector } from '../connectors/vk/vk.connector';
import { mapWallResponse, type VkMapSource } from '../connectors/vk/vk.mapper';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import type { Connector } from '../src/domain/connector';
import type { IncomingPost } from '../src/domain/post';
import { startApiRole } from '../src/main/roles';
import { dropIndices } from '../src/repositories/indices';
import { mapAppeal, signAppeal, type Appeal } from '../src/services/webhook.service';
import { startFakeServer, type FakeServer } from '../tests/connectors/helpers/fake-server';
import { BOT_TOKEN, FakeMaxApi } from '../tests/connectors/max/fake-max-api';
import { ACCESS_TOKEN, APP_KEY, FakeOkApi, SESSION_SECRET } from '../tests/connectors/ok/fake-ok-api';
import { FakeChannel } from '../tests/connectors/telegram/fake-telegram';
import { FakeVk, TOKEN as VK_TOKEN, vkWallPage } from '../tests/connectors/vk/fake-vk';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 20_000);
const MAP_SECONDS = Number(process.env.BENCH_MAP_SECONDS ?? 1.5);
const log = (s: string) => process.stderr.write(`${s}\n`);
const loopbackOnly: AddressPolicy = (address) => address === '127.0.0.1' || address === '::1';

/** One network: a pure mapping step over a raw page, and a connector against a fake server. */
export interface BenchNetwork {
  name: string;
  /** Maps one raw page; returns how many items it produced. */
  mapPage(): number;
  /** Registers the fake server's routes and returns a connector pointed at it. */
  connector(server: FakeServer): Connector;
}

// ---------------------------------------------------------------------------------------------
// Realistic item texts, shared by every network.
const TEXTS = [
  'Третий день нет горячей воды на ул. Ленина, 12. Управляющая компания трубку не берёт, дети моются из тазика.',
  'На остановке «Политехнический университет» второй час нет 72-го автобуса, люди мёрзнут, расписание не соблюдается.',
  'Контейнерная площадка во дворе дома 5 по ул. Куйбышева переполнена неделю, мусор разносит ветром по двору.',
  'Спасибо дорожникам: яму на проспекте Маркса наконец заделали, ездить стало спокойнее.',
  'В поликлинике №4 невозможно записаться к терапевту: запись открывают в 7:00 и через минуту талонов нет.',
  'СРОЧНО! Говорят, в городе отключат газ на неделю, власти скрывают — распространите, пока не удалили!',
];
const text = (i: number) => `${TEXTS[i % TEXTS.length]} #${i}`;

// ---------------------------------------------------------------------------------------------
// RSS / Atom (news sites, Dzen): 100 items per feed, each request a fresh batch.
const RSS_PAGE = 100;
function rssXml(page: number): string {
  const items = Array.from({ length: RSS_PAGE }, (_, k) => {
    const n = page * RSS_PAGE + k;
    return `<item><title>Новость ${n}</title><link>https://omsk-news.example/news/${n}/</link><guid isPermaLink="false">n${n}</guid><pubDate>${new Date(Date.UTC(2026, 10, 23, 0, 0, n % 86_400)).toUTCString()}</pubDate><description><![CDATA[<p>${text(n)}</p>]]></description></item>`;
  }).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Омские новости</title><link>https://omsk-news.example/</link>${items}</channel></rss>`;
}
const rss: BenchNetwork = {
  name: 'rss',
  mapPage: (() => {
    const xml = rssXml(0);
    const now = new Date();
    return () => mapFeed(xml, { sourceId: 'rss:bench', feedUrl: 'https://omsk-news.example/rss' }, now).length;
  })(),
  connector(server) {
    server.route('/rss', (_req, res: ServerResponse, hit) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rssXml(hit));
    });
    const http = createHttpClient({ allowedHosts: ['127.0.0.1'], addressPolicy: loopbackOnly, retries: 0 });
    return createRssConnector({ sourceId: 'rss:bench', url: `${server.origin}/rss`, http, pollIntervalMs: 0, maxSeen: RSS_PAGE });
  },
};

// ---------------------------------------------------------------------------------------------
// Pull APIs (VK, Telegram, OK, MAX): the fakes from tests/connectors keep the network's state and
// speak its wire format; `feeding` publishes a fresh batch whenever the connector has caught up.

/**
 * Items each network publishes per poll: about a page, but short of a multiple of the page sizes
 * (20, 100) so the last page of a backward walk also reaches items older than the watermark and
 * ends the walk (an exact multiple costs one more request that finds nothing new).
 */
const BATCH = 95;
/** Items a fake keeps; older ones are dropped so the fake's own sorting stays out of the figures. */
const KEEP = 300;
const MINUTE = 60_000;
/** One item a minute from here never reaches the future, whatever BENCH_ITEMS is. */
const T0 = Date.now() - (ITEMS + 10 * BATCH) * MINUTE;
const LOOKBACK_MS = Date.now() - T0 + 86_400_000;
const fixture = <T>(path: string): T => JSON.parse(readFileSync(new URL(`../connectors/${path}`, import.meta.url), 'utf8')) as T;
const loopbackHttp = () => createHttpClient({ allowedHosts: ['127.0.0.1'], addressPolicy: loopbackOnly, retries: 0 });
const trim = <T>(list: T[]) => void list.splice(0, Math.max(0, list.length - KEEP));

/**
 * The connector, with a batch published on the fake before every poll that starts from a
 * caught-up cursor (`walking` tells a walk or scan still under way, which reads what is already
 * there). So every fetchPage returns new items, as the bench demands.
 */
function feeding(inner: Connector, publish: () => void, walking: (cursor: string | null) => boolean): Connector {
  return {
    sourceId: inner.sourceId,
    fetchPage(cursor, signal) {
      if (!walking(cursor)) publish();
      return inner.fetchPage(cursor, signal);
    },
  };
}

// VK: a community wall, `wall.get` 100 a page (`extended=1`), the fixture's posts.
const VK_GROUP = 170123456;
const vkSource: VkMapSource = { sourceId: 'vk_wall:omsk_adm', municipality: 'omsk' };
const vk: BenchNetwork = {
  name: 'vk',
  mapPage: (() => {
    const raw = vkWallPage(100, TEXTS);
    return () => mapWallResponse(raw, vkSource).posts.length;
  })(),
  connector(server) {
    const fake = FakeVk.attach(server);
    const wall = fake.addGroup(VK_GROUP, 'Администрация города Омска', 'omsk_adm');
    fake.clock = Math.floor(T0 / 1000);
    let n = 0;
    const publish = () => {
      for (let k = 0; k < BATCH; k++) fake.publish(-VK_GROUP, text(n++), { views: { count: 1200 + n }, likes: { count: n % 17 } });
      trim(wall.posts);
      fake.index.length = 0; // newsfeed.search is not used
      fake.calls.length = 0;
      server.requests.length = 0;
    };
    const client = createVkClient({ http: loopbackHttp(), apiUrl: fake.apiUrl, token: VK_TOKEN });
    const connector = createVkWallConnector({ ...vkSource, owner: 'omsk_adm', comments: false, client, pollIntervalMs: 0 });
    return feeding(connector, publish, () => false); // a wall poll reads every new post in one fetchPage
  },
};

// Telegram: the t.me/s web preview, 20 messages a page, older pages with ?before=.
const TG_CHANNEL = 'omsk_oper';
const TG_TITLE = 'Омская область | Оперативно';
const tgSource: TelegramSource = { sourceId: `telegram_channel:${TG_CHANNEL}`, channel: TG_CHANNEL, municipality: 'omsk', webUrl: 'https://t.me' };
const telegram: BenchNetwork = {
  name: 'telegram',
  mapPage: (() => {
    const channel = new FakeChannel(TG_CHANNEL, TG_TITLE);
    channel.publish(100);
    // Five real pages of 20 (the newest, then ?before= ones): 100 messages.
    const pages = [undefined, 81, 61, 41, 21].map((before) => channel.page(before));
    return () => pages.reduce((sum, html) => sum + parseChannelPage(html, tgSource).length, 0);
  })(),
  connector(server) {
    const channel = new FakeChannel(TG_CHANNEL, TG_TITLE, T0);
    server.route(`/s/${TG_CHANNEL}`, (req, res: ServerResponse) => {
      const before = new URL(req.url ?? '/', 'http://x').searchParams.get('before');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(channel.page(before === null ? undefined : Number(before)));
    });
    const publish = () => {
      channel.publish(BATCH);
      trim(channel.messages);
      server.requests.length = 0;
    };
    const connector = createTelegramConnector({ sourceId: tgSource.sourceId, channel: TG_CHANNEL, webUrl: server.origin, municipality: 'omsk', http: loopbackHttp(), pollIntervalMs: 0 });
    return feeding(connector, publish, (cursor) => parseTelegramCursor(cursor)?.walk !== undefined);
  },
};

// Odnoklassniki: a group's topics, `mediatopic.getTopics` signed calls, 20 a page (the default).
const OK_GID = '54321987650001';
const okCtx: OkMapContext = { groupId: OK_GID, sourceId: `ok_group:${OK_GID}`, municipality: 'omsk' };
const ok: BenchNetwork = {
  name: 'ok',
  mapPage: (() => {
    const raw = fixture<OkTopicsResponse>('ok/fixtures/topics-page.json');
    const topics = (raw.media_topics ?? []).filter((t) => !t.is_sticky);
    const res: OkTopicsResponse = {
      ...raw,
      media_topics: Array.from({ length: 100 }, (_, i): OkMediaTopic => {
        const base = topics[i % topics.length]!;
        const media = (base.media ?? []).map((m, j) => (m.type === 'text' && j === 0 ? { ...m, text: text(i) } : m));
        return { ...base, id: String(155470000000000 + i), created_ms: base.created_ms - i * MINUTE, media };
      }),
    };
    return () => mapOkTopics(res, okCtx).length;
  })(),
  connector(server) {
    const fake = new FakeOkApi();
    fake.attach(server);
    const group = fake.group(OK_GID, 'Администрация Центрального района');
    let n = 0;
    const publish = () => {
      for (let k = 0; k < BATCH; k++, n++) fake.publish(OK_GID, text(n), T0 + n * MINUTE, { like_summary: { count: n % 23 } });
      trim(group.topics);
      fake.calls.length = 0;
      server.requests.length = 0;
    };
    const client = createOkClient({ http: loopbackHttp(), apiUrl: `${server.origin}/fb.do`, applicationKey: APP_KEY, accessToken: ACCESS_TOKEN, sessionSecretKey: SESSION_SECRET });
    const connector = createOkGroupConnector({ ...okCtx, comments: false, client, pollIntervalMs: 0, initialLookbackMs: LOOKBACK_MS });
    return feeding(connector, publish, (cursor) => cursor !== null && parseOkCursor(cursor).scan !== undefined);
  },
};

// MAX: a residents' chat the bot is in, `GET /messages` 100 a page.
const MAX_CHAT = '-70123456789';
const maxCtx: MaxMapContext = { chatId: MAX_CHAT, sourceId: `max_chat:${MAX_CHAT}`, chatTitle: 'Чат жителей Кировского округа', municipality: 'omsk' };
const max: BenchNetwork = {
  name: 'max',
  mapPage: (() => {
    const raw = fixture<{ messages: MaxMessage[] }>('max/fixtures/messages-page.json').messages;
    const messages = Array.from({ length: 100 }, (_, i): MaxMessage => {
      const base = raw[i % raw.length]!;
      return { ...base, timestamp: base.timestamp - i * MINUTE, body: { ...base.body, mid: `mid.ffffbc1a2b3c4d5e${String(i).padStart(16, '0')}`, text: text(i) } };
    });
    return () => mapMaxMessages({ messages }, maxCtx).length;
  })(),
  connector(server) {
    const fake = new FakeMaxApi();
    fake.attach(server);
    const chat = fake.chat(MAX_CHAT, 'chat');
    let n = 0;
    const publish = () => {
      for (let k = 0; k < BATCH; k++, n++) fake.post(MAX_CHAT, text(n), T0 + n * MINUTE);
      trim(chat.messages);
      fake.queries.length = 0;
      server.requests.length = 0;
    };
    const client = createMaxClient({ http: loopbackHttp(), apiUrl: server.origin, token: BOT_TOKEN });
    const connector = createMaxChatConnector({ ...maxCtx, client, pollIntervalMs: 0, initialLookbackMs: LOOKBACK_MS });
    return feeding(connector, publish, (cursor) => parseMaxCursor(cursor).scan !== undefined);
  },
};

/** Every network the bench runs; each connector adds itself here. */
export const NETWORKS: BenchNetwork[] = [vk, telegram, ok, max, rss];

// ---------------------------------------------------------------------------------------------

function mapRate(n: BenchNetwork): number {
  // Warm up (JIT) for a third of the measuring time before counting.
  for (const w0 = performance.now(); performance.now() - w0 < (MAP_SECONDS * 1000) / 3; ) n.mapPage();
  let items = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < MAP_SECONDS * 1000) items += n.mapPage();
  return items / ((performance.now() - t0) / 1000);
}

const id = `bench-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const config = loadConfig({ ...process.env, ES_INDEX_PREFIX: id, REDIS_PREFIX: id, PORT: '0', LOG_LEVEL: 'warn' });
const c = await createContainer(config, { name: 'bench' });

async function endToEnd(n: BenchNetwork): Promise<number> {
  const server = await startFakeServer();
  try {
    const connector = n.connector(server);
    const signal = new AbortController().signal;
    let cursor: string | null = null;
    let items = 0;
    const delivered = new Set<string>();
    const t0 = performance.now();
    while (items < ITEMS) {
      const page = await connector.fetchPage(cursor, signal);
      if (page.posts.length === 0) throw new Error(`${n.name}: an empty page before ${ITEMS} items`);
      for (const p of page.posts) {
        if (delivered.has(p.externalId)) throw new Error(`${n.name}: ${p.externalId} delivered twice`);
        delivered.add(p.externalId);
      }
      const res = await c.services.ingest.ingest(page.posts);
      if (res.rejected.length > 0) throw new Error(`${n.name}: ${res.rejected.length} rejected at ingest`);
      items += res.queued;
      cursor = page.nextCursor ?? cursor;
    }
    return items / ((performance.now() - t0) / 1000);
  } finally {
    await server.close();
  }
}

/** Pushed appeals: signed POSTs through the real API (signature check, schema, map, queue). */
async function webhookEndToEnd(): Promise<{ map: number; e2e: number }> {
  const secret = randomBytes(32).toString('hex');
  const cfg = loadConfig({ ...process.env, ES_INDEX_PREFIX: id, REDIS_PREFIX: id, PORT: '0', LOG_LEVEL: 'warn', WEBHOOK_SENDERS: JSON.stringify({ bench: { secret } }) });
  const wc = await createContainer(cfg, { name: 'bench-webhook' });
  const api = await startApiRole(wc);
  const appeal = (i: number): Appeal => ({ id: `a${i}`, text: text(i), createdAt: new Date().toISOString(), address: 'ул. Ленина, 12', category: 'ЖКХ' });
  const sender = { secret };
  const known = () => true;
  let mapped = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < MAP_SECONDS * 1000) for (let i = 0; i < 100; i++, mapped++) mapAppeal('bench', sender, appeal(i), known);
  const map = mapped / ((performance.now() - t0) / 1000);

  const total = Math.min(ITEMS, 5000);
  let next = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < total) {
        const body = JSON.stringify(appeal(next++));
        const ts = String(Math.floor(Date.now() / 1000));
        const res = await fetch(`${api.url}/api/webhooks/appeals/bench`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-dozor-timestamp': ts, 'x-dozor-signature': signAppeal(secret, ts, body) },
          body,
        });
        if (res.status !== 202) throw new Error(`webhook: HTTP ${res.status} ${await res.text()}`);
      }
    }),
  );
  const e2e = total / ((performance.now() - t1) / 1000);
  await api.stop();
  await wc.close();
  return { map, e2e };
}

async function queueOnly(): Promise<number> {
  const posts: IncomingPost[] = Array.from({ length: ITEMS }, (_, i) => ({
    network: 'news',
    externalId: `q${i}`,
    kind: 'post',
    url: `https://omsk-news.example/news/${i}/`,
    text: text(i),
    publishedAt: new Date().toISOString(),
    author: { id: 'omsk-news', name: 'Омские новости' },
    sourceId: 'rss:bench',
  }));
  const t0 = performance.now();
  for (let i = 0; i < posts.length; i += RSS_PAGE) await c.services.ingest.ingest(posts.slice(i, i + RSS_PAGE));
  return ITEMS / ((performance.now() - t0) / 1000);
}

async function cleanup(): Promise<void> {
  await c.postsQueue.obliterate({ force: true }).catch(() => undefined);
  let cursor = '0';
  do {
    const [next, keys] = await c.redis.scan(cursor, 'MATCH', `${id}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await c.redis.unlink(...keys);
  } while (cursor !== '0');
  await dropIndices(c.es, id);
}

const figures: Record<string, number> = {};
const maps: number[] = [];
const e2es: number[] = [];
try {
  for (const n of NETWORKS) {
    const map = mapRate(n);
    await c.postsQueue.obliterate({ force: true });
    const e2e = await endToEnd(n);
    log(`${n.name.padEnd(9)} map ${Math.round(map).toLocaleString('en')} items/s   fetch+map+queue ${Math.round(e2e).toLocaleString('en')} items/s`);
    figures[`${n.name}_items_per_s`] = Math.round(e2e);
    maps.push(map);
    e2es.push(e2e);
  }
  await c.postsQueue.obliterate({ force: true });
  const wh = await webhookEndToEnd();
  log(`webhook   map ${Math.round(wh.map).toLocaleString('en')} items/s   signed POST+verify+map+queue ${Math.round(wh.e2e).toLocaleString('en')} items/s (16 concurrent senders)`);
  figures.webhook_items_per_s = Math.round(wh.e2e);
  maps.push(wh.map);
  await c.postsQueue.obliterate({ force: true });
  const base = await queueOnly();
  log(`baseline  ingest only (stage + queue, ready-made posts) ${Math.round(base).toLocaleString('en')} items/s`);
  figures.min_map_items_per_s = Math.round(Math.min(...maps));
  figures.queue_only_items_per_s = Math.round(base);
  figures.ratio = Number((Math.min(...e2es) / base).toFixed(3));
} finally {
  await cleanup();
  await c.close();
}
console.log(Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' '));
