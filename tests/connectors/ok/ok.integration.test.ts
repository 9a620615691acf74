/**
 * End to end: the OK connector against the fake OK API, driven by the real runner into the real
 * queue and pipeline (Redis, Elasticsearch), across a restart. Every topic and comment must be
 * indexed exactly once, with the cursor in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, publicAddressesOnly } from '../../../connectors/http/http-client';
import { createOkClient } from '../../../connectors/ok/ok.client';
import { createOkGroupConnector } from '../../../connectors/ok/ok.connector';
import type { IncomingPost } from '../../../src/domain/post';
import { runConnector } from '../../../workers/connector.runner';
import { eventually, startSystem, type TestSystem } from '../../helpers/system';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';
import { ACCESS_TOKEN, APP_KEY, FakeOkApi, SESSION_SECRET } from './fake-ok-api';

const GID = '54321987650077';
const SOURCE = `ok_group:${GID}`;
const MIN = 60_000;
const COMPLAINT = 'Третий день нет отопления в доме на ул. Масленникова 70, дети мёрзнут, управляющая компания не берёт трубку!';

let sys: TestSystem;
let server: FakeServer;
const api = new FakeOkApi();

beforeAll(async () => {
  [sys, server] = await Promise.all([startSystem({ withPipeline: true }), startFakeServer()]);
  api.attach(server);
});
afterAll(async () => {
  await server?.close();
  await sys?.stop();
});

describe('OK connector into the real pipeline', () => {
  it('indexes every topic and comment exactly once across a restart', async () => {
    const now = Date.now();
    api.group(GID);
    const t1 = api.publish(GID, COMPLAINT, now - 40 * MIN);
    api.publish(GID, 'Плановое отключение воды 25 ноября в Кировском округе', now - 30 * MIN);
    api.comment(GID, t1, 'У нас в доме 72 то же самое, третий день без тепла', now - 20 * MIN);

    const http = createHttpClient({
      allowedHosts: ['127.0.0.1'],
      addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
      retries: 1,
      backoff: { baseMs: 1, maxMs: 5 },
    });
    const make = () =>
      createOkGroupConnector({
        sourceId: SOURCE,
        groupId: GID,
        comments: true,
        municipality: 'omsk',
        pollIntervalMs: 20,
        pageSize: 1,
        client: createOkClient({ http, apiUrl: `${server.origin}/fb.do`, applicationKey: APP_KEY, accessToken: ACCESS_TOKEN, sessionSecretKey: SESSION_SECRET }),
      });
    const queued: string[] = [];
    const ingest = {
      async ingest(posts: readonly IncomingPost[]) {
        const res = await sys.container.services.ingest.ingest(posts);
        queued.push(...posts.map((p) => p.externalId));
        return res;
      },
    };
    const deps = { ingest, cursors: sys.container.repos.cursors, log: sys.container.log, backoff: { baseMs: 10, maxMs: 20 } };

    const run1 = new AbortController();
    const r1 = runConnector(make(), deps, run1.signal);
    await eventually(() => queued.length === 3, 10_000, 'first three posts queued');
    run1.abort();
    await r1;
    expect(await sys.container.repos.cursors.get(SOURCE)).not.toBeNull();

    const t3 = api.publish(GID, 'Во дворе на Ленина, 12 не вывозят мусор вторую неделю', now - 5 * MIN);
    api.comment(GID, t3, 'Подтверждаю, контейнеры переполнены', now - 2 * MIN);
    const run2 = new AbortController();
    const r2 = runConnector(make(), deps, run2.signal);
    await eventually(() => queued.length === 5, 10_000, 'posts after the restart queued');
    // More polls served: nothing new may arrive from them.
    const served = api.calls.length;
    await eventually(() => api.calls.length >= served + 6, 10_000, 'more polls served');
    run2.abort();
    await r2;
    expect(queued).toHaveLength(5);
    expect(new Set(queued).size).toBe(5);

    const index = sys.container.names.posts;
    const docs = await eventually(
      async () => {
        await sys.container.es.indices.refresh({ index });
        const res = await sys.container.es.search<{ external_id: string; kind: string; parent_id?: string }>({
          index,
          size: 20,
          query: { term: { source_id: SOURCE } },
        });
        return res.hits.hits.length === 5 ? res.hits.hits : null;
      },
      30_000,
      'five OK posts indexed',
    );
    expect(docs.map((d) => d._source!.external_id).sort()).toEqual([...queued].sort());
    expect(docs.filter((d) => d._source!.kind === 'comment')).toHaveLength(2);
  });
});
