/**
 * End to end: the OK connector against the fake OK API, driven by the real runner into the real
 * queue and pipeline (Redis, Elasticsearch), across a restart. Every topic and comment must be
 * indexed exactly once, with the cursor in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOkClient } from '../../../connectors/ok/ok.client';
import { createOkGroupConnector } from '../../../connectors/ok/ok.connector';
import { startSystem, type TestSystem } from '../../helpers/system';
import { startFakeServer, type FakeServer } from '../helpers/fake-server';
import { loopbackHttp, runAcrossRestart } from '../helpers/round-trip';
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

    const http = loopbackHttp(server);
    const docs = await runAcrossRestart({
      sys,
      server,
      sourceId: SOURCE,
      make: () =>
        createOkGroupConnector({
          sourceId: SOURCE,
          groupId: GID,
          comments: true,
          municipality: 'omsk',
          pollIntervalMs: 20,
          pageSize: 1,
          client: createOkClient({ http, apiUrl: `${server.origin}/fb.do`, applicationKey: APP_KEY, accessToken: ACCESS_TOKEN, sessionSecretKey: SESSION_SECRET }),
        }),
      first: 3,
      whileStopped: () => {
        const t3 = api.publish(GID, 'Во дворе на Ленина, 12 не вывозят мусор вторую неделю', now - 5 * MIN);
        api.comment(GID, t3, 'Подтверждаю, контейнеры переполнены', now - 2 * MIN);
      },
      total: 5,
    });
    expect(docs.filter((d) => d.kind === 'comment')).toHaveLength(2);
  });
});
