import type { estypes } from '@elastic/elasticsearch';
import type { EsClient } from '../adapters/elasticsearch';
import type { RedisClient } from '../adapters/redis';
import type { Source, SourceKind, SourceStatus } from '../domain/source';
import type { IndexNames } from './indices';

interface SourceDoc {
  id: string;
  kind: SourceKind;
  title: string;
  municipality: string;
  official_organisation?: string;
  status: SourceStatus;
  poll_interval_sec?: number;
  created_at: string;
  updated_at: string;
  settings: Record<string, unknown>;
}

export interface SourceFilter {
  kind?: SourceKind;
  status?: SourceStatus;
  municipality?: string;
}

/** More sources than a region could ever register; the list is read whole. */
const MAX_SOURCES = 5000;

function toDoc(s: Source): SourceDoc {
  return {
    id: s.id,
    kind: s.kind,
    title: s.title,
    municipality: s.municipality,
    ...(s.official ? { official_organisation: s.official.organisation } : {}),
    status: s.status,
    ...(s.pollIntervalSec !== undefined ? { poll_interval_sec: s.pollIntervalSec } : {}),
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    settings: s.settings as unknown as Record<string, unknown>,
  };
}

function fromDoc(d: SourceDoc): Source {
  return {
    id: d.id,
    kind: d.kind,
    title: d.title,
    municipality: d.municipality,
    ...(d.official_organisation ? { official: { organisation: d.official_organisation } } : {}),
    status: d.status,
    ...(d.poll_interval_sec !== undefined ? { pollIntervalSec: d.poll_interval_sec } : {}),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    settings: d.settings,
  } as Source;
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

const statusOf = (err: unknown) => (err as { meta?: { statusCode?: number } }).meta?.statusCode;

/**
 * The source registry in Elasticsearch (one index behind the `sources` alias), keyed by the
 * source id — which is its `sourceKey`, so a duplicate is an id conflict that ES refuses
 * atomically. Writes wait for refresh: a list right after a change sees it.
 *
 * Webhook senders' secrets are not in the index: they live in one Redis hash, never returned by
 * `get`/`list`.
 */
export function createSourcesRepository(deps: { es: EsClient; names: IndexNames; redis: RedisClient; prefix: string }) {
  const { es, names } = deps;
  const secretsKey = `${deps.prefix}:webhook-secrets`;
  const leaseKey = (id: string) => `${deps.prefix}:source-lease:${id}`;
  return {
    /** 'exists' when a source with this id (the same sourceKey) is already registered. */
    async create(source: Source): Promise<'created' | 'exists'> {
      try {
        await es.index({ index: names.sourcesIndex, id: source.id, op_type: 'create', document: toDoc(source), refresh: true });
        return 'created';
      } catch (err) {
        if (statusOf(err) === 409) return 'exists';
        throw err;
      }
    },
    /** Replaces an existing source (same id). */
    async replace(source: Source): Promise<void> {
      await es.index({ index: names.sourcesIndex, id: source.id, document: toDoc(source), refresh: true });
    },
    async get(id: string): Promise<Source | null> {
      const res = await es.get<SourceDoc>({ index: names.sourcesIndex, id }, { ignore: [404] });
      return res.found && res._source ? fromDoc(res._source) : null;
    },
    /** Every matching source, oldest first. */
    async list(filter: SourceFilter = {}): Promise<Source[]> {
      const must: estypes.QueryDslQueryContainer[] = [];
      if (filter.kind) must.push({ term: { kind: filter.kind } });
      if (filter.status) must.push({ term: { status: filter.status } });
      if (filter.municipality) must.push({ term: { municipality: filter.municipality } });
      const res = await es.search<SourceDoc>({
        index: names.sources,
        size: MAX_SOURCES,
        query: { bool: { filter: must } },
        sort: [{ created_at: 'asc' as const }, { id: 'asc' as const }],
      });
      return res.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._source)] : []));
    },
    /** true when it existed. */
    async delete(id: string): Promise<boolean> {
      const res = await es.delete({ index: names.sourcesIndex, id, refresh: true }, { ignore: [404] });
      return res.result === 'deleted';
    },

    /**
     * Leases: which connector process runs a source. Taken with SET NX PX, renewed and released
     * only by their owner (compare-and-act in Lua), so two connector processes never poll the
     * same source and a dead process's sources move on after `ttlMs`.
     */
    async acquireLease(sourceId: string, owner: string, ttlMs: number): Promise<boolean> {
      if ((await deps.redis.set(leaseKey(sourceId), owner, 'PX', ttlMs, 'NX')) === 'OK') return true;
      return this.renewLease(sourceId, owner, ttlMs);
    },
    async renewLease(sourceId: string, owner: string, ttlMs: number): Promise<boolean> {
      return Number(await deps.redis.eval(RENEW, 1, leaseKey(sourceId), owner, ttlMs)) === 1;
    },
    async releaseLease(sourceId: string, owner: string): Promise<void> {
      await deps.redis.eval(RELEASE, 1, leaseKey(sourceId), owner);
    },

    async setSecret(senderId: string, secret: string): Promise<void> {
      await deps.redis.hset(secretsKey, senderId, secret);
    },
    async getSecret(senderId: string): Promise<string | null> {
      return deps.redis.hget(secretsKey, senderId);
    },
    async deleteSecret(senderId: string): Promise<void> {
      await deps.redis.hdel(secretsKey, senderId);
    },
  };
}
export type SourcesRepository = ReturnType<typeof createSourcesRepository>;
