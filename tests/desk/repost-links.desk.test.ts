/** The networks' own repost and forward fields become `repostOf`, so the desk can follow copies. */
import { describe, expect, it } from 'vitest';
import { mapMaxMessage } from '../../connectors/max/max.mapper';
import { mapMessage } from '../../connectors/telegram/telegram.mapper';
import { mapWallResponse } from '../../connectors/vk/vk.mapper';

describe('repost links from the connectors', () => {
  it('VK: a repost names the original wall post (copy_history)', () => {
    const res = mapWallResponse(
      { items: [{ id: 7, owner_id: -5, from_id: 11, date: 1_760_000_000, text: 'Смотрите!', copy_history: [{ id: 3, owner_id: -99, date: 1_759_990_000, text: 'В Омске отравлена вода' }] }] } as never,
      { sourceId: 'vk:wall-5' },
    );
    expect(res.posts[0]?.repostOf).toBe('vk:-99_3');
    const plain = mapWallResponse({ items: [{ id: 8, owner_id: -5, date: 1_760_000_000, text: 'Своё' }] } as never, { sourceId: 'vk:wall-5' });
    expect(plain.posts[0]?.repostOf).toBeUndefined();
  });

  it('Telegram: a forward from a public channel names its message', () => {
    const post = mapMessage(
      { id: 12, channel: 'local_news', service: false, publishedAt: '2026-01-01T10:00:00Z', text: 'Переслано', links: [], media: [], forwardedFrom: { name: 'Слухи', url: 'https://t.me/Rumours_Omsk/345' } },
      { title: 'Новости' },
      { sourceId: 'telegram:local_news', channel: 'local_news' },
    );
    expect(post?.repostOf).toBe('telegram:rumours_omsk/345');
  });

  it('MAX: a forward names the original chat message', () => {
    const post = mapMaxMessage(
      { timestamp: 1_760_000_000_000, recipient: { chat_id: 1, chat_type: 'chat' }, body: { mid: 'm2', text: 'Смотрите' }, link: { type: 'forward', chat_id: 77, message: { mid: 'm1', text: 'Вода отравлена' } } } as never,
      { chatId: '1', sourceId: 'max:1' },
    );
    expect(post.repostOf).toBe('max:77:m1');
  });
});
