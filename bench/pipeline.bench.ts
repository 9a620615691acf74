/**
 * `npm run bench:pipeline` — the backbone's speed, on the real Redis and Elasticsearch.
 *
 *  1. Baseline: raw Elasticsearch `_bulk` of ready post documents (the ceiling for the pipeline).
 *  2. Sustained throughput: N posts enqueued at once, through a pipeline worker process
 *     (validate, stem, classify, bulk-index, open incidents, publish) until all are indexed;
 *     measured with incident grouping on and off (window 0) in the same run: the cost per post
 *     of each and their ratio (issue 10: grouping keeps it within 10%), in wall time and in CPU
 *     time (the worker processes, Redis and Elasticsearch together: less disturbed by what else
 *     runs on the machine than the wall clock, which waits on it).
 *  3. Latency: posts enqueued at a steady 100/s, grouping on, 20% of them reposts of an earlier
 *     post (BENCH_REPEAT_SHARE); time from enqueue to a new incident arriving at a connected
 *     socket.io client, p50 and p99.
 *
 * The workloads are explicit (see `makeWorkload`): throughput posts are all unique (their own
 * house number), so grouping on and off index the same posts and open the same incidents and the
 * ratio is the cost of the grouping decision alone; each phase prints the share of posts that
 * linked to an existing incident (expected 0 there, about the repost share in the latency phase).
 *
 * Last line: es_bulk_docs_per_s=… pipeline_posts_per_s=… ratio=… p50_ms=… p99_ms=…
 *   grouping_on_ms_per_post=… grouping_off_ms_per_post=… grouping_cost_ratio=…
 *   grouping_cpu_cost_ratio=… (on one line; pipeline_posts_per_s is with grouping on; the CPU
 *   ratio needs the workers' /proc, so Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadDemoPosts } from '../connectors/demo/demo.connector';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import type { IncomingPost } from '../src/domain/post';
import { startApiRole } from '../src/main/roles';
import { enrichPost } from '../src/pipeline/enrich';
import { dropIndices } from '../src/repositories/indices';
import { toPostDoc } from '../src/repositories/posts.repository';
import { createGazetteer, loadRegion } from '../src/services/gazetteer.service';
import { analyze } from '../src/text/analyze';
import { loadClassifier } from '../src/classifier/classifier';
import { io as connect } from 'socket.io-client';
import { uniquePost } from './unique-posts';

const N = Number(process.env.BENCH_POSTS ?? 20_000);
const RATE = 100;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);

const id = `bench-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const env = { ...process.env, ES_INDEX_PREFIX: id, REDIS_PREFIX: id, PORT: '0', LOG_LEVEL: 'warn' };
const config = loadConfig(env);
const c = await createContainer(config, { name: 'bench' });
const demo = loadDemoPosts();

let seq = 0;
/**
 * The workload: unique posts (`uniquePost`: a demo text with a house number of the post's own,
 * so a unique post never links; expected share of links 0). With `repeatShare` > 0, that share of the posts
 * are reposts (the same text, house number included) of an earlier post of the same workload,
 * and link to its incident when both open one.
 */
function makeWorkload(repeatShare: number) {
  const sent: IncomingPost[] = [];
  let k = 0;
  let repeats = 0;
    const every = repeatShare > 0 ? Math.round(1 / repeatShare) : 0;
  return {
    /** Reposts made so far. */
    get repeats() {
      return repeats;
    },
    next(n: number): IncomingPost[] {
      const now = new Date().toISOString();
      return Array.from({ length: n }, (): IncomingPost => {
        seq++;
        k++;
        // Every `every`-th post reposts one sent before (spread over the workload, not the last one).
        const original = every > 0 && sent.length > 0 && k % every === 0 ? sent[(k * 7919) % sent.length] : undefined;
        if (original) {
          repeats++;
          return { ...original, externalId: `b${seq}`, publishedAt: now };
        }
        const post = { ...uniquePost(demo[seq % demo.length]!, `b${seq}`, seq), publishedAt: now };
        if (every > 0) sent.push(post);
        return post;
      });
    },
  };
}
const REPEAT_SHARE = Number(process.env.BENCH_REPEAT_SHARE ?? 0.2);
const unique = makeWorkload(0);
const makePosts = (n: number) => unique.next(n);

const log = (s: string) => process.stderr.write(`${s}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function countIndexed(): Promise<number> {
  await c.es.indices.refresh({ index: c.names.posts, ignore_unavailable: true, allow_no_indices: true });
  return (await c.es.count({ index: c.names.posts, ignore_unavailable: true, allow_no_indices: true })).count;
}

/** Posts indexed, those carrying an incident, and incidents: links = Δwith incident − Δincidents. */
async function groupingCounts(): Promise<{ withIncident: number; incidents: number }> {
  await c.es.indices.refresh({ index: [c.names.posts, c.names.incidents], ignore_unavailable: true, allow_no_indices: true });
  const opts = { ignore_unavailable: true, allow_no_indices: true } as const;
  const withIncident = (await c.es.count({ index: c.names.posts, ...opts, query: { exists: { field: 'incident_id' } } })).count;
  const incidents = (await c.es.count({ index: c.names.incidents, ...opts })).count;
  return { withIncident, incidents };
}
const share = (x: number, n: number) => `${((100 * x) / Math.max(1, n)).toFixed(1)}%`;

// 1. Raw bulk baseline: same documents the pipeline writes, prepared up front.
const classifier = await loadClassifier(config.MODEL_PATH);
const gazetteer = createGazetteer(loadRegion(config.REGION));
const at = new Date();
const docs = makePosts(N).map((p) => enrichPost(p, { analyze, classifier, gazetteer }, at));
const baseIndex = `${id}-rawbulk`;
await c.es.indices.create({ index: baseIndex, settings: { number_of_shards: 1, number_of_replicas: 0 } });
let t0 = performance.now();
for (let i = 0; i < docs.length; i += 500) {
  const operations = docs.slice(i, i + 500).flatMap((d) => [{ index: { _index: baseIndex, _id: d.id } }, toPostDoc(d)]);
  const r = await c.es.bulk({ operations });
  if (r.errors) throw new Error('baseline bulk had errors');
}
const esBulk = N / ((performance.now() - t0) / 1000);
log(`raw ES _bulk: ${esBulk.toFixed(0)} docs/s`);
await c.es.indices.delete({ index: baseIndex });

// 2. Sustained pipeline throughput through separate worker processes, with grouping on (the
// default window) and off (INCIDENT_GROUPING_WINDOW_MINUTES=0), in this same process and on the
// same indices. The rounds go off, on, on, off, off, on, on, off (N/4 posts each) so that the
// indices growing under the later rounds, and a merge or a neighbour's load landing on one round,
// weigh on both modes alike; each round first drains a warm-up batch so worker start-up is not
// timed.
let workers: ChildProcess[] = [];
// Never leave a worker behind, whatever happens to this process.
process.on('exit', () => workers.forEach((w) => w.exitCode === null && w.kill('SIGKILL')));
function startWorkers(grouping: boolean): void {
  const workerEnv = grouping ? env : { ...env, INCIDENT_GROUPING_WINDOW_MINUTES: '0' };
  workers = Array.from({ length: WORKERS }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'src/main/pipeline-worker.ts'], { env: workerEnv, stdio: ['ignore', 'inherit', 'inherit'] }),
  );
}
async function stopWorkers(): Promise<void> {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once('exit', r)) : null)));
  workers = [];
}
// Poll the queue, not Elasticsearch: refreshing the index every few hundred ms would slow the
// very thing being measured. The final count checks that every post really landed.
const pending = async () => {
  const c2 = await c.postsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  if ((c2.failed ?? 0) > 0) throw new Error(`${c2.failed} jobs failed during the benchmark`);
  return (c2.waiting ?? 0) + (c2.active ?? 0) + (c2.delayed ?? 0) + (c2.prioritized ?? 0);
};
const drain = async () => {
  while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 50));
};
/**
 * CPU milliseconds used so far by the worker processes (their /proc stat: user + system ticks),
 * Redis (INFO cpu) and Elasticsearch (node stats): the work a post costs wherever it runs.
 * Null off Linux (no /proc), where only the wall-clock ratio is printed.
 */
const TICK_MS = 10; // USER_HZ is 100 on every Linux platform Node supports
interface CpuMs {
  workers: number;
  redis: number;
  es: number;
}
async function cpuMs(): Promise<CpuMs | null> {
  let workerMs = 0;
  for (const w of workers) {
    try {
      // Fields after the process name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${w.pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      workerMs += (Number(rest[11]) + Number(rest[12])) * TICK_MS;
    } catch {
      return null;
    }
  }
  const info = await c.redis.info('cpu');
  const redisS = ['used_cpu_user', 'used_cpu_sys'].reduce((sum, k) => sum + Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN), 0);
  const stats = await c.es.nodes.stats({ metric: 'process' });
  const esMs = Object.values(stats.nodes).reduce((sum, n) => sum + (n.process?.cpu?.total_in_millis ?? 0), 0);
  const cpu = { workers: workerMs, redis: redisS * 1000, es: esMs };
  return Object.values(cpu).every(Number.isFinite) ? cpu : null;
}
const cpuSpent = (a: CpuMs | null, b: CpuMs | null, sum: CpuMs | null): CpuMs | null =>
  a === null || b === null || sum === null ? null : { workers: sum.workers + b.workers - a.workers, redis: sum.redis + b.redis - a.redis, es: sum.es + b.es - a.es };
const cpuTotal = (x: CpuMs) => x.workers + x.redis + x.es;
const WARMUP = 50;
const zeroCpu = (): CpuMs | null => ({ workers: 0, redis: 0, es: 0 });
const timed = { on: { posts: 0, ms: 0, cpu: zeroCpu(), opened: 0, linked: 0 }, off: { posts: 0, ms: 0, cpu: zeroCpu(), opened: 0, linked: 0 } };
let expected = 0;
for (const mode of ['off', 'on', 'on', 'off', 'off', 'on', 'on', 'off'] as const) {
  const n = Math.ceil(N / 4);
  startWorkers(mode === 'on');
  await c.services.ingest.ingest(makePosts(WARMUP));
  await drain();
  const posts = makePosts(n);
  const before = await groupingCounts();
  const cpuBefore = await cpuMs();
  t0 = performance.now();
  for (let i = 0; i < posts.length; i += 500) await c.services.ingest.ingest(posts.slice(i, i + 500));
  await drain();
  timed[mode].ms += performance.now() - t0;
  const cpuAfter = await cpuMs();
  timed[mode].cpu = cpuSpent(cpuBefore, cpuAfter, timed[mode].cpu);
  timed[mode].posts += n;
  const after = await groupingCounts();
  timed[mode].opened += after.withIncident - before.withIncident;
  timed[mode].linked += after.withIncident - before.withIncident - (after.incidents - before.incidents);
  expected += WARMUP + n;
  await stopWorkers();
}
const landed = await countIndexed();
if (landed !== expected) throw new Error(`expected ${expected} posts indexed, found ${landed}`);
const pipelinePerS = timed.on.posts / (timed.on.ms / 1000);
const msPerPost = { on: timed.on.ms / timed.on.posts, off: timed.off.ms / timed.off.posts };
const groupingRatio = msPerPost.on / msPerPost.off;
const perPost = (mode: 'on' | 'off', f: (x: CpuMs) => number) => {
  const cpu = timed[mode].cpu;
  return cpu === null ? null : f(cpu) / timed[mode].posts;
};
const cpuPerPost = { on: perPost('on', cpuTotal), off: perPost('off', cpuTotal) };
const cpuRatio = cpuPerPost.on !== null && cpuPerPost.off !== null ? cpuPerPost.on / cpuPerPost.off : null;
const parts = (mode: 'on' | 'off') => (['workers', 'redis', 'es'] as const).map((k) => `${k} ${perPost(mode, (x) => x[k])?.toFixed(3)}`).join(', ');
log(`pipeline: ${pipelinePerS.toFixed(0)} posts/s sustained with grouping over ${timed.on.posts} posts (${WORKERS} worker process${WORKERS > 1 ? 'es' : ''})`);
for (const mode of ['off', 'on'] as const) {
  const t = timed[mode];
  log(`throughput workload, grouping ${mode}: ${t.posts} unique posts, ${share(t.opened, t.posts)} in an incident, ${t.linked} (${share(t.linked, t.posts)}) linked to an existing incident (expected 0: every post names its own house number)`);
}
log(`cost per post: grouping on ${msPerPost.on.toFixed(3)} ms, off ${msPerPost.off.toFixed(3)} ms, ratio ${groupingRatio.toFixed(3)} (issue 10: within 1.10)`);
log(
  cpuRatio === null
    ? 'CPU per post: not measured (no /proc: not Linux)'
    : `CPU per post (workers, Redis, Elasticsearch): grouping on ${cpuPerPost.on?.toFixed(3)} ms (${parts('on')}), off ${cpuPerPost.off?.toFixed(3)} ms (${parts('off')}), ratio ${cpuRatio.toFixed(3)}`,
);
startWorkers(true);
await c.services.ingest.ingest(makePosts(WARMUP));
await drain();

// 3. Latency at 100 posts/s, enqueue → socket client.
await c.services.users.createUser({ username: 'bench', displayName: 'bench', password: 'bench-password-1', role: 'operator', scope: { sectors: 'all', municipalities: 'all' } });
const api = await startApiRole(c);
const login = await c.services.auth.login('bench', 'bench-password-1', '127.0.0.1');
if (login.kind !== 'session') throw new Error('the bench user must not have TOTP');
const { token } = login;
const socket = connect(api.url, { auth: { token }, transports: ['websocket'] });
await new Promise<void>((resolve) => socket.once('feed:ready', () => resolve()));
const sentAt = new Map<string, number>();
const latencies: number[] = [];
const timeline: [number, number][] = [];
socket.on('incident:new', (e) => {
  const s = sentAt.get(e.data.postId);
  if (s !== undefined) {
    latencies.push(performance.now() - s);
    timeline.push([s, performance.now() - s]);
  }
});
const total = RATE * LATENCY_SECONDS;
// The latency workload: REPEAT_SHARE of the posts repost an earlier one (grouping on).
const latencyWorkload = makeWorkload(REPEAT_SHARE);
const beforeLatency = await groupingCounts();
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const [p] = latencyWorkload.next(1);
  sentAt.set(`${p!.network}:${p!.externalId}`, performance.now());
  await c.services.ingest.ingest([p!]);
}
await drain();
await new Promise((r) => setTimeout(r, 3000));
const afterLatency = await groupingCounts();
const latencyOpened = afterLatency.withIncident - beforeLatency.withIncident;
const latencyIncidents = afterLatency.incidents - beforeLatency.incidents;
log(`latency workload: ${total} posts, ${latencyWorkload.repeats} reposts of an earlier one (${share(latencyWorkload.repeats, total)}); ${latencyOpened} in an incident, ${latencyOpened - latencyIncidents} linked to an existing one (${share(latencyOpened - latencyIncidents, total)}), ${latencyIncidents} new incidents`);
log(`latency at ${RATE}/s: ${latencies.length} new incidents pushed to the socket of ${latencyIncidents} created`);
if (process.env.BENCH_TRACE) for (const [s, l] of timeline) if (l > 300) log(`  slow: t=${((s - start) / 1000).toFixed(2)}s ${l.toFixed(0)} ms`);

socket.disconnect();
await api.stop();
await stopWorkers();
await dropIndices(c.es, id);
let cursor = '0';
do {
  const [next, keys] = await c.redis.scan(cursor, 'MATCH', `${id}:*`, 'COUNT', 1000);
  if (keys.length) await c.redis.unlink(...keys);
  cursor = next;
} while (cursor !== '0');
await c.close();

const p50 = pct(latencies, 50);
const p99 = pct(latencies, 99);
console.log(`es_bulk_docs_per_s=${esBulk.toFixed(0)} pipeline_posts_per_s=${pipelinePerS.toFixed(0)} ratio=${(pipelinePerS / esBulk).toFixed(3)} p50_ms=${p50.toFixed(1)} p99_ms=${p99.toFixed(1)} grouping_on_ms_per_post=${msPerPost.on.toFixed(3)} grouping_off_ms_per_post=${msPerPost.off.toFixed(3)} grouping_cost_ratio=${groupingRatio.toFixed(3)} grouping_cpu_cost_ratio=${cpuRatio === null ? 'NaN' : cpuRatio.toFixed(3)}`);
process.exit(0);
