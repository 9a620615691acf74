import { SourceFatalError, type Connector } from '../src/domain/connector';
import type { Logger } from '../src/lib/logger';
import type { CursorsRepository } from '../src/repositories/cursors.repository';
import type { SourceHealthRepository } from '../src/repositories/source-health.repository';
import type { IngestService } from '../src/services/ingest.service';

export interface RunnerDeps {
  ingest: Pick<IngestService, 'ingest'>;
  cursors: CursorsRepository;
  log: Logger;
  /** Back-off after a failed page: base and cap, jittered. */
  backoff?: { baseMs: number; maxMs: number };
  /** Records per-source successes, lag and errors by kind. */
  health?: Pick<SourceHealthRepository, 'recordSuccess' | 'recordError'> & Partial<Pick<SourceHealthRepository, 'recordStopped'>>;
}

/**
 * Drives one pull connector: fetch a page from the saved cursor, queue its posts, and only then
 * save the next cursor. A crash between the two replays the page; deterministic ids absorb it.
 */
export function runConnector(connector: Connector, deps: RunnerDeps, signal: AbortSignal): Promise<void> {
  const log = deps.log.child({ module: 'connector', source: connector.sourceId });
  const backoff = deps.backoff ?? { baseMs: 1000, maxMs: 60_000 };
  let failures = 0;

  return (async () => {
    while (!signal.aborted) {
      let waitMs: number;
      try {
        const cursor = await deps.cursors.get(connector.sourceId);
        const page = await connector.fetchPage(cursor, signal);
        if (page.posts.length > 0) {
          const res = await deps.ingest.ingest(page.posts);
          for (const r of res.rejected) log.warn({ index: r.index, reason: r.reason }, 'post rejected at ingest');
        }
        if (page.nextCursor !== null) await deps.cursors.set(connector.sourceId, page.nextCursor);
        failures = 0;
        waitMs = page.waitMs;
        const newest = page.posts.reduce<string | undefined>((max, p) => (max === undefined || p.publishedAt > max ? p.publishedAt : max), undefined);
        await deps.health?.recordSuccess(connector.sourceId, { items: page.posts.length, ...(newest ? { newestPublishedAt: newest } : {}) })
          .catch((e: Error) => log.warn({ err: e.message }, 'source health not recorded'));
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof SourceFatalError) {
          // Retrying cannot help (token revoked, source private or deleted): stop and alert.
          await deps.health?.recordError(connector.sourceId, err).catch((e: Error) => log.warn({ err: e.message }, 'source health not recorded'));
          await deps.health?.recordStopped?.(connector.sourceId, err).catch((e: Error) => log.warn({ err: e.message }, 'source health not recorded'));
          log.error({ kind: err.kind, err: err.message }, 'source stopped: needs an administrator');
          return;
        }
        failures++;
        const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(failures - 1, 16));
        waitMs = cap / 2 + Math.random() * (cap / 2);
        // A network that said when to come back (429 Retry-After, flood wait) is obeyed.
        const retryAfter = (err as { retryAfterMs?: unknown }).retryAfterMs;
        if (typeof retryAfter === 'number' && retryAfter > waitMs) waitMs = retryAfter;
        await deps.health?.recordError(connector.sourceId, err).catch((e: Error) => log.warn({ err: e.message }, 'source health not recorded'));
        log.warn({ err: (err as Error).message, failures, retryInMs: Math.round(waitMs) }, 'connector page failed');
      }
      await sleep(waitMs, signal);
    }
  })();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
