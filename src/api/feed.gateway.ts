import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ClientToServerEvents, FeedEvent, FeedHandshake, IncidentCard, ServerToClientEvents } from '../contracts/feed';
import { can, inScope, roomsForItem, roomsForScope } from '../domain/access';
import type { RedisClient } from '../adapters/redis';
import { UnauthorizedError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { compareCursors, type FeedRepository, type StreamRecord } from '../repositories/feed.repository';
import type { SessionRecord, SessionsRepository } from '../repositories/sessions.repository';
import type { SocketRegistryRepository } from '../repositories/socket-registry.repository';
import type { AuthService } from '../services/auth.service';
import { isAllowedOrigin, sessionCookieName, cookieValue } from './auth';
import type { IncidentsService } from '../services/incidents.service';
import type { NotificationChannel } from '../repositories/notification-channel.repository';

interface SocketData {
  session: SessionRecord;
  /** Live events that arrived while the socket's replay was running; sent after it (see handOver). */
  pending?: Pending[];
  /** After the replay: the newest cursor the socket has; live events up to it are not sent again. */
  liveFrom?: string;
}
/** A live event held while the socket's replay runs: sent after it, unless the replay covered it. */
type Pending =
  | { name: 'incident:new' | 'incident:updated'; event: FeedEvent<IncidentCard> }
  | { name: 'incident:left'; event: FeedEvent<{ id: string }> };

function emitPending(socket: FeedSocket, p: Pending): void {
  if (p.name === 'incident:left') socket.emit('incident:left', p.event);
  else socket.emit(p.name, p.event);
}

type FeedSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type FeedServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const SESSION_SWEEP_MS = 3000;
/** A registered socket lapses this long after its node last refreshed it (a crashed node's sockets free up). */
const SOCKET_TTL_MS = 30_000;
const BLOCK_MS = 2000;
/**
 * Sockets between replay and live: live pushes wait for them while the replay runs, then skip
 * what the replay already sent (the tail may have read an event before the replay and push it after).
 */
const SYNCING = 'syncing';
/** One user's sockets: escalation notifications go here. */
const userRoom = (userId: string) => `u:${userId}`;

// Authors are visible to some roles only, so every room exists in two variants.
const variantOf = (s: SessionRecord) => (can(s.user.role, 'posts:author') ? 'full' : 'masked');

export interface FeedGatewayDeps {
  auth: Pick<AuthService, 'authenticate' | 'policy'>;
  sessions: Pick<SessionsRepository, 'alive' | 'onRemoved'>;
  feed: FeedRepository;
  incidents: IncidentsService;
  /** A dedicated connection: XREAD BLOCK holds it. */
  blockingRedis: RedisClient;
  log: Logger;
  /**
   * Several API nodes: the socket.io Redis streams adapter (its own blocking connection and
   * stream), so node-wide operations reach every node's sockets. Feed events stay node-local.
   */
  adapter?: { redis: RedisClient; streamName: string };
  /** Per-user socket registry and counters; without it only the replay cap applies. */
  sockets?: SocketRegistryRepository;
  /** Escalation notifications pushed to their recipient's sockets (issue 11 point 4). */
  notifications?: Pick<NotificationChannel, 'subscribe'>;
  limits?: Partial<FeedLimits>;
}

export interface FeedLimits {
  /** Sockets one user may hold open at once, across API nodes (SOCKETS_PER_USER). */
  socketsPerUser: number;
  /** Connection attempts per user per minute (SOCKET_CONNECTS_PER_MINUTE). */
  connectsPerMinute: number;
  /** Most events one reconnect replays; past that the client reloads over REST (SOCKET_REPLAY_MAX). */
  replayMax: number;
  /** Replayed events per user per minute, all sockets together. */
  replayPerMinute: number;
}

/** Why a socket was refused: the `connect_error` message, with `data.message` for people. */
function refusal(reason: 'too_many_sockets' | 'rate_limited', message: string, limit: number): Error {
  return Object.assign(new Error(reason), { data: { reason, message, limit } });
}

/**
 * The live feed: socket.io on the API process. The handshake must carry a live session with
 * `feed:read`; the server joins the socket to the rooms of its scope (the client never chooses).
 * Every API process tails the Redis feed stream and pushes to its own sockets (the streams
 * adapter carries only node-wide operations); a reconnecting client, on any node, sends its last
 * cursor and gets what it missed from the stream.
 */
export function attachFeedGateway(httpServer: HttpServer, deps: FeedGatewayDeps) {
  const log = deps.log.child({ module: 'feed-gateway' });
  const replayMax = deps.limits?.replayMax ?? 500;
  const limits: FeedLimits = { socketsPerUser: 10, connectsPerMinute: 30, replayPerMinute: replayMax * 4, ...deps.limits, replayMax };
  const registry = deps.sockets;
  const io: FeedServer = new Server(httpServer, {
    serveClient: false,
    cors: { origin: false },
    ...(deps.adapter ? { adapter: createAdapter(deps.adapter.redis, { streamName: deps.adapter.streamName }) } : {}),
  });
  let stopped = false;

  const { cookieSecure, allowedOrigins } = deps.auth.policy;
  io.use((socket, next) => {
    const hs = (socket.handshake.auth ?? {}) as FeedHandshake;
    const headers = socket.handshake.headers;
    let token = typeof hs.token === 'string' ? hs.token : undefined;
    if (!token) {
      // The dashboards' cookie. WebSockets are not bound by CORS, so check the origin here:
      // another site's page must not open a feed on the user's cookie.
      token = cookieValue(headers.cookie, sessionCookieName(cookieSecure));
      const origin = headers.origin;
      if (token && typeof origin === 'string' && !isAllowedOrigin(origin, headers.host, allowedOrigins)) return next(new Error('forbidden'));
    }
    deps.auth
      .authenticate(token)
      .then((session) => {
        if (session.totpEnrolment || session.passwordChange || !can(session.user.role, 'feed:read')) return next(new Error('forbidden'));
        socket.data.session = session;
        if (!registry) return next();
        return admit(session.user.id, socket.id).then((refused) => next(refused ?? undefined));
      })
      // Only a missing or ended session sends the client back to login; an outage is retried.
      .catch((err: unknown) => next(new Error(err instanceof UnauthorizedError ? 'unauthorized' : 'unavailable')));
  });

  /** The user's connect rate, then their socket count; a refusal says which and why. */
  async function admit(userId: string, socketId: string): Promise<Error | null> {
    if (!registry) return null;
    if ((await registry.countConnect(userId, 60)) > limits.connectsPerMinute) {
      return refusal('rate_limited', `Too many live-feed connections in a minute (limit ${limits.connectsPerMinute}): wait a minute and reload`, limits.connectsPerMinute);
    }
    if (!(await registry.register(userId, socketId, limits.socketsPerUser, SOCKET_TTL_MS))) {
      return refusal('too_many_sockets', `Too many open live-feed connections for this user (limit ${limits.socketsPerUser}): close another tab or window`, limits.socketsPerUser);
    }
    return null;
  }

  io.on('connection', (socket: FeedSocket) => {
    const session = socket.data.session;
    socket.on('disconnect', () => {
      registry?.unregister(session.user.id, socket.id).catch((err: Error) => log.warn({ err: err.message }, 'socket unregister failed'));
    });
    const variant = variantOf(session);
    socket.data.pending = [];
    void socket.join([...roomsForScope(session.user.scope).map((r) => `${variant}:${r}`), SYNCING, userRoom(session.user.id)]);
    const lastCursor = (socket.handshake.auth as FeedHandshake).lastCursor;
    replay(socket, typeof lastCursor === 'string' && /^\d+-\d+$/.test(lastCursor) ? lastCursor : undefined).catch((err: Error) => {
      log.warn({ err: err.message }, 'replay failed');
      socket.emit('feed:ready', { replayed: 0, resync: true, cursor: '0-0' });
      handOver(socket, '0-0');
    });
  });

  /**
   * The cursor a client continues from: its newest in-scope event, never the stream's head (that
   * would reveal when the last out-of-scope event happened). With none recent, the current time.
   */
  async function scopedHead(socket: FeedSocket): Promise<string> {
    const scope = socket.data.session.user.scope;
    const mine = (await deps.feed.latest(1000)).find((r) => inScope(scope, r));
    return mine?.cursor ?? `${Date.now()}-0`;
  }

  // From replay to live: the events pushed during the replay that it did not already send, once,
  // after `feed:ready` (whose cursor the client adopts). Synchronous, so no push slips between.
  function handOver(socket: FeedSocket, replayedUpTo: string): void {
    let upTo = replayedUpTo;
    for (const p of socket.data.pending ?? []) {
      if (compareCursors(p.event.cursor, upTo) <= 0) continue;
      emitPending(socket, p);
      upTo = p.event.cursor;
    }
    delete socket.data.pending;
    socket.data.liveFrom = upTo;
  }

  async function replay(socket: FeedSocket, since: string | undefined): Promise<void> {
    const head = await scopedHead(socket);
    if (!since) {
      socket.emit('feed:ready', { replayed: 0, resync: false, cursor: head });
      handOver(socket, head);
      return;
    }
    const trimmed = await deps.feed.trimmedUpTo();
    const records = await deps.feed.readAfter(since, replayMax + 1);
    if ((trimmed && compareCursors(since, trimmed) < 0) || records.length > replayMax) {
      socket.emit('feed:ready', { replayed: 0, resync: true, cursor: head });
      handOver(socket, head);
      return;
    }
    const user = socket.data.session.user;
    // Updates are sent by the incident's current scope, so every record is looked at here.
    const mine = records.filter((r) => inScope(user.scope, r));
    // Replay volume per user and minute, all sockets together: past it the client reloads over REST.
    if (registry && mine.length > 0 && (await registry.countReplayed(user.id, mine.length, 60)) > limits.replayPerMinute) {
      socket.emit('feed:ready', { replayed: 0, resync: true, cursor: head });
      handOver(socket, head);
      return;
    }
    const docs = await deps.incidents.cards([...new Set(records.map((r) => r.incidentId))]);
    const showAuthor = can(user.role, 'posts:author');
    let replayed = 0;
    let lastSent: string | undefined;
    for (const r of records) {
      const doc = docs.get(r.incidentId);
      if (!doc) continue;
      if (r.kind === 'new') {
        if (!inScope(user.scope, r)) continue;
        socket.emit('incident:new', { cursor: r.cursor, data: deps.incidents.present(doc, showAuthor) });
      } else if (inScope(user.scope, doc.doc)) {
        socket.emit('incident:updated', { cursor: r.cursor, data: deps.incidents.present(doc, showAuthor) });
      } else if (inScope(user.scope, r)) {
        socket.emit('incident:left', { cursor: r.cursor, data: { id: r.incidentId } });
      } else continue;
      replayed++;
      lastSent = r.cursor;
    }
    const upTo = lastSent ?? since;
    socket.emit('feed:ready', { replayed, resync: false, cursor: upTo });
    handOver(socket, upTo);
  }

  async function push(records: StreamRecord[]): Promise<void> {
    const readAt = Date.now();
    const read = performance.now();
    const docs = await deps.incidents.cards([...new Set(records.map((r) => r.incidentId))]);
    const fetched = performance.now();
    for (const r of records) {
      const doc = docs.get(r.incidentId);
      if (!doc) {
        log.warn({ incidentId: r.incidentId }, 'feed entry without incident document');
        continue;
      }
      // Node-local: every API node tails the stream itself, so a broadcast would arrive twice.
      // A new incident goes to the rooms of its scope; an update to the rooms the incident is in
      // now, and rooms it left (a corrected sector or municipality) hear only that it left.
      const sends: { rooms: string[]; full: Pending; masked: Pending }[] = [];
      if (r.kind === 'new') {
        const rooms = roomsForItem(r);
        sends.push({ rooms, full: { name: 'incident:new', event: { cursor: r.cursor, data: deps.incidents.present(doc, true) } }, masked: { name: 'incident:new', event: { cursor: r.cursor, data: deps.incidents.present(doc, false) } } });
      } else {
        const rooms = roomsForItem(doc.doc);
        sends.push({ rooms, full: { name: 'incident:updated', event: { cursor: r.cursor, data: deps.incidents.present(doc, true) } }, masked: { name: 'incident:updated', event: { cursor: r.cursor, data: deps.incidents.present(doc, false) } } });
        if (r.sector !== doc.doc.sector || r.municipality !== doc.doc.municipality) {
          const left: Pending = { name: 'incident:left', event: { cursor: r.cursor, data: { id: r.incidentId } } };
          const current = new Set(rooms);
          sends.push({ rooms: roomsForItem(r).filter((x) => !current.has(x)), full: left, masked: left });
        }
      }
      const currentRooms = sends[0]?.rooms ?? [];
      for (const { rooms, full, masked } of sends) {
        const except = [SYNCING, ...(full.name === 'incident:left' ? currentRooms.flatMap((x) => [`full:${x}`, `masked:${x}`]) : [])];
        for (const [variant, p] of [['full', full], ['masked', masked]] as const) {
          const target = io.local.to(rooms.map((x) => `${variant}:${x}`)).except(except);
          if (p.name === 'incident:left') target.emit('incident:left', p.event);
          else target.emit(p.name, p.event);
        }
      }
      for (const id of [...(io.of('/').adapter.rooms.get(SYNCING) ?? [])]) {
        const s = io.of('/').sockets.get(id);
        if (!s) continue;
        const events: Pending[] = [];
        for (const { rooms, full, masked } of sends) {
          if (full.name === 'incident:left' && currentRooms.some((x) => s.rooms.has(`full:${x}`) || s.rooms.has(`masked:${x}`))) continue;
          const e = rooms.some((x) => s.rooms.has(`full:${x}`)) ? full : rooms.some((x) => s.rooms.has(`masked:${x}`)) ? masked : null;
          if (e) events.push(e);
        }
        if (s.data.pending) {
          s.data.pending.push(...events);
        } else if (s.data.liveFrom === undefined || compareCursors(r.cursor, s.data.liveFrom) > 0) {
          // The tail is past what the replay sent: from here on the room broadcast serves it.
          for (const e of events) emitPending(s, e);
          void s.leave(SYNCING);
        }
      }
    }
    // Where a delivery's time goes on the server (bench:fanout reads it at LOG_LEVEL=debug);
    // worked out only when it is logged, so the push path pays nothing for it otherwise.
    if (log.isLevelEnabled('debug')) {
      const emitMs = Math.round(performance.now() - fetched);
      // Created → read by this node, for new incidents (the oldest in the batch).
      let arrivalMs = 0;
      for (const r of records) {
        const created = r.kind === 'new' ? docs.get(r.incidentId)?.doc.created_at : undefined;
        if (created) arrivalMs = Math.max(arrivalMs, readAt - Date.parse(created));
      }
      log.debug({ records: records.length, sockets: io.of('/').sockets.size, arrivalMs, cardsMs: Math.round(fetched - read), emitMs }, 'feed pushed');
    }
  }

  async function tail(): Promise<void> {
    let cursor = await deps.feed.head();
    while (!stopped) {
      try {
        const records = await deps.feed.waitAfter(deps.blockingRedis, cursor, BLOCK_MS);
        if (records.length === 0) continue;
        // The cursor moves only once the records are pushed: if reading their incidents fails
        // (Elasticsearch away), nothing was emitted and the same records are tried again, instead
        // of being skipped for every live socket.
        await push(records);
        cursor = records.at(-1)?.cursor ?? cursor;
      } catch (err) {
        if (stopped) break;
        log.warn({ err: (err as Error).message }, 'feed tail failed, retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  // Sessions end on logout, expiry or an administrator's action: their sockets go within seconds.
  const sweep = setInterval(() => {
    const sockets = [...io.of('/').sockets.values()];
    if (sockets.length === 0) return;
    deps.sessions
      // One look per session, not per socket: a user's tabs share a session.
      .alive([...new Set(sockets.map((s) => s.data.session.id))])
      .then(async (alive) => {
        for (const s of sockets) if (!alive.has(s.data.session.id)) s.disconnect(true);
        await registry?.refresh(
          sockets.filter((s) => s.connected).map((s) => ({ userId: s.data.session.user.id, socketKey: s.id })),
          SOCKET_TTL_MS,
        );
      })
      .catch((err: Error) => log.warn({ err: err.message }, 'session sweep failed'));
  }, SESSION_SWEEP_MS);
  sweep.unref();

  // Sessions ended on any API node (logout, or an administrator changing, disabling or resetting
  // the user) are announced over Redis pub/sub: their sockets go at once; the sweep is the fallback.
  const kick = (ended: string[]) => {
    const set = new Set(ended);
    for (const s of io.of('/').sockets.values()) if (set.has(s.data.session.id)) s.disconnect(true);
  };
  const stopRevocations = deps.sessions.onRemoved(kick, (err) => log.warn({ err: err.message }, 'session revocation channel unavailable; relying on the sweep'));

  // Node-local: every API node hears the channel and pushes to its own sockets.
  const stopNotifications = deps.notifications?.subscribe(
    (recipientId, n) => io.local.to(userRoom(recipientId)).emit('notification:new', n),
    (err) => log.warn({ err: err.message }, 'notification channel unavailable; the list still has them'),
  );

  const tailing = tail();

  return {
    io,
    async close(): Promise<void> {
      stopped = true;
      clearInterval(sweep);
      stopRevocations();
      stopNotifications?.();
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      deps.blockingRedis.disconnect();
      deps.adapter?.redis.disconnect();
      await tailing;
    },
  };
}
