/**
 * The misinformation desk against the real pipeline, Elasticsearch and Redis: claims gather copies
 * that arrived before them, new copies take the verdict at once (high band) or wait as
 * suggestions (middle band), reposts follow their original, the queue ranks by risk × reach ×
 * velocity, a false claim that accelerates alerts the desk, bad input changes nothing, and every
 * route keeps to its role and scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimDetailDto, QueueItemDto, WarningPackDto } from '../../src/contracts/desk';
import { queuePriority } from '../../src/domain/claim';
import type { IncomingPost } from '../../src/domain/post';
import { complaintPost, eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let desk: string;
let scopedDesk: string;
let operator: string;
let liaison: string;
const TAG = `d${Date.now().toString(36)}`;
let n = 0;

const RUMOUR = 'СРОЧНО!!! В Омске отравлена вода в водопроводе, не пейте из-под крана, знакомый врач из БСМП сказал уже 40 человек в реанимации. Перешлите всем!';
const COPY = 'срочно в омске отравили воду в водопроводе не пейте из крана!!! уже 40 человек в реанимации бсмп, перешлите';
/** A retelling in the middle band (similarity ≈0.597 to the rumour, ≈0.53 to the claim’s title): the desk is asked. */
const RETELLING = 'Омичи, водопроводную воду не пейте, отравлена, люди лежат по больницам, об этом молчат';
const UNRELATED = 'На улице Гагарина 12 утечка газа, жильцов тайно выселяют, дом аварийный';
/** The rumour as a forward carries it: a forward header, typos, emoji, «ПЕРЕШЛИТЕ ВСЕМ». */
const NEAR_COPY = '↪️ Переслано от Омск Сейчас\nсрочно!!! в омске отравленна вода в водопроводе 😱😱 не пейте из под крана, знакомый врачь из бсмп сказал уже 40 человек в реанимаций. ПЕРЕШЛИТЕ ВСЕМ!!! 🙏🙏';
/** The same text with one thing changed, and the rumour's debunk in its own words: other claims. */
const OTHER_NUMBER = 'СРОЧНО!!! В Омске отравлена вода в водопроводе, не пейте из-под крана, знакомый врач из БСМП сказал уже 60 человек в реанимации. Перешлите всем!';
const OTHER_TOWN = 'СРОЧНО!!! В Таре отравлена вода в водопроводе, не пейте из-под крана, знакомый врач сказал уже 40 человек в реанимации. Перешлите всем!';
const DEBUNK = 'ФЕЙК! «В Омске отравлена вода в водопроводе, 40 человек в реанимации» — неправда, вода соответствует нормам, не пересылайте';
const EVIDENCE = [{ kind: 'organisation_statement', url: 'https://omskvodokanal.ru/news/1', title: 'Вода соответствует нормам', publisher: 'Омскводоканал' }];

function post(text: string, over: Partial<IncomingPost> = {}): IncomingPost {
  n++;
  return complaintPost({ externalId: `${TAG}-${n}`, url: `https://vk.com/wall-1_${n}`, text, sourceId: 'vk:wall-1', ...over });
}

async function api<T = unknown>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* plain text answer */
  }
  return { status: res.status, body: parsed as T };
}

async function stored(id: string): Promise<Record<string, unknown> | null> {
  const ref = await sys.container.repos.corrections.findPost(id);
  return ref ? (ref.doc as Record<string, unknown>) : null;
}

async function ingestAndWait(posts: IncomingPost[]): Promise<void> {
  await sys.ingest(posts);
  for (const p of posts) await eventually(() => stored(`${p.network}:${p.externalId}`), 15_000, `post ${p.externalId} indexed`);
}

const idOf = (p: IncomingPost) => `${p.network}:${p.externalId}`;

beforeAll(async () => {
  sys = await startSystem({ env: { DESK_QUEUE_THRESHOLD: '0', DESK_SPREAD_ALERT_PER_HOUR: '8' } });
  desk = await sys.login(await sys.createUser({ username: 'desk', role: 'misinfo_desk' }));
  scopedDesk = await sys.login(await sys.createUser({ username: 'desk-tara', role: 'misinfo_desk', scope: { sectors: 'all', municipalities: ['tara'] } }));
  operator = await sys.login();
  liaison = await sys.login(await sys.createUser({ username: 'liaison', role: 'media_liaison' }));
}, 60_000);

afterAll(async () => {
  await sys?.stop();
});

describe('desk: claims, verdicts, propagation', () => {
  const seedPost = post(RUMOUR, { engagement: { views: 1000, reposts: 5 } });
  const earlyCopy = post(COPY, { network: 'telegram', externalId: `${TAG}ch/1`, url: 'https://t.me/ch/1', sourceId: 'telegram:ch' });
  const unrelated = post(UNRELATED);
  let claimId = '';

  it('a new claim gathers the copies that arrived before it, and nothing else', async () => {
    await ingestAndWait([seedPost, earlyCopy, unrelated]);
    const res = await api<ClaimDetailDto>(desk, 'POST', '/api/desk/claims', { title: 'В Омске отравлена вода в водопроводе', postId: idOf(seedPost) });
    expect(res.status).toBe(201);
    claimId = res.body.claim.id;
    expect(res.body.claim.status).toBe('in_progress');
    const linked = res.body.posts.map((p) => p.postId).sort();
    expect(linked).toEqual([idOf(seedPost), idOf(earlyCopy)].sort());
    expect(res.body.posts.find((p) => p.postId === idOf(earlyCopy))?.kind).toBe('auto');
    expect((await stored(idOf(earlyCopy)))?.claim_id).toBe(claimId);
    expect((await stored(idOf(unrelated)))?.claim_id).toBeUndefined();
  });

  it('refuses bad verdicts with a 4xx and changes nothing', async () => {
    const noEvidence = await api<{ error: string; message: string }>(desk, 'POST', `/api/desk/claims/${claimId}/verdict`, { verdict: 'false', debunk: 'Это неправда.', evidence: [] });
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.body.message).toMatch(/evidence/);
    const oversize = await api(desk, 'POST', `/api/desk/claims/${claimId}/verdict`, { verdict: 'true', debunk: 'я'.repeat(4001), evidence: EVIDENCE });
    expect(oversize.status).toBe(400);
    const badLink = await api(desk, 'POST', `/api/desk/claims/${claimId}/verdict`, { verdict: 'false', debunk: 'Нет.', evidence: [{ ...EVIDENCE[0], url: 'javascript:alert(1)' }] });
    expect(badLink.status).toBe(400);
    const toItself = await api(desk, 'POST', `/api/desk/claims/${claimId}/merge`, { into: claimId });
    expect(toItself.status).toBe(400);
    const toVerdict = await api(desk, 'POST', `/api/desk/claims/${claimId}/status`, { status: 'verdict' });
    expect(toVerdict.status).toBe(400);
    const after = await api<ClaimDetailDto>(desk, 'GET', `/api/desk/claims/${claimId}`);
    expect(after.body.claim.verdict).toBeNull();
    expect(after.body.claim.status).toBe('in_progress');
    expect((await stored(idOf(seedPost)))?.claim_verdict).toBeUndefined();
  });

  it('a link to a post outside the caller’s scope is 404 and changes nothing', async () => {
    const other = await api<ClaimDetailDto>(scopedDesk, 'GET', `/api/desk/claims/${claimId}`);
    expect(other.status).toBe(404);
    const tara = post('В Таре на рынке продают отравленное мясо, не покупайте', { municipality: 'tara', sourceId: 'vk:wall-tara' });
    await ingestAndWait([tara]);
    const taraClaim = await api<ClaimDetailDto>(scopedDesk, 'POST', '/api/desk/claims', { title: 'В Таре продают отравленное мясо', postId: idOf(tara) });
    expect(taraClaim.status).toBe(201);
    const outside = await api(scopedDesk, 'POST', `/api/desk/claims/${taraClaim.body.claim.id}/posts`, { postId: idOf(unrelated) });
    expect(outside.status).toBe(404);
    expect((await stored(idOf(unrelated)))?.claim_id).toBeUndefined();
  });

  it('the verdict sets the risk of the claim’s posts and is audited', async () => {
    const res = await api<ClaimDetailDto>(desk, 'POST', `/api/desk/claims/${claimId}/verdict`, { verdict: 'false', debunk: 'Вода в Омске соответствует нормам, отравлений нет.', evidence: EVIDENCE });
    expect(res.status).toBe(200);
    expect(res.body.claim.status).toBe('verdict');
    expect(res.body.claim.verdict?.analyst.username).toBe('desk');
    for (const p of [seedPost, earlyCopy]) {
      const doc = await stored(idOf(p));
      expect(doc?.misinfo_score).toBe(1);
      expect(doc?.claim_verdict).toBe('false');
    }
    const audit = await eventually(async () => {
      const r = await sys.container.repos.audit.search({ action: 'claim.', target: claimId, offset: 0, size: 50 });
      return r.items.some((a) => a.action === 'claim.verdict') ? r : null;
    }, 10_000, 'audit records');
    const actions = audit.items.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['claim.create', 'claim.verdict']));
  });

  it('a copy arriving after the verdict gets it at once; a retelling waits as a suggestion', async () => {
    const lateCopy = post(COPY, { externalId: `${TAG}-late` });
    const retelling = post(RETELLING, { externalId: `${TAG}-retold` });
    await ingestAndWait([lateCopy, retelling]);
    const late = await stored(idOf(lateCopy));
    expect(late?.claim_id).toBe(claimId);
    expect(late?.misinfo_score).toBe(1);
    expect(late?.misinfo_reasons).toContain('verdict:false');
    // The verdict's risk opens a misinformation incident for the copy.
    expect(late?.incident_id).toBe(`inc:${idOf(lateCopy)}`);
    expect((await stored(idOf(retelling)))?.claim_id).toBeUndefined();
    const detail = await eventually(async () => {
      const r = await api<ClaimDetailDto>(desk, 'GET', `/api/desk/claims/${claimId}`);
      return r.body.suggestions.some((s) => s.postId === idOf(retelling)) && r.body.posts.some((p) => p.postId === idOf(lateCopy)) ? r.body : null;
    }, 10_000, 'links written');
    const suggestion = detail.suggestions.find((s) => s.postId === idOf(retelling));
    expect(suggestion?.similarity).toBeGreaterThanOrEqual(0.5);
    expect(suggestion?.similarity).toBeLessThan(0.6);

    // Confirming it links the post, sets its risk and leaves training examples in the corrections.
    const confirmed = await api<ClaimDetailDto>(desk, 'POST', `/api/desk/claims/${claimId}/suggestions/${idOf(retelling)}`, { accept: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.posts.find((p) => p.postId === idOf(retelling))?.kind).toBe('confirmed');
    expect((await stored(idOf(retelling)))?.misinfo_score).toBe(1);
    const corrections = await sys.container.repos.corrections.listForPost(idOf(retelling));
    expect(corrections.map((c) => c.field).sort()).toEqual(['claim_match', 'misinformation']);
    expect(corrections.find((c) => c.field === 'claim_match')?.newValue).toEqual({ claimId, same: true });
  });

  it('a near copy (forward header, typos, emoji, «ПЕРЕШЛИТЕ ВСЕМ») links and takes the verdict; another number, another town and the debunk do not', async () => {
    const [copy, number, town, debunk] = [NEAR_COPY, OTHER_NUMBER, OTHER_TOWN, DEBUNK].map((text, k) => post(text, { externalId: `${TAG}-near${k}` })) as [IncomingPost, IncomingPost, IncomingPost, IncomingPost];
    await ingestAndWait([copy, number, town, debunk]);
    const linked = await stored(idOf(copy));
    expect(linked?.claim_id).toBe(claimId);
    expect(linked?.misinfo_score).toBe(1);
    expect(linked?.misinfo_reasons).toContain('verdict:false');
    for (const p of [number, town, debunk]) {
      const doc = await stored(idOf(p));
      expect(doc?.claim_id).toBeUndefined();
      expect(doc?.claim_verdict).toBeUndefined();
    }
    const detail = await eventually(async () => {
      const r = await api<ClaimDetailDto>(desk, 'GET', `/api/desk/claims/${claimId}`);
      return r.body.posts.some((x) => x.postId === idOf(copy)) ? r.body : null;
    }, 10_000, 'near copy linked');
    expect(detail.posts.find((x) => x.postId === idOf(copy))?.kind).toBe('auto');
    // Not linked, and not offered to the desk as the same claim either.
    const others = new Set([number, town, debunk].map(idOf));
    expect(detail.posts.filter((x) => others.has(x.postId))).toEqual([]);
    expect(detail.suggestions.filter((x) => others.has(x.postId))).toEqual([]);
  });

  it('a repost joins its original’s claim through the network’s repost field', async () => {
    const repost = post('Жесть какая, берегите себя', { externalId: `${TAG}-repost`, repostOf: idOf(seedPost) });
    await ingestAndWait([repost]);
    const doc = await stored(idOf(repost));
    expect(doc?.claim_id).toBe(claimId);
    expect(doc?.repost_of).toBe(idOf(seedPost));
    const links = await sys.container.repos.desk.getLinks([idOf(repost)]);
    expect(links.get(idOf(repost))).toMatchObject({ kind: 'repost', state: 'linked', claimId });
  });

  it('a re-fetch refreshes the counters on the post and in the claim', async () => {
    await sys.ingest([{ ...seedPost, engagement: { views: 50_000, reposts: 300, likes: 10, comments: 4 } }]);
    const link = await eventually(async () => {
      const l = (await sys.container.repos.desk.getLinks([idOf(seedPost)])).get(idOf(seedPost));
      return l && l.reach > 50_000 ? l : null;
    }, 10_000, 'reach refreshed');
    expect(link.reach).toBe(50_000 + 10 + 12 + 3000);
    await eventually(async () => ((await stored(idOf(seedPost)))?.engagement as { views?: number } | undefined)?.views === 50_000, 10_000, 'post counters refreshed');
    expect((await stored(idOf(seedPost)))?.engagement).toEqual({ views: 50_000, reposts: 300, likes: 10, comments: 4 });
    // Still in its claim with the verdict's risk after being re-indexed.
    expect((await stored(idOf(seedPost)))?.misinfo_score).toBe(1);
  });

  it('alerts the desk when the false claim accelerates past N copies an hour', async () => {
    const before = await api<{ items: { claimId: string }[] }>(desk, 'GET', '/api/desk/alerts');
    expect(before.body.items.map((a) => a.claimId)).not.toContain(claimId);
    // Copies in the last hour: seed, early copy, late copy, retelling, near copy, repost = 6 < 8; three more make 9.
    const burst = [1, 2, 3].map((k) => post(`${COPY} ${'!'.repeat(k)}`, { externalId: `${TAG}-burst${k}` }));
    await ingestAndWait(burst);
    const alerts = await eventually(async () => {
      const r = await api<{ items: { claimId: string; copiesLastHour: number; threshold: number }[] }>(desk, 'GET', '/api/desk/alerts');
      return r.body.items.find((a) => a.claimId === claimId);
    }, 10_000, 'spread alert');
    expect(alerts.copiesLastHour).toBeGreaterThanOrEqual(8);
    expect(alerts.threshold).toBe(8);
    const spread = await api<ClaimDetailDto['spread']>(desk, 'GET', `/api/desk/claims/${claimId}/spread`);
    expect(spread.body.accelerating).toBe(true);
    expect(spread.body.totals.copies).toBeGreaterThanOrEqual(8);
  });

  it('publications of the debunk enter the spread; the warning pack and the verdict feed carry the verdict', async () => {
    const pub = await api<ClaimDetailDto>(desk, 'POST', `/api/desk/claims/${claimId}/publications`, { url: 'https://vk.com/wall-100_5', network: 'vk', publishedAt: new Date().toISOString(), reach: 12_000 });
    expect(pub.status).toBe(200);
    expect(pub.body.spread.totals.publicationReach).toBe(12_000);
    const json = await api<WarningPackDto>(liaison, 'GET', `/api/desk/claims/${claimId}/warning`);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ verdict: 'false', verdictTitle: 'Ложь', claim: 'В Омске отравлена вода в водопроводе' });
    expect(json.body.sources[0]?.url).toBe(EVIDENCE[0]?.url);
    const text = await api<string>(liaison, 'GET', `/api/desk/claims/${claimId}/warning?format=text`);
    expect(text.body).toContain('Вердикт: Ложь');
    expect(text.body).toContain('https://omskvodokanal.ru/news/1');
    const feed = await api<{ items: WarningPackDto[] }>(liaison, 'GET', '/api/desk/verdicts');
    expect(feed.body.items.map((v) => v.claimId)).toContain(claimId);
  });

  it('keeps to roles: operators have no desk, the media liaison reads but cannot judge', async () => {
    expect((await api(operator, 'GET', '/api/desk/queue')).status).toBe(403);
    expect((await api(operator, 'POST', `/api/desk/claims/${claimId}/verdict`, { verdict: 'true', debunk: 'x', evidence: EVIDENCE })).status).toBe(403);
    expect((await api(liaison, 'GET', '/api/desk/queue')).status).toBe(200);
    expect((await api(liaison, 'POST', `/api/desk/claims/${claimId}/verdict`, { verdict: 'true', debunk: 'x', evidence: EVIDENCE })).status).toBe(403);
    expect((await api(liaison, 'POST', '/api/desk/claims', { title: 'x', postId: idOf(unrelated) })).status).toBe(403);
  });
});

describe('desk: queue ranking', () => {
  it('ranks by risk × reach × velocity and filters by network and municipality', async () => {
    const text = 'Говорят, в Исилькуле закрывают единственную больницу, врачей увольняют, скрывают от людей';
    const quiet = post(text, { network: 'ok', externalId: `${TAG}-q1`, url: 'https://ok.ru/group/1/topic/1', sourceId: 'ok:1', municipality: 'isilkul', engagement: { likes: 1 } });
    const viral = post(text, { network: 'ok', externalId: `${TAG}-q2`, url: 'https://ok.ru/group/1/topic/2', sourceId: 'ok:1', municipality: 'isilkul', engagement: { views: 90_000, reposts: 400 } });
    const other = post('Кто знает, почему на Ленина не горят фонари третью ночь?', { network: 'ok', externalId: `${TAG}-q3`, url: 'https://ok.ru/group/1/topic/3', sourceId: 'ok:1', municipality: 'isilkul' });
    await ingestAndWait([quiet, viral, other]);
    const res = await api<{ items: QueueItemDto[] }>(desk, 'GET', '/api/desk/queue?network=ok&municipality=isilkul&limit=50');
    expect(res.status).toBe(200);
    const ids = res.body.items.map((i) => i.postId);
    expect(new Set(res.body.items.map((i) => i.network))).toEqual(new Set(['ok']));
    expect(new Set(res.body.items.map((i) => i.municipality))).toEqual(new Set(['isilkul']));
    // Same text, same risk: the one with reach comes first; both count the other as a copy.
    expect(ids.indexOf(idOf(viral))).toBeLessThan(ids.indexOf(idOf(quiet)));
    const v = res.body.items.find((i) => i.postId === idOf(viral)) as QueueItemDto;
    expect(v.velocity).toBeGreaterThan(0);
    expect(v.priority).toBeCloseTo(queuePriority(v.risk, v.reach, v.velocity), 2);
    for (let i = 1; i < res.body.items.length; i++) expect(res.body.items[i - 1]!.priority).toBeGreaterThanOrEqual(res.body.items[i]!.priority);
    // Out of the scoped desk user's municipality: nothing.
    const scoped = await api<{ items: QueueItemDto[] }>(scopedDesk, 'GET', '/api/desk/queue?network=ok&municipality=isilkul');
    expect(scoped.body.items).toEqual([]);
  });
});
