import type { RedisClient } from '../adapters/redis';
import type { Sector } from '../domain/sector';

/** What the feed stream carries: routing facts and ids only, never post text or authors. */
export interface FeedEntry {
  incidentId: string;
  sector: Sector;
  municipality: string;
}

export interface StreamRecord extends FeedEntry {
  cursor: string;
  /** `new`: an incident opened; `updated`: an incident changed (status, owner, posts, comments). */
  kind: 'new' | 'updated';
}

// Publishes at most once per incident: the marker and the stream entry are written atomically,
// so a retried job can always call it and an incident is never pushed twice.
const PUBLISH_ONCE = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'i', ARGV[3], 's', ARGV[4], 'm', ARGV[5])
end
return false`;

function parse(id: string, fields: string[]): StreamRecord | null {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  if (!f.i || !f.s || !f.m) return null;
  return { cursor: id, incidentId: f.i, sector: f.s as Sector, municipality: f.m, kind: f.t === 'u' ? 'updated' : 'new' };
}

export function compareCursors(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am === bm ? as - bs : am - bm;
}

export function createFeedRepository(deps: { redis: RedisClient; prefix: string; retention: number }) {
  const { redis, prefix, retention } = deps;
  const stream = `${prefix}:feed`;
  const marker = (id: string) => `${prefix}:feed:published:${id}`;
  return {
    stream,
    /** Appends entries not published before. Returns the cursors of the ones appended now. */
    async publishOnce(entries: readonly FeedEntry[]): Promise<(string | null)[]> {
      if (entries.length === 0) return [];
      const p = redis.pipeline();
      for (const e of entries) p.eval(PUBLISH_ONCE, 2, marker(e.incidentId), stream, 30 * 24 * 3600, retention, e.incidentId, e.sector, e.municipality);
      const res = (await p.exec()) ?? [];
      return res.map(([err, val]) => {
        if (err) throw err;
        return typeof val === 'string' ? val : null;
      });
    },
    /** Appends an entry again (an incident re-routed to another room): the new room sees it at once. */
    async publish(entry: FeedEntry): Promise<string> {
      return (await redis.xadd(stream, 'MAXLEN', '~', String(retention), '*', 'i', entry.incidentId, 's', entry.sector, 'm', entry.municipality)) as string;
    },
    /** The newest `count` entries, newest first. */
    async latest(count: number): Promise<StreamRecord[]> {
      const rows = (await redis.xrevrange(stream, '+', '-', 'COUNT', count)) as [string, string[]][];
      return rows.map(([id, f]) => parse(id, f)).filter((r): r is StreamRecord => r !== null);
    },
    /**
     * Appends one `updated` entry per incident (every change is an event; the client applies the
     * newest). An incident re-routed to another sector is announced to the old rooms too
     * (`alsoTo`), so their cards learn it left.
     */
    async publishUpdates(entries: readonly (FeedEntry & { alsoTo?: { sector: Sector; municipality: string } })[]): Promise<string[]> {
      if (entries.length === 0) return [];
      const p = redis.pipeline();
      for (const e of entries) {
        p.xadd(stream, 'MAXLEN', '~', retention, '*', 'i', e.incidentId, 's', e.sector, 'm', e.municipality, 't', 'u');
        if (e.alsoTo && (e.alsoTo.sector !== e.sector || e.alsoTo.municipality !== e.municipality)) {
          p.xadd(stream, 'MAXLEN', '~', retention, '*', 'i', e.incidentId, 's', e.alsoTo.sector, 'm', e.alsoTo.municipality, 't', 'u');
        }
      }
      const res = (await p.exec()) ?? [];
      return res.map(([err, val]) => {
        if (err) throw err;
        return String(val);
      });
    },
    /** Entries strictly after `cursor`, oldest first. */
    async readAfter(cursor: string, count: number): Promise<StreamRecord[]> {
      const rows = (await redis.xrange(stream, `(${cursor}`, '+', 'COUNT', count)) as [string, string[]][];
      return rows.map(([id, f]) => parse(id, f)).filter((r): r is StreamRecord => r !== null);
    },
    /** Blocks up to `blockMs` for entries after `cursor` (use a dedicated connection). */
    async waitAfter(conn: RedisClient, cursor: string, blockMs: number, count = 500): Promise<StreamRecord[]> {
      const res = (await conn.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, cursor)) as [string, [string, string[]][]][] | null;
      const rows = res?.[0]?.[1] ?? [];
      return rows.map(([id, f]) => parse(id, f)).filter((r): r is StreamRecord => r !== null);
    },
    /** The id of the newest entry, or '0-0' when the stream is empty. */
    async head(): Promise<string> {
      const rows = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
      return rows[0]?.[0] ?? '0-0';
    },
    /**
     * The newest id trimmed away by retention, or null when nothing was trimmed: a client whose
     * cursor is older has missed events that can no longer be replayed.
     */
    async trimmedUpTo(): Promise<string | null> {
      let info: unknown[];
      try {
        info = (await redis.xinfo('STREAM', stream)) as unknown[];
      } catch {
        return null; // no stream yet
      }
      const field = (name: string) => {
        const i = info.indexOf(name);
        return i >= 0 ? info[i + 1] : undefined;
      };
      const deleted = String(field('max-deleted-entry-id') ?? '0-0');
      if (deleted !== '0-0') return deleted;
      // Trimming by MAXLEN does not move max-deleted-entry-id: when entries were added beyond what
      // the stream holds, everything before its first entry is gone (a cursor just before it may
      // be told to reload needlessly; never the other way round).
      const added = Number(field('entries-added') ?? 0);
      const length = Number(field('length') ?? 0);
      const first = (field('first-entry') as [string, unknown] | null | undefined)?.[0];
      return added > length && first ? first : null;
    },
  };
}
export type FeedRepository = ReturnType<typeof createFeedRepository>;
