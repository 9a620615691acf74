/**
 * The fault suite's harness: a private Redis (AOF) and a private Elasticsearch node that the
 * scenarios may kill, the real process roles spawned as children (so `kill -9` is a real kill),
 * and the ledger that decides lost / duplicated / missed.
 *
 * Nothing here touches the shared Redis (6379) or Elasticsearch (9200): other test runs use them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/env';
import { createContainer, type Container } from '../../src/container';
import type { IncomingPost } from '../../src/domain/post';
import { FULL_SCOPE, type Role, type Scope } from '../../src/domain/access';
import { dropIndices } from '../../src/repositories/indices';
import { eventually } from '../helpers/system';

export { eventually };

const ROOT = new URL('../..', import.meta.url).pathname;
/** The fault suite's own Elasticsearch node (started by the project's global setup). */
export const FAULTS_ES_PORT = process.env.FAULTS_ES_PORT ?? '9260';
export const FAULTS_ES_URL = `http://127.0.0.1:${FAULTS_ES_PORT}`;

/** Starts or stops the private Elasticsearch node (own data dir, pidfile and port). */
export function esService(cmd: 'es-start' | 'es-stop'): void {
  execFileSync('bash', [join(ROOT, 'scripts/services.sh'), cmd], {
    cwd: ROOT,
    env: { ...process.env, ES_INSTANCE: 'faults', ES_PORT: FAULTS_ES_PORT, ES_START_TIMEOUT: '240' },
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 300_000,
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/** A Redis of the scenario's own, persisted with AOF (fsync always) so a kill -9 loses nothing. */
export class PrivateRedis {
  private proc: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'dozor-faults-redis-'));
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  static async create(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.start();
    return r;
  }
  async start(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir], { stdio: 'ignore' });
    await eventually(() => this.ping(), 20_000, `private redis on ${this.port}`);
  }
  ping(): boolean {
    try {
      return execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG';
    } catch {
      return false;
    }
  }
  /** kill -9: whatever the AOF holds is all that survives. */
  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }
  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export type RoleName = 'api' | 'pipeline-worker' | 'connector-worker' | 'fault-connector';

export interface RoleProcess {
  role: RoleName;
  child: ChildProcess;
  /** Set for the API role once it listens. */
  url: string;
  exited: Promise<number | null>;
  /** kill -9 and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the drain to finish; resolves with the exit code. */
  terminate(): Promise<number | null>;
  output(): string;
}

const ENTRY: Record<RoleName, string> = {
  api: 'src/main/api.ts',
  'pipeline-worker': 'src/main/pipeline-worker.ts',
  'connector-worker': 'src/main/connector-worker.ts',
  'fault-connector': 'tests/faults/fault-connector.ts',
};

/** Spawns a real process role and resolves once it logged `started`. */
export async function spawnRole(role: RoleName, env: Record<string, string>, timeoutMs = 120_000): Promise<RoleProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, ENTRY[role])], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let url = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start in ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs);
    const onLine = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.length > 200_000) out = out.slice(-100_000);
      for (const line of chunk.toString().split('\n')) {
        if (!line.includes('"msg":"started"')) continue;
        try {
          const rec = JSON.parse(line) as { url?: string };
          url = rec.url ?? '';
        } catch {
          /* a partial line: the next chunk completes it */
        }
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited with ${code} before it started:\n${out.slice(-3000)}`));
    });
  });
  await started;
  return {
    role,
    child,
    get url() {
      return url;
    },
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    output: () => out,
  };
}

/** Everything one scenario shares: its own prefixes on the private services. */
export interface FaultEnv {
  id: string;
  env: Record<string, string>;
  container: Container;
  close(): Promise<void>;
}

export async function faultEnv(opts: { redisUrl: string; esUrl?: string; env?: Record<string, string> }): Promise<FaultEnv> {
  const id = `f${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const env: Record<string, string> = {
    ES_URL: opts.esUrl ?? FAULTS_ES_URL,
    REDIS_URL: opts.redisUrl,
    ES_INDEX_PREFIX: `faults-${id}`,
    REDIS_PREFIX: `faults-${id}`,
    PIPELINE_CONCURRENCY: '200',
    PIPELINE_BATCH_SIZE: '100',
    PIPELINE_FLUSH_MS: '20',
    SOURCES_RELOAD_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '30000',
    MODEL_RELOAD_SECONDS: '0',
    RETENTION_INTERVAL_SECONDS: '86400',
    ...opts.env,
  };
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', ...env });
  const container = await createContainer(config, { name: 'faults-test' });
  return {
    id,
    env,
    container,
    async close() {
      await dropIndices(container.es, config.ES_INDEX_PREFIX).catch(() => undefined);
      await container.close();
    },
  };
}

const TEXTS: { text: string; municipality: string }[] = [
  { text: 'Третий день нет отопления в доме на ул. Масленникова 70, дети мёрзнут, управляющая компания не берёт трубку! Сколько можно?', municipality: 'omsk' },
  { text: 'Огромная яма на дороге у остановки, машины бьют колёса, никто не ремонтирует уже месяц. Когда починят?', municipality: 'isilkul' },
  { text: 'Во дворе неделю не вывозят мусор, баки переполнены, вонь на весь дом. Куда жаловаться?', municipality: 'kalachinsk' },
  { text: 'В поликлинике невозможно записаться к терапевту, телефон не отвечает третий день, очередь огромная. Безобразие!', municipality: 'omsk' },
  { text: 'Нет горячей воды в подъезде с понедельника, управляющая компания молчит, жильцы возмущены.', municipality: 'azovo' },
];

/** Deterministic posts of one fault run: the same id always means the same post. */
export function faultPost(run: string, n: number, sourceId = 'vk:faults'): IncomingPost {
  const t = TEXTS[n % TEXTS.length] as (typeof TEXTS)[number];
  return {
    network: 'vk',
    externalId: `${run}-${n}`,
    kind: 'post',
    url: `https://vk.com/wall-1_${n}`,
    text: `${t.text} (${n})`,
    publishedAt: new Date(Date.UTC(2026, 11, 1, 8, 0, n % 3600)).toISOString(),
    author: { id: `id${n}`, name: 'Житель Омска', url: `https://vk.com/id${n}` },
    sourceId,
    municipality: t.municipality,
  };
}

export async function createOperator(c: Container, username: string, role: Role = 'operator', scope: Scope = FULL_SCOPE): Promise<{ username: string; password: string }> {
  const password = `${username}-password-1`;
  await c.services.users.createUser({ username, displayName: username, password, role, scope });
  return { username, password };
}

export async function login(apiUrl: string, creds: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...creds, mode: 'bearer' }) });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error('no token');
  return body.token;
}

export interface LedgerResult {
  scenario: string;
  posts: number;
  lost: number;
  duplicated: number;
  missed_events: number;
}

/**
 * Counts, for the posts a connector handed over, the documents in Elasticsearch (exactly one
 * each) and the incidents opened for them (at most one each).
 */
export async function countPosts(c: Container, postIds: readonly string[]): Promise<{ lost: number; duplicated: number; incidents: number }> {
  const es = c.es;
  await es.indices.refresh({ index: [c.names.posts, c.names.incidents], ignore_unavailable: true, allow_no_indices: true });
  const perPost = new Map<string, number>();
  const perIncidentPost = new Map<string, number>();
  for (let i = 0; i < postIds.length; i += 5000) {
    const chunk = postIds.slice(i, i + 5000);
    const posts = await es.search({ index: c.names.posts, size: 0, query: { terms: { id: chunk } }, aggs: { ids: { terms: { field: 'id', size: chunk.length + 10 } } } });
    for (const b of (posts.aggregations?.ids as { buckets: { key: string; doc_count: number }[] }).buckets) perPost.set(b.key, b.doc_count);
    const inc = await es.search({ index: c.names.incidents, size: 0, query: { terms: { post_id: chunk } }, aggs: { ids: { terms: { field: 'post_id', size: chunk.length + 10 } } } });
    for (const b of (inc.aggregations?.ids as { buckets: { key: string; doc_count: number }[] }).buckets) perIncidentPost.set(b.key, b.doc_count);
  }
  let lost = 0;
  let duplicated = 0;
  for (const id of postIds) {
    const n = perPost.get(id) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated += n - 1;
    const k = perIncidentPost.get(id) ?? 0;
    if (k > 1) duplicated += k - 1;
  }
  return { lost, duplicated, incidents: perIncidentPost.size };
}

/** Waits until the posts queue has nothing waiting, delayed or active. */
export async function waitQueueDrained(c: Container, timeoutMs: number): Promise<void> {
  await eventually(async () => {
    const n = await c.postsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
    return Object.values(n).every((v) => v === 0);
  }, timeoutMs, 'posts queue drained');
}

/** Appends the scenario's ledger to FAULTS_LEDGER (read by `npm run faults`). */
export function recordLedger(r: LedgerResult): void {
  const file = process.env.FAULTS_LEDGER;
  if (file) appendFileSync(file, `${JSON.stringify(r)}\n`);
}

/** Seconds of the real scenario squeezed by FAULTS_TIME_SCALE (1 = real time). */
export function scaled(realMs: number, defaultScale: number): number {
  const s = Number(process.env.FAULTS_TIME_SCALE ?? defaultScale);
  return Math.max(50, Math.round(realMs * (Number.isFinite(s) && s > 0 ? s : defaultScale)));
}
