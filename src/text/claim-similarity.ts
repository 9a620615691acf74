/**
 * Does this post assert the same thing as that one? Near-duplicate and paraphrase matching for
 * the misinformation desk's claims. Pure: text in, a fingerprint out; two fingerprints in, a
 * similarity in 0..1 out.
 *
 * A rumour travels as copies (the same text, re-typed with a typo, an emoji, «перешлите всем»
 * added) and as retellings (other words, the same facts). Both keep the facts that make the
 * claim: its content words, its numbers (dates, doses, sums, house numbers) and its named places.
 * So the fingerprint holds
 *  - content stems (Porter stems without stop words and rumour boilerplate such as «срочно»,
 *    «перешлите», «говорят», which every rumour shares), and their 5-letter prefixes so that
 *    «отравили» / «отравление» / «отравлена» meet;
 *  - numbers as written (digits only);
 *  - named places and names: capitalised words inside a sentence, and stems after «в/на/по/из»
 *    that the caller's gazetteer knows (optional);
 *  - polarity: a debunk («это фейк», «не соответствует действительности») or a negated fact
 *    asserts the opposite, even when it repeats every word of the rumour.
 * The score starts from the overlap of content (cosine and containment, since a claim's title is
 * short and a copy may add a paragraph) and is cut when numbers or places disagree or the
 * polarity flips. Thresholds live with the caller (src/domain/claim.ts and the desk service).
 */
import { analyze, stem } from './analyze';
import { featureHashes, jaccard, similarityFeatures } from './similarity';

export interface ClaimFingerprint {
  /** Content stems. */
  stems: Set<string>;
  /** Five-letter prefixes of the content stems (paraphrase by derivation). */
  roots: Set<string>;
  numbers: Set<string>;
  /** Named places and names (lowercased stems). */
  names: Set<string>;
  /** Stems that follow a negation («не отключат» → отключ). */
  negated: Set<string>;
  /** The text denies a rumour («фейк», «неправда», «опровергает»). */
  debunk: boolean;
  /** Near-duplicate features (src/text/similarity.ts), hashed and sorted. */
  nearDup: number[];
}

const STOP = new Set(
  (
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это эта весь очень сегодня завтра вчера наш наши нашем нашей ваш свой свои который которые которая будут будем есть всё весь вся всем всех люди народ ' +
    // Rumour boilerplate: every rumour says it, so it says nothing about which rumour this is.
    'срочно внимание важно говорят пишут сказали сказал сообщают передают перешлите перешли пересылайте отправьте распространите поделитесь репост репостните рассылка рассказал рассказала знакомый знакомая знакомые подруга друг друзья сосед соседка кум сестра брат муж жена врач врачи инсайд инсайдер информация инфа новость новости правда неправда официально официальные скрывают молчат сми власти власть пожалуйста родные близкие дети детей детям предупредите предупреждаю предупреждение источник источники якобы слух слухи видимо вроде точно реально кстати вообще просто ребята народ жесть ужас кошмар ' +
    // Verbs and adverbs of narration, not of the claim.
    'пошли пошел пошла идет идут готовят готовится скоро вот-вот тайно стали стал делают сделали можете нужно пока уже теперь снова опять сами сам признаются признался признались успейте торопитесь готовьтесь'
  ).split(' '),
);

const DEBUNK = /(фейк|фейков|неправд|не соответству\S* действительност|опроверг|ложн\S* информац|недостоверн|не верьте|не распространяйте|не подтвер|дезинформац|слух|штатном режиме|в норме|нет оснований|не планиру|не существует|мошенни|не выявил|соответству\S* норм)/;
const NEGATED = /(?:^|[^а-я])(?:не|нет|ни|никаких|никакой|никакого)\s+(?:(?:будет|будут|было|был|была|стали|станут|планируется|планируют|собираются)\s+)?([а-я]{3,})/g;

/**
 * Paraphrase by synonym: words a retelling swaps for each other map to one concept, so
 * «урежут» meets «уменьшат» and «нефтезавод» meets «НПЗ». General words of regional rumours
 * (outages, closures, payments, prices, danger), not the words of any one rumour.
 */
const CONCEPTS: Readonly<Record<string, string>> = {
  poison: 'отравить отравлена отравили отравление отравившихся яд ядовитая токсичная',
  reduce: 'урезать урежут срежут уменьшат сократят снизят сокращение понизят',
  increase: 'подорожает подорожание вырастет повысят дороже повышение увеличат',
  close: 'закроют закрывают закрытие ликвидируют закрыть ликвидация',
  crack: 'трещина трещины треснул трескается аварийный разрушается',
  stop: 'остановили остановлен встал остановка стоит',
  shortage: 'кончится закончится дефицит нехватка хватит',
  fuel: 'бензин бензина топливо топлива солярка',
  refinery: 'нпз нефтезавод нефтеперерабатывающий',
  station: 'заправка заправках азс заправки',
  power: 'свет света электричество электричества электроэнергия электроэнергии',
  heat: 'отопление отопления тепло тепла батареи',
  outage: 'отключение отключат отключить отключения останется',
  remote: 'дистанционка дистанционное дистант удаленка онлайн',
  pay: 'выплата выплатят выплаты дадут положена пособие компенсация',
  pensionfund: 'пфр соцфонд пенсионный фонд',
  evict: 'выселяют выселят выселение эвакуируют эвакуация вывозят',
  hospital: 'больница больнице больницу стационар реанимация реанимации',
  sick: 'заболели заболевших отравились госпитализированы',
  breach: 'прорвало прорыв размыло',
  strike: 'забастовка бастует бастуют забастовку',
  fare: 'проезд проезда поездку поездка билет',
  water: 'вода воду воды водопровод водопроводе водопроводную кран крана водоканал',
  school: 'школа школы школ школах',
  chip: 'чип чипы чипирование',
  bite: 'покусала покусал напала укусила',
  debt: 'долги долг должникам задолженность',
};
const CONCEPT_OF = new Map<string, string>();
for (const [concept, words] of Object.entries(CONCEPTS)) for (const w of words.split(' ')) CONCEPT_OF.set(stem(w).slice(0, 5), `~${concept}`);

/** A stem's root for matching: its concept when it has one, else its five-letter prefix. */
function rootOf(s: string): string {
  const prefix = s.slice(0, 5);
  return CONCEPT_OF.get(prefix) ?? prefix;
}

/** Placeholders the analyser puts for links, mentions and emoji: not content. */
const PLACEHOLDERS = new Set(['urlx', 'mentionx', 'emojix', 'emojipos', 'emojineg']);

function isContent(token: string, stem: string): boolean {
  if (STOP.has(token) || PLACEHOLDERS.has(token)) return false;
  if (/^\d/.test(token)) return false;
  return stem.length >= 3;
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  один: 1, одна: 1, первого: 1, первое: 1, первый: 1, два: 2, две: 2, двое: 2, двоих: 2, вдвое: 2, второго: 2, три: 3, трое: 3, троих: 3, втрое: 3, третьего: 3,
  четыре: 4, пять: 5, пятого: 5, шесть: 6, семь: 7, восемь: 8, девять: 9, десять: 10, десятого: 10, пятнадцать: 15, пятнадцатого: 15, двадцать: 20, двадцатого: 20,
  тридцать: 30, сорок: 40, пятьдесят: 50, сто: 100, двести: 200, пятьсот: 500,
};
const MULTIPLIERS: Readonly<Record<string, number>> = { тысяч: 1000, тысячи: 1000, тысяча: 1000, тыс: 1000, млн: 1_000_000, миллион: 1_000_000, миллиона: 1_000_000, миллионов: 1_000_000 };

/**
 * Numbers a text states, as plain integers: «5 000», «5000», «5 тысяч» and «пять тысяч» are one
 * number; «2 раза» and «вдвое» too. Leading zeros dropped.
 */
function numbersOf(normalized: string): Set<string> {
  const out = new Set<string>();
  // Digit groups of three after a space belong to the number before them («5 000»).
  const words = normalized.replace(/(\d) (?=\d{3}(?!\d))/g, '$1').split(/[^0-9а-я]+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    let n: number | undefined = /^\d+$/.test(w) ? Number(w) : NUMBER_WORDS[w];
    if (n === undefined) {
      const m = /^(\d+)[а-я]*$/.exec(w);
      if (m) n = Number(m[1]);
    }
    if (n === undefined || !Number.isFinite(n)) continue;
    const mult = MULTIPLIERS[words[i + 1] ?? ''];
    out.add(String(mult ? n * mult : n));
  }
  return out;
}

/** Stem prefix → place key: which words name a place of the region (from its gazetteer). */
export interface PlaceIndex {
  /** Place stems cut to PLACE_PREFIX letters (whole when shorter) → place key. */
  keys: ReadonlyMap<string, string>;
}

const PLACE_PREFIX = 6;

/** Words of place names that say what kind of place it is, not which; month names share stems with districts. */
const PLACE_GENERIC = new Set(['округ', 'округе', 'округа', 'район', 'районе', 'района', 'административный', 'административном', 'муниципальный', 'город', 'городе', 'поселок', 'село', 'деревня', 'область', 'области', 'улица', 'улице', 'центр', 'берег', 'берегу', 'старый', 'новый', 'городок']);
const MONTHS = /^(январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)/;

/**
 * Builds the place index from place names and their inflected aliases («Кировский округ»,
 * «Таре»): each distinctive word's stem maps to its group's key (a municipality, or a part of
 * a city when the caller gives it its own key).
 */
export function placeIndex(groups: readonly { key: string; phrases: readonly string[] }[]): PlaceIndex {
  const keys = new Map<string, string>();
  for (const g of groups) {
    for (const phrase of g.phrases) {
      const a = analyze(phrase);
      a.tokens.forEach((t, i) => {
        const s = a.stems[i] ?? t;
        if (t.length < 3 || s.length < 3 || PLACE_GENERIC.has(t) || STOP.has(t) || /^\d/.test(t) || MONTHS.test(t)) return;
        const k = s.slice(0, PLACE_PREFIX);
        if (!keys.has(k)) keys.set(k, g.key);
      });
    }
  }
  return { keys };
}

/** The place a text stem names, if any: its prefix, or a shorter place stem it starts with («азовск» → «азов»). */
function placeOf(index: PlaceIndex, token: string, s: string): string | undefined {
  if (MONTHS.test(token)) return undefined;
  const exact = index.keys.get(s.slice(0, PLACE_PREFIX));
  if (exact) return exact;
  for (let len = Math.min(s.length, PLACE_PREFIX) - 1; len >= 4; len--) {
    const k = index.keys.get(s.slice(0, len));
    if (k) return k;
  }
  return undefined;
}

/** The fingerprint of one text; `places` (from the region's gazetteer) finds named places in any case. */
export function claimFingerprint(text: string, opts: { places?: PlaceIndex } = {}): ClaimFingerprint {
  const a = analyze(text);
  const stems = new Set<string>();
  const negated = new Set<string>();
  a.tokens.forEach((t, i) => {
    const s = a.stems[i] ?? t;
    if (isContent(t, s)) stems.add(s);
  });
  // A negated word in the same clause («не будут отключать», not «не будет, нпз»).
  for (const m of a.normalized.matchAll(NEGATED)) {
    const word = m[1] ?? '';
    const s = stem(word);
    if (isContent(word, s)) negated.add(rootOf(s));
  }
  const roots = new Set<string>();
  for (const s of stems) roots.add(rootOf(s));
  const names = new Set<string>();
  if (opts.places) {
    const places = opts.places;
    a.tokens.forEach((t, i) => {
      const place = placeOf(places, t, a.stems[i] ?? t);
      if (place) names.add(place);
    });
  }
  return { stems, roots, numbers: numbersOf(a.normalized), names, negated, debunk: DEBUNK.test(a.normalized), nearDup: featureHashes(similarityFeatures(text)) };
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const x of small) if (large.has(x)) n++;
  return n;
}

/** Overlap of two sets: half cosine, half containment (a short claim inside a long copy). */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const common = intersect(a, b);
  return 0.5 * (common / Math.sqrt(a.size * b.size)) + 0.5 * (common / Math.min(a.size, b.size));
}

export interface ClaimSimilarity {
  score: number;
  /** Why the score is what it is, for the desk's suggestion card. */
  reasons: string[];
}

/** How alike two fingerprints are as claims, 0..1, with the reasons behind the cuts. */
export function claimSimilarity(a: ClaimFingerprint, b: ClaimFingerprint): ClaimSimilarity {
  const reasons: string[] = [];
  // Very short texts carry too little to match on.
  if (a.roots.size < 2 || b.roots.size < 2) return { score: 0, reasons: ['too_short'] };
  // A copy is a near-duplicate whatever its paraphrase features say (src/text/similarity.ts).
  let score = Math.max(0.4 * overlap(a.stems, b.stems) + 0.6 * overlap(a.roots, b.roots), jaccard(a.nearDup, b.nearDup));
  if (a.numbers.size > 0 && b.numbers.size > 0) {
    if (intersect(a.numbers, b.numbers) === 0) {
      score *= 0.55;
      reasons.push('numbers_differ');
    } else {
      score = Math.min(1, score + 0.08);
      reasons.push('numbers_match');
    }
  }
  if (a.names.size > 0 && b.names.size > 0) {
    const common = intersect(a.names, b.names);
    // Another place altogether, or the same city but each names a part the other does not.
    if (common === 0 || (common < a.names.size && common < b.names.size)) {
      score *= common === 0 ? 0.55 : 0.7;
      reasons.push('places_differ');
    } else reasons.push('places_match');
  }
  if (a.debunk !== b.debunk) {
    score *= 0.35;
    reasons.push('debunk_vs_claim');
  } else {
    // A fact asserted by one and denied by the other: «воду отключат» / «воду не отключат».
    const flipped = [...a.negated].filter((s) => b.roots.has(s) && !b.negated.has(s)).length + [...b.negated].filter((s) => a.roots.has(s) && !a.negated.has(s)).length;
    if (flipped > 0) {
      score *= 0.8;
      reasons.push('negation_differs');
    }
  }
  return { score: Math.max(0, Math.min(1, score)), reasons };
}

/** Best similarity of `post` to any of a claim's texts. */
export function bestSimilarity(post: ClaimFingerprint, claimTexts: readonly ClaimFingerprint[]): ClaimSimilarity {
  let best: ClaimSimilarity = { score: 0, reasons: [] };
  for (const t of claimTexts) {
    const s = claimSimilarity(post, t);
    if (s.score > best.score) best = s;
  }
  return best;
}

/** Thresholds of the two bands: at or above `link` a post joins the claim; at or above `suggest` the desk is asked. */
export interface MatchBands {
  link: number;
  suggest: number;
}

export const DEFAULT_MATCH_BANDS: MatchBands = { link: 0.65, suggest: 0.5 };

export function bandOf(score: number, bands: MatchBands): 'link' | 'suggest' | null {
  if (score >= bands.link) return 'link';
  if (score >= bands.suggest) return 'suggest';
  return null;
}
