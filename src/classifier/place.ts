import type { Place } from '../domain/classification';
import { WHOLE_REGION, type Region, type Street } from '../domain/gazetteer';

/**
 * Place of a post: municipality and, where written, a street address resolved against the
 * region's street list (config/regions/<region>.streets.json). Rule-based:
 *   - a street type («ул.», «улица», «пр.», «пр-т», «проспект», «пер.», «б-р», «наб.», «шоссе»)
 *     followed by a name, known or not («ул. Ленина, 12», «пр. Маркса д 5»);
 *   - a known street's name after «на», «по», «у», «возле», «около», «с» or before a house
 *     number, with no type («на Лукашевича», «Масленникова 70»).
 * The municipality is the source's when the source belongs to one, else the one named in the
 * text, else the known street's (a street list belongs to one city), else the whole region.
 * Besides the address: every known street of a list (`streets`), the villages of a district the
 * text names (`settlements`), and the streets a notice lists that the street list lacks (`listed`).
 */
export interface PlaceGazetteer {
  region: Pick<Region, 'streets'> & Partial<Pick<Region, 'municipalities' | 'ambiguous'>>;
  isKnown(code: string): boolean;
  detect(text: string): string | null;
}

const TYPES = new Map<string, string>([
  ['ул', 'улица'], ['улица', 'улица'], ['улице', 'улица'], ['улицу', 'улица'], ['улицы', 'улица'], ['улицей', 'улица'], ['улицам', 'улица'], ['улицах', 'улица'],
  ['пр', 'проспект'], ['пр-т', 'проспект'], ['пр-кт', 'проспект'], ['просп', 'проспект'], ['проспект', 'проспект'], ['проспекте', 'проспект'], ['проспекта', 'проспект'], ['проспекту', 'проспект'],
  ['пер', 'переулок'], ['переулок', 'переулок'], ['переулке', 'переулок'], ['переулка', 'переулок'],
  ['б-р', 'бульвар'], ['бульвар', 'бульвар'], ['бульваре', 'бульвар'], ['бульвара', 'бульвар'],
  ['наб', 'набережная'], ['набережная', 'набережная'], ['набережной', 'набережная'],
  ['шоссе', 'шоссе'], ['пл', 'площадь'], ['площадь', 'площадь'], ['площади', 'площадь'],
]);
const PREPOSITIONS = new Set(['на', 'по', 'у', 'возле', 'около', 'с', 'со', 'напротив', 'угол']);
// A word after a street type that is not a street name.
const NOT_A_STREET = new Set(['и', 'в', 'на', 'по', 'у', 'нет', 'не', 'уже', 'опять', 'с', 'до', 'от', 'весь', 'вся', 'всей', 'всю']);
// What follows «на улице» without naming a street («на улице фонари не горят», «свет на улице
// сделают», «на улице темно»): a verb, a plural noun, or a word of the weather or the dark.
const NOT_A_STREET_NAME = /^(?:[а-яё]*(?:ют|ут|ят|ешь|ишь|ете|ите|ал|ала|али|ало|ил|ила|или|ило|ыл|ыла|ыли|ать|ять|еть|ить|уть|ться|тся|сь)|[а-яё]+[^и][иы]|темно|темнота|холодно|скользко|грязь|грязно|снег|лед|лёд|мусор|вода|пробка|гололед|гололёд|каток|света|свет|минус|плюс|мороз|жара|дождь|ветер|холод|тепло|светло|мокро|под|над|возле|около|вдоль|напротив|рядом|между|мимо|вокруг|первый|второй|третий|четвертый|четвёртый|пятый|за|перед|при|для|через|после|утром|вечером|ночью|днем|днём|сегодня|вчера|завтра|снова|еще|ещё|тоже|также|целый|целую|нашей|нашу|моей|моя|этой|эта|той|эту|такая|такой|одна|одной|полная|полной)$/;
// Names in the genitive that look like plural nouns to NOT_A_STREET_NAME, read after a street type («ул. Победы»).
const GENITIVE_NAME = /^(?:победы|свободы|дружбы|коммуны|республики|молодежи|молодёжи|революции|конституции|демократии)$/;
// Adjective street names («Омская», «Заозерной»): at the start of a post they may name something else.
const ADJECTIVE_ENDING = /(ая|ой|ий|ый|ое|ей|ую)$/;
const HOUSE = /^(\d{1,4}[а-я]?)(?:\/(\d{1,3}[а-я]?))?$/;
// A month after a number makes it a date: «Бархатовой, 14 ноября света не будет» names no house 14.
const MONTH = /^(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)$/;
// A house's letter written apart from its number, after a space only («Дмитриева 5 А», «Комкова 3 б»).
// «а» and «в» are also words («5 а у соседей», «5 в подъезде»): they count only where a punctuation
// mark or the end of the text follows; «г» and «д» not before a full stop («17 г.» is a year or a town).
const HOUSE_LETTER_APART = /^[бгд]$/;
const HOUSE_LETTER_AMBIGUOUS = /^[ав]$/;

// A numbered street, as Omsk has many («1-я Молодёжная», «на 3-й Енисейской», «5-я Северная»): an
// ordinal, then an adjective. Not an institution («15-я городская больница», «2-я детская
// поликлиника») nor a count («2-я полная неделя»).
const STREET_ORDINAL = /^(\d{1,2})-?(?:я|й|ая|ой|ей|ю|ую)$/;
const NOT_A_NUMBERED_STREET = /^(городск|детск|областн|районн|клиническ|стоматологическ|средн|общеобразовательн|полн|нов|последн|очередн|друг|горячая|холодн)/;
// A street named by an adjective alone («Ленинградская», «Солнечной»), and adjectives before a
// number that name none («которой 10 лет», «каждую 5 минут», «ближайшей 2 км»).
const ADJECTIVE_STREET = /^[а-яё]{5,}(?:ая|ой|ей|ую)$/;
const NOT_AN_ADJECTIVE_STREET = /^(котор|как|так|эт|сам|кажд|люб|друг|ближайш|соседн|перв|втор|треть|четверт|пят|шест|седьм|восьм|девят|десят|больш|маленьк|огромн|страшн|ужасн|плох|хорош|холодн|горяч|тепл|нашей|вашей|своей|мо|тво)/;
// Nouns an adjective after «на» / «по» may belong to instead of a street («на Красной площади», «по Омской области»).
const NOUN_AFTER_ADJECTIVE = /^(?:част|площад|област|сторон|набережн|дорог|трасс|остановк|линии|линия|горк|поляне|поляны|рощ|реке|речке|даче|станци|улиц|аллее|дамбе|ветке|плотине|заправк|неделе|смене|работе|странице|групп|стене|ленте|почте|[а-яё]+(?:ой|ей|ом|ем|ии|ке|ле|не|ре|те|де|се|ще|же|ше|че|це|ве|бе|пе|ме|зе|ге|хе|фе))/;
// Nouns with an adjective's ending («на котельной», «в столовой»): no street.
const ADJECTIVE_NOUN = /^(?:котельн|столов|приемн|приёмн|парикмахерск|учительск|диспетчерск|душев|прачечн|насосн|проходн|ванн|гостин|кладов|заправочн|мостов|набережн|пивн|рюмочн|шашлычн|булочн|кондитерск|мастерск|операторск|ординаторск|детск|взросл|горячей|холодной|водонапорн|подстанц|скор)/;
const BARE_NUMBERED_NAME = /(?:ская|ской|скую|ная|ной|ную)$/;
// A street named after someone, in the genitive («Серафимовича 16», «на Лукашевича 14», «Бархатовой 7»).
const SURNAME_STREET = /^[а-яё]{3,}(?:ова|ева|ёва|ина|ына|ича|овой|евой|иной)$/;
// What a number before it counts when it is no house («Иванова 5 лет», «у Петрова 3 машины»).
const NOT_A_HOUSE_AFTER = /^(лет|год|года|минут|мин|час|часа|часов|км|метров|человек|чел|руб|рублей|раз|раза|штук|шт|дней|дня|недел[иь]|месяц[аев]*|машин[ыа]?|детей|кг|литров)$/;
const INSTITUTION = /^(больниц|поликлиник|школ|гимнази|лице|детск|сад|аптек|подстанц|котельн|смен|недел|очеред|групп|волн|част|линия|линии)/;

/** «3-я Молодёжная» at word `i` as `улица 3-я Молодёжная` (the ordinal's ending folded to «-я»), or null. */
/** A name as a street list writes it: its first letter capitalised («лесной» → «Лесной»). */
function capitalised(name: string): string {
  return name.replace(/(^|\s)(\p{L})/u, (_m, a: string, b: string) => a + b.toUpperCase());
}

function numberedStreetAt(ws: readonly Word[], i: number): string | null {
  const name = ws[i + 1]?.w ?? '';
  // Without its ending («21 амурская», «3 Енисейская света нет») only a street-like feminine
  // adjective counts, after a number a street could have.
  const m = STREET_ORDINAL.exec(ws[i]?.w ?? '') ?? (/^(?:[1-9]|[1-3]\d|40)$/.test(ws[i]?.w ?? '') && BARE_NUMBERED_NAME.test(name) ? [ws[i]!.w, ws[i]!.w] : null);
  if (!m || name.length < 5 || !ADJECTIVE_ENDING.test(name) || NOT_A_NUMBERED_STREET.test(name) || INSTITUTION.test(ws[i + 2]?.w ?? '')) return null;
  return `улица ${Number(m[1])}-я ${capitalised(name)}`;
}

// «с. Заливино», «д. Ложниково», «в посёлке Шевченко»: a word that says a settlement's name follows.
const SETTLEMENT_CUE = new Set(['с', 'село', 'селе', 'села', 'д', 'дер', 'деревня', 'деревне', 'деревни', 'п', 'пос', 'поселок', 'посёлок', 'поселке', 'посёлке', 'поселка', 'посёлка', 'аул', 'ауле']);
const DISTRICT_WORD = /^(район|района|районе|р-н|р-на|р-не|мр)$/;
// «Заливино (Тарский р-н)», «Екатерининское, Тарский район»: a name before its district, opening the post or a sentence.
const BEFORE_DISTRICT = /(?:^|[.!?\n]\s*)([а-яё][а-яё-]{3,})\s*[,(—–-]\s*[а-яё]+(?:ский|ского|ском)\s+(?:р-н|р-на|р-не|район|района|районе)(?![а-яё])/g;
const ADJECTIVE_FORM = /(ский|ского|ском|скому|ская|ской|скую|ское|ские|ских)$/;

interface Word {
  w: string;
  start: number;
  end: number;
}

function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/[\p{L}\d]+(?:[-/][\p{L}\d]+)*/gu)) out.push({ w: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** A settlement's name as words, each matched by itself or, when long, by its form in another case («Екатерининском», «Москаленках»). */
function settlementWordMatches(name: string, w: string): boolean {
  if (w === name) return true;
  // Only the last letter changes with the case («Марьяновка» / «Марьяновке», «Москаленки» / «Москаленках»): «Хорошки» is not «хорошо».
  if (name.length < 4 || ADJECTIVE_FORM.test(w) !== ADJECTIVE_FORM.test(name)) return false;
  // A short name only by a one-letter ending («Таре», «Тарой»): «яма» is not «Яман».
  return w.startsWith(name.slice(0, -1)) && w.length <= name.length + 2 && (name.length >= 5 || w.length >= name.length);
}

export function createPlaceResolver(gazetteer: PlaceGazetteer) {
  // Villages and towns of the region's districts (not a city's parts: those are its districts and microdistricts).
  const folded = (name: string) => name.toLowerCase().replaceAll('ё', 'е');
  const ambiguous = new Set((gazetteer.region.ambiguous ?? []).map(folded));
  // A city named in a district's list («Омск» for the Omsk district) is where people travel to, not a village.
  const cityMunicipalities = (gazetteer.region.municipalities ?? []).filter((m) => m.kind === 'city');
  const cityCodes = new Set(cityMunicipalities.map((m) => m.code));
  const cities = new Set(cityMunicipalities.flatMap((m) => [m.name, ...(m.center ? [m.center] : [])]).map(folded));
  const settlements = (gazetteer.region.municipalities ?? [])
    .filter((m) => m.kind === 'district')
    .flatMap((m) => [...m.settlements, ...(m.center ? [m.center] : [])])
    .map(folded)
    .filter((name, i, all) => all.indexOf(name) === i && !cities.has(name))
    .map((name) => ({ name, words: name.split(/[\s]+/), ambiguous: ambiguous.has(name) }));
  // By their first three letters: a word is compared with the few names it could be.
  const settlementsByStart = new Map<string, typeof settlements>();
  for (const s of settlements) settlementsByStart.set(s.name.slice(0, 3), [...(settlementsByStart.get(s.name.slice(0, 3)) ?? []), s]);

  /**
   * The settlements of a district a post names: a known one (not as its district's adjective:
   * «Москаленский р-н» is the district, «Москаленки» its centre), a name after «с.», «д.»,
   * «пос.», or a name before its district («Заливино (Тарский р-н)»). Two posts in one district
   * that name two villages are about two places.
   */
  function settlementsIn(ws: readonly Word[], normalized: string): string[] {
    const out = new Set<string>();
    for (let i = 0; i < ws.length; i++) {
      // «с», «д», «п» are prepositions and letters too («в связи с размывом»): as cues they are written with a full stop.
      const prev = ws[i - 1];
      const gap = prev ? normalized.slice(prev.end, ws[i]!.start) : '';
      const cue = prev !== undefined && SETTLEMENT_CUE.has(prev.w) && (prev.w.length > 3 ? /^\s+$/.test(gap) : /^\.\s*$/.test(gap));
      // «ул. Калинина» is a street, not the village Калинино.
      if (prev && TYPES.has(prev.w)) continue;
      for (const s of settlementsByStart.get(ws[i]!.w.slice(0, 3)) ?? []) {
        if (s.ambiguous && !cue) continue;
        if (!s.words.every((x, j) => settlementWordMatches(x, ws[i + j]?.w ?? ''))) continue;
        if (DISTRICT_WORD.test(ws[i + s.words.length]?.w ?? '')) continue;
        out.add(s.name);
      }
      // An unknown name after a cue: «с. Заливино».
      if (cue && ws[i]!.w.length >= 4 && /^[а-яё-]+$/.test(ws[i]!.w) && ![...out].some((n) => settlementWordMatches(n.split(' ')[0]!, ws[i]!.w))) out.add(ws[i]!.w);
    }
    for (const m of normalized.matchAll(BEFORE_DISTRICT)) {
      const w = m[1]!;
      if (![...out].some((n) => settlementWordMatches(n.split(' ')[0]!, w))) out.add(w);
    }
    return [...out];
  }

  // Street keys by their word count, longest first, so «карла маркса» wins over «маркса».
  const byKey = new Map<string, Street>();
  for (const s of gazetteer.region.streets ?? []) for (const k of s.keys) if (!byKey.has(k)) byKey.set(k, s);
  const maxWords = Math.max(1, ...[...byKey.keys()].map((k) => k.split(' ').length));

  function knownAt(ws: Word[], i: number): { street: Street; next: number } | null {
    for (let n = Math.min(maxWords, ws.length - i); n >= 1; n--) {
      const key = ws.slice(i, i + n).map((x) => x.w).join(' ');
      const street = byKey.get(key);
      if (street) return { street, next: i + n };
    }
    return null;
  }

  /** House number after the street: «12», «д 5», «д. 5», «дом 7а», «5 а,», «12/1», «12 к2», «12 корп. 3»; not a date («14 ноября»). */
  function houseAt(ws: Word[], i: number, text: string): { house: string; next: number } | null {
    let j = i;
    if (ws[j] && (ws[j]!.w === 'д' || ws[j]!.w === 'дом')) j++;
    // «9-к2», «9к2»: a house and its block in one word.
    const glued = ws[j] ? /^(\d{1,4}[а-я]?)-?к(\d{1,2})$/.exec(ws[j]!.w) : null;
    if (glued) return { house: `${glued[1]} к${glued[2]}`, next: j + 1 };
    const m = ws[j] ? HOUSE.exec(ws[j]!.w) : null;
    if (!m) return null;
    if (ws[j + 1] && MONTH.test(ws[j + 1]!.w)) return null;
    let house = m[2] ? `${m[1]}/${m[2]}` : (m[1] as string);
    j++;
    const letter = ws[j];
    // The letter after a space, or in quotes («4 «А»»).
    const gap = letter ? text.slice(ws[j - 1]!.end, letter.start) : '';
    const after = letter ? text.slice(letter.end, letter.end + 3) : '';
    const quoted = /[«"'„]$/.test(gap) && /^[»"'“]/.test(after);
    if (!m[2] && /^\d+$/.test(house) && letter && /^ *[«"'„]?$/.test(gap) && gap.length > 0 && (quoted || (HOUSE_LETTER_APART.test(letter.w) && !/^\./.test(after)) || (HOUSE_LETTER_AMBIGUOUS.test(letter.w) && /^\s*(?:[,;:!?)—–-]|\.(?!\S)|$)/.test(after)))) {
      house += letter.w;
      j++;
    }
    // «д.24 корп.А», «24 лит. А»: a letter written as a block is the house's letter.
    if (!m[2] && /^\d+$/.test(house) && ws[j] && /^(корп|корпус|лит|литера)$/.test(ws[j]!.w) && ws[j + 1] && /^[а-е]$/.test(ws[j + 1]!.w)) {
      house += ws[j + 1]!.w;
      j += 2;
    } else if (ws[j] && /^(к|корп|корпус)$/.test(ws[j]!.w) && ws[j + 1] && /^\d{1,2}$/.test(ws[j + 1]!.w)) {
      house += ` к${ws[j + 1]!.w}`;
      j += 2;
    } else if (ws[j] && /^к\d{1,2}$/.test(ws[j]!.w)) {
      house += ` ${ws[j]!.w}`;
      j++;
    }
    return { house, next: j };
  }

  /**
   * Whether a known street's name at word `i` names the street: after a preposition, before a
   * house, before its type («Граничная улица»), as a numbered name («21-я Амурская») anywhere, or
   * opening the post — unless the name is an adjective that may start something else («Омская
   * область», while «Дианова снег не убирают» names Дианова).
   */
  function namesKnownStreet(ws: readonly Word[], i: number, known: { next: number }, house: unknown, afterPrep: boolean): boolean {
    const opening = i === 0 && !ADJECTIVE_ENDING.test(ws[known.next - 1]!.w);
    const typed = TYPES.has(ws[known.next]?.w ?? '');
    return afterPrep || Boolean(house) || opening || typed || STREET_ORDINAL.test(ws[i]!.w);
  }

  function address(ws: Word[], text: string): { street: string; house?: string | undefined; known: boolean; raw: string; municipality?: string; bare?: true } | null {
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!.w;
      const type = TYPES.get(w);
      if (type && i + 1 < ws.length && !NOT_A_STREET.has(ws[i + 1]!.w)) {
        const known = knownAt(ws, i + 1);
        const nameEnd = known ? known.next : /^\d/.test(ws[i + 1]!.w) && ws[i + 2] ? i + 3 : i + 2;
        const house = houseAt(ws, nameEnd, text);
        const end = house ? house.next : nameEnd;
        const raw = text.slice(ws[i]!.start, ws[end - 1]!.end);
        // «переулок Кирова» is not «улица Кирова»: a lane, a drive or a dead end the list names otherwise is a guess of its own.
        const minor = type === 'переулок' || type === 'проезд' || type === 'тупик';
        if (known && !(minor && !known.street.name.toLowerCase().startsWith(type))) return { street: known.street.name, house: house?.house, known: true, raw, municipality: known.street.municipality };
        if (known) return { street: `${type} ${capitalised(ws.slice(i + 1, known.next).map((x) => x.w).join(' '))}`, house: house?.house, known: false, raw };
        const name = ws.slice(i + 1, nameEnd).map((x) => x.w).join(' ');
        if (/\p{L}{3,}/u.test(name) && (!NOT_A_STREET_NAME.test(ws[i + 1]!.w) || GENITIVE_NAME.test(ws[i + 1]!.w))) return { street: `${type} ${capitalised(name)}`, house: house?.house, known: false, raw };
      }
      const afterPrep = i > 0 && PREPOSITIONS.has(ws[i - 1]!.w);
      const known = knownAt(ws, i);
      // A numbered street the list does not have (the list's own, «21-я Амурская», are known).
      const numbered = known ? null : numberedStreetAt(ws, i);
      if (numbered) {
        const house = houseAt(ws, i + 2, text);
        const end = house ? house.next : i + 2;
        return { street: numbered, house: house?.house, known: false, raw: text.slice(ws[i]!.start, ws[end - 1]!.end) };
      }
      // «ленинградская 10, во дворе…», «на Солнечной 22»: an adjective and a house number, opening
      // the post or after a preposition, name a street the list does not have.
      if (!known && (i === 0 || afterPrep) && ADJECTIVE_STREET.test(w) && !NOT_A_NUMBERED_STREET.test(w) && !NOT_AN_ADJECTIVE_STREET.test(w)) {
        const house = houseAt(ws, i + 1, text);
        if (house) return { street: `улица ${capitalised(w)}`, house: house.house, known: false, raw: text.slice(ws[i]!.start, ws[house.next - 1]!.end) };
      }
      // «вывезли на Лесной?», «дали свет на Комсомольской?»: a feminine adjective after «на» / «по»
      // with no noun of its own after it names a street too, after the text's first words — in a
      // district's town or village: the city's street list has its streets («на Барнаульской» is one
      // of its numbered ones).
      // Not the last of a list («по всей Ленина и по Школьной»): the other street may be the one read.
      if (!known && i > 1 && (ws[i - 1]!.w === 'на' || ws[i - 1]!.w === 'по') && ws[i - 2]!.w !== 'и' && /^[а-яё]{4,}(?:ой|ей)$/.test(w) && !NOT_A_NUMBERED_STREET.test(w) && !NOT_AN_ADJECTIVE_STREET.test(w) && !ADJECTIVE_NOUN.test(w) && !NOUN_AFTER_ADJECTIVE.test(ws[i + 1]?.w ?? '')) {
        return { street: `улица ${capitalised(w)}`, known: false, raw: text.slice(ws[i]!.start, ws[i]!.end), bare: true };
      }
      // «Красных Зорь 30, колодец без крышки»: a plural adjective and a noun before a house number, opening the post.
      if (!known && i === 0 && /^[а-яё]{3,}(?:ых|их)$/.test(w) && /^[а-яё]{3,}$/.test(ws[1]?.w ?? '')) {
        const house = houseAt(ws, 2, text);
        if (house && !NOT_A_HOUSE_AFTER.test(ws[house.next]?.w ?? '')) {
          return { street: `улица ${capitalised(w)} ${capitalised(ws[1]!.w)}`, house: house.house, known: false, raw: text.slice(ws[0]!.start, ws[house.next - 1]!.end) };
        }
      }
      // «Серафимовича 16 — люк открыт», «на Лукашевича 14»: a surname and a house number, opening the
      // post or after a preposition, name a street the list does not have.
      if (!known && (i === 0 || afterPrep) && SURNAME_STREET.test(w)) {
        const house = houseAt(ws, i + 1, text);
        if (house && !NOT_A_HOUSE_AFTER.test(ws[house.next]?.w ?? '')) return { street: `улица ${capitalised(w)}`, house: house.house, known: false, raw: text.slice(ws[i]!.start, ws[house.next - 1]!.end) };
      }
      if (known) {
        const house = houseAt(ws, known.next, text);
        if (namesKnownStreet(ws, i, known, house, afterPrep)) {
          const end = house ? house.next : known.next;
          return { street: known.street.name, house: house?.house, known: true, raw: text.slice(ws[i]!.start, ws[end - 1]!.end), municipality: known.street.municipality };
        }
      }
    }
    return null;
  }

  /**
   * Every known street the text names where `address` would take it (after a preposition, before a
   * house, opening the post) or as the next item of a list of them («по ул. 22 Апреля, Заозёрной и
   * Волкова»), once each, in order.
   */
  function knownStreets(ws: Word[], text: string): Street[] {
    const out: Street[] = [];
    let listEnd = -1;
    for (let i = 0; i < ws.length; i++) {
      const known = knownAt(ws, i);
      if (!known) continue;
      const house = houseAt(ws, known.next, text);
      // After a street type too: `address` reads «ул. Заозёрной» through the type itself.
      const afterPrep = i > 0 && (PREPOSITIONS.has(ws[i - 1]!.w) || TYPES.has(ws[i - 1]!.w));
      const inList = i > 0 && (i === listEnd || (i === listEnd + 1 && ws[i - 1]!.w === 'и'));
      if (!inList && !namesKnownStreet(ws, i, known, house, afterPrep)) continue;
      if (!out.includes(known.street)) out.push(known.street);
      listEnd = house ? house.next : known.next;
      i = listEnd - 1;
    }
    return out;
  }

  /**
   * The streets a notice lists after a street type that the street list does not have (a district
   * town's: «по улицам Советская, Кооперативная, Пушкина»), as written, when it lists two or more.
   */
  function listedStreets(ws: readonly Word[], text: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < ws.length && out.length === 0; i++) {
      if (!TYPES.has(ws[i]!.w) || NOT_A_STREET.has(ws[i + 1]?.w ?? '')) continue;
      const names: string[] = [];
      for (let j = i + 1; j < ws.length && names.length < 8; j++) {
        const w = ws[j]!.w;
        // Listed names are in the nominative («Советская, Пушкина»): «трубу прорвало» is no street.
        if (!/^[а-яё-]{4,}$/.test(w) || NOT_A_STREET.has(w) || NOT_A_STREET_NAME.test(w) || /[ую]$/.test(w)) break;
        names.push(w);
        const gap = text.slice(ws[j]!.end, ws[j + 1]?.start ?? text.length);
        if (/^\s*,\s*$/.test(gap)) continue;
        if (/^\s+$/.test(gap) && ws[j + 1]?.w === 'и') {
          j++;
          continue;
        }
        break;
      }
      if (names.length >= 2) out.push(...names);
    }
    return out;
  }

  return {
    /** `normalized`: the analysed (lowercased) text; `sourceMunicipality`: the source's, when it has one. */
    resolve(normalized: string, sourceMunicipality?: string | null): Place {
      const fromText = gazetteer.detect(normalized);
      const fromSource = sourceMunicipality && sourceMunicipality !== WHOLE_REGION && gazetteer.isKnown(sourceMunicipality) ? sourceMunicipality : null;
      // One reading of the words (of the first 5,000 characters) for the address and the streets of a list.
      const ws = words(normalized.length > 5000 ? normalized.slice(0, 5000) : normalized);
      const read = address(ws, normalized);
      const found = read?.bare && cityCodes.has(fromSource ?? fromText ?? '') ? null : read;
      const municipality = fromSource ?? fromText ?? (found?.known ? found.municipality : undefined) ?? WHOLE_REGION;
      const municipalitySource: Place['municipalitySource'] = fromSource ? 'source' : fromText || found?.known ? 'text' : 'unknown';
      const named = settlementsIn(ws, normalized);
      const listed = listedStreets(ws, normalized);
      const villages = { ...(named.length > 0 ? { settlements: named } : {}), ...(listed.length > 0 ? { listed } : {}) };
      if (!found) return { municipality, municipalitySource, address: null, ...villages };
      // A known street name in another town is the same name, not the same street.
      const known = found.known && found.municipality === municipality;
      const streets = known ? knownStreets(ws, normalized).filter((s) => s.municipality === municipality).map((s) => s.name) : [];
      return { municipality, municipalitySource, address: { street: found.street, ...(found.house ? { house: found.house } : {}), known, raw: found.raw }, ...(streets.length > 1 ? { streets } : {}), ...villages };
    },
  };
}
export type PlaceResolver = ReturnType<typeof createPlaceResolver>;
