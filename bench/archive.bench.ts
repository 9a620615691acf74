/**
 * `npm run bench:archive [-- --docs 1000000 --clients 8 --queries 400]` — archive scale.
 *
 *  1. Indexes `--docs` realistic posts into a private index prefix: texts from the demo replay and
 *     the shared real appeals (classified once by the shipped model, stems by the same analyser),
 *     spread over 12 months and every municipality of the region, monthly indices as in production.
 *  2. Filtered full-text search through the archive service (query language, scope, facets on
 *     page 1, highlights), `--clients` concurrent clients; baseline: a bare match_all page sorted
 *     by date, same concurrency, same process.
 *  3. Analytics aggregations (breakdown sector × municipality by month over 12 months, top
 *     problems, misinformation by week, the map) under the same concurrency.
 *  4. A 100,000-row CSV export (or every post when fewer) streamed into a discarding sink.
 *
 * Last line: docs=… search_p95_ms=… aggs_p95_ms=… export_rows_per_s=…
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadDemoPosts } from '../connectors/demo/demo.connector';
import { loadClassifier } from '../src/classifier/classifier';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import type { SessionUser } from '../src/domain/access';
import { NETWORKS } from '../src/domain/network';
import { dropIndices } from '../src/repositories/indices';
import type { PostDoc } from '../src/repositories/posts.repository';
import { analyze } from '../src/text/analyze';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return Math.floor(v);
}
const DOCS = arg('docs', 1_000_000);
const CLIENTS = arg('clients', 8);
const QUERIES = arg('queries', 400);
const EXPORT_ROWS = 100_000;

let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0;
}

async function loadTexts(): Promise<string[]> {
  const texts = loadDemoPosts().map((p) => p.text);
  try {
    const { loadSpbAppeals } = await import('../scripts/corpus/spb-appeals');
    texts.push(...loadSpbAppeals().slice(0, 3000).map((a) => a.text));
  } catch {
    // The shared real data is optional here: the demo texts alone are still realistic.
  }
  return texts.filter((t) => t.trim().length > 0);
}

async function runConcurrent(clients: number, total: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t0 = performance.now();
        await task(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  return times;
}

async function main(): Promise<void> {
  const id = `bench-archive-${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', ES_INDEX_PREFIX: id, REDIS_PREFIX: id });
  const c = await createContainer(config, { name: 'bench-archive' });
  try {
    // 1. Documents.
    const classifier = await loadClassifier();
    const pool = (await loadTexts()).map((text) => {
      const a = analyze(text);
      const k = classifier.classify(a);
      return { text, stems: a.stems.join(' '), k };
    });
    const municipalities = c.services.gazetteer.list().map((m) => m.code);
    const streets = ['улица Ленина', 'улица Маркса', 'проспект Мира', 'улица Гагарина', 'улица 10 лет Октября'];
    const now = Date.now();
    const yearMs = 365 * 86400_000;
    console.log(`indexing ${DOCS.toLocaleString('en')} posts from ${pool.length} texts into ${id} …`);
    const t0 = performance.now();
    const BATCH = 5000;
    let made = 0;
    const inFlight = new Set<Promise<void>>();
    while (made < DOCS) {
      const ops: unknown[] = [];
      for (let i = 0; i < BATCH && made < DOCS; i++, made++) {
        const src = pick(pool);
        const k = src.k;
        const published = new Date(now - Math.floor(rnd() ** 0.8 * yearMs)).toISOString();
        const municipality = rnd() < 0.4 ? 'omsk' : pick(municipalities);
        const network = pick(NETWORKS);
        const doc: PostDoc = {
          id: `${network}:b${made}`,
          network,
          external_id: `b${made}`,
          kind: rnd() < 0.3 ? 'comment' : 'post',
          url: `https://example.org/p/${made}`,
          text: src.text,
          text_stems: src.stems,
          text_length: src.text.length,
          published_at: published,
          ingested_at: published,
          source_id: `demo:${municipality}`,
          municipality,
          author: { id: `u${Math.floor(rnd() * 50_000)}`, name: `Автор ${Math.floor(rnd() * 50_000)}` },
          sector: k.sector.label,
          sector_confidence: k.sector.confidence,
          complaint: k.complaint.value,
          complaint_confidence: k.complaint.confidence,
          misinfo_score: k.misinformation.score,
          misinfo_reasons: k.misinformation.reasons,
          ...(k.category ? { category: k.category.code, category_confidence: k.category.confidence } : {}),
          ...(k.tone ? { tone: k.tone.label, tone_confidence: k.tone.confidence } : {}),
          ...(k.urgency ? { urgent: k.urgency.value, urgency_confidence: k.urgency.confidence, urgency_reasons: k.urgency.reasons } : {}),
          ...(rnd() < 0.2 ? { address: { street: pick(streets), house: String(1 + Math.floor(rnd() * 40)), known: true } } : {}),
          model_version: k.modelVersion,
        };
        ops.push({ index: { _index: c.names.postsIndexFor(published), _id: doc.id } }, doc);
      }
      const p = c.es.bulk({ operations: ops as never }).then((res) => {
        if (res.errors) throw new Error('bulk errors while seeding');
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 2) await Promise.race(inFlight);
      if (made % 100_000 === 0) console.log(`  ${made.toLocaleString('en')} …`);
    }
    await Promise.all(inFlight);
    await c.es.indices.refresh({ index: c.names.posts });
    await c.es.indices.forcemerge({ index: c.names.posts, max_num_segments: 1 }).catch(() => undefined);
    const indexSeconds = (performance.now() - t0) / 1000;
    const docs = await c.repos.archive.count({ match_all: {} });
    console.log(`indexed ${docs} in ${indexSeconds.toFixed(1)} s (${Math.round(docs / indexSeconds)} docs/s)`);

    const viewer: SessionUser = { id: 'bench', username: 'bench', displayName: 'bench', role: 'head', scope: { sectors: 'all', municipalities: 'all' } };
    const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
    const queries = ['отопление', 'горячая вода', '"нет воды"', 'яма OR ямы', 'мусор -контейнер', 'sector:housing батареи', 'sector:roads tone:negative', 'municipality:omsk вода', 'автобус*', 'свет AND отключили', '(школа OR садик) ремонт', 'срочно:да'];

    // 2. Search (baseline first).
    const baseline = await runConcurrent(CLIENTS, QUERIES, async () => {
      await c.es.search({ index: c.names.posts, size: 20, query: { match_all: {} }, sort: [{ published_at: { order: 'desc' } }], track_total_hits: true });
    });
    const search = await runConcurrent(CLIENTS, QUERIES, async (i) => {
      const months = 1 + (i % 3);
      const endAgo = Math.floor(rnd() * 6) * 30 * 86400_000;
      await c.services.archive.search(viewer, { q: pick(queries), from: iso(endAgo + months * 30 * 86400_000), to: iso(endAgo), size: 20, sort: 'date' });
    });
    // Diagnosis: the same searches without the facet aggregations (what the seven terms aggs cost).
    const noFacets = await runConcurrent(CLIENTS, QUERIES, async (i) => {
      const months = 1 + (i % 3);
      const endAgo = Math.floor(rnd() * 6) * 30 * 86400_000;
      const { query } = await c.services.archive.build(viewer, { q: pick(queries), from: iso(endAgo + months * 30 * 86400_000), to: iso(endAgo) });
      await c.repos.archive.search(query, { size: 20, sort: 'date', facets: false });
    });
    // Deep paging: 600 pages of 20 via the cursor (12,000 hits, past from+size's 10,000 window).
    const deepT0 = performance.now();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { next: string | null } = await c.services.archive.search(viewer, { q: 'вода OR тепло OR мусор OR дорога', size: 20, sort: 'date', ...(cursor ? { cursor } : {}) });
      cursor = r.next;
      pages++;
    } while (cursor && pages < 600);
    const deepMsPerPage = (performance.now() - deepT0) / pages;

    // 3. Aggregations.
    const aggs = await runConcurrent(CLIENTS, Math.max(40, Math.floor(QUERIES / 2)), async (i) => {
      switch (i % 4) {
        case 0:
          await c.services.analytics.breakdown(viewer, { dims: ['sector', 'municipality'], interval: 'month', from: iso(yearMs), to: iso(0) });
          break;
        case 1:
          await c.services.analytics.topProblems(viewer, { from: iso(30 * 86400_000), to: iso(0), limit: 10 });
          break;
        case 2:
          await c.services.analytics.misinformation(viewer, { interval: 'week', from: iso(90 * 86400_000), to: iso(0) });
          break;
        default:
          await c.services.analytics.map(viewer, { q: pick(queries.slice(0, 5)), from: iso(90 * 86400_000), to: iso(0) });
      }
    });

    // 4. Export: the newest period holding at most 100,000 posts.
    const hist = await c.repos.archive.aggregate<{ d: { buckets: { key_as_string: string; doc_count: number }[] } }>({ match_all: {} }, { d: { date_histogram: { field: 'published_at', calendar_interval: 'day' } } });
    let from = iso(yearMs * 2);
    let acc = 0;
    for (const b of [...(hist.aggs?.d.buckets ?? [])].reverse()) {
      if (acc + b.doc_count > EXPORT_ROWS) break;
      acc += b.doc_count;
      from = b.key_as_string;
    }
    let bytes = 0;
    const sink = () =>
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          cb();
        },
      });
    const e0 = performance.now();
    const rows = await c.services.archive.exportPosts(viewer, { from, to: iso(-86400_000), format: 'csv' }, sink);
    const exportSeconds = (performance.now() - e0) / 1000;
    const rss = process.memoryUsage().rss;

    const b95 = p95(baseline);
    const s95 = p95(search);
    console.log(`baseline match_all page p95_ms=${b95.toFixed(1)} (${CLIENTS} clients, ${QUERIES} requests)`);
    console.log(`archive search p95_ms=${s95.toFixed(1)} ratio_to_baseline=${(s95 / Math.max(b95, 0.001)).toFixed(2)}; deep paging ${pages} pages, ${deepMsPerPage.toFixed(1)} ms/page`);
    console.log(`archive search without facets p95_ms=${p95(noFacets).toFixed(1)} (facets cost the difference)`);
    console.log(`aggregations p95_ms=${p95(aggs).toFixed(1)} (${aggs.length} requests)`);
    console.log(`export ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB in ${exportSeconds.toFixed(1)} s; process RSS ${(rss / 1e6).toFixed(0)} MB`);
    console.log(`docs=${docs} search_p95_ms=${s95.toFixed(0)} aggs_p95_ms=${p95(aggs).toFixed(0)} export_rows_per_s=${Math.round(rows / exportSeconds)}`);
  } finally {
    await dropIndices(c.es, id);
    const keys = await c.redis.keys(`${id}:*`);
    if (keys.length > 0) await c.redis.del(...keys);
    await c.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
