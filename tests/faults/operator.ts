/**
 * An operator's dashboard as the ledger sees it: a socket.io client that keeps its last cursor,
 * reconnects (to the next API node when one dies) with that cursor, and on `resync` reloads the
 * list over REST — the "reload" state. Every event it receives, and every gap the server
 * announced, is recorded, so a missing event that nobody announced is a silent gap.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, FeedEvent, FeedReady, IncidentCard, ServerToClientEvents } from '../../src/contracts/feed';
import { inScope, type Scope } from '../../src/domain/access';
import { compareCursors, type FeedRepository, type StreamRecord } from '../../src/repositories/feed.repository';

type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface OperatorClient {
  readonly name: string;
  readonly scope: Scope;
  /** incident id → times `incident:new` was received. */
  readonly received: Map<string, number>;
  /** Stream cursor → times an `incident:updated` / `incident:left` for that entry was received. */
  readonly updates: Map<string, number>;
  /** Cursor ranges (after, upTo] the server announced as not replayable: the client reloaded. */
  readonly gaps: { after: string; upTo: string }[];
  readonly firstCursor: string;
  lastCursor: string;
  reloads: number;
  /** Closes the socket for `ms`, then reconnects with the last cursor. */
  drop(ms: number): Promise<FeedReady>;
  connected(): boolean;
  close(): void;
}

export async function operatorClient(opts: { name: string; urls: string[]; token: string; scope: Scope; reconnect?: boolean }): Promise<OperatorClient> {
  let socket: FeedSocket | null = null;
  let urlIndex = 0;
  let closed = false;
  let dropping = false;
  const received = new Map<string, number>();
  const updates = new Map<string, number>();
  const gaps: { after: string; upTo: string }[] = [];

  const open = (lastCursor?: string): Promise<FeedReady> =>
    new Promise((resolve, reject) => {
      const url = opts.urls[urlIndex % opts.urls.length] as string;
      const s: FeedSocket = connect(url, { auth: { token: opts.token, ...(lastCursor ? { lastCursor } : {}) }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
      socket = s;
      s.on('incident:new', (e: FeedEvent<IncidentCard>) => {
        received.set(e.data.id, (received.get(e.data.id) ?? 0) + 1);
        if (compareCursors(e.cursor, client.lastCursor) > 0) client.lastCursor = e.cursor;
      });
      // A change to an incident (grouping, workflow) or its leaving this scope: one per stream entry.
      const onUpdate = (e: { cursor: string }) => {
        updates.set(e.cursor, (updates.get(e.cursor) ?? 0) + 1);
        if (compareCursors(e.cursor, client.lastCursor) > 0) client.lastCursor = e.cursor;
      };
      s.on('incident:updated', onUpdate);
      s.on('incident:left', onUpdate);
      s.once('feed:ready', (info) => {
        if (info.resync) {
          gaps.push({ after: lastCursor ?? '0-0', upTo: info.cursor });
          client.reloads++;
          // A failed reload (the node went away meanwhile) is the next reconnect's job.
          reload(url).catch(() => undefined);
        }
        if (compareCursors(info.cursor, client.lastCursor) > 0) client.lastCursor = info.cursor;
        resolve(info);
      });
      s.once('connect_error', (err) => {
        s.close();
        reject(err);
      });
      s.on('disconnect', (reason) => {
        if (closed || dropping || reason === 'io client disconnect') return;
        void reconnectLoop();
      });
    });

  // The dashboard's reload: the list over REST (must answer, it is what the operator then sees).
  async function reload(url: string): Promise<void> {
    const res = await fetch(`${url}/api/incidents?limit=200`, { headers: { authorization: `Bearer ${opts.token}` } });
    if (res.status !== 200) throw new Error(`reload answered ${res.status}`);
  }

  async function reconnectLoop(): Promise<void> {
    for (let attempt = 0; !closed; attempt++) {
      urlIndex++; // the node that dropped us may be gone: try the next one first
      try {
        await open(client.lastCursor);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  const client: OperatorClient = {
    name: opts.name,
    scope: opts.scope,
    received,
    updates,
    gaps,
    firstCursor: '0-0',
    lastCursor: '0-0',
    reloads: 0,
    async drop(ms) {
      dropping = true;
      socket?.disconnect();
      await new Promise((r) => setTimeout(r, ms));
      dropping = false;
      return open(client.lastCursor);
    },
    connected: () => socket?.connected === true,
    close() {
      closed = true;
      socket?.disconnect();
    },
  };
  const ready = await open();
  (client as { firstCursor: string }).firstCursor = ready.cursor;
  client.lastCursor = ready.cursor;
  return client;
}

/**
 * Feed events the client should have: every stream entry after its first cursor in its scope —
 * `new` entries (one per incident; `expected` counts them) and `updated` entries (`expectedUpdates`;
 * the fault scenarios never move an incident out of a scope, so an update in scope is one the
 * client must hear). An update appended before its incident's `new` entry (a post grouped into an
 * incident another batch is still creating) is covered by that `new` event, which carries the
 * current card. Returns the entries the client neither received nor was told it missed (silent
 * gaps), and the ones it received more than once.
 */
export async function missedEvents(feed: FeedRepository, client: OperatorClient): Promise<{ expected: number; expectedUpdates: number; missed: number; duplicated: number }> {
  const records: StreamRecord[] = [];
  for (let cursor = client.firstCursor; ; ) {
    const page = await feed.readAfter(cursor, 1000);
    if (page.length === 0) break;
    records.push(...page);
    cursor = page.at(-1)?.cursor ?? cursor;
  }
  const opened = new Map<string, string>();
  for (const r of records) if (r.kind === 'new') opened.set(r.incidentId, r.cursor);
  let expected = 0;
  let expectedUpdates = 0;
  let missed = 0;
  for (const r of records) {
    if (!inScope(client.scope, r)) continue;
    const openedAt = opened.get(r.incidentId);
    const beforeOpening = r.kind === 'updated' && openedAt !== undefined && compareCursors(r.cursor, openedAt) < 0;
    const got = r.kind === 'new' || beforeOpening ? client.received.has(r.incidentId) : client.updates.has(r.cursor);
    if (r.kind === 'new') expected++;
    else expectedUpdates++;
    const announced = client.gaps.some((g) => compareCursors(r.cursor, g.after) > 0 && compareCursors(r.cursor, g.upTo) <= 0);
    if (!got && !announced) missed++;
  }
  let duplicated = 0;
  for (const n of client.received.values()) if (n > 1) duplicated += n - 1;
  for (const n of client.updates.values()) if (n > 1) duplicated += n - 1;
  return { expected, expectedUpdates, missed, duplicated };
}
