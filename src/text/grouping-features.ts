/**
 * Features for incident grouping ("one card per problem"): what a post says, with the words
 * residents use interchangeably for the same problem folded into one concept, and where it says
 * it happens (district), so that two posts about one problem in other words meet and two posts
 * about one kind of problem in two districts do not.
 *
 * - Concepts: a stem that names a problem word (нет света / отключили электричество / обесточены;
 *   яма / выбоина / колдобина; мусор / отходы / ТКО; не работает / сломан / неисправен …) becomes
 *   one feature `~<concept>`. The list is small and explainable: a synonym is added only where
 *   people really write one for the other about the same problem.
 * - Problems: the concepts that name a problem; posts naming problems, none in common, are apart.
 * - Districts: the administrative okrugs and the microdistricts of Omsk residents name instead of a
 *   street («Кировский округ обесточен», «в Нефтяниках не вывозят мусор»). Two posts naming
 *   districts with none in common are about two places.
 *
 * Pure and total, over a text's stems (`analyze(text).stems` or a stored `text_stems` split on
 * spaces): a few map lookups per word.
 */
import { featuresFromStems, GROUPING_STEM_PREFIX } from './similarity';

// Whole stems (short ones would match too much as prefixes: «пор» is порыв, but also пора).
const EXACT: Record<string, string> = {
  свет: 'power', // «нет света» (светофор, светло are other stems)
  ям: 'pothole',
  бак: 'bin',
  прор: 'burst', // прорыв
  пор: 'burst', // порыв
  зап: 'smell', // запах
  газ: 'gas',
  кран: 'tap',
  скор: 'ambulance',
  труб: 'pipe',
  вод: 'water',
  лед: 'ice',
  авт: 'car',
  сток: 'sewage',
  маршрут: 'bus', // «маршрут 73»
  работа: 'broken', // «не работает» (the complaint is the negation)
  сад: 'kindergarten', // «детский сад»
};
// Stem prefixes, longest first is not needed: none of them is a prefix of another's concept.
const PREFIX: readonly (readonly [string, string])[] = [
  ['электричеств', 'power'],
  ['электроэнерг', 'power'],
  ['электроснабж', 'power'],
  ['энергоснабж', 'power'],
  ['обесточ', 'power'],
  ['электросет', 'power'],
  ['отоплен', 'heating'],
  ['батар', 'heating'],
  ['теплоснабж', 'heating'],
  ['радиатор', 'heating'],
  ['гвс', 'hot'],
  ['горяч', 'hot'],
  ['кипят', 'hot'],
  ['водоснабж', 'water'],
  ['водопровод', 'water'],
  ['ямищ', 'pothole'],
  ['ямк', 'pothole'],
  ['выбоин', 'pothole'],
  ['колдобин', 'pothole'],
  ['мусор', 'garbage'],
  ['отход', 'garbage'],
  ['тко', 'garbage'],
  ['помойк', 'garbage'],
  ['контейнер', 'bin'],
  ['свалк', 'dump'],
  ['вывоз', 'collect'],
  ['вывез', 'collect'],
  ['лифт', 'lift'],
  ['канализ', 'sewage'],
  ['нечистот', 'sewage'],
  ['фекал', 'sewage'],
  ['засор', 'sewage'],
  ['прорва', 'burst'],
  ['прорыв', 'burst'],
  ['порыв', 'burst'],
  ['лопну', 'burst'],
  ['течет', 'leak'],
  ['теч', 'leak'],
  ['протек', 'leak'],
  ['протечк', 'leak'],
  ['затоп', 'flood'],
  ['подтоп', 'flood'],
  ['снег', 'snow'],
  ['снеж', 'snow'],
  ['сугроб', 'snow'],
  ['гололед', 'ice'],
  ['налед', 'ice'],
  ['скользк', 'ice'],
  ['чист', 'clean'],
  ['расчист', 'clean'],
  ['убира', 'clean'],
  ['уборк', 'clean'],
  ['фонар', 'lamp'],
  ['освещен', 'lamp'],
  ['светильник', 'lamp'],
  ['автобус', 'bus'],
  ['маршрутк', 'bus'],
  ['остановк', 'stop'],
  ['остановочн', 'stop'],
  ['газов', 'gas'],
  ['газоснабж', 'gas'],
  ['пахн', 'smell'],
  ['пахнет', 'smell'],
  ['воня', 'smell'],
  ['смрад', 'smell'],
  ['крыш', 'roof'],
  ['кровл', 'roof'],
  ['неотложк', 'ambulance'],
  ['терапевт', 'doctor'],
  ['врач', 'doctor'],
  ['педиатр', 'doctor'],
  ['запис', 'appointment'],
  ['талон', 'appointment'],
  ['садик', 'kindergarten'],
  ['детсад', 'kindergarten'],
  ['слома', 'broken'],
  ['полома', 'broken'],
  ['поломк', 'broken'],
  ['неисправ', 'broken'],
  ['жильц', 'residents'],
  ['жител', 'residents'],
  ['сосед', 'residents'],
  ['ребен', 'kids'],
  ['ребят', 'kids'],
  ['дет', 'kids'],
  ['колес', 'wheel'],
  ['шин', 'wheel'],
  ['машин', 'car'],
  ['автомоб', 'car'],
  ['отвеча', 'noanswer'],
  ['молч', 'noanswer'],
  ['дозвон', 'noanswer'],
  ['мерз', 'freezing'],
  ['замерза', 'freezing'],
  ['трубопровод', 'pipe'],
];
const BY_PREFIX = new Map(PREFIX);
const PREFIX_LENGTHS = [...new Set(PREFIX.map(([p]) => p.length))].sort((a, b) => b - a);

/** The concept a stem names, or null. */
export function conceptOf(stem: string): string | null {
  const exact = EXACT[stem];
  if (exact) return exact;
  for (const n of PREFIX_LENGTHS) {
    if (n > stem.length) continue;
    const c = BY_PREFIX.get(stem.slice(0, n));
    if (c) return c;
  }
  return null;
}

/**
 * Grouping features of a text's stems: concept words as `~<concept>`, numbers as `#<n>`, other
 * words cut to GROUPING_STEM_PREFIX (src/text/similarity.ts); sorted, unique.
 */
export function groupingFeatures(stems: readonly string[]): string[] {
  const rest: string[] = [];
  const out = new Set<string>();
  for (const s of stems) {
    const c = s.length >= 2 ? conceptOf(s) : null;
    if (c) out.add(`~${c}`);
    else rest.push(s);
  }
  for (const f of featuresFromStems(rest, GROUPING_STEM_PREFIX)) out.add(f);
  return [...out].sort();
}

/**
 * Concepts that name a problem (not who suffers it or how long): two posts that each name problems
 * and none in common («нет отопления» and «не работает лифт» at one address) are two problems.
 */
const PROBLEMS = new Set(['power', 'heating', 'hot', 'water', 'pothole', 'garbage', 'bin', 'dump', 'collect', 'lift', 'sewage', 'burst', 'leak', 'flood', 'snow', 'ice', 'lamp', 'bus', 'gas', 'smell', 'roof', 'ambulance', 'appointment', 'pipe']);

/** The problem concepts among grouping features (`~<concept>`), sorted. */
export function problemsOf(features: readonly string[]): string[] {
  return features.filter((f) => f.startsWith('~') && PROBLEMS.has(f.slice(1)));
}

// Okrugs of Omsk by their adjective's stem (named with «округ»), and microdistricts by name.
const OKRUGS = new Set(['кировск', 'ленинск', 'советск', 'центральн', 'октябрьск']);
const MICRODISTRICTS: Record<string, string> = {
  амурск: 'amursky',
  нефтяник: 'neftyaniki',
  московк: 'moskovka',
  чкаловск: 'chkalovsky',
  левобережн: 'left-bank',
  старокировск: 'stary-kirovsk',
  куйбышевск: 'kuibyshevsky',
};

/**
 * Districts a text names: okrugs («Кировский округ», «в Ленинском административном округе»),
 * microdistricts («Амурский посёлок», «Нефтяники», «Левый берег»). Sorted, unique.
 */
export function districtsOf(stems: readonly string[]): string[] {
  const out = new Set<string>();
  const okrug = stems.some((s) => s === 'округ');
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i] as string;
    if (okrug && OKRUGS.has(s)) out.add(`okrug:${s}`);
    const m = MICRODISTRICTS[s];
    if (m) out.add(m);
    if ((s === 'лев' || s === 'левом') && stems[i + 1]?.startsWith('берег')) out.add('left-bank');
  }
  return [...out].sort();
}
