/** Where a post came from. `feedback` covers pushed appeals (ПОС, regional portals). */
export const NETWORKS = ['vk', 'ok', 'telegram', 'max', 'news', 'dzen', 'feedback'] as const;
export type Network = (typeof NETWORKS)[number];

export const NETWORK_TITLES_RU: Readonly<Record<Network, string>> = {
  vk: 'ВКонтакте',
  ok: 'Одноклассники',
  telegram: 'Telegram',
  max: 'MAX',
  news: 'СМИ',
  dzen: 'Дзен',
  feedback: 'ПОС',
};

export function isNetwork(value: unknown): value is Network {
  return typeof value === 'string' && (NETWORKS as readonly string[]).includes(value);
}
