/** Sectors (отраслевые блоки): the first classification axis. Codes from ../shared/DOMAIN.md. */
export const SECTORS = [
  'housing',
  'waste',
  'energy',
  'education',
  'health',
  'roads',
  'transport',
  'social',
  'improvement',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

/** Russian names shown in the UI. */
export const SECTOR_TITLES_RU: Readonly<Record<Sector, string>> = {
  housing: 'ЖКХ',
  waste: 'ТКО',
  energy: 'Энергетика',
  education: 'Образование',
  health: 'Здравоохранение',
  roads: 'Дороги',
  transport: 'Транспорт',
  social: 'Социальная защита',
  improvement: 'Благоустройство',
  other: 'Прочее',
};

export function isSector(value: unknown): value is Sector {
  return typeof value === 'string' && (SECTORS as readonly string[]).includes(value);
}
