/**
 * Grouping candidates for the grouping script's tests on real Redis: a post's words as feature
 * hashes and the sets the script compares, with a fresh post id each call.
 */
import type { GroupCandidate, GroupMember } from '../../src/repositories/grouping.repository';
import { groupingBands } from '../../src/text/similarity';

let seq = 0;

/** A candidate in Omsk with the given feature hashes; `over` sets the rest (sector, numbers, problems …). */
export function groupingCandidate(features: number[], over: Partial<Omit<GroupCandidate, 'member'>> & { member?: Partial<GroupMember> } = {}, idPrefix = 'grp'): GroupCandidate {
  seq++;
  const postId = `vk:${idPrefix}${seq}`;
  return {
    postId,
    incidentId: `inc:${postId}`,
    features,
    numbers: [],
    buckets: groupingBands(features).map((b) => `omsk:${b}`),
    sector: 'housing',
    sectorConfidence: 0.9,
    streets: [],
    streetKeys: [],
    districts: [],
    problems: [],
    aspects: [],
    placeKey: null,
    ...over,
    member: { postId, network: 'vk', publishedAt: new Date().toISOString(), reach: 1, ...over.member },
  };
}
