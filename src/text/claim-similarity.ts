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
 * The rule score (ruleSimilarity) starts from the overlap of content (cosine and containment, since
 * a claim's title is short and a copy may add a paragraph) and is cut when numbers or places
 * disagree or the polarity flips. The similarity the desk uses (claimSimilarity) is a logistic
 * regression over that score and further features (claimFeatures: character grams, containment,
 * near-duplicates, grouping concepts, agreement flags), fitted by `npm run train:claims`; a hard
 * disagreement still vetoes. Thresholds live with the caller (src/domain/claim.ts and the desk service).
 */
import { analyze, stem } from './analyze';
import { CLAIM_MODEL } from './claim-model';
import { conceptOf } from './grouping-features';
import { featureHashes, jaccard, similarityFeatures } from './similarity';

export interface ClaimFingerprint {
  /** Content stems. */
  stems: Set<string>;
  /** Five-letter prefixes of the content stems (paraphrase by derivation). */
  roots: Set<string>;
  /** Four letters of each content stem after a verbal prefix («сбежал» / «убежал» → «бежа», «выключать» / «отключат» → «ключ»). */
  cores: Set<string>;
  numbers: Set<string>;
  /** Named places: municipalities, parts of a city, streets and landmarks (place keys). */
  names: Set<string>;
  /** The municipalities the text is about: those it names, and the parents of the parts it names. */
  towns: Set<string>;
  /** The parts of a town it names (district, neighbourhood, street, landmark): more precise than a town. */
  parts: Set<string>;
  /** The parts it names and the parts those lie in (PlaceIndex.within): «на Московке» is in the Lenin district. */
  areas: Set<string>;
  /** It names a town other than the region's capital (a text naming none is read as about the capital). */
  elsewhere: boolean;
  /** The towns it names other than the capital («Омск — Калачинск» / «Омск — Тюкалинск» differ here). */
  outside: Set<string>;
  /** Roots of verbs asserted as not happening («не отключат» → ~outage); advice («не пейте») is not a claim. */
  negated: Set<string>;
  /** Roots of things said to be absent («без компенсации», «нет денег»): not a fact the other side's «не» denies. */
  absent: Set<string>;
  /** What the claim is about, by class (disease, product, utility) → members named. */
  subjects: Map<string, Set<string>>;
  /** Content words in order (root and word), for finding the one word a template swaps. */
  sequence: { root: string; word: string; capital: boolean; address?: boolean }[];
  /** The text denies a rumour («фейк», «неправда», «опровергает»). */
  debunk: boolean;
  /**
   * What reads it as a denial: a cue («фейк», «не соответствует»), a denial phrase («никакого X
   * нет»), or an authority saying «не» or that all goes on (the weakest: a rumour quoting an
   * authority's «не будут» reads the same); null for a claim.
   */
  denial: 'cue' | 'phrase' | 'official' | null;
  /** What the text says happens, by kind (see PREDICATES); a withheld payment is a cut-off. */
  predicates: Set<string>;
  /** Near-duplicate features (src/text/similarity.ts), hashed and sorted. */
  nearDup: number[];
  /** Character 3–5-grams of the content words (each padded with spaces) → count: word forms and typos meet. */
  grams: Map<string, number>;
  /** Euclidean norm of `grams`. */
  gramNorm: number;
  /** Concepts of incident grouping (src/text/grouping-features.ts) the text names: «нет света» / «обесточены». */
  concepts: Set<string>;
  /** Names that are not places: capitalised words inside a sentence, acronyms, words in «quotes» (5-letter stem prefixes). */
  entities: Set<string>;
  /** Roots of what a fine, a price or a cause is for: the words after «за» / «из-за» / «по причине» («штраф за костёр», «из-за морозов», «карантин по гриппу»). */
  reasons: Set<string>;
  /** Roots of what the text is about: its roots without denial words and without the places it names (topicContainment). */
  topic: Set<string>;
  /** Character 4-grams of the text as a copy keeps it (copyText), hashed and sorted: for copySimilarity. */
  shingles: number[];
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

/**
 * Denial cues: the text says a rumour is false («фейк», «информация ложная», «сообщения … ложными»,
 * «опровергли», «не подтвердилась», «выдумка», «ничего подобного», «да какие волки»), tells its
 * readers not to believe it («не ведитесь», «не нагнетайте») or that all is normal («работает
 * штатно», «в норме»).
 */
export const DEBUNK_CUES = /(^\s*нет,|фейк|неправд|вымысел|вымысл|обман|а не \d|как (?:пишут|утверждают|сообщают) в|не соответству\S* действительност|опроверг|ложн\S* информац|информаци\S* (?:\S+ )?ложн|недостоверн|не верьте|не распространяйте|(?<!(?:если|кто|чей|которы[а-я]*|у кого)\s[^.!?]{0,40})не подтвер(?:дил|жда|жден[аоы]?(?![а-я]))|дезинформац|слух|выдумк|вброс|штатно|штатном режиме|в норме|нет оснований|не планиру|не существует|мошенничеств|мошенническ|это (?:развод|мошенники)|не выявл|не выяви(?:л|ли|ла)(?![а-я])|(?:очередн\S* |это |— |- )утк[аиу](?![а-я])|(?:снят|сделан|записан|сняли)\S* [^.!?]{0,40}(?:лет назад|в другом (?:регионе|городе|стране)|не в )|не зафиксирован|не зарегистрирован|не поступал|соответству\S* норм|(?:сообщени|рассылк)\S* [^.!?]{0,50}ложн|не ведитесь|не нагнетайте|не пугайте|ничего подобного|чушь|ерунд|вранье|враньем|сказки|посмеял|смеется|(?:это|—|-) развод(?![а-я])|это не так(?![а-я])|работа\S* в (?:обычном|прежнем) режиме|откреща\S*|открестил\S*|не (?:разводите|сейте|поднимайте) паник|(?:взят\S*|взял\S*|взяли) с потолка|(?:^|[^а-я])да как(?:ие|ой|ая|ое) )/;
/**
 * Denials in words no single cue holds: «никакого штрафа … нет», «никакой застройки не будет»
 * (but not a payment withheld: «никаких выплат не будет» is a rumour), «никто не собирается
 * отключать», «это старая рассылка».
 */
const DENIAL_PHRASE = /(?:никак(?:ого|ой|их|ое|ая|ую|им)\s+(?!выплат|компенсац|денег|пособи|зарплат|пенси)[^,.!?—:;]{0,40}?(?:нет|не будет|не будут)(?![а-я])|никто (?:ничего |их |это |\S+ )?не (?:собирается|собираются|планирует|отменял|отменил|отменяет|обязывает|обязан|требует|заставляет|объявлял|вводил|запрещал)|никуда (?:\S+ ){0,3}не (?:будут|будет|собира\S*)(?![а-я])|так(?:ой|ого|их) (?!\S+ \S+ нет)\S+ нет(?![а-я])|стар(?:ая|ую) рассылк|(?:^|[.!?:]\s*)никак(?:их|ого|ой)\s+(?!выплат|компенсац|денег|пособи|зарплат|пенси)[^.!?,:—]{1,40}[:.—!])/;
/**
 * An authority speaking («Роспотребнадзор: …», «…, сообщили в администрации»): with a «не»/«нет»
 * of the facts, that is the denial of a rumour, not the rumour.
 */
const OFFICIAL = /(?:^\s*официально\s*[:—-]|^по (?:информации|данным) [^,.!?]{2,40},|^[^:]{0,60}(?:мин[а-я]*|гидрометцентр\S*|синоптик\S*|рыбоохран\S*|упрдор\S*|мэри[яи]|администрац\S*|департамент\S*|управлени\S*|ведомств\S*|роспотребнадзор|мчс|умвд|мвд|полици[яи]|прокуратур\S*|росздравнадзор\S*|пресс-служб\S*|оператор\S*|энергетик\S*|предприяти\S*|правительств\S*|губернатор\S*|госавтоинспекц\S*|гибдд|гаи|соцфонд\S*|социальн\S* фонд\S*|росреестр\S*)[^:]{0,40}:|(?:сообщил[аи]?|заявил[аи]?|пояснил[аи]?|разъяснил[аи]?|рассказал[аи]?|ответил[аи]?) в (?:мэрии|администрации|министерстве|департаменте|управлении|ведомстве|пресс-службе|минздраве|мчс|полиции|госавтоинспекции|гибдд|социальном фонде|соцфонде))/;
/** Kin and acquaintances who pass a rumour on. */
const KIN_WORDS = String.raw`знаком\S*|сестр\S*|брат\S*|кум[аы]?|подруг\S*|муж|жена|тет[яи]|дяд[яи]`;
const KIN = new RegExp(String.raw`(?:^|[^а-я])(?:${KIN_WORDS}|свекров\S*|шурин\S*|тест[ья]\S*)(?![а-я])`);
/** Who passes a rumour on: kin, acquaintances, someone who works somewhere and «said». */
const HEARSAY = new RegExp(String.raw`(?:^|[^а-я])(?:${KIN_WORDS}|сосед\S*|мам[аы]|пап[аы]|друг\S*|коллег\S*|родственни\S*|работает|работаю|сказал[аи]?|говорит|по секрету)(?![а-я])`);
/** «РЭК: …», «ТГК-11: …», «ГУ МЧС: …»: an agency's acronym heading the text. */
const ACRONYM_HEAD = /^\s*[«"]?([А-ЯЁ]{2,})[-А-ЯЁа-яё0-9 «»"]{0,40}:/;
const OFFICIAL_DENIES = /(?:^|[^а-я])(?:не|нет)(?![а-я])/;
/** An authority saying all goes on as before («продолжат работать», «ходят по расписанию», «останутся», «сохраняется», «как обычно»): a denial without a «не». */
const OFFICIAL_NORMAL = /(?:продолж\S* (?:работ|действ|курсир|ходить|выход)|по расписанию|в обычном режиме|останутся|остаются|остается|остаётся|действуют до|сохраня\S*|как обычно|в традиционные сроки|в прежн\S* (?:сроки|режиме)|состоится|состоятся)/;
/** «не» (or «не будут», «не станут») before a word; the word is kept when it is a verb (see negatedVerb). */
const NEGATED = /(?:^|[^а-я])не\s+((?:будет|будут|станут|стали|собираются|планируют|планируется)\s+)?([а-я]{3,})/g;
/** Absence («интернета не будет», «без света», «останется без тепла») says what an outage says. */
const ABSENCE = /(?:^|[^а-я])(?:без|не будет|не будут|нет)(?![а-я])/;
/** Finite verbs and infinitives by their endings; imperatives («не пейте», «не ходите») are advice, not claims. */
const VERB = /(ть|ться|ти|ат|ят|ут|ют|ит|ет|ется|ится|ются|ятся|утся|атся|ли|ла|ло|лись|лась|лось|ал|ял|ил|ел|ем|им)$/;
const IMPERATIVE = /(йте|ите|ите|ись|ай|ей|уй)$/;

/**
 * Paraphrase by synonym: words a retelling swaps for each other map to one concept, so
 * «урежут» meets «уменьшат» and «нефтезавод» meets «НПЗ». General words of regional rumours
 * (outages, closures, payments, prices, danger), not the words of any one rumour.
 */
const CONCEPTS: Readonly<Record<string, string>> = {
  poison: 'отравить отравлена отравили отравление отравившихся яд ядовитая токсичная',
  reduce: 'урезать урежут срежут уменьшат сократят снизят сокращение понизят',
  increase: 'подорожает подорожание вырастет повысят дороже повышение увеличат',
  close: 'закроют закрывают закрытие ликвидируют закрыть ликвидация прикроют прикрыть прекратят прекращают',
  crack: 'трещина трещины треснул трескается аварийный разрушается',
  stop: 'остановили остановлен встал остановка стоит',
  shortage: 'кончится закончится дефицит нехватка хватит',
  fuel: 'бензин бензина топливо топлива солярка',
  refinery: 'нпз нефтезавод нефтеперерабатывающий',
  station: 'заправка заправках азс заправки',
  power: 'свет света электричество электричества электроэнергия электроэнергии',
  heat: 'отопление отопления тепло тепла батареи',
  outage: 'отключение отключат отключить отключения останется перекроют перекрыть вырубят вырубить',
  remote: 'дистанционка дистанционное дистант удаленка удаленный онлайн',
  pay: 'выплата выплатят выплаты дадут положена пособие компенсация',
  pensionfund: 'пфр соцфонд пенсионный фонд',
  evict: 'выселяют выселят выселение эвакуируют эвакуация вывозят',
  hospital: 'больница больнице больницу стационар реанимация реанимации госпитализированы госпитализировали инфекционке инфекционку',
  sick: 'заболели заболевших отравились',
  breach: 'прорвало прорыв размыло',
  strike: 'забастовка бастует бастуют забастовку',
  fare: 'проезд проезда поездку поездка билет',
  water: 'вода воду воды водопровод водопроводе водопроводную кран крана водоканал',
  school: 'школа школы школ школах',
  chip: 'чип чипы чипирование',
  bite: 'покусала покусал напала укусила',
  debt: 'долги долг должникам задолженность',
  // Retellings swap these verbs and nouns for each other («сбежал» / «вырвался», «умер» / «погиб»).
  escape: 'сбежал сбежала сбежали убежал убежала убежали вырвался вырвалась вырвались',
  die: 'умер умерла умерли погиб погибла погибли сдох сдохли скончался скончалась',
  storm: 'ураган урагана шквал шквальный шторм штормовой',
  leave: 'уходит уходят уйдет уйдут сворачивает сворачивают свернет свернут покидает покинет',
  ban: 'запретят запрет запретить запрещать',
  rename: 'переименуют переименовывают переименование переименовать',
  shortage2: 'пропал пропали пропадет исчезнут исчез исчезли',
  teachers: 'учителя учителей учителям педагоги педагогов педагогам',
  women: 'женщины женщин женщинам девушки девушек девушкам',
  infants: 'малыши малышей младенцы младенцев новорожденные новорожденных',
  // Threats, collapses and harms as rumours of any topic retell them («заминирован» / «бомба» / «взрывчатку ищут»).
  bomb: 'бомба бомбу заминировано минирование взрывчатка теракт',
  expel: 'выгнали вывели',
  maul: 'загрызли задрали порвали утащили',
  freeze: 'заморозят заблокируют арестуют',
  bankrupt: 'банкротится лопается крах',
  savings: 'вклады депозиты сбережения',
  emission: 'выброс облако смог дымка',
  stench: 'воняет',
  plant: 'завод комбинат химзавода предприятии',
  window: 'окна форточки',
  tariff: 'тариф цена стоимость',
  benefit: 'льготы субсидии скидку',
  housingbill: 'коммуналка коммунальных жку квартплату',
  elderly: 'пенсионеры бабушкам бабуля',
  abolish: 'отменяют упраздняются лишаются отрубают',
};
const CONCEPT_OF = new Map<string, string>();
for (const [concept, words] of Object.entries(CONCEPTS)) for (const w of words.split(' ')) CONCEPT_OF.set(stem(w).slice(0, 5), `~${concept}`);

/**
 * What a claim is about, in classes where two members make two claims: a disease, a product, a
 * utility. «корь» and «грипп» both close a school, «хлеб» and «молоко» both get dearer, but a
 * rumour about one is not the rumour about the other. General words, not any one rumour's.
 */
const SUBJECTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  disease: { measles: 'корь кори корью', flu: 'грипп гриппа гриппу гриппом', covid: 'ковид ковида коронавирус коронавируса', rabies: 'бешенство бешенства бешеная бешеный', meningitis: 'менингит менингита', hepatitis: 'гепатит гепатита', tick: 'энцефалит энцефалита энцефалитом энцефалитные энцефалитный клещевой', chickenpox: 'ветрянка ветрянки', cholera: 'холера холеры', dysentery: 'дизентерия дизентерии', tb: 'туберкулез туберкулеза', borreliosis: 'боррелиоз боррелиоза боррелиозом', rotavirus: 'ротавирус ротавируса ротавирусом', salmonella: 'сальмонеллез сальмонеллеза сальмонелла', plague: 'чума чумы', hantavirus: 'ггл мышиная мышиной' },
  product: { bread: 'хлеб хлеба хлебу буханка буханки хлебозавод хлебозаводы', milk: 'молоко молока молочка молочные молокозавод молокозаводы', meat: 'мясо мяса', sugar: 'сахар сахара', buckwheat: 'гречка гречки', eggs: 'яйца яиц', butter: 'масло масла', salt: 'соль соли', medicine: 'лекарства лекарств таблетки', cigarettes: 'сигареты сигарет', alcohol: 'водка водки алкоголь алкоголя пиво' },
  /** Hot or cold water (or meals): another supply, another outage. */
  temperature: { hot: 'горячая горячей горячую горячее гвс кипяток', cold: 'холодная холодной холодную холодное хвс' },
  /** The institution a rumour happens in: a kindergarten's outbreak is not a school's. */
  institution: { kindergarten: 'детсад детсаду детсада сад саду сада садик садике садика доу ясли яслях', school: 'школа школе школу школы гимназия гимназии лицей лицее', hospital: 'больница больнице больницу больницы стационар стационаре', polyclinic: 'поликлиника поликлинике поликлинику поликлиники', university: 'вуз вузе вузы университет университете университета институт институте', college: 'колледж колледже техникум техникуме', maternity: 'роддом роддоме роддома', mall: 'тц трц', nursing: 'интернат интернате' },
  /** Who a payment, a cut or a strike is about. */
  people: { teachers: 'учителя учителям учителей педагоги педагогам педагогов', doctors: 'врачам врачей медикам медики медработникам медработники фельдшерам', police: 'полицейские полицейским полицейских', pensioners: 'пенсионеры пенсионерам пенсионеров пенсионеру пенсионер', students: 'студенты студентам студентов', military: 'военные военным военнослужащим мобилизованным', drivers: 'водители водителям водителей таксисты таксистам', bloggers: 'блогеры блогерам блогеров' },
  /** Public transport by mode. */
  transport: { bus: 'автобус автобусы автобусах автобусов автобусе', trolleybus: 'троллейбус троллейбусы троллейбусах троллейбусов троллейбусе', tram: 'трамвай трамваи трамваях трамваев трамвае', minibus: 'маршрутка маршрутки маршрутках маршруток', train: 'электричка электрички электричках электричек', metro: 'метро', taxi: 'такси' },
  /** Exam subjects. */
  lesson: { math: 'математика математике математики математику', russian: 'русскому русский русского', physics: 'физика физике физики', chemistry: 'химия химии', biology: 'биология биологии', history: 'история истории', social: 'обществознание обществознанию обществознания', informatics: 'информатика информатике информатики', english: 'английский английскому английского', literature: 'литература литературе литературы' },
  /** Medicines by name. */
  drug: { insulin: 'инсулин инсулина инсулином', paracetamol: 'парацетамол парацетамола', ibuprofen: 'ибупрофен ибупрофена нурофен', antibiotic: 'антибиотики антибиотиков амоксициллин', aspirin: 'аспирин аспирина', vaccine: 'вакцина вакцины вакцину', iodine: 'йод йода' },
  /** Public events. */
  event: { parade: 'парад парада параде', salute: 'салют салюта фейерверк фейерверка', concert: 'концерт концерта концерты', fair: 'ярмарка ярмарки ярмарку', march: 'шествие шествия', marathon: 'марафон марафона забег забега' },
  /** Animals. */
  animal: { dog: 'собака собаки собак собаками пес псы', fox: 'лиса лисы лису', tick: 'клещи клещей клещ клещами', mosquito: 'комары комаров комарами комар мошка мошки мошкара мошкары', bear: 'медведь медведя медведи', wolf: 'волк волки волков', tiger: 'тигр тигра тигрица', lion: 'лев льва львица', lynx: 'рысь рыси', boar: 'кабан кабаны кабана', elk: 'лось лося лоси', cat: 'кошка кошки кошек', rat: 'крысы крыс', snake: 'змея змеи змей гадюка' },
  /** Who or what caused a spill, a fire or a crash: a lorry's accident is not a plant's discharge or a train's derailment. */
  culprit: { lorry: 'грузовик грузовика грузовая грузовой фура фуры бензовоз бензовоза автоцистерна автоцистерны', train: 'поезд поезда состав состава вагон вагона вагоны рельсов', plant: 'завод завода заводы заводом комбинат комбината предприятие предприятия' },
  utility: { water: 'вода воду воды водой водоснабжение водопровод', gas: 'газ газа газом газоснабжение', power: 'свет света электричество электричества электроэнергия электроэнергии', heat: 'отопление отопления тепло тепла', internet: 'интернет интернета', waste: 'мусор мусора тко', sewer: 'канализация канализации', lift: 'лифт лифты лифта' },
};
const SUBJECT_OF = new Map<string, [string, string]>();
for (const [cls, members] of Object.entries(SUBJECTS)) for (const [member, words] of Object.entries(members)) for (const w of words.split(' ')) SUBJECT_OF.set(stem(w), [cls, member]);

/**
 * What a claim says happens, by kind: prices go up, a service is cut off or closed, people are
 * poisoned or infected, attacked, evicted, paid… Two texts that both say what happens and share
 * no kind are two rumours about one topic («троллейбусы уберут» / «проезд в троллейбусах
 * подорожает»), however many topic words they share. Word starts, general to regional rumours.
 */
const PREDICATES: Readonly<Record<string, RegExp>> = {
  dearer: /^(платн|подорож|дорож|вырастет|вырастут|вырос|повыс|повыш|подним|поднял|удво|утро|дороже|рост|стоить|стоимост|платить|заплат)/,
  cheaper: /^(подешев|снизят|снизи|сниж|уреж|урез|среж|срез|уменьш|сократ|сокращ|понизят|понижен)/,
  // A service stops, whether cut off, closed, cancelled or run out: one kind («бензина не будет» / «бензин кончится»).
  stopped: /^(прекра|упраздн|лишат|лишит|перестан|отключ|перекро|перекрыв|вырубя|вырубит|отрежут|остан[ео]тся|задерж|перебо|закро|закры|ликвид|отмен|убер|убира|сним[уе]т|демонт|расформир|снос|снесут|запрет|пропал|пропад|дефицит|нехват|кончи|законч|исчез|хватит)/,
  poisoned: /^(отрав|яд|ядов|токсич|выброс|загрязн)/,
  infected: /^(зараж|заболе|вспышк|эпидеми|инфицир|карантин|болеют)/,
  attacked: /^(напал|нападе|покус|укус|загрыз|избил|избиени|затащ|похищ|похит|зазыва|караул)/,
  culled: /^(отстрел|отлов|усып|истреб|травить|травят)/,
  leaked: /^(слил|слит|утечк)/,
  relocated: /^(переезж|переед|уезжа|уедет|перевоз|перевез)/,
  robbed: /^(граб|ограб|вырыва|краж|украл|ворую|обокра)/,
  moved: /^(перенес|перенос|отлож|сдвину)/,
  paid: /^(выплат|выплач|дадут|дают|положен|пособи|компенсац|вернут|вернет|вернёт|возврат|пересчита|спишут|списан|простят|бесплатн)/,
  evicted: /^(высел|эвакуир|эвакуац)/,
  fined: /^(штраф)/,
  struck: /^(забаст|баст)/,
  collapsed: /^(трещин|треснул|трескает|обруш|рухнул|разруш|прорва|прорыв|размыл|аварийн)/,
  burning: /^(горит|сгорел|пожар|подожг|задымл)/,
  exploded: /^(взрыв|взорв)/,
  chipped: /^(чип)/,
  expired: /^(просроч)/,
};
/** The kinds of what happens that a text asserts (not what it advises: «не ходите»). */
function predicatesOf(tokens: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) for (const [kind, re] of Object.entries(PREDICATES)) if (re.test(t)) out.add(kind);
  return out;
}

/** A stem's root for matching: its concept when it has one, else its five-letter prefix. */
function rootOf(s: string): string {
  const prefix = s.slice(0, 5);
  return CONCEPT_OF.get(prefix) ?? prefix;
}

/** Verbal prefixes, longest first: a retelling says «убежал» where the rumour said «сбежал». */
const VERB_PREFIX = /^(пере|раз|рас|под|при|про|пре|вы|от|об|за|на|по|до|из|ис|во|вз|вс|со|с|у|в|о)/;
/** A stem's core: four letters after a verbal prefix, when at least four remain. */
function coreOf(s: string): string {
  const p = VERB_PREFIX.exec(s)?.[1] ?? '';
  return (s.length - p.length >= 4 ? s.slice(p.length) : s).slice(0, 4);
}

/** Placeholders the analyser puts for links, mentions and emoji: not content. */
const PLACEHOLDERS = new Set(['urlx', 'mentionx', 'emojix', 'emojipos', 'emojineg']);

function isContent(token: string, stem: string): boolean {
  if (STOP.has(token) || PLACEHOLDERS.has(token)) return false;
  if (/^\d/.test(token)) return false;
  return stem.length >= 3;
}

const CARDINALS: Readonly<Record<string, number>> = {
  один: 1, одна: 1, два: 2, две: 2, двое: 2, двоих: 2, три: 3, трое: 3, троих: 3, четыре: 4, пять: 5, шесть: 6, семь: 7, восемь: 8, девять: 9, десять: 10,
  одиннадцать: 11, двенадцать: 12, тринадцать: 13, четырнадцать: 14, пятнадцать: 15, шестнадцать: 16, семнадцать: 17, восемнадцать: 18, девятнадцать: 19,
  // Collective numerals («десятеро заболели»).
  четверо: 4, пятеро: 5, шестеро: 6, семеро: 7, восьмеро: 8, девятеро: 9, десятеро: 10, четверых: 4, пятерых: 5, шестерых: 6, семерых: 7, восьмерых: 8, десятерых: 10,
  // Colloquial: «сотка», «косарь», «тыща».
  сотка: 100, сотку: 100, сотки: 100, косарь: 1000, косаря: 1000, тыща: 1000, тыщу: 1000, тыщи: 1000, полтыщи: 500, пятихатка: 500, пятихатку: 500, полтинник: 50,
  двадцать: 20, тридцать: 30, сорок: 40, пятьдесят: 50, шестьдесят: 60, семьдесят: 70, восемьдесят: 80, девяносто: 90, сто: 100, двести: 200, триста: 300, четыреста: 400, пятьсот: 500, шестьсот: 600, семьсот: 700, восемьсот: 800, девятьсот: 900, полсотни: 50,
  // Oblique forms («не быстрее сорока», «от пяти до десяти», «больше ста»).
  двух: 2, трех: 3, четырех: 4, пяти: 5, шести: 6, семи: 7, восьми: 8, девяти: 9, десяти: 10, одиннадцати: 11, двенадцати: 12, тринадцати: 13, четырнадцати: 14, пятнадцати: 15, шестнадцати: 16, семнадцати: 17, восемнадцати: 18, девятнадцати: 19, двадцати: 20, тридцати: 30,
  сорока: 40, пятидесяти: 50, шестидесяти: 60, семидесяти: 70, восьмидесяти: 80, девяноста: 90, ста: 100, двухсот: 200, трехсот: 300, пятисот: 500,
};
/** «удвоится», «утроят», «вдвое», «втрое», «уполовинят», «наполовину»: a multiple in one word. */
const MULTIPLE_WORDS: readonly [RegExp, number][] = [[/^(удво|вдвое$|наполовину$|уполовин)/, 2], [/^(утро[ия]|втрое$)/, 3], [/^вчетверо$/, 4], [/^впятеро$/, 5]];
/** A span of time by its unit word («две недели», «на месяц», «30 дней»), in days. */
const SPAN_UNITS: readonly [RegExp, number][] = [[/^(дн[яеи]й?|день|сут(ок|ки))$/, 1], [/^недел/, 7], [/^месяц/, 30], [/^(год|года|лет)$/, 360]];
/** A unit word alone is one unit when it is in the accusative of a span («на месяц», «неделю без воды»). */
const SPAN_ALONE = /^(месяц|неделю|сутки)$/;
/** Money slang for thousands («двушка», «трёшка», «пятёрка», «десятка»); a flat or a grade otherwise, so only beside money words. */
const MONEY_SLANG: readonly [RegExp, number][] = [[/^двушк/, 2000], [/^трешк/, 3000], [/^пятерк/, 5000], [/^десятк/, 10000]];
const MONEY_CONTEXT = /^(штраф|руб|плат|заплат|стоит|стоить|цен|выпиш|выпис|тыс|денег|деньг)/;
/** Abbreviated weekdays («с пн»). */
const WEEKDAY_ABBREVIATIONS: Readonly<Record<string, string>> = { пн: 'd1', чт: 'd4', пт: 'd5', сб: 'd6' };
const MONTH_WORDS = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'] as const;
/** Ordinal stems; an ordinal is a number only in a date («с первого апреля», «девятого по одиннадцатое мая»). */
const ORDINALS: readonly [string, number][] = (
  [['перв', 1], ['втор', 2], ['трет', 3], ['четверт', 4], ['пят', 5], ['шест', 6], ['седьм', 7], ['восьм', 8], ['девят', 9], ['десят', 10], ['одиннадцат', 11], ['двенадцат', 12], ['тринадцат', 13], ['четырнадцат', 14], ['пятнадцат', 15], ['шестнадцат', 16], ['семнадцат', 17], ['восемнадцат', 18], ['девятнадцат', 19], ['двадцат', 20], ['тридцат', 30]] as [string, number][]
).sort((x, y) => y[0].length - x[0].length);
const ORDINAL_END = /^(ый|ой|ий|ое|ого|ая|ую|ом|ому|ые|ых|ье|ья|ьего|ьему)$/;
const MULTIPLIERS: Readonly<Record<string, number>> = { тысяч: 1000, тысячи: 1000, тысяча: 1000, тыс: 1000, тыщ: 1000, тыщи: 1000, тыщу: 1000, косаря: 1000, косарей: 1000, косарь: 1000, сотни: 100, сотен: 100, млн: 1_000_000, миллион: 1_000_000, миллиона: 1_000_000, миллионов: 1_000_000 };
/** Month and weekday words → a date token: «с 1 апреля» and «с 1 мая» state different dates. */
const DATE_WORDS: readonly [RegExp, string][] = [
  [/^январ/, 'm1'], [/^феврал/, 'm2'], [/^март(а|е|ом|овск\S*)?$/, 'm3'], [/^апрел/, 'm4'], [/^(ма[йяюе]|майск)/, 'm5'], [/^июн/, 'm6'], [/^июл/, 'm7'], [/^август/, 'm8'], [/^сентябр/, 'm9'], [/^октябр/, 'm10'], [/^ноябр/, 'm11'], [/^декабр/, 'm12'],
  [/^понедельник/, 'd1'], [/^вторник/, 'd2'], [/^сред[уы]$/, 'd3'], [/^четверг/, 'd4'], [/^пятниц/, 'd5'], [/^суббот/, 'd6'], [/^воскресень/, 'd7'],
];
const dateOf = (w: string): string | undefined => WEEKDAY_ABBREVIATIONS[w] ?? DATE_WORDS.find(([re]) => re.test(w))?.[1];

/**
 * A number's kind, read from its token: a month (`m4`), a day of a month (`o1`: «с 1 сентября» is no
 * figure to set against «12 тысяч»), a weekday (`d1`), a multiple (`x3`), a span of days (`~14d`)
 * or a plain figure. Two texts disagree on numbers only within a kind: one
 * says when, the other how long («с понедельника» / «на 30 дней») is no disagreement.
 */
export function numberKind(token: string): 'month' | 'day' | 'weekday' | 'times' | 'span' | 'figure' {
  if (/^m\d/.test(token)) return 'month';
  if (/^o\d/.test(token)) return 'day';
  if (/^d\d/.test(token)) return 'weekday';
  if (/^x\d/.test(token)) return 'times';
  if (/^~\d+d$/.test(token)) return 'span';
  return 'figure';
}

/** A span in days as a token; four weeks and a month are one span. */
function spanToken(days: number): string {
  return `~${days >= 28 && days <= 31 ? 30 : days}d`;
}

/** «1.01» is the first of January, «х3» / «x3» three times, «на половину» half (written as words the rest of numbersOf reads). */
function numbersAsWords(normalized: string): string {
  return normalized
    .replace(/(^|[^\d.,])(\d{1,2})\.(0[1-9]|1[0-2])(?![\d.,])/g, (_, pre: string, day: string, month: string) => `${pre}${day} ${MONTH_WORDS[Number(month) - 1] ?? ''}`)
    .replace(/(^|[^a-zа-я0-9])[xх×]\s?(\d+)(?![\d.,])/g, '$1 в $2 раза')
    .replace(/(^|[^а-я])на половину(?![а-я])/g, '$1 наполовину');
}

/** «было 100 — станет 300», «было 50% — станет 25%»: the multiple a before-and-after states. */
function ratioOf(normalized: string): number | undefined {
  const m = /был[оа]?\s+(\d+)[^\d]{1,12}(?:станет|будет|стало)\s+(\d+)/.exec(normalized);
  if (!m) return undefined;
  const [from, to] = [Number(m[1]), Number(m[2])];
  if (from === 0 || to === 0) return undefined;
  const r = Math.max(from, to) / Math.min(from, to);
  return Number.isInteger(r) && r > 1 ? r : undefined;
}

/** A month name within three words after `i`, or later across a range of days («с десятого по двадцать четвёртое июля»). */
function monthFollows(words: readonly string[], i: number): boolean {
  for (let k = i + 1; k < Math.min(words.length, i + 7); k++) {
    const x = words[k] as string;
    if (/^m/.test(dateOf(x) ?? '')) return true;
    const inRange = /^(по|и|до|\d{1,2})$/.test(x) || CARDINALS[x] !== undefined || ordinalOf(x) !== undefined;
    if (k >= i + 3 && !inRange) return false;
  }
  return false;
}

function ordinalOf(w: string): number | undefined {
  for (const [prefix, n] of ORDINALS) if (w.startsWith(prefix) && ORDINAL_END.test(w.slice(prefix.length))) return n;
  return undefined;
}

/**
 * Numbers and dates a text states: «5 000», «5000», «5 тысяч» and «пять тысяч» are one number;
 * «2 раза», «вдвое» and «удвоится» too; ordinals count before a month; months and weekdays are
 * date tokens (`m4`, `d1`). Leading zeros and whole minutes («8:00») dropped.
 */
function numbersOf(normalized: string): Set<string> {
  const out = new Set<string>();
  // Digit groups of three after a space belong to the number before them («5 000»).
  // «ТГК-11», «АИ-92»: a number glued to letters is part of a name, not a figure.
  const ratio = ratioOf(normalized);
  if (ratio !== undefined) out.add(`x${ratio}`);
  const span = dayRangeOf(normalized) ?? monthRangeOf(normalized);
  if (span !== undefined) out.add(spanToken(span));
  const words = holidaysAsDates(numbersAsWords(normalized)).replace(/[a-zа-я]+-\d+(?![\d.,])/g, ' ').replace(/(\d) (?=\d{3}(?!\d))/g, '$1').replace(/(\d):00(?!\d)/g, '$1').split(/[^0-9а-я]+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    let w = words[i] as string;
    const date = dateOf(w);
    if (date) {
      // «в ночь на субботу» is Friday's night: «в пятницу ночью».
      const nightBefore = /^d\d$/.test(date) && words[i - 1] === 'на' && /^ноч/.test(words[i - 2] ?? '');
      out.add(nightBefore ? `d${((Number(date.slice(1)) + 5) % 7) + 1}` : date);
      continue;
    }
    const times = MULTIPLE_WORDS.find(([re]) => re.test(w))?.[1];
    if (times !== undefined) {
      out.add(`x${times}`);
      continue;
    }
    const compound = compoundToken(w);
    if (compound) {
      out.add(compound);
      continue;
    }
    // «на полгода», «полугода»; «на год» (not «Новый год»: a holiday is read as a date before this).
    // «навсегда» against «на три месяца»: a span without end.
    // «не насовсем закроют, а на три месяца»: a span denied is none.
    if ((w === 'навсегда' || w === 'насовсем') && words[i - 1] !== 'не') {
      out.add(spanToken(100_000));
      continue;
    }
    if (/^пол(у)?года$/.test(w) || (w === 'год' && words[i - 1] === 'на')) {
      out.add(spanToken(w === 'год' ? 360 : 180));
      continue;
    }
    if (/^пятилетк/.test(w)) {
      out.add(spanToken(1800));
      continue;
    }
    if (SPAN_ALONE.test(w) && !isNumberWord(words[i - 1] ?? '')) {
      out.add(spanToken(spanDays(w) ?? 0));
      continue;
    }
    // «двушку штрафа», «на пятёрку»: thousands in money slang, where money is spoken of.
    const slang = MONEY_SLANG.find(([re]) => re.test(w))?.[1];
    if (slang !== undefined && words.slice(Math.max(0, i - 3), i + 4).some((x) => MONEY_CONTEXT.test(x))) {
      out.add(String(slang));
      continue;
    }
    let n: number | undefined = /^\d+$/.test(w) ? Number(w) : CARDINALS[w];
    // «5к», «150к»: thousands.
    const thousands = /^(\d+)к$/.exec(w);
    if (n === undefined && thousands) n = Number(thousands[1]) * 1000;
    if (n === undefined) {
      const m = /^(\d+)[а-я]*$/.exec(w);
      if (m) n = Number(m[1]);
    }
    if (n === undefined) {
      const ord = ordinalOf(w);
      if (ord !== undefined && monthFollows(words, i)) n = ord;
    }
    if (n === undefined || !Number.isFinite(n)) continue;
    // «40 вместо 60»: the figure replaced is not the one claimed.
    if (words[i - 1] === 'вместо') continue;
    // «сто пятьдесят», «триста двадцать пять»: hundreds, tens and a unit are one number.
    if (n >= 100 && n < 1000 && n % 100 === 0 && CARDINALS[w] !== undefined) {
      const tens = CARDINALS[words[i + 1] ?? ''];
      if (tens !== undefined && tens < 100) {
        n += tens;
        i++;
        w = words[i] as string;
      }
    }
    // «двадцать четвёртое», «сорок пять»: tens and a unit are one number.
    if (n >= 20 && n < 1000 && n % 10 === 0 && CARDINALS[w] !== undefined && (CARDINALS[w] as number) < 100) {
      const next = words[i + 1] ?? '';
      const unit = CARDINALS[next] ?? ordinalOf(next);
      if (unit !== undefined && unit < 10) {
        n += unit;
        i++;
      }
    }
    // «в 11 вечера» is 23 o'clock.
    if (n >= 1 && n < 12 && /^вечер/.test(words[i + 1] ?? '')) n += 12;
    const next = words[i + 1] ?? '';
    // «до 16 лет», «старше 14 лет», «детям от 7 лет»: an age, the figure «до шестнадцати» states too.
    const age = /^(лет|года?)$/.test(next) && /^(до|старше|младше|от|моложе|после)$/.test(words[i - 1] ?? '');
    const days = age ? undefined : spanDays(next);
    if (days !== undefined) out.add(spanToken(n * days));
    else if (/^раза?$/.test(next)) out.add(`x${n}`);
    else if (MULTIPLIERS[next] !== undefined) {
      // «3 тыщи»: the multiplier is part of this number, not one of its own.
      out.add(String(n * MULTIPLIERS[next]));
      i++;
    } else if (n >= 1 && n <= 31 && monthFollows(words, i)) out.add(`o${n}`);
    else out.add(String(n));
  }
  return out;
}

/**
 * A range of days without a month is a span: «с 12 числа по 19-е» is a week, «с 12 числа и до
 * 12-го следующего месяца» a month.
 */
function dayRangeOf(normalized: string): number | undefined {
  if (/(?:^|[^а-я])до (\d{1,2})(?:-?г?о)? (?:числа )?следующего месяца/.test(normalized)) return 30;
  // Days, not hours («с 8 до 20»): «числа» or an ordinal ending says so; no month follows.
  const m = /(?:^|[^а-я])с (\d{1,2})(-?г?о)?( числа)? (?:по|до) (\d{1,2})(-?(?:е|го|ое))?(?![\d])(?! [а-я]*(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр))/.exec(normalized);
  if (!m || !(m[2] || m[3] || m[5])) return undefined;
  const days = Number(m[4]) - Number(m[1]);
  return days > 0 ? days : undefined;
}

/** «с августа по ноябрь», «с июня до сентября»: a span of months (in days). */
function monthRangeOf(normalized: string): number | undefined {
  const m = /(?:^|[^а-я])с\s+([а-я]+)\s+(?:по|до)\s+([а-я]+)/.exec(normalized);
  if (!m) return undefined;
  const month = (w: string) => DATE_WORDS.slice(0, 12).findIndex(([re]) => re.test(w));
  const [from, to] = [month(m[1] ?? ''), month(m[2] ?? '')];
  if (from < 0 || to < 0 || to === from) return undefined;
  return ((to - from + 12) % 12) * 30;
}

/** Days in one unit of a span word, if it is one. */
function spanDays(w: string): number | undefined {
  return SPAN_UNITS.find(([re]) => re.test(w))?.[1];
}

/** A figure in digits or words («30», «тридцать»). */
function isNumberWord(w: string): boolean {
  return /^\d+$/.test(w) || CARDINALS[w] !== undefined;
}

/** Numeral stems that open a compound word («двух-недельный», «трёх-дневный», «десяти-процентный»). */
const COMPOUND_NUMERALS: readonly [string, number][] = [['одно', 1], ['двух', 2], ['трех', 3], ['четырех', 4], ['пяти', 5], ['шести', 6], ['семи', 7], ['восьми', 8], ['девяти', 9], ['десяти', 10], ['пятнадцати', 15], ['двадцати', 20], ['тридцати', 30], ['сорока', 40], ['пятидесяти', 50], ['сто', 100], ['двухсот', 200], ['трехсот', 300], ['пятисот', 500]];
const COMPOUND_UNIT = /^(недельн|дневн|месячн|часов|минутн|летн|годичн|кратн|процентн|этажн|комнатн|тысячн|рублев|литров|метров|километров)/;
/** «двухнедельного» is a span of 14 days, «трёхкратном» three times, «пятиэтажка» the figure 5; «месячном» a month. */
function compoundToken(w: string): string | undefined {
  if (/^месячн/.test(w)) return spanToken(30);
  let best: [string, number] | undefined;
  for (const c of COMPOUND_NUMERALS) if (w.startsWith(c[0]) && COMPOUND_UNIT.test(w.slice(c[0].length)) && (!best || c[0].length > best[0].length)) best = c;
  if (!best) return undefined;
  const unit = w.slice(best[0].length);
  if (/^кратн/.test(unit)) return `x${best[1]}`;
  // «пятитысячные» (banknotes) are 5000.
  if (/^тысячн/.test(unit)) return String(best[1] * 1000);
  const span = /^недельн/.test(unit) ? 7 : /^дневн/.test(unit) ? 1 : /^месячн/.test(unit) ? 30 : undefined;
  return span === undefined ? String(best[1]) : spanToken(best[1] * span);
}

/** Holidays named instead of their dates: «к Дню Победы» is «к 9 мая». */
const HOLIDAYS: readonly [RegExp, string][] = [
  [/(?:дн[еяюё]м?|праздник[аоу]?м?) победы/g, '9 мая'],
  [/(?:нового года|новому году|новый год|новым годом|конца года|конец года)/g, '1 января'],
  [/(?:дн[еяюё]м? знаний)/g, '1 сентября'],
  [/(?:международн\S* женск\S* д\S*)/g, '8 марта'],
  [/(?:дн[еяюё]м? защитника отечества)/g, '23 февраля'],
  [/(?:рождеств\S*)/g, '7 января'],
];
function holidaysAsDates(normalized: string): string {
  let out = normalized;
  for (const [re, date] of HOLIDAYS) out = out.replace(re, date);
  return out;
}

/** Days of a month a text states («с 9 по 11 мая» → 9 and 11 of m5), as roots: a retelling keeps the date. */
function datesOf(normalized: string): Set<string> {
  const out = new Set<string>();
  const words = holidaysAsDates(numbersAsWords(normalized)).split(/[^0-9а-я]+/).filter(Boolean);
  words.forEach((w, i) => {
    const month = dateOf(w);
    if (!month?.startsWith('m')) return;
    for (let k = i - 1; k >= Math.max(0, i - 5); k--) {
      const x = words[k] as string;
      const day = /^\d{1,2}$/.test(x) ? Number(x) : (CARDINALS[x] ?? ordinalOf(x));
      if (day !== undefined && day >= 1 && day <= 31) out.add(`@${day}${month}`);
      else if (!/^(по|и|до|с|со|на)$/.test(x)) break;
    }
  });
  return out;
}

/** Which words name a place of the region (from its gazetteer), and what contains what. */
export interface PlaceIndex {
  /** Place stems cut to PLACE_PREFIX letters (whole when shorter) → place key. */
  keys: ReadonlyMap<string, string>;
  /** A part's municipality (part key → municipality key); municipality keys have none. */
  parents: ReadonlyMap<string, string>;
  /** Street names as written («красном пути», «ленина») → street key; they count after a street word or «на/по/у». */
  streets: ReadonlyMap<string, string>;
  /** The municipality a part or landmark is in when the text names no town (the regional capital). */
  capital?: string;
  /** A part → the part it lies in (a neighbourhood's district): naming one is naming a place inside the other. */
  within?: ReadonlyMap<string, string>;
  /** Names of several words as stem prefixes («тарск ворот» → the landmark): a text writing them names that place, not what one word of them names. */
  phrases?: readonly { stems: readonly string[]; key: string }[];
}

/** Letters of each stem a name of several words is matched on («у Тарских ворот» / «тарские ворота»). */
const PHRASE_PREFIX = 5;

const PLACE_PREFIX = 6;

/** Words of place names that say what kind of place it is, not which; month names share stems with districts. */
/** Words after which a name is a person's an institution or monument bears. */
const NAMED_AFTER = /^(библиотек\S*|имени|им|памятник\S*|театр\S*|школ\S*|гимнази\S*|лице[яйю]|музе[йяею]|бюст\S*)$/;
/** Grouping concepts that say who suffers or that nobody answers, not what the claim is about. */
const NOT_A_TOPIC = new Set(['residents', 'kids', 'noanswer']);
/** Stems of the generic words in a place's name («Омскому району»: its «район» names no place). */
const GENERIC_STEMS = new Set(['район', 'округ', 'област', 'город', 'поселк', 'посел', 'улиц', 'муниципальн', 'деревн', 'проспект', 'бульвар']);
const PLACE_GENERIC = new Set(['округ', 'округе', 'округа', 'район', 'районе', 'района', 'административный', 'административном', 'муниципальный', 'город', 'городе', 'поселок', 'село', 'деревня', 'область', 'области', 'улица', 'улице', 'центр', 'берег', 'берегу', 'старый', 'новый', 'городок', 'проспект', 'проспекте', 'бульвар', 'бульваре', 'ворота']);
const PLACE_ADJECTIVE = /^(больш|мал[аыоу]|нижн|верхн|красн|русск|нов[аыоу]|стар[аыоу]|южн|северн|западн|восточн|черн|бел[аыоу]|зелен|средн|сред|камен|глубок)/;
const MONTHS = /^(январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)/;
/** Words before a street name: its type, or a preposition of place. */
const STREET_CUE = new Set(['ул', 'улица', 'улице', 'улицу', 'улицы', 'пр', 'проспект', 'проспекте', 'проспекта', 'пр-т', 'бульвар', 'бульваре', 'б-р', 'переулок', 'переулке', 'пер', 'на', 'по', 'у', 'возле', 'около']);
/**
 * Landmarks: a market, park, mall, lake… named by a word after it («парк Победы», «ТЦ Мега»,
 * «озеро Эбейты») or an adjective before it («Левобережный рынок»). Key: `lm:<stem>`.
 */
const LANDMARK = '(?:парк|парке|парка|сквер|сквере|рынок|рынке|рынка|тц|трц|тк|озеро|озере|озера|стадион|стадионе|площадь|площади|мост|мосту|моста|аэропорт|аэропорту|вокзал|вокзале|кладбище|кладбища|кладбищу)';
const LANDMARK_AFTER = new RegExp(`(?:^|[^а-я0-9])${LANDMARK}\\s+«?([а-я][а-я-]{2,})`, 'g');
// «Старо-Восточное кладбище» / «Северо-Восточное кладбище»: a hyphenated name is one word.
const LANDMARK_BEFORE = new RegExp(`(?:^|[^а-я0-9])((?:[а-я]{2,}-)?[а-я]{4,}(?:ый|ий|ой|ая|ое|ом|ем|ого|его))\\s+${LANDMARK}(?![а-я])`, 'g');
/** A capitalised word after a preposition of place. */
const UNKNOWN_PLACE = /(?:^|[^А-ЯЁа-яё])(?:[Вв]|[Вв]о|[Нн]а|[Уу]|[Вв]озле|[Оо]коло|[Пп]од|[Ии]з|[Сс])\s+([А-ЯЁ][а-яё]{2,})(?![а-яё-])/g;
/** Capitalised words after «в/на» that are services and media, not places (word starts; «вк» and «Макс» whole, not «вкладчики», «Максим»). */
const NOT_PLACES = /^(госуслуг|телеграм|телег|вконтакт|вк$|одноклассник|ватсап|вотсап|whatsapp|вайбер|интернет|сети|соцсет|ютуб|дзен|тикток|инстаграм|макс[еуа]?$|сбер|пфр|соцфонд|минздрав|мэри|администрац|правительств|думе|думу|ростелеком|мтс|билайн|мегафон|теле2|озон|вайлдберриз|авито)/;
const NOT_A_NAME = /^(в|во|на|не|по|у|с|со|и|а|к|из|от|до|за|для|уже|где|что|там|все|весь|горит|закрыт|закроют|городской|центральный|старый|новый|ночью|ночами|утром|вечером|днем|днём|сегодня|вчера|завтра|опять|снова|тоже|прямо|сейчас|теперь|всю|всё|каждую|каждый)$/;

/**
 * Builds the place index from place names and their inflected aliases («Кировский округ»,
 * «Таре»): each distinctive word's stem maps to its group's key (a municipality, or a part of
 * a city with its municipality as `parent`); streets map whole names, found only after a cue.
 */
export function placeIndex(
  groups: readonly { key: string; parent?: string; phrases: readonly string[] }[],
  opts: { streets?: readonly { key: string; parent: string; phrases: readonly string[] }[]; capital?: string; within?: readonly (readonly [string, string])[] } = {},
): PlaceIndex {
  const keys = new Map<string, string>();
  const parents = new Map<string, string>();
  const phrases: { stems: string[]; key: string }[] = [];
  for (const g of groups) if (g.parent) parents.set(g.key, g.parent);
  // A word that is a whole name first, then the words of longer names: «тарским» is the town Тара
  // («тарский»), not the landmark «Тарские ворота» listed before it.
  for (const whole of [true, false]) {
    for (const g of groups) {
      for (const phrase of g.phrases) {
        const a = analyze(phrase);
        if ((a.tokens.length === 1) !== whole) continue;
        if (!whole) {
          // «в таре», «г. тара»: a preposition or an abbreviation does not make a name of two words.
          const words = a.stems.filter((x, i) => (a.tokens[i] ?? '').length >= 3 && !STOP.has(a.tokens[i] ?? '')).map((x) => x.slice(0, PHRASE_PREFIX));
          if (words.length > 1 && !phrases.some((p) => p.key === g.key && p.stems.join(' ') === words.join(' '))) phrases.push({ stems: words, key: g.key });
        }
        a.tokens.forEach((t, i) => {
          const s = a.stems[i] ?? t;
          if (t.length < 3 || s.length < 3 || PLACE_GENERIC.has(t) || GENERIC_STEMS.has(s) || STOP.has(t) || /^\d/.test(t) || MONTHS.test(t)) return;
          // «Большие Уки», «Красный Яр»: the common adjective of a longer name is not the place («больше», «красный»).
          if (a.tokens.length > 1 && PLACE_ADJECTIVE.test(t)) return;
          const k = s.slice(0, PLACE_PREFIX);
          if (!keys.has(k)) keys.set(k, g.key);
        });
      }
    }
  }
  const streets = new Map<string, string>();
  for (const st of opts.streets ?? []) {
    parents.set(st.key, st.parent);
    for (const phrase of st.phrases) if (!streets.has(phrase)) streets.set(phrase, st.key);
  }
  return { keys, parents, streets, within: new Map(opts.within ?? []), phrases, ...(opts.capital ? { capital: opts.capital } : {}) };
}

/** The place a text stem names, if any: its prefix, or a shorter place stem it starts with («азовск» → «азов»). */
function placeOf(index: PlaceIndex, token: string, s: string, next: string | undefined): string | undefined {
  if (MONTHS.test(token)) return undefined;
  // «Омской области», «по Омской обл.»: the whole region, not the city.
  if (next && /^обл/.test(next)) return undefined;
  const exact = index.keys.get(s.slice(0, PLACE_PREFIX));
  if (exact) return exact;
  for (let len = Math.min(s.length, PLACE_PREFIX) - 1; len >= 4; len--) {
    const k = index.keys.get(s.slice(0, len));
    if (k) return k;
  }
  return undefined;
}

/** Places a text names: gazetteer words, streets after a cue, landmarks. */
type Places = Pick<ClaimFingerprint, 'names' | 'towns' | 'parts' | 'areas' | 'elsewhere' | 'outside'>;
const NO_PLACES = (): Places => ({ names: new Set<string>(), towns: new Set<string>(), parts: new Set<string>(), areas: new Set<string>(), elsewhere: false, outside: new Set<string>() });

function placesOf(index: PlaceIndex, text: string, normalized: string, tokens: readonly string[], stems: readonly string[]): Places {
  const names = new Set<string>();
  // Towns other than the capital named for sure: capitalised, or heading the text («тара: …»);
  // a lower-case word inside a sentence may only share a prefix with a settlement («у новорождённых»).
  let elsewhere = false;
  const capitals = capitalisedWords(text);
  // A name of several words written out is that place; its words name nothing else («на Любинском проспекте» is no Любинский район).
  const covered = new Set<number>();
  for (const p of index.phrases ?? []) {
    for (let i = 0; i + p.stems.length <= tokens.length; i++) {
      if (!p.stems.every((x, j) => (stems[i + j] ?? '').slice(0, PHRASE_PREFIX) === x)) continue;
      names.add(p.key);
      for (let j = 0; j < p.stems.length; j++) covered.add(i + j);
      if ((index.parents.get(p.key) ?? p.key) !== index.capital && (p.stems.some((_, j) => capitals.has(tokens[i + j] ?? '')) || i === 0) && tokens[i - 1] !== 'до') elsewhere = true;
    }
  }
  tokens.forEach((t, i) => {
    if (covered.has(i)) return;
    // «северо-восточное», «старо-»: the first part of a compound adjective names no place («на северах»).
    if (/о$/.test(t) && normalized.includes(`${t}-`)) return;
    // A verb written in lower case is no place that shares its first letters («называется» / Называевск,
    // «рыбачить» / Рыбачий); «северных районов» is a direction, not the nickname «на северах».
    if ((!capitals.has(t) && !t.includes('-') && t.length > 5 && VERB.test(t)) || t.startsWith('северн')) return;
    // «у библиотеки Пушкина», «школа имени Гагарина»: a person an institution is named after, not a village.
    if (NAMED_AFTER.test(tokens[i - 1] ?? '')) return;
    const place = placeOf(index, t, stems[i] ?? t, tokens[i + 1]);
    if (!place) return;
    // «над дачами под Омском», «вокруг Омска»: the capital's surroundings, not the city; «под Тарой»
    // is the district town's own area (its river bank, its villages).
    if (!index.parents.has(place) && place === index.capital && (tokens[i - 1] === 'под' || tokens[i - 1] === 'вокруг')) {
      names.add(`near:${place}`);
      return;
    }
    names.add(place);
    const town = index.parents.get(place) ?? place;
    // «до Марьяновки»: where a route ends, not where the claim happens.
    if (town !== index.capital && (capitals.has(t) || i === 0) && tokens[i - 1] !== 'до') elsewhere = true;
  });
  // A capitalised word after «в/на/у» that the gazetteer lacks is a place still (a neighbourhood
  // such as «в Амуре»): key `cap:<stem>`, a part of the town.
  for (const m of text.matchAll(UNKNOWN_PLACE)) {
    const word = (m[1] ?? '').toLowerCase();
    const s = stem(word);
    if (MONTHS.test(word) || NOT_PLACES.test(word) || STOP.has(word) || SUBJECT_OF.has(s) || placeOf(index, word, s, undefined)) continue;
    names.add(`cap:${s.slice(0, 5)}`);
  }
  if (index.streets.size > 0) {
    const words = normalized.split(/[^0-9а-я-]+/).filter(Boolean);
    for (let i = 1; i < words.length; i++) {
      if (!STREET_CUE.has(words[i - 1] as string)) continue;
      for (const n of [3, 2, 1]) {
        const key = index.streets.get(words.slice(i, i + n).join(' '));
        // «по Омской области» is the region, not Omskaya street.
        if (key && !/^обл/.test(words[i + n] ?? '')) {
          names.add(key);
          break;
        }
      }
    }
  }
  for (const re of [LANDMARK_AFTER, LANDMARK_BEFORE]) {
    for (const m of normalized.matchAll(re)) {
      const word = m[1] ?? '';
      if (NOT_A_NAME.test(word) || STOP.has(word)) continue;
      // «кладбище закрывают», «рынок закрыли»: a verb after the landmark is what happens, not its name («стадион «Зенит»» is).
      if (re === LANDMARK_AFTER && VERB.test(word) && !m[0].includes('«')) continue;
      // After the landmark a name is written as one: capitalised, in capitals, quoted or hyphenated
      // («рынок «Казачий»», «парк Победы»), not «у моста снег сваливают», «на рынке грибами».
      if (re === LANDMARK_AFTER && !m[0].includes('«') && !word.includes('-') && !capitals.has(word) && !text.includes(word.toUpperCase()) && word !== 'метро') continue;
      const s = stem(word);
      // A landmark named after a place of the gazetteer is that place («Левобережный рынок»).
      if (!word.includes('-') && placeOf(index, word, s, undefined)) continue;
      names.add(`lm:${s.slice(0, 5)}`);
    }
  }
  // «у метромоста»: the bridge named in one word is the «мост метро».
  for (const m of normalized.matchAll(/(?:^|[^а-я])(метро|авто|ж\/д)мост/g)) names.add(`lm:${stem(m[1] ?? '').slice(0, 5)}`);
  const towns = new Set<string>();
  const parts = new Set<string>();
  for (const k of names) {
    const unnamedTown = k.startsWith('lm:') || k.startsWith('cap:');
    const parent = index.parents.get(k) ?? (unnamedTown ? undefined : k);
    if (unnamedTown || index.parents.has(k)) parts.add(k);
    if (parent) towns.add(parent);
  }
  // A part or landmark named without its town: rumours drop the town's name only for the capital.
  if (towns.size === 0 && parts.size > 0 && index.capital) towns.add(index.capital);
  const areas = new Set(parts);
  for (const p of parts) {
    const area = index.within?.get(p);
    if (area) areas.add(area);
  }
  return { names, towns, parts, areas, elsewhere, outside: new Set([...towns].filter((t) => t !== index.capital)) };
}

/** Words written with a capital letter, lower-cased as the analyser writes them. */
function capitalisedWords(text: string): Set<string> {
  return new Set([...text.matchAll(/[А-ЯЁ][а-яё]+/g)].map((m) => m[0].toLowerCase().replace(/ё/g, 'е')));
}

/** An authority speaks: named at the head or at the end, or an acronym heads the text (not «СРОЧНО:»). */
/**
 * The text denies a rumour: a denial cue, or an authority saying «не» or that all goes on. A cue
 * inside quotes is quoted, not said («ждём официальное «всё в норме»», «это не «фейк»»); a cue in
 * a question is asked; «не подтверждённые номера» (a participle) is what a rumour says of them, not
 * «не подтвердилась» / «не подтверждена».
 */
export function denialOf(text: string, normalized: string): ClaimFingerprint['denial'] {
  const said = normalized.replace(/«[^«»]{1,60}»/g, ' ');
  // A cue in a question is asked, not said («Правда, что …? Или это развод опять?»); a cue under
  // «не» affirms («так что не слухи это», «это не фейк»).
  if (DEBUNK_CUES.test(said.replace(/[^.!?\n]*\?/g, ' ').replace(/(^|[^а-я])не\s+(?:(?:это|а|просто)\s+)?(?:слух[а-я]*|фейк[а-я]*|вброс[а-я]*|утк[аиу]|развод(?:ом|а)?|выдумк[аи]|вымысел|ложь)(?![а-я])/g, '$1 '))) return 'cue';
  // «Сестра … говорит, всё уже решено … обратно никто переводить не собирается»: a weak denial
  // inside a rumour passed on by kin or an acquaintance is part of the rumour.
  if (DENIAL_PHRASE.test(said) && !KIN.test(said)) return 'phrase';
  if (isOfficial(text, normalized) && (OFFICIAL_DENIES.test(said) || OFFICIAL_NORMAL.test(said))) return 'official';
  return null;
}

function isOfficial(text: string, normalized: string): boolean {
  const official = OFFICIAL.exec(normalized);
  // «Сестра в мэрии работает, сказала: …», «Кума у меня в администрации, сказала по секрету: …»:
  // hearsay from someone who works there is the rumour's own source, not the authority speaking.
  if (official && !HEARSAY.test(official[0])) return true;
  const head = ACRONYM_HEAD.exec(text)?.[1];
  return head !== undefined && !STOP.has(head.toLowerCase());
}

/** The fingerprint of one text; `places` (from the region's gazetteer) finds named places in any case. */
export function claimFingerprint(raw: string, opts: { places?: PlaceIndex } = {}): ClaimFingerprint {
  // A forwarded message's header names who forwarded it, not what it claims.
  const text = raw.replace(FORWARD_HEADER, '');
  const a = analyze(text);
  const stems = new Set<string>();
  const negated = new Set<string>();
  a.tokens.forEach((t, i) => {
    const s = a.stems[i] ?? t;
    if (isContent(t, s)) stems.add(s);
  });
  // A negated verb in the same clause («газ не отключат», «не будут отключать»).
  for (const m of a.normalized.matchAll(NEGATED)) {
    const word = m[2] ?? '';
    const s = stem(word);
    // «не пить», «не выходить» alone are advice; after «не будут» an infinitive is a claim.
    const infinitive = /(ть|ти)$/.test(word);
    if (isContent(word, s) && VERB.test(word) && !IMPERATIVE.test(word) && (!infinitive || m[1])) negated.add(rootOf(s));
  }
  const roots = new Set<string>();
  for (const s of stems) roots.add(rootOf(s));
  const cores = new Set<string>();
  for (const s of stems) cores.add(coreOf(s));
  const subjects = new Map<string, Set<string>>();
  a.tokens.forEach((t, i) => {
    const hit = SUBJECT_OF.get(a.stems[i] ?? t);
    if (hit) subjects.set(hit[0], (subjects.get(hit[0]) ?? new Set<string>()).add(hit[1]));
  });
  const capitals = capitalisedWords(text);
  const sequence: { root: string; word: string; capital: boolean; address?: boolean }[] = [];
  const address = addressWords(text);
  a.tokens.forEach((t, i) => {
    const s = a.stems[i] ?? t;
    if (sequence.length < MAX_SEQUENCE && isContent(t, s) && sequence[sequence.length - 1]?.root !== rootOf(s)) sequence.push({ root: rootOf(s), word: t, capital: capitals.has(t), ...(i < ADDRESS_WORDS && address.has(t) ? { address: true } : {}) });
  });
  if (ABSENCE.test(a.normalized)) roots.add('~outage');
  for (const d of datesOf(a.normalized)) roots.add(d);
  const predicates = predicatesOf(a.tokens);
  if (ABSENCE.test(a.normalized)) predicates.add('stopped');
  // «не выплатят», «не дадут»: a payment withheld stops.
  for (const m of a.normalized.matchAll(NEGATED)) if (PREDICATES.paid?.test(m[2] ?? '') || /^(заплат|оплат|плат)/.test(m[2] ?? '')) predicates.add('stopped');
  const denial = denialOf(text, a.normalized);
  const { names, towns, parts, areas, elsewhere, outside } = opts.places ? placesOf(opts.places, text, a.normalized, a.tokens, a.stems) : NO_PLACES();
  const grams = new Map<string, number>();
  const concepts = new Set<string>();
  a.tokens.forEach((t, i) => {
    const s = a.stems[i] ?? t;
    if (!isContent(t, s)) return;
    const c = conceptOf(s);
    // «знакомая в мэрии работает» passes a rumour on: no road sign, nothing broken («не работает» is).
    // Who a rumour is about («соседи», «дети») or that nobody answers is no topic of its own.
    if (c && !NOT_A_TOPIC.has(c) && !s.startsWith('знаком') && !(c === 'broken' && s.startsWith('работ') && a.tokens[i - 1] !== 'не')) concepts.add(c);
    const padded = ` ${t} `;
    for (let n = GRAM_MIN; n <= GRAM_MAX; n++) for (let k = 0; k + n <= padded.length; k++) {
      const g = padded.slice(k, k + n);
      grams.set(g, (grams.get(g) ?? 0) + 1);
    }
  });
  let sq = 0;
  for (const v of grams.values()) sq += v * v;
  return {
    stems,
    roots,
    cores,
    numbers: numbersOf(a.normalized),
    names,
    towns,
    parts,
    areas,
    elsewhere,
    outside,
    negated,
    absent: absentOf(a.normalized),
    subjects,
    sequence,
    denial,
    debunk: denial !== null,
    predicates,
    nearDup: featureHashes(similarityFeatures(text)),
    grams,
    gramNorm: Math.sqrt(sq),
    concepts,
    entities: entitiesOf(text, opts.places),
    reasons: reasonsOf(a.tokens, a.stems),
    shingles: featureHashes(copyShingles(a.tokens)),
    topic: new Set(
      a.tokens.flatMap((t, i) => {
        const st = a.stems[i] ?? t;
        if (!isContent(t, st)) return [];
        const r = rootOf(st);
        return DENIAL_WORDS.has(r) || (opts.places && placeOf(opts.places, t, st, a.tokens[i + 1])) || /^(област|регион|город|жител)/.test(st) || /^обл/.test(a.tokens[i + 1] ?? '') ? [] : [r];
      }),
    ),
  };
}

/**
 * A forward's header line («Переслано от Омск Life», «↪️ Пересланное сообщение», «Forwarded from
 * …»), up to its line end or colon.
 */
const FORWARD_HEADER = /^[^\p{L}\n]*(?:переслано|пересланное сообщение|forwarded(?: message)?(?: from)?|fwd)(?!\p{L})[^\n:]{0,80}(?::|\n)\s*/iu;

/** Words a copy adds or drops without changing the claim: kept out of the shingles. */
const COPY_KEEP = new Set(['не', 'нет', 'без', 'ни']);

/**
 * The text as a copy keeps it: its words in order, without stop words and rumour boilerplate
 * («СРОЧНО», «ПЕРЕШЛИТЕ ВСЕМ», «репост») or emoji, numbers kept, as character 4-grams. A re-typed
 * copy shares most of them (a typo changes four); a retelling in other words shares few.
 */
function copyShingles(tokens: readonly string[]): string[] {
  const words = tokens.filter((t) => !PLACEHOLDERS.has(t) && (COPY_KEEP.has(t) || !STOP.has(t)) && /[а-яa-z0-9]/.test(t));
  const line = ` ${words.join(' ')} `;
  const out: string[] = [];
  for (let k = 0; k + COPY_GRAM <= line.length; k++) out.push(line.slice(k, k + COPY_GRAM));
  return out;
}
const COPY_GRAM = 4;

/**
 * How nearly one text is a copy of the other, 0..1: the Jaccard overlap of their copy shingles
 * (copyShingles). Paraphrase is not a copy: this is the copy path to the link band (claimSimilarity).
 */
export function copySimilarity(a: ClaimFingerprint, b: ClaimFingerprint): number {
  return jaccard(a.shingles, b.shingles);
}

/** One edit apart (a letter typed wrong, added, dropped or two swapped), two in a long word. */
function typoOf(x: string, y: string): boolean {
  if (x === y) return true;
  const limit = Math.min(x.length, y.length) >= 8 ? 2 : 1;
  if (Math.min(x.length, y.length) < 4 || Math.abs(x.length - y.length) > limit) return false;
  // Damerau–Levenshtein (optimal string alignment) on short words.
  let prev2: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[y.length]! <= limit;
}

/** Words of a figure («тыс», «рублей», «пять», «мая»): numbers are compared as numbers. */
const FIGURE_WORD = /^(тыс|руб|млн|млрд|процент|проц|коп)/;
const isFigureWord = (w: string) => FIGURE_WORD.test(w) || w in CARDINALS || w in MULTIPLIERS || dateOf(w) !== undefined;

/** Content words of `a` that `b` has in no form and no typo of (figures, and typos of stop words such as «врачь», aside): what a copy would not add. */
export function ownWords(a: ClaimFingerprint, b: ClaimFingerprint): string[] {
  const typoOfStop = (w: string) => [...STOP].some((x) => typoOf(w, x));
  return a.sequence.filter((t) => !isFigureWord(t.word) && !b.roots.has(t.root) && !b.sequence.some((u) => typoOf(t.word, u.word)) && !typoOfStop(t.word)).map((t) => t.word);
}

/**
 * The copy path to the link band: a re-typed copy (typos, «ПЕРЕШЛИТЕ ВСЕМ», emoji, a forward's
 * header) links whatever the learned combiner says — a combiner fitted on hard negatives that are
 * near copies with one change learns to distrust similarity itself (docs/ARCHITECTURE.md, the
 * eighth round). A copy: copy shingles overlap at least COPY_LINK, neither side has a content word
 * the other lacks in every form and typo, and nothing disagrees — no hard veto (isVetoed), no
 * swapped slot or name, no reason, multiple or number stated by one side only.
 */
export const COPY_LINK = 0.5;
const COPY_VETO = /^(other_subject)/;
function isCopy(a: ClaimFingerprint, b: ClaimFingerprint, f: Readonly<Record<ClaimFeature, number>>, reasons: readonly string[]): boolean {
  if (copySimilarity(a, b) < COPY_LINK || isVetoed(reasons) || reasons.some((r) => COPY_VETO.test(r))) return false;
  if (f.template_own > 0 || f.entities_differ > 0 || f.reason_differs > 0 || f.times_one_side > 0 || f.numbers_one_side > 0) return false;
  return ownWords(a, b).length === 0 && ownWords(b, a).length === 0;
}

/** A pair is a copy (isCopy), from its feature vector in CLAIM_FEATURES order. */
export function copyOf(a: ClaimFingerprint, b: ClaimFingerprint, values: readonly number[], reasons: readonly string[]): boolean {
  const f = Object.fromEntries(CLAIM_FEATURES.map((k, i) => [k, values[i] ?? 0])) as Record<ClaimFeature, number>;
  return isCopy(a, b, f, reasons);
}

/** A copy's score: above any sensible link band (0.9 … 1 with its overlap). */
const copyScore = (a: ClaimFingerprint, b: ClaimFingerprint) => 0.9 + 0.1 * copySimilarity(a, b);

/** At most this many words open a text as an address to its readers («Поклонники Шамана, …», «Жители Тары, …»). */
const ADDRESS_WORDS = 3;
/** The words of a text's opening address: up to ADDRESS_WORDS words before its first comma. */
function addressWords(text: string): Set<string> {
  const m = /^[^,.:;!?—–«»"()-]{1,60},/.exec(text.trim());
  const words = m ? m[0].toLowerCase().replace(/ё/g, 'е').split(/[^а-яa-z0-9]+/).filter(Boolean) : [];
  return new Set(words.length <= ADDRESS_WORDS ? words : []);
}

/** «без всякой компенсации», «нет денег»: roots of the two words after «без»/«нет». */
function absentOf(normalized: string): Set<string> {
  const out = new Set<string>();
  for (const m of normalized.matchAll(/(?:^|[^а-я])(?:без|нет)\s+([а-я]{3,})(?:\s+([а-я]{3,}))?/g)) {
    for (const w of [m[1], m[2]]) if (w && isContent(w, stem(w))) out.add(rootOf(stem(w)));
  }
  return out;
}

/** Words after «за» that measure (time, units), not a reason: «за неделю», «за литр». */
const MEASURE = /^(недел|месяц|год|сутк|день|дня|дней|час|минут|литр|штук|раз|кило|метр|квадрат|кубометр|кубов|последн|прошл|эт[оиу])/;
/** The roots of the first two content words after «за» or «из-за» (a fine's or a cause's object). */
function reasonsOf(tokens: readonly string[], stems: readonly string[]): Set<string> {
  const out = new Set<string>();
  tokens.forEach((t, i) => {
    // «по причине X», «карантин по гриппу»: a cause after «по».
    const cause = t === 'по' && /^(причин|карантин)/.test(tokens[i - 1] ?? '');
    if (t !== 'за' && t !== 'из-за' && !cause) return;
    let taken = 0;
    for (let k = i + 1; k < Math.min(tokens.length, i + 4) && taken < 2; k++) {
      const w = tokens[k] as string;
      const s = stems[k] ?? w;
      if (k === i + 1 && MEASURE.test(w)) return;
      // The phrase ends at a function word («за костёр на даче»: the reason is the bonfire).
      if (!isContent(w, s)) break;
      out.add(rootOf(s));
      taken++;
    }
  });
  return out;
}

/** One word heading a text before a colon («альбатрос: …»). */
const HEAD_WORD = /^\s*([А-ЯЁа-яё]{3,})\s*:/;

const GRAM_MIN = 3;
const GRAM_MAX = 5;
/** A capitalised word after a word (not after a sentence's end), an all-caps acronym, or a word in «quotes». */
const ENTITY = /(?:[а-яё,)»"]\s+([А-ЯЁ][а-яё]{2,})|(?:^|[^А-ЯЁа-яё])([А-ЯЁ]{2,6})(?![А-ЯЁа-яё])|«([А-ЯЁа-яё][а-яё]{2,}))/g;

/**
 * Names a text gives that are not the region's places: a shop chain, a club, an agency («Магнит»,
 * «ТГК», «Пятёрочка»). Months, stop words and words that name a place or a subject class are left
 * out; a sentence's first word is not read (it is capitalised whatever it is).
 */
function entitiesOf(text: string, places: PlaceIndex | undefined): Set<string> {
  const out = new Set<string>();
  // A single word heading the text before a colon names what it is about («альбатрос: …», «Амур: …»).
  const head = HEAD_WORD.exec(text)?.[1];
  const found = [...text.matchAll(ENTITY)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  for (const raw of head ? [...found, head] : found) {
    const word = raw.toLowerCase().replace(/ё/g, 'е');
    const s = stem(word);
    if (word.length < 2 || STOP.has(word) || MONTHS.test(word) || NOT_PLACES.test(word) || SUBJECT_OF.has(s)) continue;
    if (places && placeOf(places, word, s, undefined)) continue;
    out.add(s.slice(0, 5));
  }
  return out;
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

/** Both sides state something the other does not: another number, date, place. */
function bothHaveOwn(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  let aOwn = false;
  let bOwn = false;
  for (const x of a) if (!b.has(x)) aOwn = true;
  for (const x of b) if (!a.has(x)) bOwn = true;
  return aOwn && bOwn;
}

function disjoint(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return intersect(a, b) === 0;
}

const MAX_SEQUENCE = 80;
const ADJECTIVE = /(ый|ий|ой|ая|яя|ое|ее|ые|ие|ого|его|ому|ему|ым|ую|юю|ых|их)$/;
/** A word that can name the thing a claim is about: not a verb, not an adjective. */
const nounLike = (w: string) => !VERB.test(w) && !ADJECTIVE.test(w) && !/(ано|ено|ены|аны|ято|ого)$/.test(w);
/** Share of the shorter text the alignment must cover for a swap to count: a template, not a retelling. */
const TEMPLATE_COVER = 0.6;

/** A word of one text the other lacks, not part of an opening address («Поклонники Шамана, …» says who is told, not what). */
function keptOwn(t: ClaimFingerprint['sequence'][number], other: ClaimFingerprint): boolean {
  return !other.roots.has(t.root) && !t.address;
}

/**
 * The things one text says where the other says another («хлеб» / «молоко», «корь» / «грипп»):
 * between two words both texts share, in order, each has one or two words of its own, nouns, of
 * no shared root. A template rumour with its object swapped is another rumour; a retelling
 * reorders and rewords more than that, so it rarely has such a slot.
 */
function substitutions(a: ClaimFingerprint, b: ClaimFingerprint): string[] {
  const x = a.sequence;
  const y = b.sequence;
  const n = x.length;
  const m = y.length;
  // Longest common subsequence of roots (texts are short: at most MAX_SEQUENCE² steps).
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = x[i]!.root === y[j]!.root ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const anchors: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (x[i]!.root === y[j]!.root) {
      anchors.push([i, j]);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  const out: string[] = [];
  if (anchors.length < TEMPLATE_COVER * Math.min(n, m)) return out;
  // Slots between anchors, and before the first and after the last.
  const bounds: [number, number][] = [[-1, -1], ...anchors, [n, m]];
  for (let k = 1; k < bounds.length; k++) {
    const [i0, j0] = bounds[k - 1]!;
    const [i1, j1] = bounds[k]!;
    const gx = x.slice(i0 + 1, i1);
    const gy = y.slice(j0 + 1, j1);
    if (gx.length === 0 || gy.length === 0 || gx.length > 2 || gy.length > 2) continue;
    const nx = gx.filter((t) => nounLike(t.word) && keptOwn(t, b));
    const ny = gy.filter((t) => nounLike(t.word) && keptOwn(t, a));
    // Two names in one slot («Пятёрочка» / «Магнит»): capitalised where both texts have the slot.
    const cx = gx.filter((t) => t.capital && keptOwn(t, b));
    const cy = gy.filter((t) => t.capital && keptOwn(t, a));
    if (nx.length > 0 && ny.length > 0) out.push(`${nx[0]!.word}/${ny[0]!.word}`);
    else if (cx.length > 0 && cy.length > 0) out.push(`${cx[0]!.word}/${cy[0]!.word}`);
  }
  return out;
}

/**
 * Weights of the score, chosen on the dev pairs of `npm run eval:claims` (never on test). A hard
 * disagreement (another place, number or date; a denial against the claim; a fact negated) makes
 * it another claim, whatever the words share: the score is cut below any sensible suggestion band.
 */
export const CLAIM_WEIGHTS = {
  /** Multiplier of a hard disagreement. */
  differ: 0.45,
  numbersMatch: 0.08,
  placesMatch: 0.05,
  /** Multiplier when one text says what happens and the other only names the topic. */
  noPredicate: 0.8,
  /** A text of at most this many content roots that says nothing happens is only a topic… */
  topicOnlyRoots: 4,
  /** …and is cut by this. */
  topicOnly: 0.6,
  /** Multiplier per swapped word (see substitutions), at most two. */
  substitution: 0.8,
} as const;

/**
 * `lexicons: false` leaves out what the word lists decide (SUBJECTS, PREDICATES, the grouping
 * concepts): a pair as it looks when its topic's words are in no list. Training shows the combiner
 * both views, so it learns to lean on the general features (characters, numbers, places, names,
 * polarity, swapped slots) where the lists are silent — as they are for a new topic.
 */
export interface LexiconOption {
  lexicons?: boolean;
}

/**
 * The hand-weighted score of the earlier rounds: content overlap cut by each disagreement. It is
 * one input of the learned combiner (see claimSimilarity), not the answer.
 */
export function ruleSimilarity(a: ClaimFingerprint, b: ClaimFingerprint, opts: LexiconOption = {}): ClaimSimilarity {
  const lexicons = opts.lexicons ?? true;
  const reasons: string[] = [];
  // Very short texts carry too little to match on.
  if (a.roots.size < 2 || b.roots.size < 2) return { score: 0, reasons: ['too_short'] };
  // A copy is a near-duplicate whatever its paraphrase features say (src/text/similarity.ts).
  let score = Math.max(0.4 * overlap(a.stems, b.stems) + 0.6 * overlap(a.roots, b.roots), jaccard(a.nearDup, b.nearDup));
  let differ = false;
  const numbers = numbersAgreement(a.numbers, b.numbers);
  if (numbers === 'differ') {
    differ = true;
    reasons.push('numbers_differ');
  } else if (numbers === 'match') {
    score += CLAIM_WEIGHTS.numbersMatch;
    reasons.push('numbers_match');
  }
  if (a.names.size > 0 && b.names.size > 0) {
    // Another town; or, in the same town, each names a part the other does not.
    // Two unknown capitalised words («в Балашиху» / «в Подмосковье», «в Авангарде») are too weak to disagree.
    const known = (parts: ReadonlySet<string>) => [...parts].some((k) => !k.startsWith('cap:'));
    if (disjoint(a.towns, b.towns) || (a.outside.size > 0 && b.outside.size > 0 && disjoint(a.outside, b.outside)) || (a.parts.size > 0 && b.parts.size > 0 && !placedAlike(a, b) && !placedAlike(b, a) && (known(a.parts) || known(b.parts))) || landmarksDiffer(a, b)) {
      differ = true;
      reasons.push('places_differ');
    } else {
      score += CLAIM_WEIGHTS.placesMatch;
      reasons.push('places_match');
    }
  } else if ((a.elsewhere && b.names.size === 0) || (b.elsewhere && a.names.size === 0)) {
    // A text naming no place is read as about the capital (as a part named without its town is):
    // «В Таре отопление дадут с 1 октября» is not «отопление дадут с 1 октября».
    differ = true;
    reasons.push('town_vs_capital');
  }
  if (a.debunk !== b.debunk) {
    differ = true;
    reasons.push('debunk_vs_claim');
  } else if (!a.debunk) {
    // A fact asserted by one and denied by the other: «газ отключат» / «газ не отключат».
    const denies = (x: ClaimFingerprint, y: ClaimFingerprint) => [...x.negated].filter((s) => y.roots.has(s) && !y.negated.has(s) && !y.absent.has(s)).length;
    const flipped = denies(a, b) + denies(b, a);
    if (flipped > 0) {
      differ = true;
      reasons.push('negation_differs');
    }
  }
  for (const [cls, members] of lexicons ? a.subjects : []) {
    const other = b.subjects.get(cls);
    // Each names one the other does not («в школе» / «в детском саду», both «увезли в больницу»).
    if (other && bothHaveOwn(members, other)) {
      differ = true;
      reasons.push(`subject_differs:${[...members][0] ?? ''}/${[...other][0] ?? ''}`);
    }
  }
  // What happens must agree: two texts that each say what happens, and nothing alike.
  if (!lexicons) {
    // The word lists are not read (see LexiconOption).
  } else if (a.predicates.size > 0 && b.predicates.size > 0) {
    // Two denials say what did not happen in their own words («сокращать не планируем» / «ни одно не закрывается»).
    if (disjoint(a.predicates, b.predicates) && !(a.debunk && b.debunk)) {
      differ = true;
      reasons.push(`predicate_differs:${[...a.predicates][0] ?? ''}/${[...b.predicates][0] ?? ''}`);
    }
  } else if (a.predicates.size + b.predicates.size > 0) {
    // One side says what happens, the other does not say it in any word of PREDICATES.
    score *= CLAIM_WEIGHTS.noPredicate;
    reasons.push('no_predicate');
  }
  // A short text that only names a topic («Клещи в парке ВЛКСМ, осторожно»): topic words are not a claim.
  if (lexicons && [a, b].some((x) => x.predicates.size === 0 && x.roots.size <= CLAIM_WEIGHTS.topicOnlyRoots)) {
    score *= CLAIM_WEIGHTS.topicOnly;
    reasons.push('topic_only');
  }
  const swapped = substitutions(a, b);
  if (swapped.length > 0) {
    score *= CLAIM_WEIGHTS.substitution ** Math.min(2, swapped.length);
    reasons.push(`other_subject:${swapped.join(',')}`);
  }
  if (differ) score *= CLAIM_WEIGHTS.differ;
  return { score: Math.max(0, Math.min(1, score)), reasons };
}

/**
 * Numbers of two texts, kind by kind (numberKind): they differ when, in some kind both state,
 * each states one the other does not; they match when they share one and differ in no kind.
 */
function numbersAgreement(a: ReadonlySet<string>, b: ReadonlySet<string>): 'match' | 'differ' | null {
  const byKind = (xs: ReadonlySet<string>) => {
    const out = new Map<string, Set<string>>();
    for (const x of xs) {
      const kind = numberKind(x);
      out.set(kind, (out.get(kind) ?? new Set<string>()).add(x));
    }
    return out;
  };
  const kb = byKind(b);
  for (const [kind, xs] of byKind(a)) {
    const ys = kb.get(kind);
    if (ys && bothHaveOwn(xs, ys)) return 'differ';
  }
  return disjoint(a, b) ? null : 'match';
}

/**
 * Each names a landmark the other does not («у Ленинградского моста» / «у Юбилейного моста»), though
 * both name the river, the town or a word of the other's: the landmark is where the claim happens.
 */
function landmarksDiffer(a: ClaimFingerprint, b: ClaimFingerprint): boolean {
  const lm = (x: ClaimFingerprint) => [...x.parts].filter((p) => p.startsWith('lm:'));
  const [la, lb] = [lm(a), lm(b)];
  if (la.length === 0 || lb.length === 0) return false;
  const meets = (ls: readonly string[], y: ClaimFingerprint) => ls.some((p) => y.areas.has(p) || writesName(p, y));
  return !meets(la, b) && !meets(lb, a);
}

/**
 * One text names a part of the town the other names too: the same part, a part inside it
 * («на Московке» / «в Ленинском округе»), or a name the gazetteer lacks that the other writes among
 * its words («ТЦ «Сибирский Пассаж»» / «в Пассаже»).
 */
function placedAlike(x: ClaimFingerprint, y: ClaimFingerprint): boolean {
  return [...x.parts].some((p) => y.areas.has(p) || (/^(cap|lm):/.test(p) && writesName(p, y)) || namedAlike(p, y));
}

/** The other text writes a name the gazetteer lacks among its words (`cap:` / `lm:` keys hold its stem's prefix). */
function writesName(part: string, y: ClaimFingerprint): boolean {
  const prefix = part.slice(part.indexOf(':') + 1);
  return [...y.stems].some((s) => s.startsWith(prefix));
}

/** A neighbourhood's name written in other words by the other text («Нефтяники» / «Городок Нефтяников»). */
function namedAlike(part: string, y: ClaimFingerprint): boolean {
  const name = part.slice(part.indexOf(':') + 1);
  if (/^(cap|lm|near|ул)/.test(name) || /^(cap|lm|near):/.test(part)) return false;
  const words = name.split(' ').filter((w) => w.length >= 6 && !PLACE_GENERIC.has(w)).map((w) => w.slice(0, 6));
  return words.length > 0 && words.every((w) => [...y.stems].some((s) => s.startsWith(w)));
}

const statesTimes = (x: ClaimFingerprint) => [...x.numbers].some((n) => numberKind(n) === 'times');

/** Cosine of two texts' character-gram counts. */
function gramCosine(a: ClaimFingerprint, b: ClaimFingerprint): number {
  if (a.gramNorm === 0 || b.gramNorm === 0) return 0;
  const [small, large] = a.grams.size <= b.grams.size ? [a.grams, b.grams] : [b.grams, a.grams];
  let dot = 0;
  for (const [g, v] of small) dot += v * (large.get(g) ?? 0);
  return dot / (a.gramNorm * b.gramNorm);
}

/** A template whose sides each keep a noun the other lacks, though they share nearly all words («Яндекс Такси уходит…» / «Такси Максим уходит…»). */
function templateOwn(a: ClaimFingerprint, b: ClaimFingerprint): number {
  const n = Math.min(a.sequence.length, b.sequence.length);
  if (n === 0 || intersect(a.roots, b.roots) < 0.7 * n) return 0;
  const own = (x: ClaimFingerprint, y: ClaimFingerprint) => x.sequence.some((t) => (nounLike(t.word) || t.capital) && keptOwn(t, y));
  return own(a, b) && own(b, a) ? 1 : 0;
}

/** Words every denial and every text of the region says: what two denials share without being about one rumour. */
const DENIAL_WORDS = new Set(
  'фейк фейком неправда опровергли опроверг опровергает слухи слух информация информации соответствует действительности рассылка рассылку рассылки мэрия мэрии администрации администрация сообщили заявили пояснили ложная ложной ложь недостоверная выдумка вброс ерунда чушь никакой никаких никакого никто сказали министерстве министерство враньё вранье звонила звонил'
    .split(' ')
    .map((w) => rootOf(stem(w))),
);
/** The share of the shorter text's topic roots (ClaimFingerprint.topic: denial words and places aside) that the other holds. */
function topicContainment(a: ClaimFingerprint, b: ClaimFingerprint): number {
  const [x, y] = a.topic.size <= b.topic.size ? [a.topic, b.topic] : [b.topic, a.topic];
  return x.size === 0 ? 0 : intersect(x, y) / x.size;
}

/** Names of a's own: not among b's names, nor a prefix of any of b's content words (b wrote it in lower case). */
function ownEntities(a: ClaimFingerprint, b: ClaimFingerprint): number {
  let n = 0;
  for (const e of a.entities) if (!b.entities.has(e) && ![...b.stems].some((s) => s.startsWith(e))) n++;
  return n;
}

/**
 * The inputs of the learned combiner, each in 0..1, in the order of CLAIM_MODEL.features:
 * how much content two texts share (the rule score, stems and roots, character grams, containment
 * of the shorter, near-duplicate Jaccard, grouping concepts), and whether their numbers, places,
 * names, polarity, subjects and predicates agree, disagree or are said by one side only.
 */
export const CLAIM_FEATURES = [
  'rule',
  'content',
  'chars',
  'cores',
  'template_own',
  'contain',
  'near_dup',
  'concepts',
  'concepts_differ',
  'numbers_match',
  'numbers_differ',
  'numbers_one_side',
  'times_one_side',
  'places_match',
  'places_differ',
  'elsewhere_vs_none',
  'entities_match',
  'entities_differ',
  'debunk_vs_claim',
  'both_debunk',
  'negation_differs',
  'subject_differs',
  'predicate_agree',
  'predicate_differs',
  'no_predicate',
  'topic_only',
  'other_subject',
  'length_ratio',
  'reason_differs',
  'overlap_all',
] as const;
export type ClaimFeature = (typeof CLAIM_FEATURES)[number];

/** The feature vector of a pair (CLAIM_FEATURES order) and the rule score's reasons. */
export function claimFeatures(a: ClaimFingerprint, b: ClaimFingerprint, opts: LexiconOption = {}): { values: number[]; reasons: string[] } {
  const lexicons = opts.lexicons ?? true;
  const rule = ruleSimilarity(a, b, opts);
  const has = (prefix: string) => (rule.reasons.some((r) => r.startsWith(prefix)) ? 1 : 0);
  const swapped = rule.reasons.find((r) => r.startsWith('other_subject:'));
  const common = intersect(a.roots, b.roots);
  const sizes = [a.roots.size, b.roots.size].sort((x, y) => x - y) as [number, number];
  const aOwn = ownEntities(a, b);
  const bOwn = ownEntities(b, a);
  const f: Record<ClaimFeature, number> = {
    rule: rule.score,
    content: 0.4 * overlap(a.stems, b.stems) + 0.6 * overlap(a.roots, b.roots),
    chars: gramCosine(a, b),
    cores: overlap(a.cores, b.cores),
    template_own: templateOwn(a, b),
    contain: sizes[0] === 0 ? 0 : common / sizes[0],
    near_dup: jaccard(a.nearDup, b.nearDup),
    concepts: lexicons ? overlap(a.concepts, b.concepts) : 0,
    concepts_differ: lexicons && a.concepts.size > 0 && b.concepts.size > 0 && disjoint(a.concepts, b.concepts) ? 1 : 0,
    numbers_match: has('numbers_match'),
    numbers_differ: has('numbers_differ'),
    numbers_one_side: (a.numbers.size > 0) !== (b.numbers.size > 0) ? 1 : 0,
    // «урежут вдвое» / «отменят»: a multiple a retelling keeps, in whatever form.
    times_one_side: statesTimes(a) !== statesTimes(b) ? 1 : 0,
    places_match: has('places_match'),
    places_differ: has('places_differ'),
    elsewhere_vs_none: (a.elsewhere && b.towns.size === 0) || (b.elsewhere && a.towns.size === 0) ? 1 : 0,
    entities_match: a.entities.size > 0 && !disjoint(a.entities, b.entities) ? 1 : 0,
    entities_differ: aOwn > 0 && bOwn > 0 ? 1 : 0,
    debunk_vs_claim: has('debunk_vs_claim'),
    // Two denials of one rumour share its words; two denials of two rumours share only the denying.
    both_debunk: a.debunk && b.debunk ? topicContainment(a, b) : 0,
    negation_differs: has('negation_differs'),
    subject_differs: has('subject_differs'),
    predicate_agree: lexicons && a.predicates.size > 0 && b.predicates.size > 0 && !disjoint(a.predicates, b.predicates) ? 1 : 0,
    predicate_differs: has('predicate_differs'),
    no_predicate: has('no_predicate'),
    topic_only: has('topic_only'),
    other_subject: swapped ? Math.min(2, swapped.split(',').length) / 2 : 0,
    length_ratio: sizes[1] === 0 ? 0 : sizes[0] / sizes[1],
    // Every measure of shared content high at once: a retelling shares roots, letters and cores alike.
    overlap_all: 0,
    reason_differs: a.reasons.size > 0 && b.reasons.size > 0 && disjoint(a.reasons, b.roots) && disjoint(b.reasons, a.roots) ? 1 : 0,
  };
  f.overlap_all = Math.min(f.chars, f.contain, f.cores) ** 2;
  return { values: CLAIM_FEATURES.map((k) => f[k]), reasons: rule.reasons };
}

/** The model was fitted on these features: checked when scoring, so that `npm run train:claims` can load a changed feature list. */
const MODEL_MATCHES = CLAIM_MODEL.features.join(',') === CLAIM_FEATURES.join(',');

/**
 * Hard disagreements: another number or date, another town or part of it, a town against a text
 * naming none, a denial against the claim, a negated fact, another object of a class, another kind
 * of happening. A pair with one is another claim however many words it shares — sharing them is
 * what a hard negative does — so it is a veto, not a weight.
 */
const HARD = /^(numbers_differ|places_differ|town_vs_capital|debunk_vs_claim|negation_differs|subject_differs|predicate_differs)/;
export const isVetoed = (reasons: readonly string[]): boolean => reasons.some((r) => HARD.test(r));

/** No content root and no near-duplicate feature in common (no dev pair of one claim is such). */
export function nothingShared(a: ClaimFingerprint, b: ClaimFingerprint): boolean {
  return intersect(a.roots, b.roots) === 0 && jaccard(a.nearDup, b.nearDup) === 0;
}

/**
 * How alike two fingerprints are as claims, 0..1: a logistic regression over claimFeatures,
 * trained on the dev pairs of data/claims (`npm run train:claims`) and scaled so that the
 * threshold chosen on held-out dev families reads 0.5 (suggest) and the auto-link one 0.6. A hard
 * disagreement (isVetoed) multiplies it by CLAIM_WEIGHTS.differ, below the default bands.
 */
export function claimSimilarity(a: ClaimFingerprint, b: ClaimFingerprint): ClaimSimilarity {
  // Very short texts carry too little to match on.
  if (a.roots.size < 2 || b.roots.size < 2) return { score: 0, reasons: ['too_short'] };
  // Most pairs a post meets (one per live claim text) share nothing: answered before the features.
  if (nothingShared(a, b)) return { score: 0, reasons: ['nothing_shared'] };
  if (!MODEL_MATCHES) throw new Error('src/text/claim-model.ts was trained on other features: run npm run train:claims');
  const { values, reasons } = claimFeatures(a, b);
  if (copyOf(a, b, values, reasons)) return { score: copyScore(a, b), reasons: [...reasons, 'copy'] };
  let z = CLAIM_MODEL.bias;
  values.forEach((v, i) => (z += v * (CLAIM_MODEL.weights[i] ?? 0)));
  const score = 1 / (1 + Math.exp(-z));
  return { score: isVetoed(reasons) ? score * CLAIM_WEIGHTS.differ : score, reasons };
}

/**
 * Best similarity of `post` to any of a claim's texts. A post that is one of those texts with one
 * thing changed — a near copy of it (copy shingles ≥ COPY_LINK) that hard-disagrees with it
 * (another number, town, the denial) — is another claim, even when a shorter text of the claim
 * (its title, naming no number) would match it: its best score is cut as a veto cuts a pair.
 */
export function bestSimilarity(post: ClaimFingerprint, claimTexts: readonly ClaimFingerprint[]): ClaimSimilarity {
  let best: ClaimSimilarity = { score: 0, reasons: [] };
  let contradicted: string[] | null = null;
  for (const t of claimTexts) {
    const s = claimSimilarity(post, t);
    if (s.score > best.score) best = s;
    if (!contradicted && isVetoed(s.reasons) && copySimilarity(post, t) >= COPY_LINK) contradicted = s.reasons.filter((r) => HARD.test(r));
  }
  if (contradicted && !best.reasons.includes('copy')) return { score: best.score * CLAIM_WEIGHTS.differ, reasons: [...best.reasons, ...contradicted.map((r) => `claim_text:${r}`)] };
  return best;
}

/** Thresholds of the two bands: at or above `link` a post joins the claim; at or above `suggest` the desk is asked. */
export interface MatchBands {
  link: number;
  suggest: number;
}

export const DEFAULT_MATCH_BANDS: MatchBands = { link: 0.6, suggest: 0.5 };

export function bandOf(score: number, bands: MatchBands): 'link' | 'suggest' | null {
  if (score >= bands.link) return 'link';
  if (score >= bands.suggest) return 'suggest';
  return null;
}
