import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapCommentsResponse, mapWallResponse, type VkCommentsResponse, type VkPostsResponse } from '../../../connectors/vk/vk.mapper';
import { POST_LIMITS } from '../../../src/domain/post';
import { describeIssues, incomingPostSchema } from '../../../src/pipeline/post.schema';

const fixture = <T>(name: string): T => (JSON.parse(readFileSync(new URL(`../../../connectors/vk/fixtures/${name}`, import.meta.url), 'utf8')) as { response: T }).response;
const source = { sourceId: 'vk_wall:omsk_adm', municipality: 'omsk' };

describe('wall.get → posts', () => {
  const { posts, skipped } = mapWallResponse(fixture<VkPostsResponse>('wall-get.json'), source);

  it('maps every item to a post the pipeline accepts', () => {
    expect(skipped).toEqual([]);
    expect(posts).toHaveLength(6);
    for (const p of posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    expect(posts.every((p) => p.network === 'vk' && p.kind === 'post' && p.sourceId === 'vk_wall:omsk_adm' && p.municipality === 'omsk')).toBe(true);
  });

  it('builds ids and urls from owner_id and id, and ISO times from unix dates', () => {
    expect(posts[1]).toMatchObject({
      externalId: '-170123456_5482',
      url: 'https://vk.com/wall-170123456_5482',
      publishedAt: '2026-11-23T05:00:00.000Z',
      text: '24 ноября с 9:00 до 18:00 в Ленинском округе не будет горячей воды: плановые работы на теплотрассе по ул. 10 лет Октября.',
      engagement: { likes: 87, comments: 4, reposts: 12, views: 15320 },
    });
    expect(posts[0]!.publishedAt).toBe('2025-01-10T09:00:00.000Z'); // the pinned post keeps its own date
  });

  it('names the author from groups and profiles (extended=1)', () => {
    expect(posts[1]!.author).toEqual({ id: '-170123456', name: 'Администрация города Омска', url: 'https://vk.com/omsk_adm' });
    expect(posts[4]!.author).toEqual({ id: '411111111', name: 'Мария Петрова', url: 'https://vk.com/m.petrova_omsk' });
    // The community's own posts are the page's; a resident's post on its wall is not.
    expect(posts.map((p) => p.fromPage)).toEqual([true, true, true, true, false, true]);
  });

  it('appends the reposted text after the repost’s own', () => {
    expect(posts[2]!.text).toBe(
      'Внимание, штормовое предупреждение!\n\nМЧС: 23 ноября ожидается усиление ветра до 22 м/с. Не оставляйте автомобили под деревьями и рекламными щитами.',
    );
  });

  it('gives attachment-only posts a short marker text (a link shows its title)', () => {
    expect(posts[3]!.text).toBe('[фото] [видео]');
    expect(posts[5]!.text).toBe('[ссылка] Итоги приёма граждан главой города');
  });

  it('falls back to club/id names when the author is not in the response', () => {
    const raw = fixture<VkPostsResponse>('wall-get.json');
    const { posts: bare } = mapWallResponse({ items: raw.items }, { sourceId: 's' });
    expect(bare[1]!.author).toEqual({ id: '-170123456', name: 'club170123456', url: 'https://vk.com/club170123456' });
    expect(bare[4]!.author.name).toBe('id411111111');
    expect(bare[1]!.municipality).toBeUndefined();
  });

  it('passes an oversized text on whole, so the pipeline parks that post alone with a reason', () => {
    const raw = fixture<VkPostsResponse>('wall-get.json');
    raw.items[1]!.text = 'я'.repeat(POST_LIMITS.maxTextChars + 1);
    const { posts: out } = mapWallResponse(raw, source);
    expect(out).toHaveLength(6);
    expect(out[1]!.text).toHaveLength(POST_LIMITS.maxTextChars + 1);
    const check = incomingPostSchema.safeParse(out[1]);
    expect(describeIssues(check.error!)).toBe(`text: text longer than ${POST_LIMITS.maxTextChars} characters`);
    expect(incomingPostSchema.safeParse(out[2]).success).toBe(true);
  });

  it('skips an item without id or date with a reason instead of failing the page', () => {
    const raw = fixture<VkPostsResponse>('wall-get.json');
    delete (raw.items[2] as Partial<(typeof raw.items)[number]>).date;
    const { posts: out, skipped: why } = mapWallResponse(raw, source);
    expect(out).toHaveLength(5);
    expect(why).toEqual([{ ref: '-170123456_5481', reason: 'post without a numeric date' }]);
    const withNull = mapWallResponse({ ...raw, items: [null as unknown as (typeof raw.items)[number], raw.items[1]!] }, source);
    expect(withNull.posts).toHaveLength(1);
    expect(withNull.skipped).toEqual([{ ref: '?_?', reason: 'post that is not an object' }]);
  });
});

describe('newsfeed.search → posts', () => {
  it('maps users’ and communities’ posts with their authors', () => {
    const { posts } = mapWallResponse(fixture<VkPostsResponse>('newsfeed-search.json'), { sourceId: 'vk_search:отопление' });
    expect(posts.map((p) => [p.externalId, p.author.name, p.url])).toEqual([
      ['455555555_812', 'Дмитрий Кузнецов', 'https://vk.com/wall455555555_812'],
      ['-31000002_77301', 'Омск Live | Новости', 'https://vk.com/wall-31000002_77301'],
    ]);
    for (const p of posts) expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
  });
});

describe('wall.getComments → comments', () => {
  const raw = fixture<VkCommentsResponse>('wall-getComments.json');
  const post = { ownerId: -170123456, postId: 5482 };

  it('flattens threads, leaves deleted comments out, links each to the post', () => {
    const { posts, skipped } = mapCommentsResponse(raw, post, source);
    expect(skipped).toEqual([]);
    expect(posts.map((p) => [p.externalId, p.url, p.author.name, p.text])).toEqual([
      [
        '-170123456_5482_c5490',
        'https://vk.com/wall-170123456_5482?reply=5490',
        'Алексей Иванов',
        'Опять без воды, уже третий раз за месяц! На Красном Пути тоже отключили, хотя в графике нас нет.',
      ],
      [
        '-170123456_5482_c5491',
        'https://vk.com/wall-170123456_5482?reply=5491&thread=5490',
        'Администрация города Омска',
        'Здравствуйте! Отключение на ул. Красный Путь аварийное, подачу восстановят к 18:00.',
      ],
      ['-170123456_5482_c5486', 'https://vk.com/wall-170123456_5482?reply=5486', 'Ольга Сидорова', '[стикер]'],
    ]);
    for (const p of posts) {
      expect(p).toMatchObject({ kind: 'comment', parentExternalId: '-170123456_5482', network: 'vk', municipality: 'omsk' });
      expect(incomingPostSchema.safeParse(p).error).toBeUndefined();
    }
    // The community's answer in the resident's thread is the page's own reply, to that comment.
    expect(posts.map((p) => [p.fromPage, p.replyToExternalId])).toEqual([
      [false, undefined],
      [true, '-170123456_5482_c5490'],
      [false, undefined],
    ]);
    expect(posts[0]!.engagement).toEqual({ likes: 6, comments: 1 });
    expect(posts[1]!.engagement).toEqual({ likes: 2 });
    expect(posts[0]!.publishedAt).toBe('2026-11-23T05:30:00.000Z');
  });

  it('keeps only comments newer than the last seen id', () => {
    const { posts } = mapCommentsResponse(raw, post, source, (id) => id > 5490);
    expect(posts.map((p) => p.externalId)).toEqual(['-170123456_5482_c5491']);
  });
});
