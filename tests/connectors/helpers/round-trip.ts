/**
 * The end-to-end check every pulling connector shares: the real runner drives it into the real
 * queue and pipeline, is stopped, the network gains posts, and a second process resumes from the
 * cursor in Redis. Each post must be queued once and indexed once.
 */
import { expect } from 'vitest';
import { createHttpClient, publicAddressesOnly, type HttpClient } from '../../../connectors/http/http-client';
import type { Connector } from '../../../src/domain/connector';
import type { IncomingPost } from '../../../src/domain/post';
import { runConnector } from '../../../workers/connector.runner';
import { eventually, type TestSystem } from '../../helpers/system';
import type { FakeServer } from './fake-server';

/** An HTTP client that may reach the fake server on loopback (and nothing else private). */
export function loopbackHttp(server: FakeServer): HttpClient {
  return createHttpClient({
    allowedHosts: ['127.0.0.1'],
    addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
    retries: 1,
    backoff: { baseMs: 1, maxMs: 5 },
  });
}

/** The system's real ingest, recording the external id of every post it was handed, in order. */
export function recordingIngest(sys: TestSystem) {
  const queued: string[] = [];
  const ingest = {
    async ingest(posts: readonly IncomingPost[]) {
      const res = await sys.container.services.ingest.ingest(posts);
      queued.push(...posts.map((p) => p.externalId));
      return res;
    },
  };
  return { ingest, queued };
}

export interface RoundTrip {
  sys: TestSystem;
  server: FakeServer;
  sourceId: string;
  /** A fresh connector (one per process run). */
  make: () => Connector;
  /** Posts on the network before the first run. */
  first: number;
  /** Adds posts to the network while no process runs. */
  whileStopped: () => void;
  /** Posts in all, after the restart. */
  total: number;
}

/**
 * Runs `make()` until `first` posts are queued, stops it (the cursor must be saved), lets
 * `whileStopped` add posts, runs a new connector until `total` are queued and a few more polls
 * brought nothing, and returns the indexed documents of the source once all `total` are there.
 */
export async function runAcrossRestart(t: RoundTrip) {
  const { sys } = t;
  const { ingest, queued } = recordingIngest(sys);
  const deps = { ingest, cursors: sys.container.repos.cursors, log: sys.container.log, backoff: { baseMs: 10, maxMs: 20 } };

  const run1 = new AbortController();
  const r1 = runConnector(t.make(), deps, run1.signal);
  await eventually(() => queued.length === t.first, 10_000, `first ${t.first} posts queued`);
  run1.abort();
  await r1;
  expect(await sys.container.repos.cursors.get(t.sourceId)).not.toBeNull();

  t.whileStopped();
  const run2 = new AbortController();
  const r2 = runConnector(t.make(), deps, run2.signal);
  await eventually(() => queued.length === t.total, 10_000, 'posts after the restart queued');
  // More requests served (a few more polls): nothing new may arrive from them.
  const served = t.server.requests.length;
  await eventually(() => t.server.requests.length >= served + 6, 10_000, 'more polls served');
  run2.abort();
  await r2;
  expect(queued).toHaveLength(t.total);
  expect(new Set(queued).size).toBe(t.total);

  const index = sys.container.names.posts;
  const docs = await eventually(
    async () => {
      await sys.container.es.indices.refresh({ index });
      const res = await sys.container.es.search<{ external_id: string; kind: string; parent_id?: string }>({ index, size: 50, query: { term: { source_id: t.sourceId } } });
      return res.hits.hits.length >= t.total ? res.hits.hits.map((h) => h._source!) : null;
    },
    30_000,
    `${t.total} posts of ${t.sourceId} indexed`,
  );
  expect(docs.map((d) => d.external_id).sort()).toEqual([...queued].sort());
  return docs;
}
