/**
 * Follow-ups on real Redis: a post that opens no incident of its own joins the open incident it
 * matches at the link threshold (the card's members grow, a re-delivery gives the same answer);
 * one that matches none waits within the window, and an incident opening later that links it takes
 * it in, once; it never opens an incident, makes a suggestion or is grouped into as one.
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

  it('a follow-up that matches nothing waits: an incident opening later that links it takes it in, once', async () => {
    await repo.group([candidate(WORDS)], DEFAULT_GROUPING);
    // Jaccard 2/10: above the suggestion threshold, below the link threshold.
    const near = candidate([11, 22, 101, 102, 103, 104]);
    const far = candidate([201, 202, 203, 204]);
    expect(DEFAULT_GROUPING.suggest).toBeLessThanOrEqual(0.2);
    expect(DEFAULT_GROUPING.autoLink).toBeGreaterThan(0.2);
    expect(await repo.follow([near, far], DEFAULT_GROUPING)).toEqual([null, null]);
    // Waiting is no incident: a post like it opens its own and takes the waiting one in.
    const opener = candidate([201, 202, 203, 205]);
    const [later] = await repo.group([opener], DEFAULT_GROUPING);
    expect(later).toMatchObject({ kind: 'new', suggestion: null, followers: [far.postId] });
    const incident = later?.incidentId ?? '';
    const members = (await repo.members([incident])).get(incident) ?? [];
    expect(members.map((m) => m.postId).sort()).toEqual([far.postId, opener.postId].sort());
    expect(members.find((m) => m.postId === far.postId)).toMatchObject({ network: 'telegram', reach: 5 });
    // A re-delivery of the follow-up answers the incident it joined.
    expect(await repo.follow([far], DEFAULT_GROUPING)).toEqual([incident]);
    // Joined once: another incident like it does not take it again.
    const [again] = await repo.group([candidate([201, 202, 203, 206])], DEFAULT_GROUPING);
    expect(again?.kind === 'new' ? again.followers : []).toEqual([]);
  });

  it('a waiting follow-up joins only an incident that links it: the suggestion band, another sector held with confidence or a conflict leave it waiting', async () => {
    const waiting = candidate([301, 302, 303, 304, 305, 306]);
    expect(await repo.follow([waiting], DEFAULT_GROUPING)).toEqual([null]);
    // Jaccard 2/10 (a suggestion at most), and 5/7 but in another sector, both held with confidence.
    const suggestOnly = candidate([301, 302, 401, 402, 403, 404]);
    const vetoed = { ...candidate([301, 302, 303, 304, 305, 307]), sector: 'roads', sectorConfidence: 0.95 };
    for (const c of [suggestOnly, { ...vetoed, postId: `${vetoed.postId}-v` }]) {
      const [o] = await repo.group([c], DEFAULT_GROUPING);
      expect(o?.kind === 'new' ? o.followers : ['attached']).toEqual([]);
    }
    // The waiting post names a number of its own: another number is another house.
    const numbered = candidate([501, 502, 503, 504]);
    await repo.follow([{ ...numbered, numbers: [7] }], DEFAULT_GROUPING);
    const [o] = await repo.group([{ ...candidate([501, 502, 503, 505]), numbers: [9] }], DEFAULT_GROUPING);
    expect(o?.kind === 'new' ? o.followers : ['attached']).toEqual([]);
    // The same words in the same sector, no number: it joins.
    const [joins] = await repo.group([candidate([301, 302, 303, 304, 305, 309])], DEFAULT_GROUPING);
    expect(joins).toMatchObject({ kind: 'new', followers: [waiting.postId] });
  });
});
