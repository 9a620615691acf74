/**
 * St Petersburg «Наш Санкт-Петербург» appeals (../shared/data/spb-appeals), mapped to our sectors.
 * The portal's own categories do not match ours (its «Благоустройство» holds road damage and
 * traffic lights), so the mapping is at the level of its 126 reasons, by the rules of
 * ../shared/DOMAIN.md: the sector is the one whose department would have to act. Read from the
 * shared folder at training time; never copied into the repo.
 */
import { readFileSync } from 'node:fs';
import type { Sector } from '../../src/domain/sector';

export const SPB_PATH = new URL('../../../shared/data/spb-appeals/spb_appeals.jsonl', import.meta.url);

// First match wins; order matters (specific before general).
const RULES: [RegExp, Sector][] = [
  [/контейнерн|мусорный контейнер|мусоросборн/i, 'waste'],
  [/мусор на газонах \((крупногабаритные|железобетонные)/i, 'waste'],
  [/провисающие, оборванные провода/i, 'energy'],
  [/проезжей част|автомобильных дорог|дорожн(ых|ого) (знак|покрыти)|светофор|технических средствах организации дорожного движения|искусственных неровностей|парковк|парковочных|бордюрного камня при пересечении|остановочных пунктов|ливневой канализации|повреждения дорожного покрытия$/i, 'roads'],
  [/рекламн|реализация товаров|незаконное проживание|строительной площадки/i, 'other'],
  [/колодца, люка|колодец, люк/i, 'housing'],
];
const HOUSING_CATEGORIES = /^(Содержание МКД|Водоснабжение|Водоотведение|Кровля|Подвалы|Фасад|Центральное отопление|Санитарное состояние|Нарушение (порядка|правил) пользования общим имуществом)/;

export function spbSector(category: string, reason: string): Sector {
  for (const [re, sector] of RULES) if (re.test(reason)) return sector;
  if (HOUSING_CATEGORIES.test(category)) return 'housing';
  return 'improvement';
}

/**
 * The portal's reason mapped to a problem category of our taxonomy (config/taxonomy.json), within
 * the sector `spbSector` chose; reasons no category covers go to the sector's «прочие». Written
 * from the reason names, by the same rule: which department would act.
 */
const CATEGORY_RULES: Partial<Record<Sector, [RegExp, string][]>> = {
  housing: [
    [/отоплени|отапливаем|радиатор/i, 'heating'],
    [/лифт/i, 'elevator'],
    [/водоснабж|горячей воды|холодной воды|водозабор|протечка труб/i, 'water'],
    [/канализац|колодц|люк/i, 'sewage'],
    [/./, 'repair'],
  ],
  waste: [
    [/мусор на газонах/i, 'dump'],
    [/контейнер|мусоросборн/i, 'container_site'],
  ],
  energy: [[/провод/i, 'power_lines']],
  roads: [
    [/снег/i, 'snow_roads'],
    [/повреждения дорожного покрытия/i, 'potholes'],
    [/знак|светофор|неровност|бордюрного|технических средствах организации дорожного движения/i, 'traffic_safety'],
  ],
  improvement: [
    [/детской площадк|спортивной площадк|спортивных площадк/i, 'playground'],
    [/дерев|кустарник|зелен|газон/i, 'greenery'],
    [/снег/i, 'snow_yards'],
    [/мусор|урн|надписи/i, 'cleanliness'],
    [/освещени|асфальтового покрытия на придомовой|лужи на твердом|малых архитектурных форм|уличной мебели|зон отдыха|земляных работ/i, 'yard'],
  ],
  other: [[/рекламн|реализация товаров|строительной площадки/i, 'trade_construction']],
};

/**
 * The portal has no reason for rubbish not being hauled: such appeals are filed under the container
 * site's «санитарное и техническое состояние» (about a quarter of those before Mar 2021 say «не
 * вывозят» or «переполнены»). By the same rule — who acts — they are collection (the regional
 * operator's haul), not the site; the text, not the reason, says which.
 */
const NOT_HAULED = /не\s*(вывоз|вывез)|вывезти|вывоз мусора|переполн/i;

export function spbCategory(sector: Sector, reason: string, text = ''): string {
  if (sector === 'waste' && /контейнерной площадки/i.test(reason) && NOT_HAULED.test(text)) return 'waste.collection';
  for (const [re, code] of CATEGORY_RULES[sector] ?? []) if (re.test(reason)) return `${sector}.${code}`;
  return `${sector}.other`;
}

export interface SpbAppeal {
  text: string;
  sector: Sector;
  /** Problem category code (`housing.heating`), mapped from the reason. */
  category: string;
  reason: string;
  /** Deterministic held-out flag (~10%), by a hash of the text, so duplicates stay together. */
  heldOut: boolean;
  /** Submission month (`2021-03`). */
  month: string;
  /**
   * Split by time, not by row: appeals of Oct 2020 – Jan 2021 train, Feb 2021 validates
   * (regularisation, thresholds), Mar – Apr 2021 test. A text keeps its earliest month, so a
   * text resubmitted later is never a test item when it was a training one.
   */
  split: SpbSplit;
}

export type SpbSplit = 'train' | 'val' | 'test';
export function spbSplitOf(month: string): SpbSplit {
  return month <= '2021-01' ? 'train' : month === '2021-02' ? 'val' : 'test';
}

function textHash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

let cache: SpbAppeal[] | null = null;

export function loadSpbAppeals(): SpbAppeal[] {
  if (cache) return cache;
  const byText = new Map<string, SpbAppeal>();
  for (const line of readFileSync(SPB_PATH, 'utf8').split('\n')) {
    if (!line) continue;
    const d = JSON.parse(line) as { text: string; category: string; reason: string; dt?: string };
    // The portal masks personal data as runs of X; they carry nothing.
    const text = d.text.replace(/\bX{2,}\b/g, ' ').replace(/\s+/g, ' ').trim();
    if (text.length < 5) continue;
    const month = (d.dt ?? '2020-10').slice(0, 7);
    const prev = byText.get(text);
    // Duplicates: the earliest submission keeps the text (and its label and split).
    if (prev && prev.month <= month) continue;
    const sector = spbSector(d.category, d.reason);
    byText.set(text, { text, sector, category: spbCategory(sector, d.reason, text), reason: d.reason, heldOut: textHash(text) % 10 === 0, month, split: spbSplitOf(month) });
  }
  cache = [...byText.values()];
  return cache;
}
