import { existsSync, readFileSync } from 'node:fs';
import { WHOLE_REGION, type Municipality, type Region, type Street } from '../domain/gazetteer';

const REGIONS_DIR = new URL('../../config/regions/', import.meta.url);

export function loadRegion(code: string): Region {
  const file = new URL(`${code}.json`, REGIONS_DIR);
  const region = JSON.parse(readFileSync(file, 'utf8')) as Region;
  if (!Array.isArray(region.municipalities) || region.municipalities.length === 0) {
    throw new Error(`config/regions/${code}.json has no municipalities`);
  }
  // Optional street list beside the region file, for address resolution (src/classifier/place.ts).
  const streets = new URL(`${code}.streets.json`, REGIONS_DIR);
  if (existsSync(streets)) region.streets = (JSON.parse(readFileSync(streets, 'utf8')) as { streets: Street[] }).streets;
  // Optional list of the region's place names that are also ordinary words or common names
  // elsewhere (scripts/corpus/ambiguous-places.ts): they count only after a settlement word.
  const ambiguous = new URL(`${code}.ambiguous.json`, REGIONS_DIR);
  if (existsSync(ambiguous)) region.ambiguous = (JSON.parse(readFileSync(ambiguous, 'utf8')) as { phrases: string[] }).phrases;
  return region;
}

/**
 * Municipality lookups for one region: names for the UI and a best-effort place detector over
 * normalised text (aliases and settlements, longest match first).
 */
export function createGazetteer(region: Region) {
  const byCode = new Map<string, Municipality>(region.municipalities.map((m) => [m.code, m]));
  const phrases = new Map<string, string>();
  for (const m of region.municipalities) {
    for (const p of [m.name, ...(m.center ? [m.center] : []), ...m.aliases, ...m.settlements]) {
      const key = normalisePhrase(p);
      // The first municipality to claim a phrase keeps it (cities are listed before districts).
      if (key && !phrases.has(key)) phrases.set(key, m.code);
    }
  }
  const maxWords = Math.max(1, ...[...phrases.keys()].map((k) => k.split(' ').length));
  const ambiguous = new Set((region.ambiguous ?? []).map(normalisePhrase));
  // Adjective-like settlement names (Береговой, Кордный, Входной) are ordinary words too.
  for (const m of region.municipalities) for (const p of m.settlements) if (isAdjectiveLike(normalisePhrase(p))) ambiguous.add(normalisePhrase(p));
  return {
    region,
    isKnown: (code: string) => code === WHOLE_REGION || byCode.has(code),
    nameOf(code: string): string {
      if (code === WHOLE_REGION) return region.name;
      return byCode.get(code)?.name ?? code;
    },
    list: () => region.municipalities.map((m) => ({ code: m.code, name: m.name })),
    /** Finds a municipality mentioned in the text, or null. */
    detect(text: string): string | null {
      const words = normalisePhrase(text.slice(0, 5000)).split(' ');
      for (let n = maxWords; n >= 1; n--) {
        for (let i = 0; i + n <= words.length; i++) {
          const phrase = words.slice(i, i + n).join(' ');
          const hit = phrases.get(phrase);
          // «входной», «парадная», «шевченко»: a generic word names the place only after
          // «г.», «с.», «пос.», «деревня»… or before «район».
          if (hit && (!ambiguous.has(phrase) || SETTLEMENT_CUES.has(words[i - 1] ?? '') || AREA_AFTER.has(words[i + n] ?? ''))) return hit;
        }
      }
      return null;
    },
  };
}
export type Gazetteer = ReturnType<typeof createGazetteer>;

const SETTLEMENT_CUES = new Set(['г', 'гор', 'город', 'городе', 'города', 'с', 'село', 'селе', 'села', 'п', 'пос', 'посёлок', 'поселок', 'поселке', 'поселка', 'рп', 'пгт', 'д', 'дер', 'деревня', 'деревне', 'деревни', 'ст', 'станция', 'станции', 'мкр', 'микрорайон', 'микрорайоне', 'аул']);
const AREA_AFTER = new Set(['район', 'районе', 'района', 'р-н', 'р-не', 'мр']);
/** One word with an adjective ending: «береговой», «кордный», «входной». */
export function isAdjectiveLike(phrase: string): boolean {
  return !phrase.includes(' ') && /(ой|ый|ий|ая|ое|ые|ом|ем|ых|их|ую|яя|ее)$/.test(phrase);
}

function normalisePhrase(s: string): string {
  return s
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[^\p{L}\p{N}-]+/gu, ' ')
    .trim();
}
