/**
 * End to end: the connector role with MAX_BOT_TOKEN set runs the updates stream next to the
 * per-chat backfill for a registered max_chat source, into the real queue and pipeline (Redis,
 * Elasticsearch). A message delivered by both paths is one document; a live message arrives
 * through the stream within a long poll; chats outside the registry are not indexed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicAddressesOnly } from '../../../connectors/http/http-client';
import { maxUpdatesStreamId } from '../../../connectors/max/max.updates';
import { sourceKey, type Source } from '../../../src/domain/source';
import { startConnectorRole } from '../../../src/main/roles';
import { eventually, startSystem, type TestSystem } from '../../helpers/system';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';
import { BOT_TOKEN, FakeMaxApi } from './fake-max-api';

const CHAT = '-70123456031';
const STRANGER = '-70555000031';
const STREAM = maxUpdatesStreamId(BOT_TOKEN);
const MIN = 60_000;

let sys: TestSystem;
let server: FakeServer;
let role: Awaited<ReturnType<typeof startConnectorRole>> | null = null;
const api = new FakeMaxApi();

beforeAll(async () => {
  server = await startFakeServer();
  api.attach(server);
  sys = await startSystem({ withPipeline: true, env: { SOURCES_RELOAD_MS: '200', MAX_BOT_TOKEN: BOT_TOKEN, MAX_API_URL: server.origin, VK_ACCESS_TOKEN: '' } });
}, 60_000);
afterAll(async () => {
  await role?.stop();
  await sys?.stop();
  await server?.close();
});

interface Doc {
  external_id: string;
  source_id: string;
  municipality: string;
  text: string;
}

async function docsOf(sourceId: string): Promise<Doc[]> {
  const index = sys.container.names.posts;
  await sys.container.es.indices.refresh({ index });
  const res = await sys.container.es.search<Doc>({ index, size: 50, query: { term: { source_id: sourceId } } });
  return res.hits.hits.map((h) => h._source!);
}

describe('MAX updates stream in the connector role', () => {
  it('indexes backfill and live messages of a registered chat once each, under its source and municipality', async () => {
    const now = Date.now();
    api.chat(CHAT);
    api.chat(STRANGER);
    // Before the source exists: in the chat's history and in the updates stream alike.
    api.post(CHAT, 'Третий день нет отопления, дети мёрзнут, управляющая компания не берёт трубку', now - 30 * MIN);
    api.post(CHAT, 'Плановое отключение горячей воды на следующей неделе', now - 20 * MIN);
    api.post(STRANGER, 'Сообщение из чата, которого нет в реестре', now - 10 * MIN);

    role = await startConnectorRole(sys.container, {
      addressPolicy: (address, target) => (address === '127.0.0.1' && target.port === server.port) || publicAddressesOnly(address, target),
      maxUpdates: { longPollSec: 1, catchUpPollMs: 10 * MIN },
    });
    expect(role.supervisor.states()).not.toHaveProperty(STREAM); // no max_chat source yet: no stream

    const at = new Date().toISOString();
    const partial = { kind: 'max_chat', settings: { chatId: CHAT } } as const;
    const source = { ...partial, id: sourceKey(partial), title: 'Чат жильцов', municipality: 'omsk', status: 'active', createdAt: at, updatedAt: at } as Source;
    expect(await sys.container.repos.sources.create(source)).toBe('created');

    await eventually(() => role!.supervisor.states()[STREAM] === 'running' && role!.supervisor.states()[source.id] === 'running', 10_000, 'stream and chat running');
    // Both paths deliver the two older messages: one document each.
    await eventually(async () => (await sys.container.repos.sourceHealth.get(STREAM)).itemsTotal >= 2, 15_000, 'stream delivered the backlog');
    await eventually(async () => (await docsOf(source.id)).length === 2, 30_000, 'backlog indexed');
    expect(server.requests.filter((r) => r.path.startsWith('/messages?')).length).toBeGreaterThan(0); // the backfill ran too

    // Live: the per-chat connector sleeps for ten minutes, so only the stream can bring this one.
    const messagesCalls = server.requests.filter((r) => r.path.startsWith('/messages?')).length;
    const sent = Date.now();
    api.post(CHAT, 'Во дворе на Ленина, 12 прорвало трубу, вода заливает подвал', Date.now());
    const docs = await eventually(async () => {
      const d = await docsOf(source.id);
      return d.length === 3 ? d : null;
    }, 30_000, 'live message indexed');
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect(server.requests.filter((r) => r.path.startsWith('/messages?')).length).toBe(messagesCalls);
    expect(new Set(docs.map((d) => d.external_id)).size).toBe(3);
    for (const d of docs) {
      expect(d.external_id).toMatch(new RegExp(`^${CHAT}:mid\\.`));
      expect(d.municipality).toBe('omsk');
    }
    expect(await docsOf(`max_chat:${STRANGER}`)).toHaveLength(0);

    // Health: the stream under its own id (3 items), the chat's items under its source.
    const stream = await sys.container.repos.sourceHealth.get(STREAM);
    expect(stream.itemsTotal).toBe(3);
    expect(stream.lastSuccessAt).not.toBeNull();
    // The chat's source counts both deliveries: stream 3 + backfill 2 (the overlap one document each, above).
    expect((await sys.container.repos.sourceHealth.get(source.id)).itemsTotal).toBeGreaterThanOrEqual(5);
    // The marker is saved as the stream's cursor.
    expect(JSON.parse((await sys.container.repos.cursors.get(STREAM))!)).toEqual({ v: 1, marker: String(api.nextMarker) });

    // The last max_chat source paused: the stream stops too.
    await sys.container.repos.sources.replace({ ...source, status: 'paused', updatedAt: new Date().toISOString() });
    await eventually(() => !(STREAM in role!.supervisor.states()), 10_000, 'stream stopped with the last chat');
  }, 90_000);
});
