import type { Network } from './network';

/**
 * A source in the registry: one thing a connector watches (a VK wall, a keyword search, a Telegram
 * channel, a feed…) or one feedback platform allowed to push appeals. The technical administrator
 * manages them; the connector role runs one connector per active pull source.
 */
export const SOURCE_KINDS = [
  'vk_wall',
  'vk_search',
  'telegram_channel',
  'ok_group',
  'max_chat',
  'rss',
  'webhook',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What each kind watches. `key` of each is what makes two sources duplicates (see sourceKey). */
export interface SourceSettings {
  /** A VK community or user wall; `owner` is the screen name or numeric id (communities negative). */
  vk_wall: { owner: string; comments: boolean };
  /** VK `newsfeed.search` for a query, optionally around a point. */
  vk_search: { query: string; geo?: { latitude: number; longitude: number } };
  /** A public Telegram channel read through its t.me/s web preview. */
  telegram_channel: { channel: string };
  /** An Odnoklassniki group's topics (and their comments). */
  ok_group: { groupId: string; comments: boolean };
  /** A MAX channel or chat the center's bot is a member of. */
  max_chat: { chatId: string };
  /** An RSS/Atom feed: a news site or a Dzen channel. */
  rss: { url: string; flavour: 'news' | 'dzen' };
  /** A feedback platform (ПОС, a regional portal) pushing signed appeals. */
  webhook: { senderId: string };
}

export type SourceStatus = 'active' | 'paused';

export interface SourceBase<K extends SourceKind = SourceKind> {
  /** Registry id, also the cursor and health key: `<kind>:<normalised key>` (see sourceKey). */
  id: string;
  kind: K;
  title: string;
  /** Municipality code, or 'region' for the whole region. */
  municipality: string;
  /** Set when the source is an official page (госпаблик) of an organisation. */
  official?: { organisation: string };
  status: SourceStatus;
  /** Pause between polls for pull sources; the connector's default when absent. */
  pollIntervalSec?: number;
  createdAt: string;
  updatedAt: string;
  settings: SourceSettings[K];
}

export type Source = { [K in SourceKind]: SourceBase<K> }[SourceKind];

/** Network a kind's posts carry. */
export function networkOfSource(source: Pick<Source, 'kind' | 'settings'>): Network {
  switch (source.kind) {
    case 'vk_wall':
    case 'vk_search':
      return 'vk';
    case 'telegram_channel':
      return 'telegram';
    case 'ok_group':
      return 'ok';
    case 'max_chat':
      return 'max';
    case 'rss':
      return (source.settings as SourceSettings['rss']).flavour === 'dzen' ? 'dzen' : 'news';
    case 'webhook':
      return 'feedback';
  }
}

/**
 * The identity of what a source watches, normalised so that the same wall, channel or feed
 * entered twice (different case, a URL instead of a name, a trailing slash) is one key.
 */
export function sourceKey(source: Pick<Source, 'kind' | 'settings'>): string {
  switch (source.kind) {
    case 'vk_wall':
      return `vk_wall:${(source.settings as SourceSettings['vk_wall']).owner.trim().toLowerCase().replace(/^(https?:\/\/)?(m\.)?vk\.(com|ru)\//, '')}`;
    case 'vk_search': {
      const s = source.settings as SourceSettings['vk_search'];
      const geo = s.geo ? `@${s.geo.latitude.toFixed(3)},${s.geo.longitude.toFixed(3)}` : '';
      return `vk_search:${s.query.trim().toLowerCase().replace(/\s+/g, ' ')}${geo}`;
    }
    case 'telegram_channel':
      return `telegram_channel:${(source.settings as SourceSettings['telegram_channel']).channel.trim().toLowerCase().replace(/^(https?:\/\/)?t\.me\/(s\/)?|^@/g, '')}`;
    case 'ok_group':
      return `ok_group:${(source.settings as SourceSettings['ok_group']).groupId.trim()}`;
    case 'max_chat':
      return `max_chat:${(source.settings as SourceSettings['max_chat']).chatId.trim()}`;
    case 'rss':
      return `rss:${normaliseUrl((source.settings as SourceSettings['rss']).url)}`;
    case 'webhook':
      return `webhook:${(source.settings as SourceSettings['webhook']).senderId.trim().toLowerCase()}`;
  }
}

function normaliseUrl(url: string): string {
  try {
    const u = new URL(url.trim());
    u.hash = '';
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return url.trim();
  }
}
