/**
 * `npx tsx scripts/corpus/ambiguous-places.ts [region]` — writes config/regions/<region>.ambiguous.json:
 * the region's place names (settlements and aliases, one word) that occur in real text from
 * elsewhere — St Petersburg appeals and RuSentiTweet (../shared/data) — where they cannot name a
 * place of the region: «входной» (a door), «шевченко» (a street in every city), «тары» (containers).
 * The gazetteer then takes them as a place only after a settlement word («с.», «пос.», «г.») or
 * before «район». The region's own city name is never listed (an Omsk tweet names Omsk).
 */
import { writeFileSync } from 'node:fs';
import { loadRegion } from '../../src/services/gazetteer.service';
import { loadTweets } from './datasets';
import { loadSpbAppeals } from './spb-appeals';

const code = process.argv[2] ?? 'omsk';
const region = loadRegion(code);
const norm = (s: string) => s.toLowerCase().replaceAll('ё', 'е').replace(/[^\p{L}\p{N}-]+/gu, ' ').trim();
const candidates = new Set<string>();
for (const m of region.municipalities) {
  const own = new Set([m.name, ...(m.center ? [m.center] : [])].map(norm));
  for (const p of [...m.aliases, ...m.settlements].map(norm)) if (p && !p.includes(' ') && !own.has(p) && ![...own].some((o) => p.startsWith(o.slice(0, -1)))) candidates.add(p);
}
const counts = new Map<string, number>();
const texts = [...loadSpbAppeals().map((a) => a.text), ...loadTweets('train').map((e) => e.text), ...loadTweets('test').map((e) => e.text)];
for (const t of texts) for (const w of new Set(norm(t).split(' '))) if (candidates.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
const phrases = [...counts].sort((a, b) => b[1] - a[1]).map(([p]) => p);
writeFileSync(new URL(`../../config/regions/${code}.ambiguous.json`, import.meta.url), `${JSON.stringify({ source: 'scripts/corpus/ambiguous-places.ts', phrases }, null, 1)}\n`);
process.stderr.write(`${phrases.length} ambiguous place names: ${[...counts].map(([p, n]) => `${p} ${n}`).join(', ')}\n`);
