import { createHash } from 'node:crypto';
import type { RedisClient } from '../adapters/redis';
import type { GroupingPolicy } from '../domain/incident-workflow';
import type { Network } from '../domain/network';
import { ASPECT_GROUPS, aspectsIn } from '../text/grouping-features';
import { featureHashes, hash32 } from '../text/similarity';

/** A post that would open an incident, asking whether an open incident already covers it. */
export interface GroupCandidate {
  postId: string;
  /** The incident this post opens if nothing matches (`inc:<postId>`). */
  incidentId: string;
  /** Sorted unique feature hashes (src/text/similarity.ts). */
  features: readonly number[];
  /** The hashes of its number features (house, route, school numbers): a conflict vetoes a link. */
  numbers: readonly number[];
  /** LSH bucket keys of the post's MinHash signature, already scoped (municipality). */
  buckets: readonly string[];
  /** The classifier's sector: another sector costs `otherSectorPenalty`. */
  sector: string;
  /** The classifier's confidence in `sector` (0..1, three decimals): two confident, different sectors are never linked automatically (`sectorVeto`). */
  sectorConfidence: number;
  /**
   * The known streets the post names (lowercase; one, or an outage notice's list), or none: two
   * posts naming known streets, none in common, are two places.
   */
  streets: readonly string[];
  /**
   * Every street the post names, known or guessed, by its name's stems («улица Светлой» and
   * «Светлая» meet; «2-я Солнечная» from the list and a guessed «3-я Солнечная» do not): naming
   * streets, none in common, vetoes a link.
   */
  streetKeys: readonly string[];
  /** Districts the post names (src/text/grouping-features.ts): none in common vetoes a link. */
  districts: readonly string[];
  /** The hashes of the problem concepts it names (src/text/grouping-features.ts): none in common vetoes a link. */
  problems: readonly number[];
  /**
   * The sub-problems it names, `<group>:<value>` (src/text/grouping-features.ts `aspectsOf`: «ржавая
   * вода» is water:quality, «нет воды» water:none): in any group, none in common vetoes a link.
   */
  aspects: readonly string[];
  /** Place-rule key (municipality|category|street), or null. */
  placeKey: string | null;
  member: GroupMember;
}

export interface GroupMember {
  postId: string;
  network: Network;
  publishedAt: string;
  /** Views, or likes + comments + reposts when the network gives no views. */
  reach: number;
}

export type GroupOutcome =
  /**
   * No open incident matches: the post opens its own (with a suggestion when one came close).
   * `followers`: earlier posts that opened no incident and waited for one (follow-ups) that it
   * links, now its members.
   */
  | { kind: 'new'; incidentId: string; suggestion: { incidentId: string; similarity: number } | null; followers: string[] }
  /** Attached to an open incident. */
  | { kind: 'attach'; incidentId: string; similarity: number }
  /** Delivered before: the earlier decision stands. */
  | { kind: 'dup'; incidentId: string };

// One atomic decision per post: Redis runs scripts one at a time, so posts arriving in any order
// (in any number of pipeline workers) see each other's registrations and end in one incident.
// An open incident's profile is one string (one MGET for the candidates scored, one SET per incident):
// v8|sector:confidence|numbers|streets|districts|problems|street keys|<one field per aspect group>|features,
// lists comma-separated (src/domain/incident-workflow.ts `groupingVerdict` and src/pipeline/grouping-eval.ts
// `pairEvidence` are the same rule in TypeScript). ARGV[13] is the number of set fields.
// The long feature list comes last and is read only for a candidate no set vetoes: Lua's pattern
// matching costs about 200 instructions a character (callgrind). A profile written before v8 (v7:
// without the crossing group; v6: without the season and okrug groups too; v5: without the month and report groups too; v4: without
// the year group too; v3: without the operator, line, date and weekday groups too; v2: without the
// facility, entrance and vehicle groups too) or before v2
// (sector|features|sets…) is still read.
const GROUP = `
local prefix = ARGV[1]
local existing = redis.call('GET', KEYS[1])
if existing then return {'dup', existing, '0', ''} end
local nsets = tonumber(ARGV[13])
-- Splits a profile into {sector, set 1 … set n, features} with plain finds (no pattern matching);
-- the features stay one unparsed string.
local function fields(s)
  local t = {}
  local version = string.sub(s, 1, 3)
  if version == 'v8|' or version == 'v7|' or version == 'v6|' or version == 'v5|' or version == 'v4|' or version == 'v3|' or version == 'v2|' then
    -- A v7 profile has no crossing group (the last set), a v6 profile no season and okrug groups
    -- either (its districts field may name okrugs too), a v5 profile no month and report groups either, a v4 profile no year group, a v3
    -- profile neither the operator, line, date and weekday groups, a v2 profile neither the facility,
    -- entrance and vehicle groups: it reads as naming none.
    local stored = version == 'v8|' and nsets or version == 'v7|' and nsets - 1 or version == 'v6|' and nsets - 3 or version == 'v5|' and nsets - 5 or version == 'v4|' and nsets - 6 or version == 'v3|' and nsets - 10 or nsets - 13
    local pos = 4
    for k = 1, stored + 1 do
      local bar = string.find(s, '|', pos, true)
      if not bar then return nil end
      t[k] = string.sub(s, pos, bar - 1)
      pos = bar + 1
    end
    for k = stored + 2, nsets + 1 do t[k] = '' end
    t[nsets + 2] = string.sub(s, pos)
    return t
  end
  -- Before v2: sector|features|sets…
  local old = {}
  for f in string.gmatch(s .. '|', '([^|]*)|') do old[#old + 1] = f end
  t[1] = old[1] or ''
  for k = 1, nsets do t[k + 1] = old[k + 2] or '' end
  t[nsets + 2] = old[2] or ''
  return t
end
local function set(s)
  local t, any = {}, false
  for n in string.gmatch(s, '[^,]+') do t[n] = true; any = true end
  return any and t or nil
end
local mine = fields(ARGV[3])
-- The post's features as a set of their decimal strings: a profile's features are counted against
-- it without converting them (both lists are unique, so |A∩B| / (|A|+|B|-|A∩B|) is the Jaccard index).
-- Built on the first candidate that needs it: when every candidate is vetoed by a set (a burst of
-- alike posts at other houses) the post's own list, the longest field, is never parsed.
local myFeatures, myCount = nil, 0
local function ownFeatures()
  myFeatures = {}
  for n in string.gmatch(mine[nsets + 2], '[^,]+') do myFeatures[n] = true; myCount = myCount + 1 end
end
-- Numbers, streets, districts, problems, street keys, each aspect group: both name some and none in common vetoes a link.
local mySets = {}
for k = 1, nsets do mySets[k] = set(mine[k + 1]) end
-- Reads a stored profile as far as it must: nil when one of its sets vetoes the post (most
-- candidates in a burst of alike posts stop at their numbers), else its sector field and features.
local function scan(s)
  local t = string.sub(s, 1, 3) ~= 'v8|' and fields(s) or nil
  local pos = 4
  local function nextField(k)
    if t then return t[k] end
    local bar = string.find(s, '|', pos, true)
    if not bar then return nil end
    local f = string.sub(s, pos, bar - 1)
    pos = bar + 1
    return f
  end
  local sector = nextField(1)
  if not sector then return nil end
  -- Both name numbers (set 1), streets (sets 2 and 5) or problems (set 4) and were not vetoed: they share one.
  local numbers, problems = false, false
  for k = 1, nsets do
    local list = nextField(k + 1)
    if not list then return nil end
    local ours = mySets[k]
    if ours and list ~= '' then
      local shared = false
      for n in string.gmatch(list, '[^,]+') do if ours[n] then shared = true; break end end
      if not shared then return nil end
      -- A shared street anchors as a shared number does: the same problem on the same street.
      if k == 1 or k == 2 or k == 5 then numbers = true elseif k == 4 then problems = true end
    end
  end
  if t then return sector, t[nsets + 2], numbers, problems end
  return sector, string.sub(s, pos), numbers, problems
end
local function jac(list)
  if not myFeatures then ownFeatures() end
  if myCount == 0 then return 0 end
  local n, inter = 0, 0
  for f in string.gmatch(list, '[^,]+') do
    n = n + 1
    if myFeatures[f] then inter = inter + 1 end
  end
  if n == 0 then return 0 end
  return inter / (myCount + n - inter)
end
-- Candidates ranked by how many LSH bands they share with the post (an estimate of the
-- similarity; place matches first, worth 1000 bands), ties by first appearance (place bucket,
-- then bands in order), and only the top ones scored exactly: a burst of alike posts fills every
-- band, and scoring all of them would make the cost per post grow with the burst. The ranking is
-- one pass grouping ids by their count (few distinct counts), not a sort of every id.
-- Each bucket keeps its BUCKET newest incidents (ARGV[15]).
local BUCKET = tonumber(ARGV[15])
local LAST = tostring(BUCKET - 1)
local placeIds, hits, seen, nseen = {}, {}, {}, 0
if ARGV[4] == '1' then
  for _, id in ipairs(redis.call('LRANGE', KEYS[2], '0', LAST)) do
    placeIds[id] = true
    local h = hits[id]
    if h then hits[id] = h + 1000 else hits[id] = 1000; nseen = nseen + 1; seen[nseen] = id end
  end
end
for i = 3, #KEYS do
  for _, id in ipairs(redis.call('LRANGE', KEYS[i], '0', LAST)) do
    local h = hits[id]
    local w = placeIds[id] and 1000 or 1
    if h then hits[id] = h + w else hits[id] = w; nseen = nseen + 1; seen[nseen] = id end
  end
end
local byHits, levels, ranked = {}, {}, {}
for _, id in ipairs(seen) do
  local h = hits[id]
  local l = byHits[h]
  if l then l[#l + 1] = id else byHits[h] = {id}; levels[#levels + 1] = h end
end
table.sort(levels, function(x, y) return x > y end)
for _, h in ipairs(levels) do
  for _, id in ipairs(byHits[h]) do
    ranked[#ranked + 1] = id
    if #ranked == 12 then break end
  end
  if #ranked == 12 then break end
end
local bonus, penalty, anchor = tonumber(ARGV[7]), tonumber(ARGV[12]), tonumber(ARGV[17]) or 0
-- Two different sectors, each classified with at least ARGV[14] confidence (empty: off): never an
-- automatic link, at most a suggestion. The best linkable candidate and the best of all are kept apart.
local veto = tonumber(ARGV[14])
local function sectorOf(f)
  local label, conf = string.match(f, '^([^:]*):?(.*)$')
  return label, tonumber(conf)
end
local myLabel, myConf = sectorOf(mine[1])
local vetoMine = veto and myConf and myConf >= veto
-- The score of a stored profile against the post (nil when one of its sets vetoes it) and whether
-- the sector veto keeps the pair from linking; inPlace: found in the post's place bucket.
local function scored(c, inPlace)
  local sectorField, features, sharedNumber, sharedProblem = scan(c)
  if not sectorField then return nil, false end
  local s = jac(features)
  if inPlace then s = s + bonus end
  -- The same problem at the same number, street or place (ARGV[17]).
  if sharedProblem and (sharedNumber or inPlace) then s = s + anchor end
  local label, conf = sectorOf(sectorField)
  local other = label ~= myLabel
  if other then s = s - penalty end
  if s > 1 then s = 1 end
  if s < 0 then s = 0 end
  return s, other and vetoMine and conf ~= nil and conf >= veto
end
local bestId, best, linkId, link = nil, -1, nil, -1
-- The ranked candidates' profiles in one call (false for one deactivated or expired).
local profileKeys = {}
for r = 1, #ranked do profileKeys[r] = prefix .. ':grp:c:' .. ranked[r] end
local profiles = #ranked > 0 and redis.call('MGET', unpack(profileKeys)) or {}
for r = 1, #ranked do
  local id = ranked[r]
  local c = profiles[r]
  if c then
    local s, vetoed = scored(c, placeIds[id])
    if s then
      -- Ties go to the earlier registration (ranked first).
      if s > best then best = s; bestId = id end
      if s > link and not vetoed then link = s; linkId = id end
    end
  end
end
local keep = ARGV[11]
local window = ARGV[8]
local first = 3
if ARGV[4] == '1' then first = 2 end
-- Waiting follow-ups are listed beside the place bucket and the first WAIT_BANDS bands only
-- (ARGV[18]): every new incident reads those lists, so they are kept few.
local waitLast = math.min(#KEYS, 2 + tonumber(ARGV[18]))
local memberKey
if linkId and link >= tonumber(ARGV[5]) then
  redis.call('SET', KEYS[1], linkId, 'EX', keep)
  memberKey = prefix .. ':grp:m:' .. linkId
  redis.call('HSET', memberKey, ARGV[10], ARGV[9])
  redis.call('EXPIRE', memberKey, keep)
  return {'attach', linkId, tostring(link), ''}
end
-- A follow-up (ARGV[16]) joins an incident or nothing: it opens none and suggests none. With none
-- to join yet it waits for one (within the window): its profile and member entry, its id ('w:' and
-- the post id) in waiting lists beside the buckets (':w'), so that an incident opening later that
-- links it takes it in.
if ARGV[16] == '1' then
  local waitId = 'w:' .. ARGV[10]
  redis.call('SET', prefix .. ':grp:c:' .. waitId, ARGV[3], 'EX', window)
  redis.call('SET', prefix .. ':grp:wm:' .. ARGV[10], ARGV[9], 'EX', window)
  for i = first, waitLast do
    local waiting = KEYS[i] .. ':w'
    if redis.call('LPUSH', waiting, waitId) > BUCKET then redis.call('LTRIM', waiting, '0', LAST) end
    redis.call('EXPIRE', waiting, window)
  end
  return {'none', '', tostring(best), ''}
end
local newId = ARGV[2]
redis.call('SET', KEYS[1], newId, 'EX', keep)
redis.call('SET', prefix .. ':grp:c:' .. newId, ARGV[3], 'EX', window)
for i = first, #KEYS do
  -- Bucket lists stay at BUCKET ids; trimming only when one grew past that saves a call per bucket.
  if redis.call('LPUSH', KEYS[i], newId) > BUCKET then redis.call('LTRIM', KEYS[i], '0', LAST) end
  redis.call('EXPIRE', KEYS[i], window)
end
memberKey = prefix .. ':grp:m:' .. newId
redis.call('HSET', memberKey, ARGV[10], ARGV[9])
-- Earlier posts that opened no incident and wait for one (follow-ups, place list first, at most
-- 4): those this incident links, as a post would link an incident, join it now.
local waitIds, waitSeen, waitPlace = {}, {}, {}
for i = first, waitLast do
  if #waitIds >= 4 then break end
  for _, id in ipairs(redis.call('LRANGE', KEYS[i] .. ':w', '0', LAST)) do
    if not waitSeen[id] and #waitIds < 4 then
      waitSeen[id] = true
      waitIds[#waitIds + 1] = id
      if i == 2 then waitPlace[id] = true end
    end
  end
end
local result = {'new', newId, tostring(best), ''}
if #waitIds > 0 then
  local profileKeys, memberKeys = {}, {}
  for r = 1, #waitIds do
    profileKeys[r] = prefix .. ':grp:c:' .. waitIds[r]
    memberKeys[r] = prefix .. ':grp:wm:' .. string.sub(waitIds[r], 3)
  end
  local waiting = redis.call('MGET', unpack(profileKeys))
  local entries = redis.call('MGET', unpack(memberKeys))
  for r = 1, #waitIds do
    local c, entry = waiting[r], entries[r]
    if c and entry then
      local s, vetoed = scored(c, waitPlace[waitIds[r]])
      if s and s >= tonumber(ARGV[5]) and not vetoed then
        local postId = string.sub(waitIds[r], 3)
        redis.call('SET', prefix .. ':grp:post:' .. postId, newId, 'EX', keep)
        redis.call('HSET', memberKey, postId, entry)
        redis.call('DEL', profileKeys[r], memberKeys[r])
        result[#result + 1] = postId
      end
    end
  end
end
redis.call('EXPIRE', memberKey, keep)
if bestId and best >= tonumber(ARGV[6]) then result[4] = bestId end
return result`;

const GROUP_SHA = createHash('sha1').update(GROUP).digest('hex');

/** Set fields of a profile, between its sector and its features: numbers, street, districts, problems, guessed street, aspect groups. */
const PROFILE_SETS = 5 + ASPECT_GROUPS.length;

/**
 * Incidents a bucket keeps (the newest): each one read is counted by the script for every post in
 * the bucket (20 before: 2.5 times the ids to read, for candidates a post shares fewer bands with).
 */
const BUCKET_SIZE = 8;

/**
 * Bands a waiting follow-up is listed under, beside the place bucket (of 16): each new incident
 * reads these lists, so the cost of waiting falls on every incident. Two posts with Jaccard 0.3
 * share one of four single-value bands with probability 0.76 (0.94 at 0.5).
 */
export const WAIT_BANDS = 4;

/** How long membership facts are kept (the card's post count and reach). */
const KEEP_SECONDS = 90 * 24 * 3600;

/** The profile an incident registers and a post is compared with (the script's `fields`). */
function profile(c: GroupCandidate): string {
  // Sector labels are plain words, with the classifier's confidence after a colon (a profile
  // written before it has the label alone: never vetoed); the street and districts go as hashes (no separators inside).
  // Aspect values are plain ASCII words (none, quality, fire …), one field per group.
  return ['v8', `${c.sector}:${c.sectorConfidence}`, c.numbers.join(','), c.streets.map((x) => hash32(x)).join(','), featureHashes(c.districts).join(','), c.problems.join(','), c.streetKeys.map((x) => hash32(x)).join(','), ...ASPECT_GROUPS.map((g) => aspectsIn(c.aspects, g).join(',')), c.features.join(',')].join('|');
}

function encodeMember(m: GroupMember): string {
  return `${m.network}|${m.publishedAt}|${m.reach}`;
}

function decodeMember(postId: string, v: string): GroupMember {
  const [network, publishedAt, reach] = v.split('|');
  return { postId, network: network as Network, publishedAt: publishedAt ?? '', reach: Number(reach) || 0 };
}

/**
 * Grouping state in Redis: which open incident each post belongs to, the feature sets of open
 * incidents (expiring with the grouping window), LSH and place buckets to find candidates, and
 * each incident's members (for the card's count, networks, first/last time and reach).
 */
export function createGroupingRepository(deps: { redis: RedisClient; prefix: string }) {
  const { redis, prefix } = deps;
  const postKey = (postId: string) => `${prefix}:grp:post:${postId}`;
  const profileKey = (id: string) => `${prefix}:grp:c:${id}`;
  // Before profiles, an incident's features and numbers were two keys; deleted too while they live.
  const legacyKeys = (id: string) => [`${prefix}:grp:f:${id}`, `${prefix}:grp:n:${id}`];
  const membersKey = (id: string) => `${prefix}:grp:m:${id}`;
  const placeBucket = (key: string) => `${prefix}:grp:pl:${key}`;
  const bandBucket = (key: string) => `${prefix}:grp:b:${key}`;

  /** Runs the script for every candidate in order, atomically each (one round trip for the batch). */
  async function run(candidates: readonly GroupCandidate[], policy: GroupingPolicy, followUp: boolean): Promise<string[][]> {
    if (candidates.length === 0) return [];
    const args = (c: GroupCandidate) => {
      const keys = [postKey(c.postId), placeBucket(c.placeKey ?? '-'), ...c.buckets.map(bandBucket)];
      return [
        keys.length,
        ...keys,
        prefix,
        c.incidentId,
        profile(c),
        c.placeKey ? '1' : '0',
        String(policy.autoLink),
        String(policy.suggest),
        String(policy.placeBonus),
        String(policy.windowMinutes * 60),
        encodeMember(c.member),
        c.postId,
        String(KEEP_SECONDS),
        String(policy.otherSectorPenalty),
        String(PROFILE_SETS),
        policy.sectorVeto === null ? '' : String(policy.sectorVeto),
        String(BUCKET_SIZE),
        followUp ? '1' : '0',
        String(policy.anchorBonus),
        String(WAIT_BANDS),
      ] as const;
    };
    // EVALSHA: the script's text is not sent (and hashed by Redis) for every post. A Redis that
    // lost its script cache (restart) answers NOSCRIPT: those posts, not decided, run again
    // with the script's text.
    const p = redis.pipeline();
    for (const c of candidates) p.evalsha(GROUP_SHA, ...args(c));
    const res = (await p.exec()) ?? [];
    for (let i = 0; i < candidates.length; i++) {
      const err = res[i]?.[0];
      if (err && /NOSCRIPT/.test(err.message)) res[i] = [null, await redis.eval(GROUP, ...args(candidates[i] as GroupCandidate))];
    }
    return res.map(([err, val]) => {
      if (err) throw err;
      return val as string[];
    });
  }

  return {
    /** Decides every candidate in order, atomically each (one round trip for the batch). */
    async group(candidates: readonly GroupCandidate[], policy: GroupingPolicy): Promise<GroupOutcome[]> {
      const res = await run(candidates, policy, false);
      return res.map(([kind = '', id = '', score = '0', sug = '', ...followers]): GroupOutcome => {
        if (kind === 'dup') return { kind: 'dup', incidentId: id };
        if (kind === 'attach') return { kind: 'attach', incidentId: id, similarity: Number(score) };
        return { kind: 'new', incidentId: id, suggestion: sug ? { incidentId: sug, similarity: Number(score) } : null, followers };
      });
    },

    /**
     * Follow-ups: posts that open no incident of their own («у нас тоже нет воды», «+1, до сих пор
     * не починили»). Each joins the open incident it matches at the link threshold (the incident's
     * id), or the answer is null and the post waits, within the window, for an incident opening
     * later that links it (`group`'s `followers`); it never opens one or makes a suggestion.
     */
    async follow(candidates: readonly GroupCandidate[], policy: GroupingPolicy): Promise<(string | null)[]> {
      const res = await run(candidates, policy, true);
      return res.map(([kind, id]) => (kind === 'attach' || kind === 'dup' ? (id ?? null) : null));
    },

    /** Members of each incident (posts grouped into it, the opening post included). */
    async members(ids: readonly string[]): Promise<Map<string, GroupMember[]>> {
      const out = new Map<string, GroupMember[]>();
      if (ids.length === 0) return out;
      const p = redis.pipeline();
      for (const id of ids) p.hgetall(membersKey(id));
      const res = (await p.exec()) ?? [];
      ids.forEach((id, i) => {
        const [err, val] = res[i] ?? [null, {}];
        if (err) throw err;
        out.set(
          id,
          Object.entries((val ?? {}) as Record<string, string>).map(([postId, v]) => decodeMember(postId, v)),
        );
      });
      return out;
    },

    /** The incident no longer collects posts (closed, rejected, merged). */
    async deactivate(id: string): Promise<void> {
      await redis.del(profileKey(id), ...legacyKeys(id));
    },

    /** Moves every member of `from` into `to` (merge); later deliveries of those posts go to `to`. */
    async moveMembers(from: string, to: string): Promise<number> {
      const members = (await redis.hgetall(membersKey(from))) ?? {};
      const entries = Object.entries(members);
      const m = redis.multi();
      if (entries.length > 0) {
        m.hset(membersKey(to), members);
        for (const [postId] of entries) m.set(postKey(postId), to, 'EX', KEEP_SECONDS);
      }
      m.expire(membersKey(to), KEEP_SECONDS);
      m.del(membersKey(from), profileKey(from), ...legacyKeys(from));
      await m.exec();
      return entries.length;
    },

    /** Splits one post out of `from` into its own incident `to`. */
    async splitMember(from: string, to: string, member: GroupMember): Promise<void> {
      const m = redis.multi();
      m.hdel(membersKey(from), member.postId);
      m.hset(membersKey(to), member.postId, encodeMember(member));
      m.expire(membersKey(to), KEEP_SECONDS);
      m.set(postKey(member.postId), to, 'EX', KEEP_SECONDS);
      await m.exec();
    },
  };
}
export type GroupingRepository = ReturnType<typeof createGroupingRepository>;
