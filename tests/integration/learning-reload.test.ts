import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH } from '../../src/classifier/classifier';
import { deserializeModel, serializeModel } from '../../src/classifier/linear';
import { postId } from '../../src/domain/post';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let modelDir: string;

beforeAll(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'dozor-models-reload-'));
  sys = await startSystem({ env: { MODEL_DIR: modelDir, MODEL_RELOAD_SECONDS: '1' } });
}, 60_000);
afterAll(async () => {
  await sys?.stop();
  rmSync(modelDir, { recursive: true, force: true });
});

async function modelVersionOf(id: string): Promise<string | undefined> {
  const { es, names } = sys.container;
  const res = await es.search<{ model_version: string }>({ index: names.posts, query: { ids: { values: [id] } } });
  return res.hits.hits[0]?._source?.model_version;
}

describe('pipeline workers follow the active model', () => {
  it('record the active version on each post and switch to a newly activated model without a restart', async () => {
    const shipped = deserializeModel(readFileSync(DEFAULT_MODEL_PATH));
    const first = complaintPost();
    await sys.ingest([first]);
    expect(await eventually(() => modelVersionOf(postId('vk', first.externalId)), 15_000, 'first post')).toBe(shipped.meta.version);

    // The same weights under another version: what `npm run train` would store.
    const version = 'dozor-test-reload';
    const bytes = serializeModel({ ...shipped.meta, version }, [...shipped.heads.values()]);
    const registry = sys.container.modelRegistry;
    await registry.save(bytes, { version, trainedAt: new Date().toISOString(), parent: shipped.meta.version, metrics: {}, data: { corpus: 1 } });
    await registry.activate(version, { actor: 'test', reason: 'reload test' });
    await eventually(() => sys.container.activeModel()?.classifier.version === version, 15_000, 'worker to switch');

    const second = complaintPost();
    await sys.ingest([second]);
    expect(await eventually(() => modelVersionOf(postId('vk', second.externalId)), 15_000, 'second post')).toBe(version);
  }, 90_000);
});
