/**
 * The anchor bonus on real Redis: two posts naming the same problem concept and the same number
 * (or place key) count `anchorBonus` more similar — the grouping script and `groupingVerdict` agree.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedis, redisReady } from '../../src/adapters/redis';
import { DEFAULT_GROUPING, groupingVerdict } from '../../src/domain/incident-workflow';
import { pairEvidence } from '../../src/pipeline/grouping-eval';
import { createGroupingRepository, type GroupCandidate, type GroupingRepository } from '../../src/repositories/grouping.repository';
import { groupingCandidate } from '../helpers/grouping';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'grouping-anchor' });
let prefix = '';
let repo: GroupingRepository;
// Jaccard 2/10 = 0.2: between the suggestion and the link threshold; the anchor lifts it over.
const A = [11, 22, 31, 32, 33, 34];
const B = [11, 22, 41, 42, 43, 44];
const policy = { ...DEFAULT_GROUPING, autoLink: 0.23, suggest: 0.18, anchorBonus: 0.05 };

const candidate = (features: number[], over: Partial<Omit<GroupCandidate, 'member'>> = {}): GroupCandidate => groupingCandidate(features, over, 'anchor');

beforeAll(async () => {
  await redisReady(redis);
});
beforeEach(() => {
  prefix = `test-grpanchor-${randomBytes(3).toString('hex')}`;
  repo = createGroupingRepository({ redis, prefix });
});
afterAll(async () => {
  const keys = await redis.keys('test-grpanchor-*');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('grouping anchor bonus', () => {
  it('the same problem at the same number links a pair the words alone only suggest', async () => {
    const first = candidate(A, { numbers: [12], problems: [7] });
    const second = candidate(B, { numbers: [12], problems: [7] });
    expect(groupingVerdict(pairEvidence(first, second), policy).verdict).toBe('link');
    const [opened] = await repo.group([first], policy);
    const [joined] = await repo.group([second], policy);
    expect(joined).toMatchObject({ kind: 'attach', incidentId: opened?.incidentId });
  });

  it('without a shared problem, or without a shared number or place, the pair is a suggestion', async () => {
    for (const [a, b] of [
      [{ numbers: [12], problems: [] }, { numbers: [12], problems: [7] }],
      [{ numbers: [], problems: [7] }, { numbers: [], problems: [7] }],
    ] as const) {
      // A fresh state per case: the first case's incidents would match the second's posts.
      repo = createGroupingRepository({ redis, prefix: `${prefix}-${a.problems.length}` });
      const first = candidate(A, { numbers: [...a.numbers], problems: [...a.problems] });
      const second = candidate(B, { numbers: [...b.numbers], problems: [...b.problems] });
      expect(groupingVerdict(pairEvidence(first, second), policy).verdict).toBe('suggest');
      const [opened] = await repo.group([first], policy);
      const [next] = await repo.group([second], policy);
      expect(next).toMatchObject({ kind: 'new', suggestion: { incidentId: opened?.incidentId } });
    }
  });

  it('the same problem on the same street (known or guessed) anchors like a number; a resolution never joins a report', async () => {
    for (const [i, over] of [{ streets: ['улица кордная'], streetKeys: ['кордн'] }, { streetKeys: ['3 енисейск'] }].entries()) {
      repo = createGroupingRepository({ redis, prefix: `${prefix}-street${i}` });
      const first = candidate(A, { ...over, problems: [7] });
      const second = candidate(B, { ...over, problems: [7] });
      expect(groupingVerdict(pairEvidence(first, second), policy).verdict).toBe('link');
      const [opened] = await repo.group([first], policy);
      const [joined] = await repo.group([second], policy);
      expect(joined).toMatchObject({ kind: 'attach', incidentId: opened?.incidentId });
    }
    // Two streets, none in common (a list from the list and a guessed one by its stems): apart.
    repo = createGroupingRepository({ redis, prefix: `${prefix}-apart` });
    const there = candidate(A, { streetKeys: ['2 солнечн'], problems: [7] });
    const elsewhere = candidate(A, { streetKeys: ['3 солнечн'], problems: [7] });
    expect(pairEvidence(there, elsewhere).conflict).toBe('street');
    await repo.group([there], policy);
    const [apart] = await repo.group([elsewhere], policy);
    expect(apart).toMatchObject({ kind: 'new', suggestion: null });
    // The same words, one of them thanks for the problem fixed: never linked, not even suggested.
    repo = createGroupingRepository({ redis, prefix: `${prefix}-resolved` });
    const report = candidate(A, { problems: [7] });
    const thanks = candidate(A, { problems: [7], aspects: ['report:resolved'] });
    expect(pairEvidence(report, thanks).conflict).toBe('problem');
    await repo.group([report], policy);
    const [resolved] = await repo.group([thanks], policy);
    expect(resolved).toMatchObject({ kind: 'new', suggestion: null });
  });
});
