import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig, type Config } from '../../src/config/env';
import { createContainer, type Container } from '../../src/container';
import type { ClientToServerEvents, FeedEvent, IncidentCard, ServerToClientEvents } from '../../src/contracts/feed';
import { FULL_SCOPE, type Role, type Scope } from '../../src/domain/access';
import type { IncomingPost } from '../../src/domain/post';
import { dropIndices } from '../../src/repositories/indices';
import { startApiRole, startPipelineRole, type RunningRole } from '../../src/main/roles';
import { createSecretBox, newTotpSecret, totp } from '../../src/services/totp';

export type FeedClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestSystem {
  baseUrl: string;
  credentials: { username: string; password: string };
  container: Container;
  config: Config;
  ingest(posts: IncomingPost[]): Promise<void>;
  createUser(u: { username: string; role: Role; scope?: Scope; password?: string }): Promise<{ username: string; password: string }>;
  /** Logs in with `mode: "bearer"` (completing the TOTP step for users `createUser` enrolled) and returns the token. */
  login(creds?: { username: string; password: string }): Promise<string>;
  /** The TOTP secret `createUser` enrolled for a role that requires it. */
  totpSecretOf(username: string): Buffer | undefined;
  connectFeed(token: string, lastCursor?: string): Promise<{ socket: FeedClient; received: FeedEvent<IncidentCard>[] }>;
  startPipeline(): Promise<void>;
  stopPipeline(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the real system in-process against the real Redis and Elasticsearch, isolated by a
 * unique index and key prefix that `stop` removes.
 */
export async function startSystem(opts: { withPipeline?: boolean; env?: Record<string, string> } = {}): Promise<TestSystem> {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    ES_INDEX_PREFIX: `test-${id}`,
    REDIS_PREFIX: `test-${id}`,
    PIPELINE_FLUSH_MS: '10',
    // Most tests send the same complaint text many times and expect one incident each; grouping
    // (one card per problem) is switched on by the tests about it (tests/workflow).
    INCIDENT_GROUPING_WINDOW_MINUTES: '0',
    ...opts.env,
  });
  const container = await createContainer(config, { name: 'test' });
  const api = await startApiRole(container);
  let pipeline: RunningRole | null = null;
  const sockets: FeedClient[] = [];
  const totpSecrets = new Map<string, Buffer>();

  const system: TestSystem = {
    baseUrl: api.url,
    credentials: { username: 'operator', password: 'operator-password-1' },
    container,
    config,
    async ingest(posts) {
      const res = await container.services.ingest.ingest(posts);
      if (res.rejected.length > 0) throw new Error(`rejected at ingest: ${JSON.stringify(res.rejected)}`);
    },
    async createUser(u) {
      const password = u.password ?? `${u.username}-password-1`;
      await container.services.users.createUser({ username: u.username, displayName: u.username, password, role: u.role, scope: u.scope ?? FULL_SCOPE });
      // Roles that must use TOTP get one enrolled here, so `login` can answer the second step.
      if (container.services.auth.policy.totpRequiredRoles.includes(u.role)) {
        const secret = newTotpSecret();
        const user = await container.repos.users.findByUsername(u.username);
        if (!user) throw new Error('user vanished');
        await container.repos.users.save({ ...user, totpSecret: createSecretBox(config.TOTP_ENCRYPTION_KEY).seal(secret) });
        totpSecrets.set(u.username.toLowerCase(), secret);
      }
      return { username: u.username, password };
    },
    totpSecretOf(username) {
      return totpSecrets.get(username.toLowerCase());
    },
    async login(creds = system.credentials) {
      const post = (path: string, body: unknown) => fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      // Bearer mode: API clients and tests pass the token in Authorization / the socket auth.
      let res = await post('/api/auth/login', { ...creds, mode: 'bearer' });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      let body = (await res.json()) as { token?: string; totpRequired?: boolean; challenge?: string };
      const secret = totpSecrets.get(creds.username.toLowerCase());
      if (body.totpRequired && secret) {
        // A code is accepted once per 30-s step; tests log in more often than that.
        await container.redis.del(`${config.REDIS_PREFIX}:totp-used:${creds.username.toLowerCase()}`);
        res = await post('/api/auth/login/totp', { challenge: body.challenge, code: totp(secret, Date.now()), mode: 'bearer' });
        if (res.status !== 200) throw new Error(`TOTP login failed: ${res.status} ${await res.text()}`);
        body = (await res.json()) as { token?: string };
      }
      if (!body.token) throw new Error(`login answered no token: ${JSON.stringify(body)}`);
      return body.token;
    },
    async connectFeed(token, lastCursor) {
      const received: FeedEvent<IncidentCard>[] = [];
      const socket: FeedClient = connect(api.url, { auth: { token, ...(lastCursor ? { lastCursor } : {}) }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      socket.on('incident:new', (e) => received.push(e));
      await new Promise<void>((resolve, reject) => {
        socket.once('feed:ready', () => resolve());
        socket.once('connect_error', reject);
      });
      return { socket, received };
    },
    async startPipeline() {
      pipeline ??= await startPipelineRole(container);
    },
    async stopPipeline() {
      await pipeline?.stop();
      pipeline = null;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      await system.stopPipeline();
      await api.stop();
      await dropIndices(container.es, config.ES_INDEX_PREFIX);
      await deleteKeys(container, `${config.REDIS_PREFIX}:*`);
      await container.close();
    },
  };
  await system.createUser({ username: system.credentials.username, role: 'operator', password: system.credentials.password });
  if (opts.withPipeline ?? true) await system.startPipeline();
  return system;
}

async function deleteKeys(c: Container, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await c.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await c.redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let seq = 0;
/** A realistic complaint post; override any field. */
export function complaintPost(over: Partial<IncomingPost> = {}): IncomingPost {
  seq++;
  return {
    network: 'vk',
    externalId: `t${Date.now().toString(36)}-${seq}`,
    kind: 'post',
    url: `https://vk.com/wall-1_${seq}`,
    text: 'Третий день нет отопления в доме на ул. Масленникова 70, дети мёрзнут, управляющая компания не берёт трубку! Сколько можно?',
    publishedAt: new Date().toISOString(),
    author: { id: `id${seq}`, name: 'Ирина Смирнова', url: `https://vk.com/id${seq}` },
    sourceId: 'vk:wall-1',
    municipality: 'omsk',
    ...over,
  };
}

/**
 * Resolves once the posts queue holds no job waiting, active, delayed or prioritized: every post
 * ingested so far has been processed (or parked), and whatever it published is on the feed stream.
 */
export async function queueSettled(sys: TestSystem, timeoutMs = 15_000): Promise<void> {
  await eventually(async () => {
    const counts = await sys.container.postsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }, timeoutMs, 'posts queue settled');
}

/**
 * Proves a negative without sleeping. Ingests a fresh complaint post (in the feeds' scope: pass
 * `over` to place it) and waits until every given feed received its incident. Incident events
 * travel one ordered stream and reach each socket in order, so anything published before the
 * barrier's event has reached these sockets by then. Returns the barrier's post id.
 */
export async function feedBarrier(sys: TestSystem, feeds: readonly { received: readonly FeedEvent<IncidentCard>[] }[], over: Partial<IncomingPost> = {}, timeoutMs = 15_000): Promise<string> {
  const post = complaintPost(over);
  const id = `${post.network}:${post.externalId}`;
  await sys.ingest([post]);
  await eventually(() => feeds.every((f) => f.received.some((e) => e.data.postId === id)), timeoutMs, 'the barrier incident on every feed');
  return id;
}
