import { incidentId, type IncidentPolicy, type Incident } from '../domain/incident';
import { placeKey, type GroupingPolicy } from '../domain/incident-workflow';
import type { GroupCandidate, GroupingRepository } from '../repositories/grouping.repository';
import { analyze } from '../text/analyze';
import { lexiconRegisters } from '../classifier/lexicon';
import { aspectsOf, districtsOf, groupingFeatures, guessedStreetKey, incidentalNumbers, problemsOf } from '../text/grouping-features';
import { featureHashes, groupingBands } from '../text/similarity';
import type { EnrichedPost, IncomingPost } from '../domain/post';
import type { Logger } from '../lib/logger';
import type { FeedRepository } from '../repositories/feed.repository';
import { toIncidentDoc, type IncidentDoc, type IncidentsRepository } from '../repositories/incidents.repository';
import type { IndexNames } from '../repositories/indices';
import type { PostsRepository } from '../repositories/posts.repository';
import type { StagingRepository } from '../repositories/staging.repository';
import type { ClaimPropagation } from '../services/claim-matcher.service';
import { decideIncident, enrichPost, type EnrichDeps } from './enrich';
import { describeIssues, incomingPostSchema } from './post.schema';
import { preserveHumanDecisions } from './preserve';
import type { TombstonesRepository } from '../repositories/tombstones.repository';

/** What happened to one post of a batch. `retry` failures are transient, `park` ones are the post's own. */
export type PostOutcome =
  /** `earlier`: a delivery before this one finished the post (its staged payload already removed). */
  | { status: 'done'; incident: 'created' | 'exists' | 'attached' | 'none' | 'earlier' }
  | { status: 'retry'; reason: string }
  | { status: 'park'; reason: string };

export interface PipelineDeps extends EnrichDeps {
  staging: StagingRepository;
  posts: PostsRepository;
  incidents: Pick<IncidentsRepository, 'bulkCreate'>;
  grouping: Pick<GroupingRepository, 'group' | 'follow' | 'members'>;
  groupingPolicy: GroupingPolicy;
  feed: Pick<FeedRepository, 'publishOnce' | 'publishUpdates'>;
  names: IndexNames;
  policy: IncidentPolicy;
  log: Logger;
  /** Erased authors and posts: re-delivered posts of theirs are anonymised again. */
  tombstones?: TombstonesRepository;
  now?: () => Date;
  /** The misinformation desk's claims: posts join claims and take their verdicts' risk. */
  claims?: ClaimPropagation;
}

/**
 * The pipeline for a batch of staged posts: validate, enrich, bulk-index, open incidents, publish
 * them to the live feed. Every step is idempotent by id, so a retried batch changes nothing that
 * already happened; outcomes come back per post, in input order.
 */
export function createPipelineService(deps: PipelineDeps) {
  const now = deps.now ?? (() => new Date());

  /**
   * The post documents of follow-ups that joined an incident as it opened (their membership, which
   * the card counts, is already in Redis): their `incident_id`, found by their stored publication
   * time. A failure is logged, not retried: the card and the grouping state are already right.
   */
  async function storeFollowers(followers: readonly { postId: string; incidentId: string }[]): Promise<void> {
    try {
      const members = await deps.grouping.members([...new Set(followers.map((f) => f.incidentId))]);
      const updates = followers.flatMap((f) => {
        const m = members.get(f.incidentId)?.find((x) => x.postId === f.postId);
        return m?.publishedAt ? [{ id: f.postId, publishedAt: m.publishedAt, incidentId: f.incidentId }] : [];
      });
      await deps.posts.setIncident(updates);
      deps.log.info({ followers: updates.length }, 'waiting follow-ups joined new incidents');
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, followers: followers.length }, 'follow-ups joined incidents; their post documents were not updated');
    }
  }

  return {
    async processBatch(postIds: readonly string[]): Promise<PostOutcome[]> {
      const outcomes: PostOutcome[] = new Array(postIds.length);
      const raw = await deps.staging.get(postIds);
      const at = now();

      // A payload is removed once its post is done. A worker killed after that and before the
      // queue recorded the job as completed leaves the job to run again: its post is indexed, so
      // the job is done, not parked.
      const missing = postIds.filter((_, i) => raw[i] === null);
      const finished = await deps.posts.indexed(missing);
      const enriched: { i: number; post: EnrichedPost }[] = [];
      raw.forEach((payload, i) => {
        const id = postIds[i] as string;
        if (payload === null) {
          outcomes[i] = finished.has(id) ? { status: 'done', incident: 'earlier' } : { status: 'park', reason: 'staged payload missing (expired or never staged)' };
          return;
        }
        const result = parseStaged(payload, id);
        if ('reason' in result) {
          outcomes[i] = { status: 'park', reason: result.reason };
          return;
        }
        try {
          enriched.push({ i, post: enrichPost(result.post, deps, at) });
        } catch (err) {
          outcomes[i] = { status: 'park', reason: `classification failed: ${(err as Error).message}` };
        }
      });

      // Claims before incidents: a verdict sets the risk the incident rule reads.
      const links = deps.claims ? await deps.claims.apply(enriched.map((e) => e.post), at) : [];
      // Erasures and human corrections survive a re-delivery of the same post.
      const overrides = await preserveHumanDecisions(enriched.map((e) => e.post), deps);

      // Decide incidents before indexing so the post document carries its incident id. A post
      // saying what an open incident already says joins it instead (one card per problem).
      const incidents = new Map<number, IncidentDoc>();
      const attached = new Map<number, string>();
      const opening: { i: number; post: EnrichedPost; incident: Incident }[] = [];
      const following: { i: number; post: EnrichedPost; candidate: GroupCandidate }[] = [];
      const grouping = deps.groupingPolicy.windowMinutes > 0;
      for (const e of enriched) {
        const incident = decideIncident(e.post, deps.policy, at);
        if (incident) opening.push({ i: e.i, post: e.post, incident });
        else if (grouping) {
          const candidate = groupCandidate(e.post, incidentId(e.post.id));
          if (canFollowUp(e.post, candidate)) following.push({ i: e.i, post: e.post, candidate });
        }
      }
      const grouped = grouping ? await deps.grouping.group(opening.map((o) => groupCandidate(o.post, o.incident.id)), deps.groupingPolicy) : [];
      // Follow-ups after the batch's own incidents are registered, so «у нас тоже» can join one of them.
      const followed = await deps.grouping.follow(following.map((f) => f.candidate), deps.groupingPolicy);
      following.forEach((f, k) => {
        const target = followed[k];
        if (!target) return;
        f.post.incidentId = target;
        attached.set(f.i, target);
      });
      // Earlier follow-ups that waited for an incident and joined one of these as it opened.
      const followers: { postId: string; incidentId: string }[] = [];
      opening.forEach((o, k) => {
        const g = grouped[k];
        if (g?.kind === 'new') for (const postId of g.followers) followers.push({ postId, incidentId: g.incidentId });
        if (g && g.incidentId !== o.incident.id) {
          o.post.incidentId = g.incidentId;
          attached.set(o.i, g.incidentId);
          return;
        }
        o.post.incidentId = o.incident.id;
        const doc = toIncidentDoc(o.incident, o.post, deps.names.postsIndexFor(o.post.publishedAt));
        if (g?.kind === 'new' && g.suggestion) doc.suggestion = { incident_id: g.suggestion.incidentId, similarity: Math.round(g.suggestion.similarity * 1000) / 1000 };
        incidents.set(o.i, doc);
      });

      const indexed = await deps.posts.bulkIndex(enriched.map((e) => e.post), overrides);
      const toCreate: { i: number; doc: IncidentDoc }[] = [];
      enriched.forEach((e, k) => {
        const r = indexed[k];
        if (!r || !r.ok) {
          const reason = r && !r.ok ? r.reason : 'no bulk result';
          outcomes[e.i] = r && !r.ok && !r.retryable ? { status: 'park', reason: `index rejected: ${reason}` } : { status: 'retry', reason };
          return;
        }
        const doc = incidents.get(e.i);
        if (doc) toCreate.push({ i: e.i, doc });
        else outcomes[e.i] = { status: 'done', incident: attached.has(e.i) ? 'attached' : 'none' };
      });

      // Links only for posts that are stored (a retried post writes its link again, by id).
      const stored = new Set(enriched.filter((e) => outcomes[e.i] === undefined || outcomes[e.i]?.status === 'done').map((e) => e.post.id));
      if (deps.claims) await deps.claims.write(links.filter((l) => stored.has(l.postId)));

      const created = await deps.incidents.bulkCreate(toCreate.map((t) => t.doc));
      const toPublish: { i: number; doc: IncidentDoc; outcome: 'created' | 'exists' }[] = [];
      toCreate.forEach((t, k) => {
        const c = created[k];
        if (!c || c.outcome === 'failed') {
          outcomes[t.i] = { status: 'retry', reason: c?.outcome === 'failed' ? c.result.reason : 'no bulk result' };
          return;
        }
        toPublish.push({ ...t, outcome: c.outcome });
      });

      // An incident created by an earlier attempt may not have been published yet: publishOnce
      // decides, so both outcomes go through it.
      await deps.feed.publishOnce(toPublish.map((t) => ({ incidentId: t.doc.id, sector: t.doc.sector, municipality: t.doc.municipality })));
      for (const t of toPublish) outcomes[t.i] = { status: 'done', incident: t.outcome };
      // Cards of incidents that gained posts change live (count, networks, reach).
      const grown = new Map<string, EnrichedPost>();
      for (const e of enriched) {
        const target = attached.get(e.i);
        if (target && outcomes[e.i]?.status === 'done') grown.set(target, e.post);
      }
      await deps.feed.publishUpdates([...grown].map(([incidentId, p]) => ({ incidentId, sector: p.classification.sector.label, municipality: p.municipality })));
      if (followers.length > 0) await storeFollowers(followers);

      // Parked posts keep their staged payload (until its TTL) so an administrator can inspect it.
      await deps.staging.remove(postIds.filter((_, i) => outcomes[i]?.status === 'done'));
      return outcomes;
    },
  };
}
export type PipelineService = ReturnType<typeof createPipelineService>;

// Posts that are not follow-ups of a complaint though they name its problem: thanks («спасибо, дали
// свет»), official replies and announcements («плановое отключение»), news and debunks.
const NOT_A_FOLLOW_UP = new Set(['thanks', 'official', 'news', 'debunk']);
/** Words of an emergency a notice reports (a break, an accident, a fault). */
const EMERGENCY = ['авари', 'поврежд', 'порыв', 'прорыв', 'прорвал', 'неисправн'];
// Words that say something is wrong without naming the problem («так и стоит», «что случилось?»).
const FAILURE = new Set(['нет', 'без', 'случил', 'сто', 'стоит']);
// «не ходит», «не пришла», «не горят», «не включили», «не дали»: a service that does not run.
const NOT_DOING = ['ход', 'приш', 'приех', 'гор', 'дозвон', 'езд', 'пуска', 'запуст', 'включ', 'дал', 'работ'];

/**
 * A post that opens no incident may still join an open one as a follow-up («у нас на Ленина 12 тоже
 * нет воды», «+1, до сих пор не починили»): when it names a problem or says something is wrong
 * («не ходит», «так и стоит», «что случилось?»), is no page's own reply, and is not worded as
 * thanks, an official reply or announcement, news or a debunk. The complaint head
 * misses many such short posts; they belong on the card (its count, networks and reach).
 */
export function canFollowUp(post: EnrichedPost, candidate: GroupCandidate): boolean {
  if (post.kind === 'comment' && post.fromPage === true) return false;
  const stems = post.textStems.split(' ');
  if (candidate.problems.length === 0 && !stems.some((s, i) => FAILURE.has(s) || (i > 0 && stems[i - 1] === 'не' && NOT_DOING.some((p) => s.startsWith(p))))) return false;
  // A utility's notice of an emergency («в связи с повреждением на тепловой сети ограничено
  // теплоснабжение») is about the outage residents complain of; planned work is not.
  const emergency = stems.some((s) => EMERGENCY.some((e) => s.startsWith(e)));
  for (const s of stems) {
    if (s.startsWith('планов')) return false;
    // Residents address officials too («Уважаемая администрация, …», «моё обращение»).
    if (s.startsWith('уважа') || s.startsWith('обращ')) continue;
    // A preposition carries no register of its own (the news register's «по данным» lists «по»).
    if (s.length <= 2) continue;
    if (lexiconRegisters(s)?.some((r) => NOT_A_FOLLOW_UP.has(r) && !(emergency && r === 'official'))) return false;
  }
  return true;
}

/** What grouping needs of a post that would open an incident (or follow one up). */
export function groupCandidate(post: EnrichedPost, incidentId: string): GroupCandidate {
  const address = post.classification.place?.address;
  const stems = post.textStems.split(' ');
  const incidental = incidentalNumbers(post.text);
  const named = incidental.size === 0 ? groupingFeatures(stems) : groupingFeatures(stems).filter((f) => !incidental.has(f));
  const features = featureHashes(named);
  // Numbers in a street's name («70 лет Октября», «22 Апреля», «3-я Молодёжная») name no house.
  const streetNames = [...(post.classification.place?.streets ?? []), ...(address ? [address.street] : [])];
  const streetNumbers = new Set(streetNames.flatMap((s) => (s.match(/\d+/g) ?? []).map((n) => `#${Number(n)}`)));
  if (address?.house) for (const n of address.house.match(/\d+/g) ?? []) streetNumbers.delete(`#${Number(n)}`);
  const streets = post.classification.place?.streets ?? (address?.known ? [address.street] : []);
  // Two streets named together are a crossing («на Карла Маркса у Лермонтова»): one value for the pair.
  const crossing = streets.length === 2 ? [`cross:${featureHashes([[...streets].map((x) => x.toLowerCase()).sort().join('|')])[0]}`] : [];
  const aspects = [...aspectsOf(stems), ...crossing].sort();
  const oneNumberedAddress = Boolean(address?.house) && (post.text.match(/(?:^|[^а-яё])(?:ул\.|улиц[а-яё]*|пр\.|проспект[а-яё]*)/giu) ?? []).length <= 1;
  const e = post.engagement;
  const reach = e?.views ?? (e?.likes ?? 0) + (e?.comments ?? 0) + (e?.reposts ?? 0);
  return {
    postId: post.id,
    incidentId,
    features,
    numbers: featureHashes(houseNumbers(named.filter((f) => f.startsWith('#') && !streetNumbers.has(f)), address?.house, post.text)),
    sector: post.classification.sector.label,
    // Rounded as the grouping profile stores it, so the evaluation and Redis compare the same number.
    sectorConfidence: Math.round(post.classification.sector.confidence * 1000) / 1000,
    // Only streets found in the region's street list: a guessed one («улица Без») is no evidence.
    streets: streets.map((s) => s.toLowerCase()),
    // Every street named, known or guessed («улица Светлой», not in the list), by its name's stems;
    // not a street named as a district is («улица Московка»: the post may mean the district), unless
    // a numbered one with its house is the one address of the post («19-я Амурская 8»; a notice
    // listing «ул. 16-я, 17-я, 18-я Амурская» is read by its first street only).
    streetKeys: [...new Set([...streets, ...(address && !address.known ? [address.street] : []), ...(post.classification.place?.listed ?? [])].map((s) => analyze(s).stems).filter((st) => districtsOf(st).length === 0 || (oneNumberedAddress && st.some((x) => /^\d+$/.test(x)))).map((st) => guessedStreetKey(st)).filter((k): k is string => k !== null))],
    // Microdistricts of the city, and the villages of a district («Екатерининское» / «Заливино»).
    districts: [...districtsOf(stems), ...(post.classification.place?.settlements ?? []).map((s) => `settlement:${s}`)],
    problems: featureHashes(problemsOf(named, aspects)),
    aspects,
    // Buckets are per municipality: the same words in another town are another problem.
    buckets: groupingBands(features).map((b) => `${post.municipality}:${b}`),
    placeKey: placeKey({ municipality: post.municipality, category: post.classification.category?.code, street: address?.street }),
    member: { postId: post.id, network: post.network, publishedAt: post.publishedAt, reach },
  };
}

/**
 * The number features grouping compares, with a house that has a block or a fraction («9 к4»,
 * «9/2») as one number: «Завертяева 9 корпус 4» and «Завертяева 9/2» are two buildings, though both
 * name 9. Numbers are the `#n` grouping features; `house` is the resolved address's house; `text`
 * the post's text, for a fraction the resolver did not take as the house («9/4 по Кирова»).
 */
export function houseNumbers(numbers: readonly string[], house: string | undefined, text = ''): string[] {
  // A range of houses («дома с 20 по 30», «д. 8–16», «№ 2-6»): every house in it, so a resident of
  // one of them shares a number with the notice.
  const lower = text.toLowerCase();
  const ranged = [...lower.matchAll(HOUSE_RANGE), ...lower.matchAll(STREET_HOUSE_RANGE), ...lower.matchAll(BETWEEN_HOUSES)].flatMap((m) => {
    const [from, to] = [Number(m[1]), Number(m[2])];
    return to > from && to - from <= 60 ? Array.from({ length: to - from + 1 }, (_, k) => `#${from + k}`) : [];
  });
  if (ranged.length > 0) numbers = [...new Set([...numbers, ...ranged])];
  // A letter the resolver read apart from its number («Дмитриева 5 А»), or one in quotes where no
  // street was read («дом 4 «А»»): the house is `#5а`, as «5а» written together.
  const letters = [...(house ? [/^(\d{1,4})([а-я])$/.exec(house)] : []), ...lower.matchAll(QUOTED_HOUSE_LETTER)].filter((m): m is RegExpExecArray => m !== null);
  for (const l of letters) numbers = numbers.map((n) => (n === `#${Number(l[1])}` ? `#${Number(l[1])}${l[2]}` : n));
  // «на Мира 30 а до сих пор нет»: a letter apart before a word may be the house's or a conjunction;
  // both readings stand, so the house meets «30А» and «30» alike.
  if (!house || /^\d+$/.test(house)) {
    for (const m of lower.matchAll(AMBIGUOUS_HOUSE_LETTER)) {
      const n = `#${Number(m[1])}`;
      if (numbers.includes(n) && !numbers.includes(`${n}${m[2]}`)) numbers = [...numbers, `${n}${m[2]}`];
    }
  }
  const blocks = house && /[/к]/.test(house) ? [house] : [...lower.matchAll(HOUSE_BLOCK)].map((m) => `${m[1]}/${m[2]}`);
  if (blocks.length === 0) return [...numbers];
  // A block's numbers are no houses of their own, unless the text also names them alone («д. 14, 14/1»).
  const alone = (n: string) => new RegExp(`(?<![\\d/.])(?<!(?:к\\.?|корп\\.?|корпус)\\s*)${n}(?![\\d/]|\\s*-?\\s*(?:к\\.|к\\d|корп))`).test(lower);
  const parts = new Set(blocks.flatMap((b) => (b.match(/\d+/g) ?? []).filter((n) => !alone(n)).map((n) => `#${n}`)));
  // «9 к4», «9 корп. 4» and «9/4» are one way of numbering Omsk's buildings: one number, `#9/4`.
  return [...new Set([...numbers.filter((n) => !parts.has(n)), ...blocks.map((b) => `#${b.replace(/\s+/g, '').replace('к', '/')}`)])];
}
// A letter written apart from a house number, before another word («30 а до сих пор»).
const AMBIGUOUS_HOUSE_LETTER = /(?<![\d/.,])(\d{1,4}) ([абв])(?= [а-яё])/g;
// A house's letter in quotes: «4 «А»», «12 "б"».
const QUOTED_HOUSE_LETTER = /(?<!\d)(\d{1,4}) ?[«"„]([а-е])[»"“]/g;
// A range of houses: after «дом(а)», «д.» or «№», «с 20 по 30», «20-30», «8–16».
const HOUSE_RANGE = /(?:дом[а-я]*|д\.|№)\s*(?:с\s*)?(\d{1,4})\s*(?:по|-|–|—)\s*(\d{1,4})(?!\d)/g;
// A range right after a typed street («по ул. Рабиновича, 80–104»).
const STREET_HOUSE_RANGE = /(?:ул\.?|улиц[аеыу]|пр\.|пр-т|проспект[аеу]?)\s+[а-яё.-]+(?:\s+[а-яё.-]+)?,?\s*(\d{1,4})\s*[-–—]\s*(\d{1,4})(?!\d)/g;
// «между 8 и 12 домами»: the houses between.
const BETWEEN_HOUSES = /между\s+(\d{1,4})\s*(?:-?м)?\s+и\s+(\d{1,4})(?:-?м)?\s+дом/g;
// A building's block in a text: «9/4», «д.9 к.4», «9 к4», «9-к4», «9 корп. 4», «9 корпус 4» (not a date «12.03», nor «к 11 часам»).
const HOUSE_BLOCK = /(?<!\d[./]?)(\d{1,4})\s*-?\s*(?:\/|к\.|к(?=\d)|корп\.?|корпус)\s*(\d{1,2})(?![\d/]|[.,]\d)/g;

function parseStaged(payload: string, postId: string): { post: IncomingPost } | { reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { reason: 'payload is not valid JSON' };
  }
  const parsed = incomingPostSchema.safeParse(json);
  if (!parsed.success) return { reason: `invalid post: ${describeIssues(parsed.error)}` };
  const id = `${parsed.data.network}:${parsed.data.externalId}`;
  if (id !== postId) return { reason: `payload id ${id} does not match job id ${postId}` };
  return { post: parsed.data };
}
