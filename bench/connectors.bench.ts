/**
 * `npm run bench:connectors` — how fast each connector maps and queues, on the real Redis.
 *
 * For every network:
 *  1. map: the pure mapper over a realistic raw page, in a loop (no I/O) — items/s on one core;
 *     the issue asks for ≥10,000 so mapping is never the bottleneck.
 *  2. end to end: the real connector against a local fake server speaking the network's wire
 *     format (loopback admitted by the address policy), every page handed to the ingest service
 *     (staged in Redis + queued in BullMQ), cursor carried from page to page — items/s.
 * Baseline, same process: ingest alone of ready-made posts (the queue's own ceiling); the ratio is
 * the slowest network's end-to-end rate over it.
 *
 * Last line: <network>_items_per_s=… for each network, then min_map_items_per_s=…
 * queue_only_items_per_s=… ratio=…
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createHttpClient, type AddressPolicy } from '../connectors/http/http-client';
import { createRssConnector } from '../connectors/rss/rss.connector';
import { mapFeed } from '../connectors/rss/rss.mapper';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import type { Connector } from '../src/domain/connector';
import type { IncomingPost } from '../src/domain/post';
import { startApiRole } from '../src/main/roles';
import { dropIndices } from '../src/repositories/indices';
import { mapAppeal, signAppeal, type Appeal } from '../src/services/webhook.service';
import { startFakeServer, type FakeServer } from '../tests/connectors/helpers/fake-server';

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

/** Every network the bench runs; each connector adds itself here. */
export const NETWORKS: BenchNetwork[] = [rss];

// ---------------------------------------------------------------------------------------------

function mapRate(n: BenchNetwork): number {
  n.mapPage(); // warm up
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
    const t0 = performance.now();
    while (items < ITEMS) {
      const page = await connector.fetchPage(cursor, signal);
      if (page.posts.length === 0) throw new Error(`${n.name}: an empty page before ${ITEMS} items`);
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
