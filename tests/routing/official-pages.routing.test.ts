/**
 * Official-pages rating end to end (issue 11 point 9), on real Redis and Elasticsearch: raw VK and
 * OK payloads of two official pages go through the real mappers, ingest and pipeline; the API's
 * figures are then recomputed here from the stored documents, independently of the rating code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapOkComments, mapOkTopics } from '../../connectors/ok/ok.mapper';
import { mapCommentsResponse, mapWallResponse, type VkComment } from '../../connectors/vk/vk.mapper';
import type { OfficialPageCommentsDto, OfficialPagesDto } from '../../src/contracts/ratings';
import { FULL_SCOPE } from '../../src/domain/access';
import { detectFormalAnswer } from '../../src/domain/formal-answer';
import type { IncomingPost } from '../../src/domain/post';
import { workingMinutesBetween } from '../../src/domain/working-time';
import type { PostDoc } from '../../src/repositories/posts.repository';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

const OWNER = -501;
const VK_SOURCE = `vk_wall:${OWNER}`;
const OK_GROUP = '777000';
const OK_SOURCE = `ok_group:${OK_GROUP}`;
const unix = (iso: string) => Date.parse(iso) / 1000;
const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-03-15T00:00:00.000Z';

const CONCRETE = 'Здравствуйте! Авария на сетях устранена: бригада заменила участок трубы у дома 5 по ул. Ленина, горячую воду дали сегодня в 12:30. Ответственный мастер Сидоров А. В., тел. 8 (3812) 00-00-00.';
const FORMAL = 'Здравствуйте! Ваше обращение принято к сведению и будет рассмотрено в установленном порядке.';

function vkPosts(): IncomingPost[] {
  const src = { sourceId: VK_SOURCE, municipality: 'omsk' };
  const wall = mapWallResponse(
    {
      items: [
        { id: 10, owner_id: OWNER, from_id: OWNER, date: unix('2026-03-02T03:00:00Z'), text: 'Плановое отключение горячей воды на ул. Ленина отменено.' },
        { id: 11, owner_id: OWNER, from_id: OWNER, date: unix('2026-03-05T03:00:00Z'), text: 'График уборки снега во дворах на неделю.' },
        // A resident's post on the page's wall: not the page posting.
        { id: 12, owner_id: OWNER, from_id: 900, date: unix('2026-03-06T03:00:00Z'), text: 'Когда уберут снег во дворе дома 3 на ул. Мира?' },
      ],
      groups: [{ id: 501, name: 'Департамент городского хозяйства' }],
    },
    src,
  ).posts;
  const c = (id: number, from: number, at: string, text: string, extra: Partial<VkComment> = {}): VkComment => ({ id, from_id: from, date: unix(at), text, ...extra });
  const under10 = mapCommentsResponse(
    {
      items: [
        { ...c(100, 901, '2026-03-02T04:00:00Z', 'Третий день нет горячей воды в доме 5 на ул. Ленина, сколько можно ждать?!'), thread: { count: 1, items: [c(101, OWNER, '2026-03-02T06:00:00Z', CONCRETE, { reply_to_comment: 100 })] } },
        c(102, 902, '2026-03-02T05:00:00Z', 'В подъезде дома 7 по ул. Ленина течёт труба, управляющая компания не отвечает'),
        c(103, OWNER, '2026-03-03T05:00:00Z', FORMAL, { reply_to_comment: 102 }),
        c(104, 903, '2026-03-02T07:00:00Z', 'Во дворе дома 9 на ул. Ленина не вывезли мусор, контейнеры переполнены'),
      ],
      groups: [{ id: 501, name: 'Департамент городского хозяйства' }],
    },
    { ownerId: OWNER, postId: 10 },
    src,
  ).posts;
  const under11 = mapCommentsResponse(
    {
      items: [
        c(110, 904, '2026-03-05T04:00:00Z', 'Наш двор на ул. Мира, 3 снова не почистили, машины застревают'),
        // The page writes under its own post without answering anyone.
        c(111, OWNER, '2026-03-05T05:00:00Z', 'Уважаемые жители, следите за обновлениями графика.'),
      ],
    },
    { ownerId: OWNER, postId: 11 },
    src,
  ).posts;
  return [...wall, ...under10, ...under11];
}

function okPosts(): IncomingPost[] {
  const ctx = { groupId: OK_GROUP, sourceId: OK_SOURCE, municipality: 'omsk' };
  const topics = mapOkTopics({ media_topics: [{ id: 't1', created_ms: Date.parse('2026-03-04T03:00:00Z'), author_ref: `group:${OK_GROUP}`, media: [{ type: 'text', text: 'Приём граждан перенесён на четверг.' }] }] }, ctx);
  const comments = mapOkComments(
    {
      comments: [
        { id: 'u1', text: 'А почему в поликлинике на ул. Мира нет записи к терапевту уже неделю?', author_id: '5551', date_ms: Date.parse('2026-03-04T04:00:00Z') },
        { id: 'g1', text: FORMAL, author_id: OK_GROUP, author_type: 'GROUP', reply_to_comment_id: 'u1', date_ms: Date.parse('2026-03-04T08:00:00Z') },
      ],
    },
    't1',
    ctx,
  );
  return [...topics, ...comments];
}

interface Figures {
  posts: number;
  residentMessages: number;
  answered: number;
  unanswered: string[];
  formal: string[];
  medianAnswerHours: number | null;
  medianAnswerWorkingHours: number | null;
}

const med = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return Math.round((s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2) * 100) / 100;
};

describe('official-pages rating from the stored posts and comments', () => {
  let sys: TestSystem;
  let token: string;
  let stored: PostDoc[];
  const sent = [...vkPosts(), ...okPosts()];

  beforeAll(async () => {
    sys = await startSystem({ withPipeline: true });
    await sys.startPipeline();
    token = await sys.login(await sys.createUser({ username: 'pages', role: 'operator', scope: FULL_SCOPE }));
    const now = new Date().toISOString();
    // One page from the organisation's officialSourceIds, the other from a registry source marked official.
    await sys.container.repos.organisations.create({ id: 'org-dgh', name: 'Департамент городского хозяйства', kind: 'ОМСУ' as never, municipality: 'omsk', sectors: ['housing'], contacts: {}, userIds: [], officialSourceIds: [VK_SOURCE], createdAt: now, updatedAt: now });
    await sys.container.repos.sources.create({ id: OK_SOURCE, kind: 'ok_group', title: 'Департамент в ОК', municipality: 'omsk', official: { organisation: 'org-dgh' }, status: 'paused', createdAt: now, updatedAt: now, settings: { groupId: OK_GROUP, comments: true } });
    await sys.ingest(sent);
    const es = sys.container.es;
    const index = `${sys.config.ES_INDEX_PREFIX}-posts`;
    stored = await eventually(async () => {
      await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
      const res = await es.search<PostDoc>({ index, size: 100, ignore_unavailable: true, allow_no_indices: true, query: { terms: { source_id: [VK_SOURCE, OK_SOURCE] } } });
      const docs = res.hits.hits.map((h) => h._source!);
      return docs.length === sent.length ? docs : false;
    }, 60_000, 'all page posts indexed');
  }, 120_000);
  afterAll(async () => sys?.stop());

  const get = async <T,>(path: string, t = token): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${sys.baseUrl}${path}`, { headers: { authorization: `Bearer ${t}` } });
    return { status: res.status, body: (await res.json()) as T };
  };

  it('stores who wrote each comment and what it answers; page replies open no incident', () => {
    const byId = new Map(stored.map((d) => [d.id, d]));
    expect(byId.get(`vk:${OWNER}_10_c101`)).toMatchObject({ from_page: true, reply_to: `vk:${OWNER}_10_c100` });
    expect(byId.get(`vk:${OWNER}_10_c100`)).toMatchObject({ from_page: false });
    expect(byId.get(`ok:${OK_GROUP}_t1_g1`)).toMatchObject({ from_page: true, reply_to: `ok:${OK_GROUP}_t1_u1` });
    const replies = stored.filter((d) => d.kind === 'comment' && d.from_page);
    expect(replies).toHaveLength(4);
    // c111 answers nobody: the page's own comment, no reply_to (not counted as an answer).
    expect(byId.get(`vk:${OWNER}_11_c111`)).toMatchObject({ from_page: true });
    expect(byId.get(`vk:${OWNER}_11_c111`)?.reply_to).toBeUndefined();
    for (const r of replies) expect(r.incident_id, r.id).toBeUndefined();
    // The residents' complaints in the same batch do open incidents: the rule is about the author.
    expect(stored.filter((d) => d.kind === 'comment' && !d.from_page && d.incident_id).length).toBeGreaterThan(0);
  });

  it('gives the figures the raw documents give, per organisation × page, deterministically', async () => {
    const first = await get<OfficialPagesDto>(`/api/ratings/official-pages?from=${FROM}&to=${TO}&minVolume=3`);
    expect(first.status).toBe(200);
    expect((await get<OfficialPagesDto>(`/api/ratings/official-pages?from=${FROM}&to=${TO}&minVolume=3`)).body).toEqual(first.body);
    expect(first.body.items.map((r) => [r.organisationId, r.sourceId, r.counted])).toEqual([
      ['org-dgh', VK_SOURCE, true],
      ['org-dgh', OK_SOURCE, false],
    ]);
    const { calendar } = sys.container.services.deadlines;
    for (const source of [VK_SOURCE, OK_SOURCE]) {
      // Recomputed here from the stored documents.
      const own = stored.filter((d) => d.source_id === source);
      const inPeriod = (d: PostDoc) => d.published_at >= FROM && d.published_at < TO;
      // Residents' messages: their comments and their posts on the page's wall.
      const residentPosts = new Set(own.filter((d) => d.kind === 'post' && d.from_page === false).map((d) => d.id));
      const comments = own.filter((d) => ((d.kind === 'comment' && !d.from_page) || residentPosts.has(d.id)) && inPeriod(d));
      // Page replies: naming a comment, or under a resident's post.
      const target = (r: PostDoc) => r.reply_to ?? (r.parent_id && residentPosts.has(r.parent_id) ? r.parent_id : undefined);
      const replies = own.filter((d) => d.kind === 'comment' && d.from_page && target(d));
      const answerOf = (c: PostDoc) => replies.filter((r) => target(r) === c.id && r.published_at >= c.published_at).sort((a, b) => a.published_at.localeCompare(b.published_at))[0];
      const answered = comments.filter((c) => answerOf(c));
      const expected: Figures = {
        posts: own.filter((d) => d.kind === 'post' && d.from_page !== false && inPeriod(d)).length,
        residentMessages: comments.length,
        answered: answered.length,
        unanswered: comments.filter((c) => !answerOf(c)).map((c) => c.id).sort(),
        formal: replies.filter((r) => inPeriod(r) && detectFormalAnswer(r.text).formal).map((r) => r.id).sort(),
        medianAnswerHours: med(answered.map((c) => (Date.parse(answerOf(c)!.published_at) - Date.parse(c.published_at)) / 3_600_000)),
        medianAnswerWorkingHours: med(answered.map((c) => workingMinutesBetween(calendar, new Date(c.published_at), new Date(answerOf(c)!.published_at)) / 60)),
      };
      const r = first.body.items.find((i) => i.sourceId === source)!;
      expect({ posts: r.posts, residentMessages: r.residentMessages, answered: r.answered, unanswered: [...r.ids.unanswered].sort(), formal: [...r.ids.formal].sort(), medianAnswerHours: r.medianAnswerHours, medianAnswerWorkingHours: r.medianAnswerWorkingHours }, source).toEqual(expected);
    }
    // The figures themselves, so the recomputation cannot agree with a wrong reading of the data.
    const vk = first.body.items[0]!;
    expect(vk).toMatchObject({ title: 'Департамент городского хозяйства', posts: 2, residentMessages: 5, answered: 2, answeredShare: 0.4, pageReplies: 2, formalShare: 0.5, medianAnswerHours: 13 });
    // The resident's own post on the wall waits for an answer too.
    expect(vk.ids.unanswered.sort()).toEqual([`vk:${OWNER}_10_c104`, `vk:${OWNER}_11_c110`, `vk:${OWNER}_12`]);
    expect(first.body.items[1]).toMatchObject({ title: 'Департамент в ОК', posts: 1, residentMessages: 1, answered: 1, formalShare: 1, medianAnswerHours: 4 });
  });

  it('opens the comments behind a figure with the page answer, in the caller scope only', async () => {
    const q = (figure: string, extra = '') => `/api/ratings/official-pages/comments?organisationId=org-dgh&sourceId=${encodeURIComponent(VK_SOURCE)}&figure=${figure}&from=${FROM}&to=${TO}${extra}`;
    const answered = await get<OfficialPageCommentsDto>(q('answered'));
    expect(answered.status).toBe(200);
    expect(answered.body.items.map((i) => [i.id, i.answer?.id, i.answer?.formal])).toEqual([
      [`vk:${OWNER}_10_c100`, `vk:${OWNER}_10_c101`, false],
      [`vk:${OWNER}_10_c102`, `vk:${OWNER}_10_c103`, true],
    ]);
    expect(answered.body.items[1]!.answer!.reasons.join(' ')).toMatch(/шаблонные фразы/);
    const formal = await get<OfficialPageCommentsDto>(q('formal'));
    expect(formal.body.items.map((i) => i.answer?.id)).toEqual([`vk:${OWNER}_10_c103`]);
    // A lead of another sector and municipality sees none of the texts, only how many are hidden.
    const other = await sys.login(await sys.createUser({ username: 'pages-tara', role: 'sector_lead', scope: { sectors: ['health'], municipalities: ['tara'] } }));
    const scoped = await get<OfficialPageCommentsDto>(q('unanswered'), other);
    expect(scoped.body).toEqual({ items: [], hidden: 3 });
    expect((await get(q('everything'))).status).toBe(400);
    expect((await get(q('answered').replace('org-dgh', 'org-none'))).status).toBe(404);
  });
});
