/**
 * The live feed as a model the shell owns: one socket for the application, its connection state
 * (shown in the top bar and as a banner while disconnected), and listeners pages subscribe to.
 * A page that needs live events calls `feed.start(cursor)` with the cursor of its REST snapshot
 * and `feed.on(...)` inside an effect, returning the unsubscribe as the cleanup.
 */
import { signal } from '@preact/signals';
import type { FeedReady, IncidentCard } from '../../src/contracts/feed';
import { FeedClient, type ConnectionState, type FeedHandlers, type PushedNotification } from './feed-client';

export type { ConnectionState };
export type FeedState = ConnectionState | 'idle';

export interface FeedListener {
  onIncident?(card: IncidentCard): void;
  onUpdated?(card: IncidentCard): void;
  onLeft?(id: string): void;
  onReady?(info: FeedReady): void;
  onNotification?(n: PushedNotification): void;
}

export interface FeedTransport {
  start(): void;
  stop(): void;
}

export type TransportFactory = (cursor: string | undefined, handlers: FeedHandlers) => FeedTransport;

const socketTransport: TransportFactory = (cursor, handlers) => new FeedClient(cursor, handlers);

export function createFeed(opts: { transport?: TransportFactory; onUnauthorized?: () => void } = {}) {
  const make = opts.transport ?? socketTransport;
  const state = signal<FeedState>('idle');
  /** The session may not read the live feed (role without feed:read). */
  const forbidden = signal(false);
  const listeners = new Set<FeedListener>();
  const current: { transport: FeedTransport | null } = { transport: null };

  const stop = (): void => {
    current.transport?.stop();
    current.transport = null;
    state.value = 'idle';
  };

  return {
    state,
    forbidden,
    /** (Re)open the socket, replaying from `cursor` (the REST snapshot's). */
    start(cursor: string | undefined): void {
      current.transport?.stop();
      forbidden.value = false;
      const transport = make(cursor, {
        onIncident: (card) => listeners.forEach((l) => l.onIncident?.(card)),
        onUpdated: (card) => listeners.forEach((l) => l.onUpdated?.(card)),
        onLeft: (id) => listeners.forEach((l) => l.onLeft?.(id)),
        onNotification: (n) => listeners.forEach((l) => l.onNotification?.(n)),
        onReady: (info) => listeners.forEach((l) => l.onReady?.(info)),
        onState: (s) => {
          if (current.transport === transport || current.transport === null) state.value = s;
        },
        onUnauthorized: () => {
          stop();
          opts.onUnauthorized?.();
        },
        onForbidden: () => {
          forbidden.value = true;
        },
      });
      current.transport = transport;
      transport.start();
    },
    stop,
    /** Subscribe; returns the unsubscribe (use it as an effect's cleanup). */
    on(listener: FeedListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type Feed = ReturnType<typeof createFeed>;
