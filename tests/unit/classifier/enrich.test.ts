import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type TextClassifier } from '../../../src/classifier/classifier';
import type { IncomingPost } from '../../../src/domain/post';
import { decideIncident, enrichPost } from '../../../src/pipeline/enrich';
import { toIncidentDoc } from '../../../src/repositories/incidents.repository';
import { toPostDoc } from '../../../src/repositories/posts.repository';
import { presentIncident } from '../../../src/services/incidents.service';
import { createGazetteer, loadRegion } from '../../../src/services/gazetteer.service';
import { analyze } from '../../../src/text/analyze';

/** The pipeline's enrichment with the shipped model and the Omsk gazetteer: every output lands on the post. */
let classifier: TextClassifier;
const gazetteer = createGazetteer(loadRegion('omsk'));
const policy = { complaintThreshold: 0.6, misinformationThreshold: 0.5, responseMinutes: 120 };
const now = new Date('2026-11-23T10:00:00Z');

function post(text: string, over: Partial<IncomingPost> = {}): IncomingPost {
  return { network: 'vk', externalId: '1', kind: 'post', url: 'https://vk.com/wall-1_1', text, publishedAt: now.toISOString(), author: { id: '1', name: 'Имя' }, sourceId: 'vk:wall-1', ...over };
}

beforeAll(async () => {
  classifier = await loadClassifier();
});

describe('enrichPost + decideIncident', () => {
  it('stores category, tone, urgency, organisations and the address; the incident carries category and the urgent flag', () => {
    const p = enrichPost(post('Третий день нет отопления на ул. Лукашевича, 14, на улице мороз -30, дети мерзнут! УК «Жилищник» трубку не берёт'), { analyze, classifier, gazetteer }, now);
    expect(p.municipality).toBe('omsk');
    expect(p.classification).toMatchObject({
      category: { code: 'housing.heating' },
      tone: { label: 'negative' },
      urgency: { value: true },
      organisations: [{ kind: 'management_company', name: 'УК «Жилищник»' }],
      place: { municipality: 'omsk', address: { street: 'улица Лукашевича', house: '14', known: true } },
    });
    const doc = toPostDoc(p);
    expect(doc).toMatchObject({ category: 'housing.heating', tone: 'negative', urgent: true, address: { street: 'улица Лукашевича', house: '14', known: true } });
    expect(doc.urgency_reasons).toContain('no_heat_in_frost');

    const incident = decideIncident(p, policy, now);
    expect(incident).toMatchObject({ reason: 'complaint', category: 'housing.heating', urgent: true });
    const card = presentIncident(toIncidentDoc(incident!, p, 'idx'), false, (c) => c);
    expect(card).toMatchObject({ urgent: true, category: 'housing.heating', categoryTitle: 'Отопление', urgencyReasons: expect.arrayContaining(['no_heat_in_frost']) });
  });

  it('keeps a source\'s municipality over a street name, and an ordinary complaint is not urgent', () => {
    const p = enrichPost(post('На Ленина 5 опять не вывезли мусор, контейнеры переполнены', { municipality: 'tara' }), { analyze, classifier, gazetteer }, now);
    expect(p.municipality).toBe('tara');
    expect(p.classification.place).toMatchObject({ municipalitySource: 'source', address: { street: 'улица Ленина', known: false } });
    expect(decideIncident(p, policy, now)).toMatchObject({ urgent: false, category: expect.stringMatching(/^waste\./) });
  });

  it('works with a gazetteer that has no street list', () => {
    const bare = { isKnown: (c: string) => c === 'omsk' || c === 'region', detect: (t: string) => (t.includes('омск') ? 'omsk' : null) };
    const p = enrichPost(post('В Омске на ул. Садовой 3 нет воды'), { analyze, classifier, gazetteer: bare }, now);
    expect(p.municipality).toBe('omsk');
    expect(p.classification.place?.address).toMatchObject({ street: 'улица Садовой', house: '3', known: false });
  });
});
