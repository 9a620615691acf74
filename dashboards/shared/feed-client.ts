/**
 * Live feed over socket.io. Tracks the last cursor seen so a reconnect replays what was missed,
 * and folds socket.io's events into three states the operator understands.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  FeedEvent,
  FeedHandshake,
  FeedReady,
  IncidentCard,
  ServerToClientEvents,
} from '../../src/contracts/feed';

export type PushedNotification = Parameters<ServerToClientEvents['notification:new']>[0];

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface FeedHandlers {
  onIncident(card: IncidentCard): void;
  /** A card already sent changed (taken, routed, corrected…): apply it in place. */
  onUpdated?(card: IncidentCard): void;
  /** An escalation notification for this user (issue 11): the shell's list gets it at once. */
  onNotification?(n: PushedNotification): void;
  /** The incident left the user's scope: drop its card. */
  onLeft?(id: string): void;
  onReady(info: FeedReady): void;
  onState(state: ConnectionState): void;
  /** The server refused the session: it expired or was revoked. */
  onUnauthorized(): void;
  /** The session is valid but its role may not read the live feed. */
  onForbidden(): void;
}

/** After this many failed attempts in a row «Переподключение…» becomes «Нет связи». */
const FAILS_BEFORE_OFFLINE = 3;

export class FeedClient {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private lastCursor: string | undefined;
  private failures = 0;
  private state: ConnectionState = 'connecting';
  private stopped = false;
  private manualRetry: ReturnType<typeof setTimeout> | undefined;
  private readonly onOnline = (): void => {
    if (this.socket && !this.socket.connected) this.socket.connect();
  };
  private readonly onOffline = (): void => {
    if (this.socket && !this.socket.connected) this.setState('offline');
  };

  constructor(
    initialCursor: string | undefined,
    private readonly handlers: FeedHandlers,
  ) {
    this.lastCursor = initialCursor || undefined;
  }

  get cursor(): string | undefined {
    return this.lastCursor;
  }

  start(): void {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      path: '/socket.io',
      // A function, so every reconnect sends the newest cursor.
      auth: (cb) => {
        // The session cookie goes with the handshake; only the cursor is ours to send.
        const hs: FeedHandshake = {};
        if (this.lastCursor) hs.lastCursor = this.lastCursor;
        cb(hs as Record<string, unknown>);
      },
      reconnection: true,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      timeout: 10_000,
    });
    this.socket = socket;
    this.setState('connecting');

    socket.on('connect', () => {
      this.failures = 0;
      this.setState('connected');
    });
    socket.on('disconnect', (reason) => {
      if (this.stopped) return;
      this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
      // The server closed the connection on purpose: socket.io will not retry by itself.
      if (reason === 'io server disconnect') this.scheduleManualRetry();
    });
    socket.on('connect_error', (err) => {
      if (this.stopped) return;
      if (err.message === 'unauthorized') {
        this.stop();
        this.handlers.onUnauthorized();
        return;
      }
      if (err.message === 'forbidden') {
        this.stop();
        this.setState('offline');
        this.handlers.onForbidden();
        return;
      }
      this.failures += 1;
      const offline = this.failures >= FAILS_BEFORE_OFFLINE || navigator.onLine === false;
      this.setState(offline ? 'offline' : 'reconnecting');
      // A middleware refusal is not retried automatically either.
      if (!socket.active) this.scheduleManualRetry();
    });
    socket.on('incident:new', (event: FeedEvent<IncidentCard>) => {
      if (event.cursor) this.lastCursor = event.cursor;
      this.handlers.onIncident(event.data);
    });
    socket.on('incident:updated', (event: FeedEvent<IncidentCard>) => {
      if (event.cursor) this.lastCursor = event.cursor;
      this.handlers.onUpdated?.(event.data);
    });
    socket.on('incident:left', (event: FeedEvent<{ id: string }>) => {
      if (event.cursor) this.lastCursor = event.cursor;
      this.handlers.onLeft?.(event.data.id);
    });
    socket.on('notification:new', (n) => this.handlers.onNotification?.(n));
    socket.on('feed:ready', (info: FeedReady) => {
      if (info.cursor) this.lastCursor = info.cursor;
      this.handlers.onReady(info);
    });
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.manualRetry);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.disconnect();
      this.socket = null;
    }
  }

  private scheduleManualRetry(): void {
    clearTimeout(this.manualRetry);
    const delay = Math.min(10_000, 1_000 * 2 ** Math.min(this.failures, 4));
    this.manualRetry = setTimeout(() => {
      if (!this.stopped && this.socket && !this.socket.connected) this.socket.connect();
    }, delay);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state && state !== 'connecting') return;
    this.state = state;
    this.handlers.onState(state);
  }
}
