/**
 * End to end: VK wall (with comments) and VK search connectors under the real runner, against the
 * fake VK, into the real ingest → queue → pipeline → Elasticsearch, with the real cursor store in
 * Redis. A flood-control answer and a restart happen on the way; every post and comment must be
 * indexed exactly once, the oversized one parked with its reason.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../connectors/http/http-client';
import { createVkClient } from '../../../connectors/vk/vk.client';
import { createVkSearchConnector, createVkWallConnector } from '../../../connectors/vk/vk.connector';
import type { Connector } from '../../../src/domain/connector';
import { POST_LIMITS, type IncomingPost } from '../../../src/domain/post';
import { jobIdForPost } from '../../../src/queue/queues';
import { runConnector } from '../../../workers/connector.runner';
import { eventually, startSystem, type TestSystem } from '../../helpers/system';
import { FakeVk, TOKEN } from './fake-vk';

const GROUP = 170123456;
const OWNER = -GROUP;
const RESIDENT = 422222222;

let sys: TestSystem;
let vk: FakeVk;

beforeAll(async () => {
  [sys, vk] = await Promise.all([startSystem({ withPipeline: true }), FakeVk.start()]);
  vk.addGroup(GROUP, 'Администрация города Омска', 'omsk_adm');
  vk.addProfile(RESIDENT, 'Алексей', 'Иванов');
});
afterAll(async () => {
  await vk?.close();
  await sys?.stop();
});

function connectors(): Connector[] {
  const http = createHttpClient({
    allowedHosts: ['127.0.0.1'],
    addressPolicy: (address, target) => address === '127.0.0.1' && target.port === vk.server.port,
    retries: 0,
  });
  const client = createVkClient({ http, apiUrl: vk.apiUrl, token: TOKEN, retry: { floodMs: 200, tooManyRequestsMs: 100 } });
  return [
    createVkWallConnector({ sourceId: 'vk_wall:omsk_adm', owner: 'omsk_adm', comments: true, municipality: 'omsk', client, pollIntervalMs: 50 }),
    createVkSearchConnector({ sourceId: 'vk_search:отопление', query: 'отопление', client, pollIntervalMs: 50, overlapSec: 600 }),
  ];
}

/** Every delivery to ingest, as `<sourceId>|<externalId>`: the connectors must not repeat one. */
const deliveries: string[] = [];

function run(): () => Promise<void> {
  const ctl = new AbortController();
  const ingest = {
    ingest: (posts: readonly IncomingPost[]) => {
      deliveries.push(...posts.map((p) => `${p.sourceId}|${p.externalId}`));
      return sys.container.services.ingest.ingest(posts);
    },
  };
  const deps = { ingest, cursors: sys.container.repos.cursors, log: pino({ level: 'silent' }), backoff: { baseMs: 20, maxMs: 50 } };
  const runs = connectors().map((c) => runConnector(c, deps, ctl.signal));
  return async () => {
    ctl.abort();
    await Promise.all(runs);
  };
}

async function indexed(): Promise<string[]> {
  await sys.container.es.indices.refresh({ index: sys.container.names.posts });
  const res = await sys.container.es.search<{ id: string }>({ index: sys.container.names.posts, size: 1000, query: { term: { network: 'vk' } }, _source: ['id'] });
  return res.hits.hits.map((h) => h._source!.id);
}

describe('VK connectors into the real pipeline', () => {
  it('indexes every post and comment exactly once across a flood wait and a restart', async () => {
    const expected: string[] = [];
    // Real posts are dated when they are published (the search asks up to the wall clock).
    const now = () => Math.floor(Date.now() / 1000);
    const post = (text: string) => {
      const p = vk.publish(OWNER, text, { date: now() });
      expected.push(`vk:${OWNER}_${p.id}`);
      return p;
    };
    const comment = (postId: number, text: string, replyTo?: number) => {
      const c = vk.comment(OWNER, postId, replyTo ? OWNER : RESIDENT, text, replyTo);
      expected.push(`vk:${OWNER}_${postId}_c${c.id}`);
      return c;
    };
    const p1 = post('Плановое отключение горячей воды 24 ноября в Ленинском округе');
    post('Когда включат отопление в доме на ул. Масленникова, 70? Третий день холодно');
    const c1 = comment(p1.id, 'А на Красном Пути воды нет уже сейчас!');
    comment(p1.id, 'Здравствуйте! Аварийная бригада на месте, подачу восстановят к 18:00.', c1.id);
    const huge = vk.publish(OWNER, 'о'.repeat(POST_LIMITS.maxTextChars + 10), { date: now() });
    const hugeId = `vk:${OWNER}_${huge.id}`;

    const stop1 = run();
    await eventually(async () => (await indexed()).length >= expected.length, 30_000, 'first batch indexed');
    vk.fail('wall.get', { code: 9 }); // flood control: the runner waits and goes on
    const p3 = post('Отопление дали, спасибо');
    comment(p3.id, 'У нас тоже появилось тепло');
    await eventually(async () => (await indexed()).length >= expected.length, 30_000, 'after the flood wait');
    expect(vk.pendingFailures).toBe(0); // the flood answer was served
    await stop1();

    // While stopped: new posts and comments, including under an older post.
    const p4 = post('Перекрытие ул. Ленина с 22:00 до 6:00');
    comment(p1.id, 'Воду так и не дали');
    comment(p4.id, 'Как объехать?');
    const stop2 = run();
    await eventually(async () => (await indexed()).length >= expected.length, 30_000, 'after the restart');
    // Two more polls of each connector: nothing more may arrive from them.
    const polls = () => Math.min(vk.methodCalls('wall.get').length, vk.methodCalls('newsfeed.search').length);
    const before = polls();
    await eventually(() => polls() >= before + 2, 10_000, 'two more polls of each connector');
    await stop2();

    const docs = await indexed();
    expect(docs.sort()).toEqual([...expected].sort()); // no loss, no duplicate, nothing extra
    expect(deliveries.length).toBe(new Set(deliveries).size); // no connector delivered anything twice
    // The search found the heating posts the wall delivered too: one document each.
    expect(deliveries.filter((d) => d.startsWith('vk_search:'))).toHaveLength(2);
    expect(vk.calls.filter((c) => c.method === 'wall.get').length).toBeGreaterThan(3);
    const parked = await eventually(async () => {
      const j = await sys.container.postsQueue.getJob(jobIdForPost(hugeId));
      return j && (await j.isFailed()) ? j : null;
    }, 10_000, 'oversized post parked');
    expect(parked.failedReason).toMatch(/text longer than 50000/);

    const hit = await sys.container.es.search<{ kind: string; parent_id?: string; municipality: string; source_id: string }>({
      index: sys.container.names.posts,
      query: { term: { id: `vk:${OWNER}_${p1.id}_c${c1.id}` } },
    });
    expect(hit.hits.hits[0]!._source).toMatchObject({ kind: 'comment', municipality: 'omsk', source_id: 'vk_wall:omsk_adm' });
  }, 90_000);
});
