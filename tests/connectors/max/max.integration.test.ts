/**
 * End to end: the MAX connector against the fake MAX Bot API, driven by the real runner into the real
 * queue and pipeline (Redis, Elasticsearch), across a restart. Every message must be
 * indexed exactly once, with the cursor in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxClient } from '../../../connectors/max/max.client';
import { createMaxChatConnector } from '../../../connectors/max/max.connector';
import { startSystem, type TestSystem } from '../../helpers/system';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';
import { loopbackHttp, runAcrossRestart } from '../helpers/round-trip';
import { BOT_TOKEN, FakeMaxApi } from './fake-max-api';

const CHAT = '-70123456077';
const SOURCE = `max_chat:${CHAT}`;
const MIN = 60_000;
const COMPLAINT = 'Третий день нет отопления в доме на ул. Масленникова 70, дети мёрзнут, управляющая компания не берёт трубку!';

let sys: TestSystem;
let server: FakeServer;
const api = new FakeMaxApi();

beforeAll(async () => {
  [sys, server] = await Promise.all([startSystem({ withPipeline: true }), startFakeServer()]);
  api.attach(server);
});
afterAll(async () => {
  await server?.close();
  await sys?.stop();
});

describe('MAX connector into the real pipeline', () => {
  it('indexes every message exactly once across a restart, replies as comments', async () => {
    const now = Date.now();
    api.chat(CHAT);
    const m1 = api.post(CHAT, COMPLAINT, now - 40 * MIN);
    api.post(CHAT, 'Плановое отключение воды 25 ноября в Кировском округе', now - 30 * MIN);
    api.post(CHAT, 'У нас в доме 72 то же самое, третий день без тепла', now - 20 * MIN, {
      link: { type: 'reply', chat_id: Number(CHAT), message: { mid: m1, text: COMPLAINT } },
    });

    const http = loopbackHttp(server);
    const docs = await runAcrossRestart({
      sys,
      server,
      sourceId: SOURCE,
      make: () =>
        createMaxChatConnector({
          sourceId: SOURCE,
          chatId: CHAT,
          chatTitle: 'Чат жильцов',
          municipality: 'omsk',
          pollIntervalMs: 20,
          pageSize: 2,
          client: createMaxClient({ http, apiUrl: server.origin, token: BOT_TOKEN }),
        }),
      first: 3,
      whileStopped: () => {
        api.post(CHAT, 'Во дворе на Ленина, 12 не вывозят мусор вторую неделю', now - 5 * MIN);
        api.post(CHAT, 'Подтверждаю, контейнеры переполнены', now - 2 * MIN);
      },
      total: 5,
    });
    expect(docs.filter((d) => d.kind === 'comment')).toHaveLength(1);
  });
});
