/**
 * `npm run bench:fanout` — the live feed's fan-out across two API nodes, on the real Redis and
 * Elasticsearch.
 *
 * Two API processes (the real `src/main/api.ts` role, each on its own port, with the socket.io
 * Redis streams adapter) and a pipeline worker process are spawned the way the fault harness
 * does. N operators (mixed scopes: full, sector-scoped, municipality-scoped) connect with
 * socket.io clients, half to each node. Posts are ingested at a steady rate through the real
 * pipeline; each delivery is measured from the incident's `createdAt` (set by the pipeline) to
 * the moment a client receives its `incident:new`.
 *
 * Baseline (same process, first): BENCH_BASELINE_SOCKETS (default 1,000) sockets on ONE node.
 *
 *   BENCH_SOCKETS           sockets of the main run (default 10000)
 *   BENCH_BASELINE_SOCKETS  sockets of the baseline run (default 1000; 0 skips it)
 *   BENCH_RATE              posts per second (default 2)
 *   BENCH_SECONDS           seconds of posting per run (default 20)
 *
 * Last line: sockets=… deliveries=… p50_ms=… p99_ms=…
 * (the line before it: the baseline and the ratio of p99 against it).
 */
import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { loadDemoPosts } from '../connectors/demo/demo.connector';
import { uniquePostMaker } from './unique-posts';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import type { FeedEvent, IncidentCard } from '../src/contracts/feed';
import type { Role, Scope } from '../src/domain/access';
import { dropIndices } from '../src/repositories/indices';
import { freePort, spawnRole, type RoleProcess } from '../tests/faults/harness';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const BASELINE = Number(process.env.BENCH_BASELINE_SOCKETS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PER_USER = 1000;

const id = `bench-fanout-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const env: Record<string, string> = {
  ES_URL: process.env.ES_URL ?? 'http://127.0.0.1:9200',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  ES_INDEX_PREFIX: id,
  REDIS_PREFIX: id,
  LOG_LEVEL: 'info',
  SOCKETS_PER_USER: String(PER_USER),
  SOCKET_CONNECTS_PER_MINUTE: '10000',
  MODEL_RELOAD_SECONDS: '0',
  RETENTION_INTERVAL_SECONDS: '86400',
};
const config = loadConfig({ ...process.env, ...env, PORT: '0', LOG_LEVEL: 'warn' });
const c = await createContainer(config, { name: 'bench-fanout' });
const demo = loadDemoPosts();
const log = (s: string) => process.stderr.write(`${s}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

const procs: RoleProcess[] = [];
process.on('exit', () => procs.forEach((p) => p.child.exitCode === null && p.child.kill('SIGKILL')));

// Mixed scopes: the duty operators see everything, sector leads a sector or two, municipal
// desks one district. Every kind of user holds up to PER_USER sockets (one user = one login).
const KINDS: { role: Role; scope: Scope; share: number }[] = [
  { role: 'operator', scope: { sectors: 'all', municipalities: 'all' }, share: 0.5 },
  { role: 'sector_lead', scope: { sectors: ['housing', 'energy'], municipalities: 'all' }, share: 0.2 },
  { role: 'sector_lead', scope: { sectors: ['roads'], municipalities: 'all' }, share: 0.1 },
  { role: 'operator', scope: { sectors: 'all', municipalities: ['omsk'] }, share: 0.2 },
];

const makePost = uniquePostMaker(demo, 'f');

const tokens: { token: string; kind: number }[] = [];
let userSeq = 0;
async function tokenFor(kind: number): Promise<string> {
  const k = KINDS[kind]!;
  const username = `fanout${userSeq++}`;
  await c.services.users.createUser({ username, displayName: username, password: `${username}-password-1`, role: k.role, scope: k.scope });
  const r = await c.services.auth.login(username, `${username}-password-1`, '127.0.0.1');
  if (r.kind !== 'session') throw new Error('bench users have no TOTP');
  tokens.push({ token: r.token, kind });
  return r.token;
}

interface Run {
  sockets: Socket[];
  latencies: number[];
}

/** Opens `n` sockets spread over `urls`, by scope share; resolves once every one is live. */
async function openSockets(n: number, urls: string[]): Promise<Run> {
  const run: Run = { sockets: [], latencies: [] };
  const plan: number[] = [];
  KINDS.forEach((k, i) => {
    for (let j = 0; j < Math.round(k.share * n); j++) plan.push(i);
  });
  while (plan.length < n) plan.push(0);
  plan.length = n;
  const perKind = new Map<number, { token: string; used: number }>();
  const slots: { token: string; url: string }[] = [];
  for (let i = 0; i < plan.length; i++) {
    const kind = plan[i]!;
    let t = perKind.get(kind);
    if (!t || t.used >= PER_USER) {
      t = { token: await tokenFor(kind), used: 0 };
      perKind.set(kind, t);
    }
    t.used++;
    slots.push({ token: t.token, url: urls[i % urls.length]! });
  }
  const BATCH = 100;
  for (let i = 0; i < slots.length; i += BATCH) {
    await Promise.all(
      slots.slice(i, i + BATCH).map(
        ({ token, url }) =>
          new Promise<void>((resolve, reject) => {
            const s = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
            s.once('feed:ready', () => resolve());
            s.once('connect_error', (err) => reject(err));
            s.on('incident:new', (e: FeedEvent<IncidentCard>) => {
              run.latencies.push(Date.now() - Date.parse(e.data.createdAt));
            });
            run.sockets.push(s);
          }),
      ),
    );
  }
  return run;
}

/** Posts at RATE/s for SECONDS through the pipeline; waits for the deliveries to settle. */
async function drive(run: Run): Promise<void> {
  const total = Math.max(1, Math.round(RATE * SECONDS));
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await c.services.ingest.ingest([makePost()]);
  }
  // Settled: the queue is empty and no delivery arrived for two seconds.
  let last = -1;
  for (let quiet = 0; quiet < 4; ) {
    await new Promise((r) => setTimeout(r, 500));
    const n = await c.postsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    const pending = Object.values(n).reduce((a, b) => a + b, 0);
    quiet = pending === 0 && run.latencies.length === last ? quiet + 1 : 0;
    last = run.latencies.length;
  }
}

function close(run: Run): void {
  for (const s of run.sockets) s.disconnect();
}

const ports = [await freePort(), await freePort()];
const urls = ports.map((p) => `http://127.0.0.1:${p}`);
procs.push(await spawnRole('api', { ...env, PORT: String(ports[0]) }), await spawnRole('api', { ...env, PORT: String(ports[1]) }), await spawnRole('pipeline-worker', env));
// Warm-up: the classifier and the indices are created by the first posts.
await c.services.ingest.ingest([makePost(), makePost()]);
for (;;) {
  const n = await c.postsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  if (Object.values(n).every((v) => v === 0)) break;
  await new Promise((r) => setTimeout(r, 200));
}

let baseline: { p50: number; p99: number; deliveries: number } | null = null;
if (BASELINE > 0) {
  let t = performance.now();
  const b = await openSockets(BASELINE, [urls[0]!]);
  log(`baseline: ${BASELINE} sockets on one node open in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  await drive(b);
  baseline = { p50: pct(b.latencies, 50), p99: pct(b.latencies, 99), deliveries: b.latencies.length };
  log(`baseline: sockets=${BASELINE} deliveries=${baseline.deliveries} p50_ms=${baseline.p50} p99_ms=${baseline.p99}`);
  close(b);
}

let t = performance.now();
const main = await openSockets(SOCKETS, urls);
log(`${SOCKETS} sockets across two nodes open in ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
await drive(main);
const p50 = pct(main.latencies, 50);
const p99 = pct(main.latencies, 99);
const deliveries = main.latencies.length;
close(main);

for (const p of procs) await p.terminate();
await dropIndices(c.es, id);
let cursor = '0';
do {
  const [next, keys] = await c.redis.scan(cursor, 'MATCH', `${id}:*`, 'COUNT', 1000);
  if (keys.length) await c.redis.unlink(...keys);
  cursor = next;
} while (cursor !== '0');
await c.close();

if (baseline) console.log(`baseline sockets=${BASELINE} nodes=1 deliveries=${baseline.deliveries} p50_ms=${baseline.p50} p99_ms=${baseline.p99} ratio_p99=${(p99 / baseline.p99).toFixed(2)}`);
console.log(`sockets=${SOCKETS} deliveries=${deliveries} p50_ms=${p50} p99_ms=${p99}`);
process.exit(0);
