import { SourceFatalError, type Connector } from '../src/domain/connector';
import type { Source } from '../src/domain/source';
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
        // A stream serving several sources (the MAX updates stream) also counts each source's own posts.
        for (const [sourceId, items] of bySource(page.posts, connector.sourceId)) {
          await deps.health?.recordSuccess(sourceId, items).catch((e: Error) => log.warn({ sourceId, err: e.message }, 'source health not recorded'));
        }
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

export interface SupervisorDeps {
  /** Active sources of the registry (re-read every `reloadMs`). */
  listActive(): Promise<Source[]>;
  /** Builds a source's connector (null for push sources); throws for one that cannot be built. */
  build(source: Source): Connector | null;
  runner: Omit<RunnerDeps, 'health'> & {
    health: Pick<SourceHealthRepository, 'recordSuccess' | 'recordError' | 'recordStopped' | 'clearStopped'>;
  };
  reloadMs: number;
  /**
   * One process per source when several connector processes run: a source is started only under
   * a lease, renewed every reload; without it every process runs every source.
   */
  lease?: { acquire(sourceId: string): Promise<boolean>; renew(sourceId: string): Promise<boolean>; release(sourceId: string): Promise<void> };
  /** Runs after every reload (alerts check); its failures are logged, never fatal. */
  afterReload?: () => Promise<unknown>;
  /**
   * Connectors that serve several sources at once (one MAX updates stream per bot token), derived
   * from the active sources on every reload. Each runs under its own id (cursor, health, lease)
   * while it is derived and is stopped when it no longer is (the last max_chat source paused).
   */
  streams?: (active: Source[]) => StreamSpec[];
}

export interface StreamSpec {
  /** Cursor, health and lease key; not a registry source id. */
  id: string;
  /** Throws when it cannot be built (recorded like a source's config error). */
  build(): Connector;
}

interface RunningSource {
  /** Changes whenever the source is edited, paused or resumed. */
  version: string;
  abort: AbortController;
  done: Promise<void>;
  state: 'running' | 'ended' | 'config_error' | 'push';
  /** Holds the source's lease (renewed while the entry lives, also after a fatal stop). */
  leased: boolean;
  /** A stream (StreamSpec), not a registry source. */
  stream?: boolean;
}

export interface SourceSupervisor {
  /** Re-reads the registry now and converges (tests; the loop does it every reloadMs). */
  reload(): Promise<void>;
  /** Ids and states of the sources this process handles. */
  states(): Record<string, RunningSource['state']>;
  /** Stops every source gracefully (each finishes or abandons its page, cursors stay consistent). */
  stop(): Promise<void>;
}

/**
 * Runs one connector per active registry source and converges on the registry every `reloadMs`:
 * starts new and resumed sources, restarts edited ones, stops paused and deleted ones (abort, then
 * wait for the loop to end). A source whose connector cannot be built is recorded as stopped
 * (kind `config`) instead of crashing the role; a source stopped on a fatal error stays stopped
 * until an administrator edits or resumes it.
 */
export function superviseSources(deps: SupervisorDeps): SourceSupervisor {
  const log = deps.runner.log.child({ module: 'sources-supervisor' });
  const running = new Map<string, RunningSource>();
  const stopping = new AbortController();
  let chain: Promise<void> = Promise.resolve();

  async function stopOne(id: string): Promise<void> {
    const r = running.get(id);
    if (!r) return;
    running.delete(id);
    r.abort.abort();
    await r.done;
    if (r.leased) await deps.lease?.release(id).catch((err: Error) => log.warn({ sourceId: id, err: err.message }, 'source lease not released'));
  }

  /** null when another process holds the source's lease. */
  function startOne(source: Source): Promise<RunningSource | null> {
    return startEntry({ id: source.id, kind: source.kind }, `${source.updatedAt}|${source.status}`, () => deps.build(source));
  }

  async function startEntry(source: { id: string; kind: string }, version: string, build: () => Connector | null): Promise<RunningSource | null> {
    const abort = new AbortController();
    const health = deps.runner.health;
    const note = (e: Error) => log.warn({ sourceId: source.id, err: e.message }, 'source health not recorded');
    let connector: Connector | null;
    try {
      connector = build();
    } catch (err) {
      const e = err as Error & { kind?: string };
      const kind = typeof e.kind === 'string' ? e.kind : 'config';
      log.error({ sourceId: source.id, kind, err: e.message }, 'source cannot start: needs an administrator');
      const done = health.recordError(source.id, Object.assign(new Error(e.message), { kind })).then(() => health.recordStopped(source.id, { kind, message: e.message })).catch(note);
      return { version, abort, done, state: 'config_error', leased: false };
    }
    if (!connector) return { version, abort, done: Promise.resolve(), state: 'push', leased: false };
    if (deps.lease && !(await deps.lease.acquire(source.id))) return null;
    const entry: RunningSource = { version, abort, done: Promise.resolve(), state: 'running', leased: deps.lease !== undefined };
    entry.done = health
      .clearStopped(source.id)
      .catch(note)
      .then(() => runConnector(connector, deps.runner, abort.signal))
      .catch((err: Error) => log.error({ sourceId: source.id, err: err.message }, 'connector loop failed'))
      .finally(() => {
        entry.state = 'ended';
      });
    log.info({ sourceId: source.id, kind: source.kind }, 'source started');
    return entry;
  }

  async function converge(): Promise<void> {
    let sources: Source[];
    try {
      sources = (await deps.listActive()).filter((s) => s.status === 'active');
    } catch (err) {
      // Registry unreachable: keep running what runs.
      log.warn({ err: (err as Error).message }, 'source registry not readable; keeping the current sources');
      return;
    }
    if (stopping.signal.aborted) return;
    const wanted = new Map(sources.map((s) => [s.id, s]));
    let streams: StreamSpec[] = [];
    let wantedStreams: Set<string>;
    try {
      streams = deps.streams?.(sources) ?? [];
      wantedStreams = new Set(streams.map((s) => s.id));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'streams not derived; keeping the current ones');
      wantedStreams = new Set([...running].filter(([, r]) => r.stream).map(([id]) => id));
    }
    const stops: Promise<void>[] = [];
    for (const [id, r] of running) {
      if (r.stream) {
        if (!wantedStreams.has(id)) {
          log.info({ streamId: id }, 'stream no longer needed: stopping');
          stops.push(stopOne(id));
        }
        continue;
      }
      const s = wanted.get(id);
      if (!s || `${s.updatedAt}|${s.status}` !== r.version) {
        if (s) log.info({ sourceId: id }, 'source changed: restarting');
        else log.info({ sourceId: id }, 'source paused or deleted: stopping');
        stops.push(stopOne(id));
      }
    }
    await Promise.all(stops);
    // Renew held leases; a lease lost (this process stalled past its TTL) means another runs it now.
    for (const [id, r] of [...running]) {
      if (!r.leased || !deps.lease) continue;
      const kept = await deps.lease.renew(id).catch((err: Error) => {
        log.warn({ sourceId: id, err: err.message }, 'source lease not renewed');
        return true;
      });
      if (!kept) {
        log.warn({ sourceId: id }, 'source lease lost: stopping here');
        r.leased = false;
        await stopOne(id);
      }
    }
    for (const s of sources) {
      if (running.has(s.id) || stopping.signal.aborted) continue;
      try {
        const entry = await startOne(s);
        if (entry) running.set(s.id, entry);
      } catch (err) {
        log.warn({ sourceId: s.id, err: (err as Error).message }, 'source not started; retrying on the next reload');
      }
    }
    for (const spec of streams) {
      if (running.has(spec.id) || stopping.signal.aborted) continue;
      try {
        const entry = await startEntry({ id: spec.id, kind: 'stream' }, 'stream', () => spec.build());
        if (entry) {
          entry.stream = true;
          running.set(spec.id, entry);
        }
      } catch (err) {
        log.warn({ streamId: spec.id, err: (err as Error).message }, 'stream not started; retrying on the next reload');
      }
    }
    if (deps.afterReload) await deps.afterReload().catch((err: Error) => log.warn({ err: err.message }, 'after-reload check failed'));
  }

  function reload(): Promise<void> {
    // One convergence at a time; a call during one waits for it, then runs its own.
    const next = chain.then(converge);
    chain = next.catch(() => undefined);
    return next;
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await reload();
      await sleep(deps.reloadMs, stopping.signal);
    }
  })();

  return {
    reload,
    states: () => Object.fromEntries([...running].map(([id, r]) => [id, r.state])),
    async stop() {
      stopping.abort();
      await loop;
      await Promise.all([...running.keys()].map(stopOne));
    },
  };
}

/** Items and newest post per source, for posts queued under another source than `own`. */
function bySource(posts: readonly { sourceId?: string; publishedAt: string }[], own: string): Map<string, { items: number; newestPublishedAt?: string }> {
  const out = new Map<string, { items: number; newestPublishedAt?: string }>();
  for (const p of posts) {
    if (!p.sourceId || p.sourceId === own) continue;
    const e = out.get(p.sourceId) ?? { items: 0 };
    e.items++;
    if (e.newestPublishedAt === undefined || p.publishedAt > e.newestPublishedAt) e.newestPublishedAt = p.publishedAt;
    out.set(p.sourceId, e);
  }
  return out;
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
