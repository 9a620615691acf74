/**
 * `npm run bench:load` — a compressed duty shift on the real Redis and Elasticsearch.
 *
 * Two API processes and two pipeline workers (the real roles, spawned like the fault harness
 * does), 200 connected operators (mixed scopes, half on each API node), and posts ingested
 * through the real ingest service (what a connector worker calls) at:
 *   - 3× the demo region's peak for `--minutes` (default 10), with
 *   - a 10× burst for `--burst-seconds` (default 60) in the middle of it,
 * then the backlog drains. The region's peak is BENCH_PEAK posts/s (default 5: the top of one
 * region, 50k posts/day, puts a burst of ten times its peak just under 50 posts/s — docs/SCALING.md).
 *
 * Reported: queue lag p95 (age of the oldest waiting job, sampled every second), post → operator
 * p99 (ingest → `incident:new` at a socket), RSS of every process at start (after a warm-up, the
 * first fifth of the 3× phase, at most 60 s) and at the end (after the burst drained and the 3×
 * phase ended; growth is the largest of the Dozor processes), and errors (failed jobs, ingest errors, refused or dropped sockets, error logs of
 * the processes).
 *
 * Last line: posts=… lag_p95_s=… push_p99_ms=… rss_growth_pct=… errors=…
 * (the line before it: the baseline, the 3× phase alone, and the ratio of the whole run against it).
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { loadDemoPosts } from '../connectors/demo/demo.connector';
import { uniquePostMaker } from './unique-posts';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import type { FeedEvent, IncidentCard } from '../src/contracts/feed';
import type { Role, Scope } from '../src/domain/access';
import { dropIndices } from '../src/repositories/indices';
import { freePort, spawnRole, type RoleProcess } from '../tests/faults/harness';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: process.env.BENCH_MINUTES ?? '10' },
    'burst-seconds': { type: 'string', default: process.env.BENCH_BURST_SECONDS ?? '60' },
    operators: { type: 'string', default: process.env.BENCH_OPERATORS ?? '200' },
  },
});
const MINUTES = Number(args.minutes);
const BURST_S = Number(args['burst-seconds']);
const OPERATORS = Number(args.operators);
const PEAK = Number(process.env.BENCH_PEAK ?? 5);
const RATE = 3 * PEAK;
const BURST_RATE = 10 * PEAK;
if (!(MINUTES > 0) || !(BURST_S >= 0) || !(OPERATORS > 0)) throw new Error('--minutes, --burst-seconds and --operators must be positive numbers');

const id = `bench-load-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const env: Record<string, string> = {
  ES_URL: process.env.ES_URL ?? 'http://127.0.0.1:9200',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  ES_INDEX_PREFIX: id,
  REDIS_PREFIX: id,
  LOG_LEVEL: 'info',
  SOCKETS_PER_USER: '1000',
  SOCKET_CONNECTS_PER_MINUTE: '10000',
  MODEL_RELOAD_SECONDS: '0',
  RETENTION_INTERVAL_SECONDS: '86400',
};
const config = loadConfig({ ...process.env, ...env, PORT: '0', LOG_LEVEL: 'warn' });
const c = await createContainer(config, { name: 'bench-load' });
const demo = loadDemoPosts();
const log = (s: string) => process.stderr.write(`${s}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const procs: RoleProcess[] = [];
process.on('exit', () => procs.forEach((p) => p.child.exitCode === null && p.child.kill('SIGKILL')));
let errors = 0;
const errorKinds = new Map<string, number>();
const error = (kind: string) => {
  errors++;
  errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
};

async function role(name: 'api' | 'pipeline-worker', extra: Record<string, string> = {}): Promise<RoleProcess> {
  const p = await spawnRole(name, { ...env, ...extra });
  // Error and fatal log lines of the process count as errors.
  p.child.stdout?.on('data', (chunk: Buffer) => {
    const n = chunk.toString().match(/"level":(50|60)/g)?.length ?? 0;
    for (let i = 0; i < n; i++) error(`${name} error log`);
  });
  void p.exited.then((code) => {
    if (!stopping) error(`${name} exited ${code}`);
  });
  procs.push(p);
  return p;
}
let stopping = false;

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}
const BENCH_PROC = 'bench (ingest + clients, not counted)';
const rssAll = (): Map<string, number> => {
  const m = new Map<string, number>([[BENCH_PROC, rssKb(process.pid)]]);
  procs.forEach((p, i) => m.set(`${p.role}#${i}`, rssKb(p.child.pid as number)));
  return m;
};

const makePost = uniquePostMaker(demo, 'l');

const ports = [await freePort(), await freePort()];
const urls = ports.map((p) => `http://127.0.0.1:${p}`);
await role('api', { PORT: String(ports[0]) });
await role('api', { PORT: String(ports[1]) });
await role('pipeline-worker');
await role('pipeline-worker');

// 200 operators: duty operators see everything, sector leads and a municipal desk see part.
const KINDS: { role: Role; scope: Scope; share: number }[] = [
  { role: 'operator', scope: { sectors: 'all', municipalities: 'all' }, share: 0.5 },
  { role: 'sector_lead', scope: { sectors: ['housing', 'energy'], municipalities: 'all' }, share: 0.25 },
  { role: 'operator', scope: { sectors: 'all', municipalities: ['omsk'] }, share: 0.25 },
];
const sentAt = new Map<string, number>();
const pushMs: number[] = [];
const sockets: Socket[] = [];
for (const [k, kind] of KINDS.entries()) {
  const username = `load${k}`;
  await c.services.users.createUser({ username, displayName: username, password: `${username}-password-1`, role: kind.role, scope: kind.scope });
  const r = await c.services.auth.login(username, `${username}-password-1`, '127.0.0.1');
  if (r.kind !== 'session') throw new Error('bench users have no TOTP');
  const n = Math.round(kind.share * OPERATORS);
  await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const s = connect(urls[i % urls.length]!, { auth: { token: r.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
          s.once('feed:ready', () => resolve());
          s.once('connect_error', (err) => reject(err));
          s.on('disconnect', (reason) => {
            if (!stopping) error(`socket dropped: ${reason}`);
          });
          s.on('incident:new', (e: FeedEvent<IncidentCard>) => {
            const t = sentAt.get(e.data.postId);
            if (t !== undefined) pushMs.push(performance.now() - t);
          });
          sockets.push(s);
        }),
    ),
  );
}
log(`${sockets.length} operators connected over ${urls.length} API nodes; 3× peak = ${RATE}/s for ${MINUTES} min, burst ${BURST_RATE}/s for ${BURST_S} s`);

// Queue lag: the age of the oldest waiting job, every second.
const lagS: number[] = [];
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    try {
      const [oldest] = await c.postsQueue.getWaiting(0, 0);
      lagS.push(oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
    } catch {
      error('lag sample failed');
    }
    await sleep(1000);
  }
})();

let posts = 0;
let inflight = 0;
function post(): void {
  const p = makePost();
  sentAt.set(`${p.network}:${p.externalId}`, performance.now());
  posts++;
  inflight++;
  c.services.ingest
    .ingest([p])
    .catch(() => error('ingest failed'))
    .finally(() => inflight--);
}
/** Posts at `rate`/s for `seconds`, on a fixed schedule (a late tick catches up). */
async function phase(rate: number, seconds: number): Promise<void> {
  const start = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    post();
  }
}
async function drained(): Promise<void> {
  for (;;) {
    const n = await c.postsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (inflight === 0 && Object.values(n).every((v) => v === 0)) return;
    await sleep(500);
  }
}

const mainS = MINUTES * 60;
const warmS = Math.min(60, mainS / 5);
const t0 = performance.now();
await phase(RATE, warmS);
await drained();
const rssStart = rssAll();
const baselineFrom = pushMs.length;
const lagFrom = lagS.length;
await phase(RATE, (mainS - warmS) / 2);
const baselinePush = pushMs.slice(baselineFrom);
const baselineLag = lagS.slice(lagFrom);
log(`3× phase: ${baselinePush.length} pushes, p99 ${pct(baselinePush, 99).toFixed(0)} ms, lag p95 ${pct(baselineLag, 95).toFixed(1)} s`);
await phase(BURST_RATE, BURST_S);
log(`burst done at ${((performance.now() - t0) / 1000).toFixed(0)} s`);
await phase(RATE, (mainS - warmS) / 2);
await drained();
await sleep(3000);
const rssEnd = rssAll();
sampling = false;
await sampler;
const failed = (await c.postsQueue.getJobCounts('failed')).failed ?? 0;
for (let i = 0; i < failed; i++) error('failed job');
stopping = true;

let growth = -Infinity;
for (const [name, start] of rssStart) {
  const end = rssEnd.get(name) ?? NaN;
  const g = ((end - start) / start) * 100;
  // The bench process keeps every measurement (it grows by design): reported, not counted.
  if (name !== BENCH_PROC) growth = Math.max(growth, g);
  log(`rss ${name}: ${(start / 1024).toFixed(0)} MB → ${(end / 1024).toFixed(0)} MB (${g >= 0 ? '+' : ''}${g.toFixed(1)}%)`);
}
for (const [k, n] of errorKinds) log(`errors: ${k} × ${n}`);

for (const s of sockets) s.disconnect();
for (const p of procs) await p.terminate();
await dropIndices(c.es, id);
let cursor = '0';
do {
  const [next, keys] = await c.redis.scan(cursor, 'MATCH', `${id}:*`, 'COUNT', 1000);
  if (keys.length) await c.redis.unlink(...keys);
  cursor = next;
} while (cursor !== '0');
await c.close();

const lagP95 = pct(lagS.slice(lagFrom), 95);
const pushP99 = pct(pushMs.slice(baselineFrom), 99);
console.log(`baseline (3× phase alone) push_p99_ms=${pct(baselinePush, 99).toFixed(0)} lag_p95_s=${pct(baselineLag, 95).toFixed(1)} ratio_push_p99=${(pushP99 / pct(baselinePush, 99)).toFixed(2)}`);
console.log(`posts=${posts} lag_p95_s=${lagP95.toFixed(1)} push_p99_ms=${pushP99.toFixed(0)} rss_growth_pct=${growth.toFixed(1)} errors=${errors}`);
process.exit(0);
