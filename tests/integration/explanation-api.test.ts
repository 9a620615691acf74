import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/classifier/classifier';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let modelDir: string;
let operator: string;
let shippedVersion: string;
const PUBLISHED = '2026-11-20T10:00:00.000Z';
const TEXT = 'Третий день нет отопления на ул. Лукашевича, 10, на улице мороз -30, дети мерзнут! УК не отвечает';

async function storePost(id: string, over: Record<string, unknown> = {}): Promise<void> {
  const { es, names } = sys.container;
  await es.index({
    index: names.postsIndexFor(PUBLISHED),
    id,
    refresh: 'wait_for',
    document: {
      id,
      network: 'vk',
      external_id: id.split(':')[1],
      kind: 'post',
      url: 'https://vk.com/wall-1_1',
      text: TEXT,
      text_stems: 'трет ден нет отоплен',
      text_length: TEXT.length,
      published_at: PUBLISHED,
      ingested_at: PUBLISHED,
      source_id: 'vk:wall-1',
      municipality: 'omsk',
      author: { id: 'id42', name: 'Пётр Иванов' },
      sector: 'housing',
      sector_confidence: 0.9,
      complaint: true,
      complaint_confidence: 0.9,
      misinfo_score: 0,
      misinfo_reasons: [],
      category: 'housing.heating',
      tone: 'negative',
      urgent: true,
      urgency_reasons: ['no_heat_in_frost'],
      model_version: shippedVersion,
      ...over,
    },
  });
}

async function get(path: string, token: string | null): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sys.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

beforeAll(async () => {
  shippedVersion = (await loadClassifier()).version;
  modelDir = mkdtempSync(join(tmpdir(), 'dozor-models-'));
  sys = await startSystem({ withPipeline: false, env: { MODEL_DIR: modelDir } });
  operator = await sys.login();
}, 60_000);
afterAll(async () => {
  await sys?.stop();
  rmSync(modelDir, { recursive: true, force: true });
});

describe('GET /api/posts/:id/explanation', () => {
  it('explains every label with readable features, from the model that classified the post', async () => {
    await storePost('vk:e1');
    const res = await get('/api/posts/vk:e1/explanation', operator);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ postId: 'vk:e1', storedModelVersion: shippedVersion, explainedWith: shippedVersion, sameModel: true, note: null });
    const e = res.json.explanation as Record<string, { label: string; confidence: number; features: { feature: string; weight: number }[]; reasons?: string[] }>;
    for (const label of ['sector', 'category', 'complaint', 'tone', 'urgency', 'misinformation']) {
      expect(e[label], label).toBeDefined();
      expect(e[label]!.features.length, label).toBeGreaterThan(0);
      for (const f of e[label]!.features) expect(f.weight).toBeGreaterThan(0);
    }
    expect(e.sector!.label).toBe('housing');
    expect(e.category!.label).toBe('housing.heating');
    expect(e.urgency).toMatchObject({ label: 'urgent', reasons: expect.arrayContaining(['no_heat_in_frost']) });
    // The heating words are what made it housing.
    expect(e.sector!.features.map((f) => f.feature).join(' ')).toMatch(/отопл|lexicon:housing/);
  });

  it('falls back to the active model, saying so, when the stored version is gone', async () => {
    await storePost('vk:e2', { model_version: 'dozor-20200101-deadbeef' });
    const res = await get('/api/posts/vk:e2/explanation', operator);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ storedModelVersion: 'dozor-20200101-deadbeef', explainedWith: shippedVersion, sameModel: false });
    expect(res.json.note).toMatch(/недоступна/);
  });

  it('answers 404 for a post outside the viewer\'s scope, and for no post at all', async () => {
    await storePost('vk:e3', { municipality: 'tara', sector: 'roads' });
    const roadsLead = await sys.createUser({ username: 'roads-lead', role: 'sector_lead', scope: { sectors: ['roads'], municipalities: ['omsk'] } });
    const token = await sys.login(roadsLead);
    expect((await get('/api/posts/vk:e3/explanation', token)).status).toBe(404); // roads, but Tara
    expect((await get('/api/posts/vk:e1/explanation', token)).status).toBe(404); // Omsk, but housing
    expect((await get('/api/posts/vk:nope/explanation', operator)).status).toBe(404);
  });

  it('needs a session', async () => {
    expect((await get('/api/posts/vk:e1/explanation', null)).status).toBe(401);
  });
});
