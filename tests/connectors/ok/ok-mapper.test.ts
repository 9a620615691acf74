import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { okError, okSessionSecretKey, okSignature } from '../../../connectors/ok/ok.client';
import { mapOkComments, mapOkTopics, okTopicText, OkPayloadError, parseOkDate, type OkCommentsResponse, type OkTopicsResponse } from '../../../connectors/ok/ok.mapper';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, '../../../connectors/ok/fixtures', name), 'utf8')) as T;
const GID = '54321987650001';
const ctx = { groupId: GID, sourceId: `ok_group:${GID}`, municipality: 'omsk' };

describe('OK request signature (apiok.ru "Расчет подписи запроса")', () => {
  // The worked example of the aiookru documentation (konstantintogoi.github.io/aiookru/api),
  // which follows apiok.ru step by step: application_key=ABCDEFGHIGKLMNOPK, format=json,
  // method=events.get.
  const params = { application_key: 'ABCDEFGHIGKLMNOPK', format: 'json', method: 'events.get' };

  it('derives session_secret_key = md5(access_token + application_secret_key), lower case', () => {
    expect(okSessionSecretKey('-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7', 'ABC123DEF456GHI789JKL123')).toBe('b1a2b89707a94624c43afae67d59274c');
  });

  it('signs the sorted k=v pairs plus the session secret (server-server example)', () => {
    expect(okSignature(params, 'b1a2b89707a94624c43afae67d59274c')).toBe('232c8eb921951c4dba9b72606f9ddb4c');
  });

  it('signs with a given session_secret_key (client-server example)', () => {
    expect(okSignature(params, 'ae5362b5b588cc7294c2414d71b74d5d')).toBe('03a41413523ea8092507949d6e711963');
  });

  it('leaves access_token, session_key and sig out and does not depend on insertion order', () => {
    const shuffled = { method: 'events.get', access_token: 'x', sig: 'y', session_key: 'z', format: 'json', application_key: 'ABCDEFGHIGKLMNOPK' };
    expect(okSignature(shuffled, 'ae5362b5b588cc7294c2414d71b74d5d')).toBe('03a41413523ea8092507949d6e711963');
  });
});

describe('OK error codes', () => {
  it('maps documented codes to what the connector does', () => {
    expect(okError('m', 8, 'FLOOD_BLOCKED')).toMatchObject({ kind: 'flood', retryAfterMs: 60_000 });
    expect(okError('m', 11, 'LIMIT_REACHED')).toMatchObject({ kind: 'quota' });
    expect(okError('m', 102, 'PARAM_SESSION_EXPIRED')).toMatchObject({ kind: 'auth', retryAfterMs: undefined });
    expect(okError('m', 104, 'PARAM_SIGNATURE')).toMatchObject({ kind: 'auth' });
    expect(okError('m', 300, 'NOT_FOUND')).toMatchObject({ kind: 'not_found' });
    expect(okError('m', 160, 'PARAM_GROUP_ID')).toMatchObject({ kind: 'not_found' });
    expect(okError('m', 456, 'GROUP_RESTRICTION')).toMatchObject({ kind: 'access_denied' });
    expect(okError('m', 2, 'SERVICE')).toMatchObject({ kind: 'ok_error', retryAfterMs: 5_000 });
  });
});

describe('OK mapper over fixtures', () => {
  it('maps mediatopic.getTopics: id, url, text from text items, author from entities, engagement', () => {
    const posts = mapOkTopics(fixture<OkTopicsResponse>('topics-page.json'), ctx);
    // The group's own topics are the page's posts; a member's topic is not.
    expect(posts.map((p) => p.fromPage)).toEqual([true, true, false]);
    expect(posts).toHaveLength(3);
    for (const p of posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(posts[1]).toEqual({
      network: 'ok',
      externalId: `${GID}_155470338551234`,
      kind: 'post',
      url: `https://ok.ru/group/${GID}/topic/155470338551234`,
      text: 'На улице Масленникова, 70 ведутся аварийные работы на теплотрассе.\n\nПодача тепла будет восстановлена до 18:00.',
      publishedAt: '2025-11-23T10:00:00.000Z',
      author: { id: `group:${GID}`, name: 'Администрация Центрального района', url: `https://ok.ru/group/${GID}` },
      sourceId: `ok_group:${GID}`,
      municipality: 'omsk',
      engagement: { likes: 34, comments: 3, reposts: 5 },
      fromPage: true,
    });
    expect(posts[2]!.author).toEqual({ id: 'user:571234567890', name: 'Ирина Смирнова', url: 'https://ok.ru/profile/571234567890' });
    expect(posts[2]!.text).toBe(
      'Третий день нет отопления в доме, дети мёрзнут. Управляющая компания не отвечает!\n\nАвария на теплотрассе — Без тепла остались 12 домов — https://omsk-news.example/news/48213/',
    );
  });

  it('maps discussions.getComments: parent, Moscow dates, user entities, likes', () => {
    const posts = mapOkComments(fixture<OkCommentsResponse>('comments.json'), '155470338551234', ctx);
    for (const p of posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(posts[0]).toMatchObject({
      kind: 'comment',
      externalId: `${GID}_155470338551234_MTc2Mzg5MjYwMDAwMDoxNTU0NzAzMzg1NTEyMzQ6MQ`,
      parentExternalId: `${GID}_155470338551234`,
      url: `https://ok.ru/group/${GID}/topic/155470338551234`,
      publishedAt: '2025-11-23T10:30:00.000Z',
      author: { id: 'user:571234567891', name: 'Пётр Иванов' },
      engagement: { likes: 4 },
    });
    // A comment written as the group has no author_id: it speaks for the group.
    expect(posts[1]!.author).toMatchObject({ id: `group:${GID}`, name: 'Администрация Центрального района' });
    // …and answers the resident's comment it names (reply_to_comment_id), as the page.
    expect(posts.map((p) => [p.fromPage, p.replyToExternalId])).toEqual([
      [false, undefined],
      [true, `${GID}_155470338551234_MTc2Mzg5MjYwMDAwMDoxNTU0NzAzMzg1NTEyMzQ6MQ`],
    ]);
  });

  it('reads author_type GROUP as the group speaking, and another group as not this page', () => {
    const res: OkCommentsResponse = {
      comments: [
        { id: 'a', text: 'Ответ группы', author_id: GID, author_type: 'GROUP', date_ms: 1_700_000_000_000, reply_to_comment_id: 'z' },
        { id: 'b', text: 'Другая группа', author_id: '999', author_type: 'GROUP', date_ms: 1_700_000_000_000 },
      ],
      entities: { groups: [{ uid: GID, name: 'Администрация' }] },
    };
    const [own, other] = mapOkComments(res, 't1', ctx);
    expect(own).toMatchObject({ fromPage: true, replyToExternalId: `${GID}_t1_z`, author: { id: `group:${GID}`, name: 'Администрация' } });
    expect(other).toMatchObject({ fromPage: false, author: { id: 'group:999' } });
    expect(other!.replyToExternalId).toBeUndefined();
  });

  it('refuses payloads it cannot read instead of inventing fields', () => {
    expect(() => mapOkTopics({ media_topics: [{ id: '1' } as never] }, ctx)).toThrow(OkPayloadError);
    expect(() => mapOkComments({ comments: [{ id: 'c', date: 'вчера' }] }, '1', ctx)).toThrow(/no readable date/);
  });

  it('reads OK dates as Moscow time and text from text items only', () => {
    expect(parseOkDate('2025-01-01 00:00:00')).toBe('2024-12-31T21:00:00.000Z');
    expect(parseOkDate('01.01.2025')).toBeUndefined();
    expect(okTopicText([{ type: 'photo' }, { type: 'text', text: '  Текст  ' }])).toBe('Текст');
  });
});
