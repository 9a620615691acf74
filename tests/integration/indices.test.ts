import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrichedPost } from '../../src/domain/post';
import { dropOldPostIndices, ensureIndices, TEMPLATE_VERSION } from '../../src/repositories/indices';
import { complaintPost, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem({ withPipeline: false });
});
afterAll(async () => {
  await sys?.stop();
});

function enriched(publishedAt: string): EnrichedPost {
  const p = complaintPost({ publishedAt });
  return {
    ...p,
    id: `vk:${p.externalId}`,
    municipality: 'omsk',
    ingestedAt: new Date().toISOString(),
    textStems: 'нет отоплен',
    classification: {
      sector: { label: 'housing', confidence: 0.9 },
      category: { code: 'housing.heating', title: 'Отопление', confidence: 0.8 }, tone: { label: 'negative', confidence: 0.8 }, urgency: { value: true, confidence: 0.9, reasons: ['no_heat_in_frost'] }, organisations: [{ kind: 'management_company', name: 'УК «Жилищник»' }],
      complaint: { value: true, confidence: 0.9 },
      misinformation: { score: 0, reasons: [] },
      place: { municipality: 'omsk', municipalitySource: 'text', address: { street: 'улица Ленина', house: '12', known: true, raw: 'ул. ленина, 12' } },
      modelVersion: 't',
    },
  };
}

describe('indices', () => {
  it('are created from versioned templates behind aliases, idempotently', async () => {
    const { es, names } = sys.container;
    await ensureIndices(es, sys.config.ES_INDEX_PREFIX); // a second start changes nothing
    const tpl = await es.indices.getIndexTemplate({ name: `${sys.config.ES_INDEX_PREFIX}-*` });
    expect(tpl.index_templates.map((t) => t.index_template.version)).toEqual(expect.arrayContaining([TEMPLATE_VERSION]));
    const aliases = await es.indices.getAlias({ name: [names.incidents, names.audit, names.users] });
    expect(Object.keys(aliases).sort()).toEqual([names.auditIndex, names.incidentsIndex, names.usersIndex].sort());
  });

  it('put posts into monthly indices under one alias, and retention drops whole old months', async () => {
    const { es, names, repos } = sys.container;
    const res = await repos.posts.bulkIndex([enriched('2026-08-15T10:00:00Z'), enriched('2026-10-02T10:00:00Z'), enriched('2026-11-20T10:00:00Z')]);
    expect(res.every((r) => r.ok)).toBe(true);
    await es.indices.refresh({ index: names.posts });
    expect((await es.count({ index: names.posts })).count).toBe(3);
    // A strict mapping refuses fields nobody declared.
    await expect(es.index({ index: names.postsIndexFor('2026-11-20T10:00:00Z'), document: { surprise: 1 } })).rejects.toThrow(/strict/);

    const dropped = await dropOldPostIndices(es, names, 2, new Date('2026-11-23T00:00:00Z'));
    expect(dropped).toEqual([names.postsIndexFor('2026-08-15T10:00:00Z')]);
    await es.indices.refresh({ index: names.posts });
    expect((await es.count({ index: names.posts })).count).toBe(2);
  });
});
