/**
 * Follow-ups on real Redis: a post that opens no incident of its own joins the open incident it
 * matches at the link threshold (the card's members grow, a re-delivery gives the same answer);
 * one that matches none, or only in the suggestion band, writes nothing (no profile, no bucket
 * entry, no post key): a later post cannot be grouped into it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedis, redisReady } from '../../src/adapters/redis';
import { DEFAULT_GROUPING } from '../../src/domain/incident-workflow';
import { createGroupingRepository, type GroupCandidate, type GroupingRepository } from '../../src/repositories/grouping.repository';
import { groupingCandidate } from '../helpers/grouping';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'grouping-follow-up' });
let prefix = '';
let repo: GroupingRepository;

const candidate = (features: number[]): GroupCandidate => groupingCandidate(features, { member: { network: 'telegram', reach: 5 } }, 'follow');
const WORDS = [11, 22, 33, 44, 55, 66];

beforeAll(async () => {
  await redisReady(redis);
});
beforeEach(() => {
  prefix = `test-grpfollow-${randomBytes(3).toString('hex')}`;
  repo = createGroupingRepository({ redis, prefix });
});
afterAll(async () => {
  const keys = await redis.keys('test-grpfollow-*');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('grouping follow-ups', () => {
  it('a follow-up that matches an open incident joins it; a re-delivery answers the same', async () => {
    const first = candidate(WORDS);
    const [opened] = await repo.group([first], DEFAULT_GROUPING);
    expect(opened?.kind).toBe('new');
    const incident = opened?.kind === 'new' ? opened.incidentId : '';
    const follow = candidate([...WORDS.slice(0, 5), 77]);
    expect(await repo.follow([follow], DEFAULT_GROUPING)).toEqual([incident]);
    expect(await repo.follow([follow], DEFAULT_GROUPING)).toEqual([incident]);
    const members = (await repo.members([incident])).get(incident) ?? [];
    expect(members.map((m) => m.postId).sort()).toEqual([follow.postId, first.postId].sort());
    expect(members.find((m) => m.postId === follow.postId)).toMatchObject({ network: 'telegram', reach: 5 });
  });

  it('a follow-up that matches nothing, or only in the suggestion band, writes nothing', async () => {
    await repo.group([candidate(WORDS)], DEFAULT_GROUPING);
    const before = (await redis.keys(`${prefix}:*`)).sort();
    // Jaccard 2/10: above the suggestion threshold, below the link threshold.
    const near = candidate([11, 22, 101, 102, 103, 104]);
    const far = candidate([201, 202, 203, 204]);
    expect(DEFAULT_GROUPING.suggest).toBeLessThanOrEqual(0.2);
    expect(DEFAULT_GROUPING.autoLink).toBeGreaterThan(0.2);
    expect(await repo.follow([near, far], DEFAULT_GROUPING)).toEqual([null, null]);
    expect((await redis.keys(`${prefix}:*`)).sort()).toEqual(before);
    // Nothing to join later: a post like the unregistered follow-up opens its own incident.
    const [later] = await repo.group([candidate([201, 202, 203, 204])], DEFAULT_GROUPING);
    expect(later?.kind).toBe('new');
  });
});
