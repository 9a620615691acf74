import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapMaxMessage, mapMaxMessages, MaxPayloadError, type MaxMessagesResponse } from '../../../connectors/max/max.mapper';
import { incomingPostSchema } from '../../../src/pipeline/post.schema';

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../../connectors/max/fixtures', name), 'utf8')) as MaxMessagesResponse;

describe('MAX mapper over fixtures', () => {
  const chat = { chatId: '-70123456789', sourceId: 'max_chat:-70123456789', chatTitle: 'Чат жильцов', municipality: 'omsk' };

  it('maps a chat message that replies to another as a comment on it', () => {
    const [reply] = mapMaxMessages(fixture('messages-page.json'), chat);
    expect(incomingPostSchema.safeParse(reply).error).toBeUndefined();
    expect(reply).toEqual({
      network: 'max',
      externalId: '-70123456789:mid.ffffbc1a2b3c4d5e0000019ab0c0d0e2',
      kind: 'comment',
      parentExternalId: '-70123456789:mid.ffffbc1a2b3c4d5e0000019ab0c0d0e1',
      url: 'https://max.invalid/chat/-70123456789/mid.ffffbc1a2b3c4d5e0000019ab0c0d0e2',
      text: 'На Ленина, 12 тоже нет воды с утра',
      publishedAt: '2025-11-23T10:40:00.123Z',
      author: { id: 'user:90012345', name: 'Анна Кузнецова' },
      sourceId: 'max_chat:-70123456789',
      municipality: 'omsk',
    });
  });

  it('keeps forwarded text as context, with who it was forwarded from, and the sender link when public', () => {
    const [, forwarded] = mapMaxMessages(fixture('messages-page.json'), chat);
    expect(forwarded!.kind).toBe('post');
    expect(forwarded!.text).toBe(
      'У кого-нибудь есть горячая вода на Ленина?\n\nПереслано от Водоканал:\nПлановое отключение горячей воды 23.11 с 9:00 до 21:00: ул. Ленина 1–40.',
    );
    expect(forwarded!.author).toEqual({ id: 'user:90012399', name: 'Сергей', url: 'https://max.ru/sergey_omsk' });
  });

  it('maps a channel post: public url, the channel as author, views', () => {
    const channel = { chatId: '-70999888777', sourceId: 'max_chat:-70999888777', chatTitle: 'Администрация Омска' };
    const [post] = mapMaxMessages(fixture('channel-messages.json'), channel);
    expect(incomingPostSchema.safeParse(post).error).toBeUndefined();
    expect(post).toMatchObject({
      url: 'https://max.ru/omsk_admin/AZrTsv5xxyy',
      author: { id: 'chat:-70999888777', name: 'Администрация Омска' },
      engagement: { views: 15342 },
      publishedAt: '2025-11-23T09:26:40.000Z',
    });
  });

  it('refuses a message without a mid or a timestamp', () => {
    const m = fixture('channel-messages.json').messages[0]!;
    expect(() => mapMaxMessage({ ...m, body: { ...m.body, mid: '' } }, chat)).toThrow(MaxPayloadError);
    expect(() => mapMaxMessage({ ...m, timestamp: 'вчера' as unknown as number }, chat)).toThrow(/timestamp/);
  });
});
