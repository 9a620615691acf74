/**
 * The grouping script's sector veto, on real Redis: two different sectors, each classified with
 * at least `sectorVeto` confidence, are never linked automatically (at most a suggestion); below
 * it, or with the veto off, the same words link as before; a profile written before confidences
 * were stored is never vetoed; one written before v2 (features second) is still read.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedis, redisReady } from '../../src/adapters/redis';
import { DEFAULT_GROUPING } from '../../src/domain/incident-workflow';
import { createGroupingRepository, type GroupCandidate, type GroupingRepository } from '../../src/repositories/grouping.repository';
import { groupingCandidate } from '../helpers/grouping';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'grouping-veto' });
let prefix = '';
let repo: GroupingRepository;
const policy = { ...DEFAULT_GROUPING, sectorVeto: 0.85 };

/** A candidate with the given words (feature hashes) and sector. */
const candidate = (features: number[], sector: string, sectorConfidence: number): GroupCandidate => groupingCandidate(features, { sector, sectorConfidence }, 'veto');
const WORDS = [11, 22, 33, 44, 55, 66];

beforeAll(async () => {
  await redisReady(redis);
});
beforeEach(() => {
  prefix = `test-grpveto-${randomBytes(3).toString('hex')}`;
  repo = createGroupingRepository({ redis, prefix });
});
afterAll(async () => {
  const keys = await redis.keys('test-grpveto-*');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('grouping sector veto', () => {
  it('two confident, different sectors: a suggestion, not a link; with the veto off the same pair links', async () => {
    const [first] = await repo.group([candidate(WORDS, 'energy', 0.95)], policy);
    expect(first?.kind).toBe('new');
    const [second] = await repo.group([candidate(WORDS, 'housing', 0.9)], policy);
    expect(second).toEqual({ kind: 'new', incidentId: expect.any(String), suggestion: { incidentId: first?.incidentId, similarity: 1 }, followers: [] });
    // The veto off (another prefix: nothing registered yet).
    const off = createGroupingRepository({ redis, prefix: `${prefix}-off` });
    const [a] = await off.group([candidate(WORDS, 'energy', 0.95)], { ...policy, sectorVeto: null });
    const [b] = await off.group([candidate(WORDS, 'housing', 0.9)], { ...policy, sectorVeto: null });
    expect(b).toEqual({ kind: 'attach', incidentId: a?.incidentId, similarity: 1 });
  });

  it('one of the two below the veto confidence, or the same sector: links', async () => {
    const [first] = await repo.group([candidate(WORDS, 'energy', 0.95)], policy);
    const [unsure] = await repo.group([candidate(WORDS, 'housing', 0.84)], policy);
    expect(unsure).toMatchObject({ kind: 'attach', incidentId: first?.incidentId });
    const [same] = await repo.group([candidate(WORDS, 'energy', 0.99)], policy);
    expect(same).toMatchObject({ kind: 'attach', incidentId: first?.incidentId });
  });

  it('a vetoed better match does not hide a linkable one', async () => {
    const [other] = await repo.group([candidate(WORDS, 'energy', 0.95)], policy);
    // Shares 4 of the post's 6 words below (Jaccard 4/7), in its sector; the vetoed one shares all.
    const [mine] = await repo.group([candidate([11, 22, 33, 44, 77], 'housing', 0.9)], policy);
    expect(mine?.kind).toBe('new');
    expect(mine?.incidentId).not.toBe(other?.incidentId);
    const [post] = await repo.group([candidate(WORDS, 'housing', 0.9)], policy);
    expect(post).toMatchObject({ kind: 'attach', incidentId: mine?.incidentId });
  });

  it('a profile stored before confidences (the sector alone) is never vetoed', async () => {
    const [first] = await repo.group([candidate(WORDS, 'energy', 0.95)], policy);
    const key = `${prefix}:grp:c:${first?.incidentId}`;
    const stored = (await redis.get(key)) ?? '';
    expect(stored.startsWith('v8|energy:0.95|')).toBe(true);
    await redis.set(key, stored.replace(/^v8\|energy:0\.95\|/, 'v8|energy|'), 'KEEPTTL');
    const [post] = await repo.group([candidate(WORDS, 'housing', 0.9)], policy);
    expect(post).toMatchObject({ kind: 'attach', incidentId: first?.incidentId });
  });

  // v2 … v7 profiles: sector|numbers|street|districts|problems|guessed street|aspect groups|features,
  // with six (v2), nine (v3), thirteen (v4), fourteen (v5), sixteen (v6) or eighteen (v7) aspect groups; the groups added since read as naming none.
  it.each([
    { version: 'v7', groups: 18, added: ['cross:123', 'okrug:ленинск'] },
    { version: 'v6', groups: 16, added: ['season:spring', 'okrug:ленинск'] },
    { version: 'v5', groups: 14, added: ['month:5', 'report:resolved'] },
    { version: 'v4', groups: 13, added: ['year:2024', 'month:5'] },
    { version: 'v3', groups: 9, added: ['operator:mts', 'line:mobile', 'date:12.3', 'weekday:1'] },
    { version: 'v2', groups: 6, added: ['site:school', 'entrance:2', 'vehicle:tram', 'operator:mts'] },
  ])('a $version profile is still read: its numbers veto, its words link, a group added since never vetoes it', async ({ version, groups, added }) => {
    const [first] = await repo.group([candidate(WORDS, 'energy', 0.95)], policy);
    const key = `${prefix}:grp:c:${first?.incidentId}`;
    await redis.set(key, [version, 'energy:0.95', '777', ...Array<string>(4 + groups).fill(''), WORDS.join(',')].join('|'), 'KEEPTTL');
    const [other] = await repo.group([{ ...candidate(WORDS, 'energy', 0.95), numbers: [778] }], policy);
    expect(other?.kind).toBe('new');
    const [same] = await repo.group([{ ...candidate(WORDS, 'energy', 0.95), numbers: [777], aspects: added }], policy);
    expect(same).toMatchObject({ kind: 'attach', incidentId: first?.incidentId, similarity: 1 });
  });

  it('a profile stored before v2 (features second, not last) is still read: its numbers veto, its words link', async () => {
    const [first] = await repo.group([candidate(WORDS, 'energy', 0.95)], policy);
    const key = `${prefix}:grp:c:${first?.incidentId}`;
    // sector|features|numbers|street|districts|problems|guessed street|aspect groups…
    await redis.set(key, `energy:0.95|${WORDS.join(',')}|777||||||||`, 'KEEPTTL');
    const [other] = await repo.group([{ ...candidate(WORDS, 'energy', 0.95), numbers: [778] }], policy);
    expect(other?.kind).toBe('new');
    const [same] = await repo.group([{ ...candidate(WORDS, 'energy', 0.95), numbers: [777] }], policy);
    expect(same).toMatchObject({ kind: 'attach', incidentId: first?.incidentId, similarity: 1 });
  });
});
