import type { IncomingPost } from './post';

/** One page of a pull connector's output. */
export interface ConnectorPage {
  posts: IncomingPost[];
  /** Cursor to resume from after these posts are safely queued; null keeps the current one. */
  nextCursor: string | null;
  /** How long to wait before the next call (pacing, rate limits, nothing new). */
  waitMs: number;
}

/**
 * What every pull connector implements (VK, Telegram, OK, MAX, RSS, demo). A connector is pure
 * I/O against its network: it never touches queues or cursors storage itself. The runner saves the
 * cursor only after the page's posts are queued, so a crash between the two replays the page and
 * deterministic post ids absorb the duplicates.
 */
export interface Connector {
  /** Stable registry id of the source (also the cursor key). */
  readonly sourceId: string;
  fetchPage(cursor: string | null, signal: AbortSignal): Promise<ConnectorPage>;
}

/**
 * A failure retrying cannot fix: a revoked or invalid token, a source that is private or deleted.
 * The runner records it, stops the source and raises an alert instead of backing off forever.
 */
export class SourceFatalError extends Error {
  override readonly name = 'SourceFatalError';
  constructor(
    /** Coarse reason counted in health metrics: 'auth', 'source_private', 'source_deleted', … */
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}
