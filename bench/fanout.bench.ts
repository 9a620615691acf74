/**
 * `npm run bench:fanout` — the live feed's fan-out across two API nodes, on the real Redis and
 * Elasticsearch.
 *
 * Two API processes (the real `src/main/api.ts` role, each on its own port, with the socket.io
 * Redis streams adapter) and a pipeline worker process are spawned the way the fault harness
 * does. N operators (mixed scopes: full, sector-scoped, municipality-scoped) connect with
 * socket.io clients, half to each node, held by BENCH_CLIENT_PROCS client processes
 * (bench/fanout-client.ts; operators are separate browsers, so one bench event loop must not
 * queue every delivery behind the others). Posts are ingested at a steady rate through the real
 * pipeline; each delivery is measured from the incident's `createdAt` (set by the pipeline) to
 * the moment a client receives its `incident:new`, on the machine's one wall clock.
 *
 * Where the time goes is printed to stderr per run: per API node (its `feed pushed` debug lines)
 * created → read from the feed stream, reading the cards, emitting, and the emitting CPU per
 * delivery; per client process its event-loop delay and CPU per delivery.
 *
 * Baseline (same process, first): BENCH_BASELINE_SOCKETS (default 1,000) sockets on ONE node.
 *
 *   BENCH_SOCKETS           sockets of the main run (default 10000)
 *   BENCH_BASELINE_SOCKETS  sockets of the baseline run (default 1000; 0 skips it)
 *   BENCH_RATE              posts per second (default 2)
 *   BENCH_SECONDS           seconds of posting per run (default 20)
 *   BENCH_CLIENT_PROCS      client processes holding the sockets (default 2; 1 = the old single client)
 *
 * Last line: sockets=… deliveries=… p50_ms=… p99_ms=…
 * (the line before it: the baseline and the ratio of p99 against it).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClientReply, ClientRequest } from './fanout-client';
import { loadDemoPosts } from '../connectors/demo/demo.connector';
import { uniquePostMaker } from './unique-posts';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import type { Role, Scope } from '../src/domain/access';
import { dropIndices } from '../src/repositories/indices';
import { freePort, spawnRole, type RoleProcess } from '../tests/faults/harness';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const BASELINE = Number(process.env.BENCH_BASELINE_SOCKETS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PER_USER = 1000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const CLIENT_PROCS = Math.max(1, Number(process.env.BENCH_CLIENT_PROCS ?? 2));

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
const procsToKill: ChildProcess[] = [];
process.on('exit', () => [...procs.map((p) => p.child), ...procsToKill].forEach((p) => p.exitCode === null && p.kill('SIGKILL')));

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

interface Client {
  child: ChildProcess;
  /** The next reply of the given type. */
  next<T extends ClientReply['type']>(type: T): Promise<Extract<ClientReply, { type: T }>>;
  send(m: ClientRequest): void;
}

function spawnClient(): Client {
  const child = fork(fileURLToPath(new URL('./fanout-client.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<string, ((m: ClientReply) => void)[]>();
  child.on('message', (m: ClientReply) => {
    // A client that could not open its sockets ends the bench (as one failed connect did before).
    if (m.type === 'failed') throw new Error(`client process: ${m.message}`);
    waiting.get(m.type)?.shift()?.(m);
  });
  return {
    child,
    next: (type) =>
      new Promise((resolve) => {
        const list = waiting.get(type) ?? [];
        list.push(resolve as (m: ClientReply) => void);
        waiting.set(type, list);
      }),
    send: (m) => child.send(m),
  };
}

interface Run {
  clients: Client[];
  latencies: number[];
  /** What the client processes reported about themselves while the incidents came in. */
  loops: { p50: number; p99: number; max: number; cpuMs: number }[];
  /** CPU of the spawned roles (API node 1, API node 2, pipeline worker) while the incidents came in. */
  roleCpuMs: number[];
  /** Client event-loop stalls over 500 ms (see fanout-client.ts). */
  stalls: { at: number; ms: number }[];
  /** When posting began (epoch ms). */
  startedAt: number;
}

/** CPU a process has used so far (ms, user + system), from /proc (Linux). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/**
 * Opens `n` sockets spread over `urls`, by scope share, in CLIENT_PROCS client processes (each
 * holds sockets on every node); resolves once every one is live.
 */
async function openSockets(n: number, urls: string[]): Promise<Run> {
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
  const clients = Array.from({ length: Math.min(CLIENT_PROCS, n) }, spawnClient);
  procsToKill.push(...clients.map((cl) => cl.child));
  await Promise.all(
    clients.map((cl, k) => {
      const opened = cl.next('opened');
      // Every k-th slot: each process gets every kind of user and both nodes.
      cl.send({ type: 'open', slots: slots.filter((_, i) => i % clients.length === k) });
      return opened;
    }),
  );
  return { clients, latencies: [], loops: [], roleCpuMs: [], stalls: [], startedAt: 0 };
}

async function delivered(run: Run): Promise<number> {
  const counts = await Promise.all(
    run.clients.map((cl) => {
      const r = cl.next('count');
      cl.send({ type: 'count' });
      return r;
    }),
  );
  return counts.reduce((a, r) => a + r.n, 0);
}

/** `feed pushed` debug records of the API nodes (see feed.gateway.ts), while incidents come in. */
interface Pushed {
  node: number;
  records: number;
  arrivalMs: number;
  cardsMs: number;
  emitMs: number;
  /** When the node logged it (epoch ms). */
  time: number;
}
const pushed: Pushed[] = [];
let recording = false;
function recordPushes(p: RoleProcess, node: number): void {
  let rest = '';
  p.child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!recording || !line.includes('"msg":"feed pushed"')) continue;
      const r = JSON.parse(line) as Omit<Pushed, 'node'>;
      pushed.push({ node, records: r.records, arrivalMs: r.arrivalMs, cardsMs: r.cardsMs, emitMs: r.emitMs, time: r.time });
    }
  });
}

/** Posts at RATE/s for SECONDS through the pipeline; waits for the deliveries to settle. */
async function drive(run: Run): Promise<void> {
  for (const cl of run.clients) cl.send({ type: 'start' });
  pushed.length = 0;
  recording = true;
  const cpuFrom = procs.map((p) => cpuMsOf(p.child.pid));
  const total = Math.max(1, Math.round(RATE * SECONDS));
  const start = performance.now();
  run.startedAt = Date.now();
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
    const got = await delivered(run);
    quiet = pending === 0 && got === last ? quiet + 1 : 0;
    last = got;
  }
  recording = false;
  run.roleCpuMs = procs.map((p, i) => Math.round(cpuMsOf(p.child.pid) - cpuFrom[i]!));
  for (const cl of run.clients) {
    const r = cl.next('collected');
    cl.send({ type: 'collect' });
    const got = await r;
    for (const x of got.latencies) run.latencies.push(x);
    run.loops.push({ p50: got.loopP50, p99: got.loopP99, max: got.loopMax, cpuMs: got.cpuMs });
    run.stalls.push(...got.stalls);
  }
}

/** Where the time went: per API node (read → emitted) and per client process (event-loop delay, CPU). */
function explain(label: string, run: Run): void {
  for (const node of [0, 1]) {
    const mine = pushed.filter((p) => p.node === node);
    if (mine.length === 0) continue;
    const f = (k: 'arrivalMs' | 'cardsMs' | 'emitMs') => `p50 ${Math.round(pct(mine.map((p) => p[k]), 50))} p99 ${Math.round(pct(mine.map((p) => p[k]), 99))}`;
    log(`${label}: node ${node + 1}, ${mine.length} pushes (ms): created → read by the node ${f('arrivalMs')}; reading the cards ${f('cardsMs')}; emitting ${f('emitMs')}`);
  }
  const n = Math.max(1, run.latencies.length);
  const [api1 = 0, api2 = 0, pipeline = 0] = run.roleCpuMs;
  const clients = run.loops.reduce((a, l) => a + l.cpuMs, 0);
  log(
    `${label}: CPU while the incidents came in (ms): API node 1 ${api1}, API node 2 ${api2}, pipeline worker ${pipeline}, clients ${clients}; ` +
      `per delivery: API nodes ${(((api1 + api2) * 1000) / n).toFixed(0)} µs, clients ${((clients * 1000) / n).toFixed(0)} µs`,
  );
  log(`${label}: ${run.clients.length} client processes: event-loop delay p99 ${run.loops.map((l) => l.p99).join('/')} ms, max ${run.loops.map((l) => l.max).join('/')} ms`);
  if (process.env.BENCH_TRACE) {
    for (const p of pushed) log(`${label}: +${p.time - run.startedAt} ms node ${p.node + 1} pushed ${p.records} (created → read ${Math.round(p.arrivalMs)}, cards ${p.cardsMs}, emit ${p.emitMs})`);
    for (const s of run.stalls) log(`${label}: +${s.at - run.startedAt} ms a client stalled ${s.ms} ms`);
  }
}

function close(run: Run): void {
  for (const cl of run.clients) cl.child.kill();
}

const ports = [await freePort(), await freePort()];
const urls = ports.map((p) => `http://127.0.0.1:${p}`);
procs.push(await spawnRole('api', { ...env, LOG_LEVEL: 'debug', PORT: String(ports[0]) }), await spawnRole('api', { ...env, LOG_LEVEL: 'debug', PORT: String(ports[1]) }), await spawnRole('pipeline-worker', env));
procs.slice(0, 2).forEach(recordPushes);
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
  explain('baseline', b);
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
explain('main', main);
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
