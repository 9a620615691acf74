import { DEFAULT_GROUPING } from '../../src/domain/incident-workflow';
import type { GroupCandidate, GroupOutcome } from '../../src/repositories/grouping.repository';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TextClassifier } from '../../src/classifier/classifier';
import type { Classification } from '../../src/domain/classification';
import type { IncomingPost } from '../../src/domain/post';
import { createPipelineService, type PipelineDeps } from '../../src/pipeline/pipeline.service';
import type { FeedEntry, FeedRepository } from '../../src/repositories/feed.repository';
import type { CreateResult, IncidentDoc, IncidentsRepository } from '../../src/repositories/incidents.repository';
import { indexNames } from '../../src/repositories/indices';
import type { BulkItemResult, PostsRepository } from '../../src/repositories/posts.repository';
import type { StagingRepository } from '../../src/repositories/staging.repository';
import { analyze } from '../../src/text/analyze';

// Typed fakes: the pipeline's decisions are pure logic over what the repositories answer.
function classifierSaying(c: Omit<Classification, 'modelVersion'>): TextClassifier {
  return {
    version: 'fake-1',
    classify: () => ({ ...c, modelVersion: 'fake-1' }),
    explain: () => {
      throw new Error('not used by the pipeline');
    },
  };
}
const complaint = classifierSaying({ sector: { label: 'housing', confidence: 0.9 }, category: { code: 'housing.heating', title: 'Отопление', confidence: 0.8 }, tone: { label: 'negative', confidence: 0.8 }, urgency: { value: false, confidence: 0.9, reasons: [] }, organisations: [], complaint: { value: true, confidence: 0.9 }, misinformation: { score: 0, reasons: [] } });
const chatter = classifierSaying({ sector: { label: 'other', confidence: 0.6 }, category: { code: 'other.other', title: 'Прочие по направлению', confidence: 0.5 }, tone: { label: 'neutral', confidence: 0.7 }, urgency: { value: false, confidence: 0.9, reasons: [] }, organisations: [], complaint: { value: false, confidence: 0.8 }, misinformation: { score: 0, reasons: [] } });

function post(externalId: string, over: Partial<IncomingPost> = {}): IncomingPost {
  return {
    network: 'vk',
    externalId,
    kind: 'post',
    url: 'https://vk.com/wall-1_1',
    text: 'Нет горячей воды',
    publishedAt: '2026-11-23T10:00:00+06:00',
    author: { id: '1', name: 'Имя' },
    sourceId: 'vk:wall-1',
    municipality: 'tara',
    ...over,
  };
}

function harness(opts: { classifier: TextClassifier; staged: Record<string, string>; postResults?: (n: number) => BulkItemResult[]; incidentResults?: (docs: readonly IncidentDoc[]) => CreateResult[]; indexed?: readonly string[] }) {
  const published: FeedEntry[] = [];
  const removed: string[] = [];
  const indexedIds: string[] = [];
  const staging: StagingRepository = {
    put: async () => undefined,
    get: async (ids) => ids.map((id) => opts.staged[id] ?? null),
    remove: async (ids) => {
      removed.push(...ids);
    },
  };
  const posts = {
    bulkIndex: async (ps) => {
      indexedIds.push(...ps.map((p) => p.id));
      return opts.postResults ? opts.postResults(ps.length) : ps.map(() => ({ ok: true as const, status: 201 }));
    },
    indexed: async (ids) => new Set(ids.filter((id) => opts.indexed?.includes(id))),
    correctionMarks: async () => new Map(),
    ofSourcesSince: async () => [],
    search: async () => ({ total: 0, hits: [] }),
    setIncident: async () => undefined,
  } satisfies PostsRepository;
  const incidents = {
    bulkCreate: async (docs) => (opts.incidentResults ? opts.incidentResults(docs) : docs.map(() => ({ outcome: 'created' as const }))),
    reroute: async () => null,
    getMany: async () => [],
    list: async () => [],
  } satisfies Pick<IncidentsRepository, 'bulkCreate' | 'getMany' | 'list' | 'reroute'>;
  const feed = {
    publishOnce: async (entries: readonly FeedEntry[]) => {
      published.push(...entries);
      return entries.map(() => '1-0');
    },
    publishUpdates: async () => [],
  } as unknown as FeedRepository;
  // Every post is new to grouping here (grouping itself is tested on real Redis in tests/workflow).
  const grouping = {
    group: async (cs: readonly GroupCandidate[]) => cs.map((c): GroupOutcome => ({ kind: 'new', incidentId: c.incidentId, suggestion: null, followers: [] })),
    follow: async (cs: readonly GroupCandidate[]) => cs.map(() => null),
    members: async () => new Map(),
  };
  const deps: PipelineDeps = {
    staging,
    posts,
    incidents,
    grouping,
    groupingPolicy: DEFAULT_GROUPING,
    feed,
    names: indexNames('t'),
    policy: { complaintThreshold: 0.5, misinformationThreshold: 0.6, responseMinutes: 60 },
    log: pino({ level: 'silent' }),
    analyze,
    classifier: opts.classifier,
    gazetteer: { isKnown: (c) => ['tara', 'omsk', 'region'].includes(c), detect: (t) => (t.includes('таре') ? 'tara' : null) },
    now: () => new Date('2026-11-23T04:00:00Z'),
  };
  return { service: createPipelineService(deps), published, removed, indexedIds };
}

describe('pipeline service', () => {
  it('indexes, opens an incident for a complaint, publishes it and clears the staged post', async () => {
    const h = harness({ classifier: complaint, staged: { 'vk:1': JSON.stringify(post('1')) } });
    expect(await h.service.processBatch(['vk:1'])).toEqual([{ status: 'done', incident: 'created' }]);
    expect(h.published).toEqual([{ incidentId: 'inc:vk:1', sector: 'housing', municipality: 'tara' }]);
    expect(h.removed).toEqual(['vk:1']);
  });

  it('opens no incident for chatter', async () => {
    const h = harness({ classifier: chatter, staged: { 'vk:1': JSON.stringify(post('1')) } });
    expect(await h.service.processBatch(['vk:1'])).toEqual([{ status: 'done', incident: 'none' }]);
    expect(h.published).toEqual([]);
  });

  it('re-publishes through publishOnce when an earlier delivery already created the incident', async () => {
    const h = harness({ classifier: complaint, staged: { 'vk:1': JSON.stringify(post('1')) }, incidentResults: (d) => d.map(() => ({ outcome: 'exists' })) });
    expect(await h.service.processBatch(['vk:1'])).toEqual([{ status: 'done', incident: 'exists' }]);
    expect(h.published).toHaveLength(1);
  });

  it('parks bad payloads with a reason naming the field, and keeps them staged', async () => {
    const h = harness({
      classifier: complaint,
      staged: { 'vk:1': JSON.stringify(post('1', { publishedAt: 'вчера' })), 'vk:2': 'not json', 'vk:3': JSON.stringify(post('other')) },
    });
    const out = await h.service.processBatch(['vk:1', 'vk:2', 'vk:3', 'vk:4']);
    expect(out.map((o) => o.status)).toEqual(['park', 'park', 'park', 'park']);
    expect(out[0]).toMatchObject({ reason: expect.stringMatching(/publishedAt/) });
    expect(out[1]).toMatchObject({ reason: expect.stringMatching(/not valid JSON/) });
    expect(out[2]).toMatchObject({ reason: expect.stringMatching(/does not match job id/) });
    expect(out[3]).toMatchObject({ reason: expect.stringMatching(/missing/) });
    expect(h.indexedIds).toEqual([]);
    expect(h.removed).toEqual([]);
  });

  it('a job whose post an earlier delivery finished (payload already removed, post indexed) is done, not parked', async () => {
    const h = harness({ classifier: complaint, staged: {}, indexed: ['vk:5'] });
    const out = await h.service.processBatch(['vk:5', 'vk:6']);
    expect(out[0]).toEqual({ status: 'done', incident: 'earlier' });
    expect(out[1]).toMatchObject({ status: 'park', reason: expect.stringMatching(/missing/) });
    expect(h.indexedIds).toEqual([]);
    expect(h.published).toEqual([]);
  });

  it('retries a document Elasticsearch pushed back on, and parks one it rejected', async () => {
    const h = harness({
      classifier: chatter,
      staged: { 'vk:1': JSON.stringify(post('1')), 'vk:2': JSON.stringify(post('2')) },
      postResults: () => [
        { ok: false, status: 429, retryable: true, reason: 'es_rejected_execution_exception' },
        { ok: false, status: 400, retryable: false, reason: 'mapper_parsing_exception' },
      ],
    });
    const out = await h.service.processBatch(['vk:1', 'vk:2']);
    expect(out[0]).toMatchObject({ status: 'retry' });
    expect(out[1]).toMatchObject({ status: 'park', reason: expect.stringMatching(/mapper_parsing/) });
  });

  it('takes the place from the text when the source covers the whole region', async () => {
    const h = harness({ classifier: complaint, staged: { 'vk:1': JSON.stringify(post('1', { municipality: 'region', text: 'В Таре нет воды' })) } });
    await h.service.processBatch(['vk:1']);
    expect(h.published[0]?.municipality).toBe('tara');
  });
});
