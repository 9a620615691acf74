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

export interface SpbAppeal {
  text: string;
  sector: Sector;
  reason: string;
  /** Deterministic held-out flag (~10%), by a hash of the text, so duplicates stay together. */
  heldOut: boolean;
}

function textHash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function loadSpbAppeals(): SpbAppeal[] {
  const seen = new Set<string>();
  const out: SpbAppeal[] = [];
  for (const line of readFileSync(SPB_PATH, 'utf8').split('\n')) {
    if (!line) continue;
    const d = JSON.parse(line) as { text: string; category: string; reason: string };
    // The portal masks personal data as runs of X; they carry nothing.
    const text = d.text.replace(/\bX{2,}\b/g, ' ').replace(/\s+/g, ' ').trim();
    if (text.length < 5 || seen.has(text)) continue;
    seen.add(text);
    out.push({ text, sector: spbSector(d.category, d.reason), reason: d.reason, heldOut: textHash(text) % 10 === 0 });
  }
  return out;
}
