import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, FeedHandshake, ServerToClientEvents } from '../contracts/feed';
import { can, inScope, roomsForItem, roomsForScope } from '../domain/access';
import type { RedisClient } from '../adapters/redis';
import { UnauthorizedError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { compareCursors, type FeedRepository, type StreamRecord } from '../repositories/feed.repository';
import type { SessionRecord, SessionsRepository } from '../repositories/sessions.repository';
import type { AuthService } from '../services/auth.service';
import { isAllowedOrigin, sessionCookieName, cookieValue } from './auth';
import type { IncidentsService } from '../services/incidents.service';

interface SocketData {
  session: SessionRecord;
}
type FeedSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type FeedServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Most events replayed to one reconnecting client; past that it reloads over REST. */
const MAX_REPLAY = 1000;
const SESSION_SWEEP_MS = 3000;
const BLOCK_MS = 2000;

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
}

/**
 * The live feed: socket.io on the API process. The handshake must carry a live session with
 * `feed:read`; the server joins the socket to the rooms of its scope (the client never chooses).
 * Every API process tails the Redis feed stream and pushes to its own sockets, so API nodes scale
 * out without a socket.io adapter; a reconnecting client sends its last cursor and gets what it
 * missed from the stream.
 */
export function attachFeedGateway(httpServer: HttpServer, deps: FeedGatewayDeps) {
  const log = deps.log.child({ module: 'feed-gateway' });
  const io: FeedServer = new Server(httpServer, { serveClient: false, cors: { origin: false } });
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
        if (session.totpEnrolment || !can(session.user.role, 'feed:read')) return next(new Error('forbidden'));
        socket.data.session = session;
        next();
      })
      // Only a missing or ended session sends the client back to login; an outage is retried.
      .catch((err: unknown) => next(new Error(err instanceof UnauthorizedError ? 'unauthorized' : 'unavailable')));
  });

  io.on('connection', (socket: FeedSocket) => {
    const session = socket.data.session;
    const variant = variantOf(session);
    void socket.join(roomsForScope(session.user.scope).map((r) => `${variant}:${r}`));
    const lastCursor = (socket.handshake.auth as FeedHandshake).lastCursor;
    replay(socket, typeof lastCursor === 'string' && /^\d+-\d+$/.test(lastCursor) ? lastCursor : undefined).catch((err: Error) => {
      log.warn({ err: err.message }, 'replay failed');
      socket.emit('feed:ready', { replayed: 0, resync: true, cursor: '0-0' });
    });
  });

  async function replay(socket: FeedSocket, since: string | undefined): Promise<void> {
    const head = await deps.feed.head();
    if (!since) {
      socket.emit('feed:ready', { replayed: 0, resync: false, cursor: head });
      return;
    }
    const trimmed = await deps.feed.trimmedUpTo();
    const records = await deps.feed.readAfter(since, MAX_REPLAY + 1);
    if ((trimmed && compareCursors(since, trimmed) < 0) || records.length > MAX_REPLAY) {
      socket.emit('feed:ready', { replayed: 0, resync: true, cursor: head });
      return;
    }
    const user = socket.data.session.user;
    const docs = await deps.incidents.cards([...new Set(records.map((r) => r.incidentId))]);
    const showAuthor = can(user.role, 'posts:author');
    let replayed = 0;
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
    }
    socket.emit('feed:ready', { replayed, resync: false, cursor: records.at(-1)?.cursor ?? since });
  }

  async function push(records: StreamRecord[]): Promise<void> {
    const docs = await deps.incidents.cards([...new Set(records.map((r) => r.incidentId))]);
    for (const r of records) {
      const doc = docs.get(r.incidentId);
      if (!doc) {
        log.warn({ incidentId: r.incidentId }, 'feed entry without incident document');
        continue;
      }
      if (r.kind === 'new') {
        const rooms = roomsForItem(r);
        io.to(rooms.map((x) => `full:${x}`)).emit('incident:new', { cursor: r.cursor, data: deps.incidents.present(doc, true) });
        io.to(rooms.map((x) => `masked:${x}`)).emit('incident:new', { cursor: r.cursor, data: deps.incidents.present(doc, false) });
        continue;
      }
      // An update goes to the rooms the incident is in now; rooms it left (a corrected sector or
      // municipality) hear only that it left, never its new content.
      const rooms = roomsForItem(doc.doc).flatMap((x) => [`full:${x}`, `masked:${x}`]);
      io.to(rooms.filter((x) => x.startsWith('full:'))).emit('incident:updated', { cursor: r.cursor, data: deps.incidents.present(doc, true) });
      io.to(rooms.filter((x) => x.startsWith('masked:'))).emit('incident:updated', { cursor: r.cursor, data: deps.incidents.present(doc, false) });
      if (r.sector !== doc.doc.sector || r.municipality !== doc.doc.municipality) {
        const old = roomsForItem(r).flatMap((x) => [`full:${x}`, `masked:${x}`]);
        io.to(old).except(rooms).emit('incident:left', { cursor: r.cursor, data: { id: r.incidentId } });
      }
    }
  }

  async function tail(): Promise<void> {
    let cursor = await deps.feed.head();
    while (!stopped) {
      try {
        const records = await deps.feed.waitAfter(deps.blockingRedis, cursor, BLOCK_MS);
        if (records.length === 0) continue;
        cursor = records.at(-1)?.cursor ?? cursor;
        await push(records);
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
      .alive(sockets.map((s) => s.data.session.id))
      .then((alive) => {
        for (const s of sockets) if (!alive.has(s.data.session.id)) s.disconnect(true);
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

  const tailing = tail();

  return {
    io,
    async close(): Promise<void> {
      stopped = true;
      clearInterval(sweep);
      stopRevocations();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      deps.blockingRedis.disconnect();
      await tailing;
    },
  };
}
