import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correctionsToExamples } from '../../src/classifier-registry/learning';
import { createCorrectionsRepository } from '../../src/repositories/corrections.repository';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let modelDir: string;
let operator: string;
const PUBLISHED = '2026-11-20T10:00:00.000Z';
const TEXT = 'Во дворе дома на Лукашевича 10 яма на дороге, машины бьют колёса, когда засыплют?';

/** A stored post as the pipeline would have written it (no classifier needed for the API). */
async function storePost(id: string, over: Record<string, unknown> = {}, refresh: 'wait_for' | false = 'wait_for'): Promise<void> {
  const { es, names } = sys.container;
  await es.index({
    index: names.postsIndexFor(PUBLISHED),
    id,
    refresh,
    document: {
      id,
      network: 'vk',
      external_id: id.split(':')[1],
      kind: 'post',
      url: 'https://vk.com/wall-1_1',
      text: TEXT,
      text_stems: 'двор дом лукашевич яма дорог',
      text_length: TEXT.length,
      published_at: PUBLISHED,
      ingested_at: PUBLISHED,
      source_id: 'vk:wall-1',
      municipality: 'omsk',
      author: { id: 'id42', name: 'Пётр Иванов', url: 'https://vk.com/id42' },
      sector: 'housing',
      sector_confidence: 0.61,
      complaint: true,
      complaint_confidence: 0.9,
      misinfo_score: 0.7,
      misinfo_reasons: [],
      model_version: 'dozor-test-1',
      ...over,
    },
  });
}

async function api(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

beforeAll(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'dozor-models-'));
  sys = await startSystem({ withPipeline: false, env: { MODEL_DIR: modelDir } });
  operator = await sys.login();
});
afterAll(async () => {
  await sys?.stop();
  rmSync(modelDir, { recursive: true, force: true });
});

describe('POST /api/posts/:id/corrections', () => {
  it('stores the correction, audits it and applies it to the post, marked as a human\'s', async () => {
    await storePost('vk:c1');
    const res = await api('POST', '/api/posts/vk:c1/corrections', operator, { field: 'sector', value: 'roads', comment: 'это дороги' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ postId: 'vk:c1', field: 'sector', oldValue: 'housing', newValue: 'roads', modelVersion: 'dozor-test-1', by: { username: 'operator' } });
    expect(JSON.stringify(res.json)).not.toContain('Лукашевича');

    const { es, names } = sys.container;
    const post = (await es.get<Record<string, unknown>>({ index: names.postsIndexFor(PUBLISHED), id: 'vk:c1' }))._source!;
    expect(post).toMatchObject({ sector: 'roads', sector_confidence: 1, corrected: { fields: ['sector'], values: { sector: 'roads' } } });

    // Stored append-style with the text for training.
    const stored = await es.search<Record<string, unknown>>({ index: names.corrections, query: { term: { post_id: 'vk:c1' } } });
    expect(stored.hits.hits).toHaveLength(1);
    expect(stored.hits.hits[0]!._source).toMatchObject({ field: 'sector', old_value: '"housing"', new_value: '"roads"', model_version: 'dozor-test-1', text: TEXT, actor_username: 'operator' });

    // Audited, without the post text.
    await es.indices.refresh({ index: names.audit });
    const audit = await sys.container.repos.audit.search({ action: 'post.correct', target: 'vk:c1', offset: 0, size: 10 });
    expect(audit.total).toBe(1);
    expect(audit.items[0]).toMatchObject({ actorUsername: 'operator', outcome: 'success', details: { field: 'sector', oldValue: 'housing', newValue: 'roads' } });
    expect(JSON.stringify(audit.items[0])).not.toContain('Лукашевича');

    // What `npm run train` reads: the text and the corrected label become a training example.
    const forTraining = await sys.container.services.corrections.forTraining();
    expect(correctionsToExamples(forTraining.filter((c) => c.postId === 'vk:c1'))).toEqual([expect.objectContaining({ text: TEXT, sector: 'roads', complaint: null })]);

    // Erasure (152-ФЗ) can remove them with the post.
    expect(await sys.container.repos.corrections.deleteForPosts(['vk:nothing'])).toBe(0);

    // Search sees the human value.
    const found = await api('GET', '/api/posts/search?sector=roads', operator);
    expect(found.status).toBe(200);
    expect((found.json.items as { id: string }[]).map((p) => p.id)).toContain('vk:c1');
  });

  it('keeps every correction and lists them oldest first; the old value is the last human one', async () => {
    await storePost('vk:c2');
    expect((await api('POST', '/api/posts/vk:c2/corrections', operator, { field: 'misinformation', value: false })).status).toBe(201);
    expect((await api('POST', '/api/posts/vk:c2/corrections', operator, { field: 'complaint', value: false })).status).toBe(201);
    const again = await api('POST', '/api/posts/vk:c2/corrections', operator, { field: 'complaint', value: true });
    expect(again.json).toMatchObject({ oldValue: false, newValue: true });
    const list = await api('GET', '/api/posts/vk:c2/corrections', operator);
    expect(list.status).toBe(200);
    expect((list.json.items as { field: string; newValue: unknown }[]).map((c) => [c.field, c.newValue])).toEqual([
      ['misinformation', false],
      ['complaint', false],
      ['complaint', true],
    ]);
    const post = (await sys.container.es.get<Record<string, unknown>>({ index: sys.container.names.postsIndexFor(PUBLISHED), id: 'vk:c2' }))._source!;
    expect(post).toMatchObject({ misinfo_score: 0, complaint: true, corrected: { fields: ['complaint', 'misinformation'] } });

    // Erasing the post's data (152-ФЗ) removes its corrections, which hold its text.
    expect(await sys.container.repos.corrections.deleteForPosts(['vk:c2'])).toBe(3);
    expect((await api('GET', '/api/posts/vk:c2/corrections', operator)).json.items).toEqual([]);
  });

  it('accepts every output: category from the taxonomy, tone, urgency, municipality, address, organisation', async () => {
    await storePost('vk:c3');
    for (const body of [
      { field: 'category', value: 'housing.heating' },
      { field: 'tone', value: 'negative' },
      { field: 'urgency', value: true },
      { field: 'municipality', value: 'omsk' },
      { field: 'address', value: 'улица Лукашевича, 10' },
      { field: 'organisation', value: { kind: 'management_company', name: 'УК Жилищник' } },
    ]) {
      const res = await api('POST', '/api/posts/vk:c3/corrections', operator, body);
      expect(res.status, JSON.stringify(body)).toBe(201);
    }
    const post = (await sys.container.es.get<{ corrected: { fields: string[]; values: Record<string, unknown> } } & Record<string, unknown>>({ index: sys.container.names.postsIndexFor(PUBLISHED), id: 'vk:c3' }))._source!;
    expect(post.corrected.fields).toEqual(['address', 'category', 'municipality', 'organisation', 'tone', 'urgency']);
    expect(post.corrected.values).toMatchObject({ category: 'housing.heating', tone: 'negative', urgency: true, address: 'улица Лукашевича, 10', organisation: { kind: 'management_company', name: 'УК Жилищник' } });
    // The post's own fields carry the human values, so cards and filters show them.
    expect(post).toMatchObject({ category: 'housing.heating', category_confidence: 1, tone: 'negative', urgent: true, address: { street: 'улица Лукашевича, 10', known: false }, organisations: [{ kind: 'management_company', name: 'УК Жилищник' }] });
  });

  it('answers 400 naming the field for a bad field or value, and stores nothing', async () => {
    await storePost('vk:c4');
    const cases: [unknown, string][] = [
      [{ field: 'colour', value: 'red' }, 'field'],
      [{ field: 'sector', value: 'space' }, 'value'],
      [{ field: 'complaint', value: 'yes' }, 'value'],
      [{ field: 'tone', value: 'angry' }, 'value'],
      [{ field: 'sector', value: 'roads', extra: 1 }, 'body'],
      [{ value: 'roads' }, 'field'],
      [{ field: 'organisation', value: { kind: 'bank', name: 'Сбер' } }, 'value'],
    ];
    for (const [body, field] of cases) {
      const res = await api('POST', '/api/posts/vk:c4/corrections', operator, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.message, JSON.stringify(body)).toContain(field);
    }
    // Checked by the service against the taxonomy and the gazetteer.
    for (const [body, text] of [
      [{ field: 'category', value: 'housing.unicorns' }, 'not a category'],
      [{ field: 'category', value: 'roads.potholes' }, 'correct the sector first'],
      [{ field: 'municipality', value: 'atlantis' }, 'not a municipality'],
    ] as const) {
      const res = await api('POST', '/api/posts/vk:c4/corrections', operator, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.message).toContain('value');
      expect(res.json.message).toContain(text);
    }
    const list = await api('GET', '/api/posts/vk:c4/corrections', operator);
    expect(list.json.items).toEqual([]);
  });

  it('answers 404 for a post outside the user\'s scope or missing, 403 without the permission, 401 without a session', async () => {
    await storePost('vk:c5');
    const narrow = await sys.login(await sys.createUser({ username: 'edu-lead', role: 'sector_lead', scope: { sectors: ['education'], municipalities: 'all' } }));
    expect((await api('POST', '/api/posts/vk:c5/corrections', narrow, { field: 'sector', value: 'education' })).status).toBe(404);
    expect((await api('GET', '/api/posts/vk:c5/corrections', narrow)).status).toBe(404);
    expect((await api('POST', '/api/posts/vk:missing/corrections', operator, { field: 'sector', value: 'roads' })).status).toBe(404);

    const observer = await sys.login(await sys.createUser({ username: 'watcher', role: 'observer' }));
    expect((await api('POST', '/api/posts/vk:c5/corrections', observer, { field: 'sector', value: 'roads' })).status).toBe(403);
    expect((await api('POST', '/api/posts/vk:c5/corrections', null, { field: 'sector', value: 'roads' })).status).toBe(401);

    const post = (await sys.container.es.get<Record<string, unknown>>({ index: sys.container.names.postsIndexFor(PUBLISHED), id: 'vk:c5' }))._source!;
    expect(post.sector).toBe('housing');
    expect(post.corrected).toBeUndefined();
  });
});

describe('model versions API', () => {
  it('lists the models (the shipped one as the fallback) and activates one, audited; model:manage only', async () => {
    const admin = await sys.login(await sys.createUser({ username: 'analyst', role: 'chief_analyst' }));
    expect((await api('GET', '/api/models', operator)).status).toBe(403);

    const list = await api('GET', '/api/models', admin);
    expect(list.status).toBe(200);
    const items = list.json.items as { version: string; source: string; active: boolean }[];
    const shipped = items.find((m) => m.source === 'shipped');
    expect(shipped?.active).toBe(true);
    expect(list.json.active).toBe(shipped?.version);

    expect((await api('POST', '/api/models/dozor-nope/activate', admin, {})).status).toBe(404);
    expect((await api('POST', '/api/models/..%2Fetc/activate', admin, {})).status).toBe(400);
    expect((await api('POST', `/api/models/${shipped!.version}/activate`, operator, {})).status).toBe(403);

    const act = await api('POST', `/api/models/${shipped!.version}/activate`, admin, { reason: 'restore the shipped model' });
    expect(act.status).toBe(200);
    expect(act.json).toMatchObject({ previous: shipped!.version, active: { version: shipped!.version } });
    expect((await sys.container.modelRegistry.pointer())?.activatedBy).toBe('analyst');

    await sys.container.es.indices.refresh({ index: sys.container.names.audit });
    const audit = await sys.container.repos.audit.search({ action: 'model.activate', offset: 0, size: 10 });
    expect(audit.items.map((a) => [a.target, a.outcome])).toEqual(expect.arrayContaining([[shipped!.version, 'success'], ['dozor-nope', 'failure']]));
  });
});

describe('finding the post to correct', () => {
  it('with its index known (an incident\'s opening post), a post written since the last refresh is found at once, with its version', async () => {
    const { es, names } = sys.container;
    const repo = createCorrectionsRepository({ es, names });
    await es.indices.putSettings({ index: names.postsIndexFor(PUBLISHED), settings: { refresh_interval: -1 } });
    try {
      await storePost('vk:realtime1', {}, false);
      const ref = await repo.findPost('vk:realtime1', names.postsIndexFor(PUBLISHED));
      expect(ref?.doc.id).toBe('vk:realtime1');
      expect(ref?.index).toBe(names.postsIndexFor(PUBLISHED));
      // Search sees the last refresh only: without the index the post is not there yet.
      expect(await repo.findPost('vk:realtime1')).toBeNull();
      expect(await repo.findPost('vk:missing', names.postsIndexFor(PUBLISHED))).toBeNull();
    } finally {
      await es.indices.putSettings({ index: names.postsIndexFor(PUBLISHED), settings: { refresh_interval: '1s' } });
    }
  });
});
