/** Pure rules of the misinformation desk: statuses, verdicts, reach and priority, acceleration, matching. */
import { describe, expect, it } from 'vitest';
import { canMoveStatus, isAccelerating, queuePriority, reachOf, riskFromVerdict, verdictNeedsEvidence, warningText } from '../../src/domain/claim';
import { regionPlaces } from '../../src/services/claim-matcher.service';
import { loadRegion } from '../../src/services/gazetteer.service';
import { CLAIM_MODEL } from '../../src/text/claim-model';
import { bandOf, bestSimilarity, CLAIM_FEATURES, claimFeatures, claimFingerprint, claimSimilarity, DEFAULT_MATCH_BANDS } from '../../src/text/claim-similarity';

const places = regionPlaces(loadRegion('omsk'));
const sim = (a: string, b: string) => claimSimilarity(claimFingerprint(a, { places }), claimFingerprint(b, { places }));
const debunk = (t: string) => claimFingerprint(t, { places }).debunk;
const numbers = (t: string) => [...claimFingerprint(t, { places }).numbers];

describe('claim workflow', () => {
  it('moves unstarted → in progress, reopens a verdict, and never jumps to a verdict by hand', () => {
    expect(canMoveStatus('unstarted', 'in_progress')).toBe(true);
    expect(canMoveStatus('verdict', 'in_progress')).toBe(true);
    expect(canMoveStatus('in_progress', 'verdict')).toBe(false);
    expect(canMoveStatus('unstarted', 'verdict')).toBe(false);
  });

  it('asks evidence of false and manipulation, and sets risk from the verdict', () => {
    expect(verdictNeedsEvidence('false')).toBe(true);
    expect(verdictNeedsEvidence('manipulation')).toBe(true);
    expect(verdictNeedsEvidence('unverifiable')).toBe(false);
    expect(riskFromVerdict('false')).toBe(1);
    expect(riskFromVerdict('true')).toBe(0);
    expect(riskFromVerdict('unverifiable')).toBeNull();
  });

  it('writes the warning with claim, verdict, debunk and sources', () => {
    const text = warningText({ title: 'Вода отравлена' }, { value: 'false', debunk: 'Вода в норме.', evidence: [{ kind: 'official_source', url: 'https://gov.example/1', title: 'Заявление', publisher: 'Минздрав' }], analyst: { id: 'u', username: 'desk' }, at: '2026-01-01T00:00:00Z' });
    expect(text).toContain('«Вода отравлена»');
    expect(text).toContain('Вердикт: Ложь');
    expect(text).toContain('Минздрав: Заявление https://gov.example/1');
  });
});

describe('queue ranking and spread', () => {
  it('reach counts views and weighs reposts over comments over likes', () => {
    expect(reachOf(undefined)).toBe(0);
    expect(reachOf({ views: 100, likes: 1, comments: 1, reposts: 1 })).toBe(114);
  });

  it('priority grows with risk, reach and velocity', () => {
    const base = queuePriority(0.5, 100, 1);
    expect(queuePriority(0.9, 100, 1)).toBeGreaterThan(base);
    expect(queuePriority(0.5, 10_000, 1)).toBeGreaterThan(base);
    expect(queuePriority(0.5, 100, 20)).toBeGreaterThan(base);
    expect(queuePriority(0.5, 0, 0)).toBeGreaterThan(0);
  });

  it('a claim accelerates at N copies an hour, more than the hour before', () => {
    expect(isAccelerating(10, 3, 10)).toBe(true);
    expect(isAccelerating(9, 3, 10)).toBe(false);
    expect(isAccelerating(10, 12, 10)).toBe(false);
  });
});

describe('claim matching', () => {
  const rumour = 'СРОЧНО! В Омске отравлена вода в водопроводе, уже 40 человек в реанимации, не пейте из-под крана';
  it('links a copy, suggests a retelling', () => {
    expect(bandOf(sim(rumour, 'срочно в омске отравили воду в водопроводе, 40 человек в реанимации!!! не пейте из крана, перешлите').score, DEFAULT_MATCH_BANDS)).toBe('link');
    expect(bandOf(sim(rumour, 'Омичи, водопроводную воду лучше не пить — её отравили, человек 40 лежат в реанимации, об этом молчат').score, DEFAULT_MATCH_BANDS)).not.toBeNull();
  });

  it('links a near copy whatever the combiner says: forward header, typos, emoji, «ПЕРЕШЛИТЕ ВСЕМ»', () => {
    const copy = sim(rumour, '↪️ Переслано от Омск Сейчас\nсрочно!!! в омске отравленна вода в водопроводе 😱 уже 40 человек в реанимаций, не пейте из под крана!!! ПЕРЕШЛИТЕ ВСЕМ 🙏');
    expect(copy.reasons).toContain('copy');
    expect(bandOf(copy.score, DEFAULT_MATCH_BANDS)).toBe('link');
    expect(sim(rumour, `Forwarded from Омск Live: ${rumour} 😱😱`).reasons).toContain('copy');
    // One change makes another claim, however much of the text is copied: a number, a town, the denial never link.
    for (const other of [
      'СРОЧНО! В Омске отравлена вода в водопроводе, уже 60 человек в реанимации, не пейте из-под крана',
      'СРОЧНО! В Таре отравлена вода в водопроводе, уже 40 человек в реанимации, не пейте из-под крана',
      'ФЕЙК: «в Омске отравлена вода в водопроводе, уже 40 человек в реанимации» — неправда, вода соответствует нормам',
    ]) {
      const r = sim(rumour, other);
      expect(r.reasons).not.toContain('copy');
      expect(bandOf(r.score, DEFAULT_MATCH_BANDS)).not.toBe('link');
    }
    // Against a claim: the title names no number, but the post is the claim's own text with another number.
    const fp = (t: string) => claimFingerprint(t, { places });
    const other = fp('СРОЧНО! В Омске отравлена вода в водопроводе, уже 60 человек в реанимации, не пейте из-под крана');
    const vsClaim = bestSimilarity(other, [fp('В Омске отравлена вода в водопроводе'), fp(rumour)]);
    expect(vsClaim.reasons).toContain('claim_text:numbers_differ');
    expect(bandOf(vsClaim.score, DEFAULT_MATCH_BANDS)).toBeNull();
    // A word swapped or added is no copy: the combiner judges it («в бассейне», «школы»).
    expect(sim(rumour, 'СРОЧНО! В Омске отравлена вода в бассейне, уже 40 человек в реанимации, не пейте из-под крана').reasons).not.toContain('copy');
    expect(sim(rumour, 'СРОЧНО! В Омске отравлена вода в водопроводе школы, уже 40 человек в реанимации, не пейте из-под крана').reasons).not.toContain('copy');
  });

  it('keeps apart another town, another number, and the official denial', () => {
    const tara = sim(rumour, 'СРОЧНО! В Таре отравлена вода в водопроводе, уже 40 человек в реанимации, не пейте из-под крана');
    expect(tara.reasons).toContain('places_differ');
    expect(bandOf(tara.score, DEFAULT_MATCH_BANDS)).not.toBe('link');
    const other = sim('На улице Гагарина 12 утечка газа, жильцов выселяют', 'На улице Гагарина 40 утечка газа, жильцов выселяют');
    expect(other.reasons).toContain('numbers_differ');
    expect(bandOf(other.score, DEFAULT_MATCH_BANDS)).not.toBe('link');
    const denial = sim(rumour, 'Информация об отравлении воды в водопроводе Омска — фейк, в реанимации отравившихся нет');
    expect(denial.reasons).toContain('debunk_vs_claim');
    expect(bandOf(denial.score, DEFAULT_MATCH_BANDS)).toBeNull();
  });

  it('reads numbers written in words and with thousands separated', () => {
    const r = sim('Семьям с детьми выплатят 15 000 рублей через Госуслуги', 'семьям с детьми дадут 15 тысяч рублей через госуслуги');
    expect(r.reasons).toContain('numbers_match');
  });

  it('keeps apart another district, street or landmark of the same city, and names «омичи» as Omsk', () => {
    const kirov = sim('Мамочки Советского округа! Возле школ ездит белый микроавтобус без номеров', 'Мамочки Кировского округа! Возле школ ездит белый микроавтобус без номеров');
    expect(kirov.reasons).toContain('places_differ');
    expect(bandOf(kirov.score, DEFAULT_MATCH_BANDS)).toBeNull();
    const street = sim('С 1 июня на Красном Пути включат камеры, штраф 5000 за выделенку', 'С 1 июня на улице Ленина включат камеры, штраф 5000 за выделенку');
    expect(street.reasons).toContain('places_differ');
    const landmark = sim('Горит рынок в парке Победы, внутри люди', 'Горит рынок в ТЦ Мега, внутри люди');
    expect(landmark.reasons).toContain('places_differ');
    expect(sim('Омичи, воду из-под крана не пейте — её отравили', 'В Таре воду в водопроводе отравили, из крана не пить').reasons).toContain('places_differ');
    // «по Омской области» is the whole region, not the city: no disagreement with Tara.
    expect(claimFingerprint('Соцфонд по Омской области сообщил', { places }).names.size).toBe(0);
  });

  it('reads dates: another month or weekday is another claim; ordinals count before a month', () => {
    expect(sim('С 1 апреля хлеб подорожает на 30%', 'С 1 мая хлеб подорожает на 30%').reasons).toContain('numbers_differ');
    expect(sim('С 9 по 11 мая отключат мобильный интернет в Омске', 'С девятого по одиннадцатое мая мобильный интернет в Омске отключат').reasons).toContain('numbers_match');
    expect(sim('тариф на мусор с 1 июля вырастет в два раза', 'плата за мусор с 1 июля удвоится').reasons).toContain('numbers_match');
  });

  it('tells the negated fact from the fact, but not advice («не пейте») from a claim', () => {
    const flipped = sim('В Исилькуле 15 января отключат газ всем должникам', 'В Исилькуле газ должникам 15 января не отключат, зимой запрещено');
    expect(flipped.reasons).toContain('negation_differs');
    expect(bandOf(flipped.score, DEFAULT_MATCH_BANDS)).toBeNull();
    expect(sim('в нефтяниках выброс аммиака с завода, на улицу не выходить', 'В Нефтяниках выброс аммиака на заводе, не выходите на улицу').reasons).not.toContain('negation_differs');
  });

  it('keeps apart another disease, product or utility in the same template, and says which', () => {
    const milk = sim('С 1 апреля хлеб в Омской области подорожает на 30%', 'С 1 апреля молоко в Омской области подорожает на 30%');
    expect(milk.reasons).toContain('subject_differs:bread/milk');
    expect(bandOf(milk.score, DEFAULT_MATCH_BANDS)).toBeNull();
    expect(bandOf(sim('В школе №77 вспышка кори, класс закрыли на карантин', 'Школу №77 закрыли на карантин по гриппу').score, DEFAULT_MATCH_BANDS)).toBeNull();
  });

  it('denials in other words are denials («информация ложная», «выдумка», «не подтвердились»)', () => {
    for (const t of ['Россети: отключения света завтра не будет, информация ложная', 'ЦОДД: новых камер не будет, это выдумка', 'Слухи о похищениях не подтвердились']) expect(claimFingerprint(t, { places }).debunk).toBe(true);
  });

  it('an authority that says «не» denies; a rumour shouting «ВНИМАНИЕ:» does not', () => {
    expect(claimFingerprint('Роспотребнадзор: отравления детей в детском саду №120 не было', { places }).debunk).toBe(true);
    expect(claimFingerprint('РЭК: рост тарифа составит 9,5 процента, а не 15, как пишут в пабликах', { places }).debunk).toBe(true);
    expect(claimFingerprint('Парад в Омске не отменяется, сообщили в администрации', { places }).debunk).toBe(true);
    expect(claimFingerprint('ВНИМАНИЕ: завтра в Омске света не будет весь день', { places }).debunk).toBe(false);
  });

  it('what happens must agree: the same topic with another predicate is another rumour', () => {
    const fare = sim('С 1 сентября в Омске уберут все троллейбусы, контактную сеть снимут', 'С 1 сентября проезд в троллейбусах Омска подорожает до 50 рублей');
    expect(fare.reasons.some((r) => r.startsWith('predicate_differs'))).toBe(true);
    expect(bandOf(fare.score, DEFAULT_MATCH_BANDS)).toBeNull();
    // «не будет», «кончится», «закроют» are one kind: a service stops.
    expect(sim('Бензина в Омске скоро не будет, НПЗ остановили', 'омский нпз встал, через неделю бензин кончится').reasons.some((r) => r.startsWith('predicate_differs'))).toBe(false);
  });

  it('an object named by each side on its own is another object, even when both name a third', () => {
    const kg = sim('В детском саду №120 дети отравились кашей, восемь малышей увезли в больницу', 'В школе №120 дети отравились в столовой, восемь учеников увезли в больницу');
    expect(kg.reasons.some((r) => r.startsWith('subject_differs'))).toBe(true);
    expect(bandOf(kg.score, DEFAULT_MATCH_BANDS)).toBeNull();
    expect(bandOf(sim('С 10 по 24 июля в Советском округе отключат горячую воду', 'С 10 по 24 июля в Советском округе отключат холодную воду').score, DEFAULT_MATCH_BANDS)).toBeNull();
  });

  it('a short text that only names the topic does not reach the desk', () => {
    const r = sim('В парке 30-летия ВЛКСМ клещи заражены энцефалитом, за выходные 20 укусов', 'Клещи в парке ВЛКСМ, осторожно');
    expect(r.reasons).toContain('topic_only');
    expect(bandOf(r.score, DEFAULT_MATCH_BANDS)).toBeNull();
  });

  it('reads holidays as dates and compound numbers whole; an unknown neighbourhood after «в» is a place', () => {
    expect(sim('к 9 мая пенсионерам дадут по 10 000 рублей', 'Пенсионерам к Дню Победы положена выплата 10000 рублей').reasons).toContain('numbers_match');
    expect(sim('с 10 по 24 июля без горячей воды', 'горячей воды не будет с десятого по двадцать четвёртое июля').reasons).toContain('numbers_match');
    expect(sim('В Амуре орудует маньяк, нападает на женщин у остановок', 'В Нефтяниках орудует маньяк, нападает на женщин у остановок').reasons).toContain('places_differ');
  });

  it('reads oblique cardinals and day ranges; «вместо N» and a number in a name («ТГК-11») are not figures', () => {
    expect(sim('С 1 августа в Омске ограничение скорости 40 км/ч', 'с первого августа по омску ездить не быстрее сорока').reasons).toContain('numbers_match');
    expect(sim('С 10 по 24 июля в Советском округе отключат горячую воду', 'горячей воды в Советском округе не будет с десятого по двадцать четвёртое июля').reasons).toContain('numbers_match');
    expect([...claimFingerprint('с августа в городе лимит 40 километров в час вместо 60', { places }).numbers]).toEqual(['m8', '40']);
    expect(claimFingerprint('ТГК-11: отопление дадут по погоде', { places }).numbers.size).toBe(0);
  });

  it('two names in one slot of a template are two rumours («Пятёрочка» / «Магнит»)', () => {
    const r = sim('Пятёрочка уходит из Омской области, до конца месяца закроют все магазины сети', 'Магнит уходит из Омской области, до конца месяца закроют все магазины сети');
    expect(r.reasons.some((x) => x.startsWith('other_subject:'))).toBe(true);
    expect(bandOf(r.score, DEFAULT_MATCH_BANDS)).not.toBe('link');
  });

  it('a capitalised town other than the capital disagrees with a text naming no place; a prefix inside a sentence does not', () => {
    expect(sim('В Таре отопление дадут только с 1 октября, котельные экономят уголь', 'Отопление дадут только с первого октября, экономят уголь').reasons).toContain('town_vs_capital');
    expect(claimFingerprint('В роддоме №1 у новорождённых стафилококк', { places }).elsewhere).toBe(false);
    expect(claimFingerprint('тара: иртыш поднимется на три метра', { places }).elsewhere).toBe(true);
  });

  it('an opening address is not a swapped subject; «без X» is no denial of X; colloquial sums are numbers', () => {
    // «Поклонники Шамана, …» says who is told: no slot against «Концерт».
    const r = sim('Концерт Шамана в Омске 20 июня отменили, билеты вернут в кассах', 'Поклонники Шамана, выступления 20 июня в Омске не будет — организаторы отменили, за билеты вернут деньги');
    expect(r.reasons.find((x) => x.startsWith('other_subject:')) ?? '').not.toContain('поклонники');
    // «компенсации не дадут» and «без всякой компенсации» say the same.
    expect(sim('В Азовском районе всех свиней в подворьях будут уничтожать, компенсации не дадут', 'Жители Азовского района, свиней в подворьях уничтожат без всякой компенсации').reasons).not.toContain('negation_differs');
    expect(sim('газ в Исилькуле отключат должникам 15 января', 'газ в Исилькуле должникам 15 января не отключат').reasons).toContain('negation_differs');
    expect([...claimFingerprint('за парковку будут брать сотку в час', { places }).numbers]).toContain('100');
    // «увезли в больницу» is no attack.
    expect(claimFingerprint('восемь малышей увезли в больницу', { places }).predicates.has('attacked')).toBe(false);
  });

  it('a word heading the text before a colon is a name; verb prefixes meet in the cores', () => {
    const a = claimFingerprint('альбатрос: в воде кишечная палочка, 10 детей отравились', { places });
    const b = claimFingerprint('В бассейне «Динамо» нашли кишечную палочку, десять детей с отравлением', { places });
    expect(claimFeatures(a, b).values[CLAIM_FEATURES.indexOf('entities_differ')]).toBe(1);
    const x = claimFingerprint('В парке будут выключать фонари', { places });
    const y = claimFingerprint('в парке отключат фонари', { places });
    expect([...x.roots].some((r) => y.roots.has(r) && r.startsWith('выкл'))).toBe(false);
    expect([...x.cores].sort()).toEqual([...y.cores].sort());
    // Retellings in other verbs meet in a paraphrase concept («сбежал» / «вырвался», «умер» / «погиб»).
    const root = (t: string, w: string) => [...claimFingerprint(t, { places }).roots].find((r) => r.startsWith('~') && claimFingerprint(w, { places }).roots.has(r));
    expect(root('Из зоопарка сбежал тигр', 'тигр вырвался из вольера')).toBe('~escape');
    expect(root('в зоопарке умер тигр', 'в зоопарке погиб тигр')).toBe('~die');
    expect(root('сеть уходит из региона', 'X5 сворачивает магазины')).toBe('~leave');
  });

  it('denials without the usual cues, and an authority saying all goes on, are debunks; a payment withheld is not', () => {
    expect(debunk('В парке убирают сухие деревья, никакой застройки там не будет')).toBe(true);
    expect(debunk('Никакого нового штрафа за траву на дачах с июля нет, закон не менялся')).toBe(true);
    expect(debunk('Мэрия: запрещать кикшеринг в Омске никто не собирается')).toBe(true);
    expect(debunk('Прокатные самокаты продолжат работать в Омске весь сезон, сообщили в мэрии')).toBe(true);
    expect(debunk('Свиней будут уничтожать, никаких выплат не будет')).toBe(false);
    expect(debunk('Прокатные самокаты продолжат работать до октября, потом их уберут')).toBe(false);
    // Two denials of one rumour in their own verbs are not told apart by what they deny.
    const two = claimFeatures(claimFingerprint('УФПС: сельские отделения продолжают работать, сокращать их не планируем', { places }), claimFingerprint('Про закрытие сельских почт — неправда, ни одно отделение не закрывается', { places }));
    expect(two.reasons.some((r) => r.startsWith('predicate_differs'))).toBe(false);
  });

  it('numbers: collective numerals, a number glued to a unit word, «11 вечера»', () => {
    const nums = (t: string) => [...claimFingerprint(t, { places }).numbers].sort();
    expect(nums('уже десятеро заболели')).toEqual(['10']);
    expect(nums('двухнедельного отключения не будет')).toEqual(['~14d']);
    expect(nums('лифты отключат с 11 вечера до 6 утра')).toEqual(nums('лифты отключат с 23 до 6 часов'));
  });

  it('what a fine or a cause is for: another reason is flagged, the same reason in other words is not', () => {
    const f = (x: string, y: string) => claimFeatures(claimFingerprint(x, { places }), claimFingerprint(y, { places })).values[CLAIM_FEATURES.indexOf('reason_differs')];
    expect(f('С 1 июля за некошеную траву на даче будут штрафовать на 5000 рублей', 'С 1 июля за костёр на даче будут штрафовать на 5000 рублей')).toBe(1);
    expect(f('штраф 5000 за езду по выделенке', 'по пять тысяч за выделенную полосу')).toBe(0);
    expect(f('школы закрывают на карантин по гриппу', 'школы переводят на дистанционку из-за морозов')).toBe(1);
    // «за неделю» measures time; it is no reason.
    expect(claimFingerprint('три нападения за неделю', { places }).reasons.size).toBe(0);
  });

  it('«Максим» is a name, not the messenger «Макс»', () => {
    expect(claimFingerprint('Такси Максим уходит из Омска', { places }).entities.has('макс')).toBe(true);
  });

  it('a template whose sides each keep a noun of their own is flagged («Яндекс Такси» / «Такси Максим»), a copy is not', () => {
    const f = (x: string, y: string) => claimFeatures(claimFingerprint(x, { places }), claimFingerprint(y, { places })).values[CLAIM_FEATURES.indexOf('template_own')];
    expect(f('Яндекс Такси уходит из Омска с 1 марта, водители уже переходят в другие службы', 'Такси Максим уходит из Омска с 1 марта, водители уже переходят в другие службы')).toBe(1);
    expect(f('Яндекс Такси уходит из Омска с 1 марта, водители уже переходят в другие службы', 'яндекс такси уходит из омска с 1 марта!!! водители уже переходят в другие службы')).toBe(0);
  });

  it('the combiner reads the features it was trained on, each in 0..1', () => {
    expect([...CLAIM_MODEL.features]).toEqual([...CLAIM_FEATURES]);
    const { values } = claimFeatures(claimFingerprint(rumour, { places }), claimFingerprint('Омичи, водопроводную воду лучше не пить — её отравили, человек 40 лежат в реанимации', { places }));
    expect(values).toHaveLength(CLAIM_FEATURES.length);
    for (const v of values) expect(v >= 0 && v <= 1).toBe(true);
    // Without the word lists the lexicon features are silent.
    const bare = claimFeatures(claimFingerprint(rumour, { places }), claimFingerprint(rumour, { places }), { lexicons: false }).values;
    for (const k of ['concepts', 'concepts_differ', 'predicate_agree', 'subject_differs', 'predicate_differs', 'no_predicate', 'topic_only'] as const) expect(bare[CLAIM_FEATURES.indexOf(k)]).toBe(0);
  });
});

describe('claim matching, round 7: retellings across registers', () => {
  const nums = (t: string) => [...claimFingerprint(t, { places }).numbers].sort();

  it('reads multiples, spans and dates in their other forms', () => {
    for (const t of ['подорожает в три раза', 'втрое дороже', 'электрички x3 по цене', 'трёхкратное повышение']) expect(nums(t)).toEqual(['x3']);
    expect(nums('Было 100 — станет 300')).toEqual(['100', '300', 'x3']);
    for (const t of ['урежут наполовину', 'урежут ровно на половину', 'сократится в 2 раза', 'уполовинят']) expect(nums(t)).toEqual(['x2']);
    expect(nums('на две недели')).toEqual(nums('на 14 дней'));
    expect(nums('на месяц без воды')).toEqual(nums('на четыре недели без воды'));
    expect(nums('месяц без воды')).toEqual(['~30d']);
    expect(nums('С 1.01 льготы убирают')).toEqual(nums('с 1 января льготы убирают'));
    expect(nums('с пн дистант')).toEqual(['d1']);
  });

  it('a range of days without a month is a span; hours are not', () => {
    expect(nums('с 12 числа по 19-е воды не будет')).toContain('~7d');
    expect(nums('с 12 числа и до 12-го следующего месяца воды не будет')).toContain('~30d');
    expect(nums('с 8 до 20 света не будет')).toEqual(['20', '8']);
  });

  it('flags a multiple stated by one side only («урежут вдвое» / «отменят»)', () => {
    const f = (x: string, y: string) => claimFeatures(claimFingerprint(x, { places }), claimFingerprint(y, { places })).values[CLAIM_FEATURES.indexOf('times_one_side')];
    expect(f('пенсионерам урежут льготы вдвое', 'пенсионерам отменят льготы')).toBe(1);
    expect(f('пенсионерам урежут льготы вдвое', 'льготы пенсионерам сократят в 2 раза')).toBe(0);
  });

  it('a neighbourhood lies inside its district, a nickname is the district; a name the other text writes is the same place', () => {
    const places_ = (x: string, y: string) => sim(x, y).reasons.filter((r) => r.startsWith('places_'));
    expect(places_('у нас на Московке воду выключат на тридцать дней', 'в Ленинском округе на месяц отключат воду')).toEqual(['places_match']);
    expect(places_('у нас на Московке воду выключат на тридцать дней', 'в Кировском округе на месяц отключат воду')).toEqual(['places_differ']);
    expect(places_('на северах опять воняет химией, на заводе выброс', 'в Советском округе выброс на химзаводе')).toEqual(['places_match']);
    expect(places_('на северах опять воняет химией, на заводе выброс', 'в Нефтяниках смог от химзавода')).toEqual(['places_match']);
    expect(places_('у нас на Московке воду выключат на месяц', 'в Порт-Артуре воду выключат на месяц')).toEqual(['places_differ']);
    expect(places_('ТЦ «Сибирский Пассаж» заминирован, всех вывели', 'в Пассаже ищут бомбу, всех вывели')).toEqual(['places_match']);
    expect(places_('ТЦ «Мега» заминирован, всех вывели', 'ТЦ «Континент» заминирован, всех вывели')).toEqual(['places_differ']);
    // «до Марьяновки» is where a route ends, not a town the claim is about.
    expect(claimFingerprint('электрички втрое дороже, до Марьяновки как на автобусе', { places }).elsewhere).toBe(false);
  });

  it('numbers disagree only within a kind: when is no disagreement with how long', () => {
    expect(sim('С понедельника в Кировском округе отключают воду на месяц', 'В Кировском округе воды не будет 30 дней').reasons).not.toContain('numbers_differ');
    expect(sim('С понедельника в Кировском округе отключают воду на месяц', 'С понедельника в Кировском округе отключают воду на неделю').reasons).toContain('numbers_differ');
    expect(sim('электрички подорожают втрое', 'электрички подорожают в 2 раза').reasons).toContain('numbers_differ');
  });

  it('reads denials that tell readers not to believe («не ведитесь», «да какие волки», «сообщения … ложными»)', () => {
    expect(debunk('Друзья, не ведитесь на рассылку про месяц без воды')).toBe(true);
    expect(debunk('Да какие волки в Крутинке, это бродячие собаки. Не нагнетайте')).toBe(true);
    expect(debunk('Льготы сохранятся — в ведомстве назвали сообщения об их отмене ложными.')).toBe(true);
    expect(debunk('В Крутинке волки по улицам ходят, собаку утащили')).toBe(false);
  });
});

describe('claim matching, round 11: hearsay, long spans, towns beyond the capital', () => {

  it('hearsay from someone who works at the mayor’s office is the rumour, not the authority denying it', () => {
    expect(debunk('Сестра в мэрии работает, сказала: с 1 апреля набережную закрывают. Машины тоже пускать не будут')).toBe(false);
    expect(debunk('Кума у меня в районной администрации, сказала по секрету: пенсионерам дают уголь. Официально пока не объявляли')).toBe(false);
    expect(debunk('Мэрия Омска: набережную не закрывают, работы идут на одном участке')).toBe(true);
  });

  it('a denial cue inside quotes is quoted, not said', () => {
    expect(debunk('тара, иртыш, дохлая рыба ковром. ждём официальное «всё в норме»')).toBe(false);
    expect(debunk('в Таре гибели рыбы не выявлено, вода в норме')).toBe(true);
  });

  it('reads spans in months and years, half a year and «навсегда»', () => {
    expect(numbers('работы на 24 месяца')).toEqual(numbers('работы на 2 года'));
    expect(numbers('закрывают на целых полгода')).toEqual(numbers('закрывают на шесть месяцев'));
    expect(numbers('закрывают на год')).toEqual(numbers('закрывают на 12 месяцев'));
    expect(numbers('на Новый год салюты запретят')).not.toContain('~360d');
    expect(sim('С 1 апреля набережную закрывают на полгода', 'С 1 апреля набережную закрывают на 5 лет').reasons).toContain('numbers_differ');
    expect(sim('ПЕРЕЕЗД В КОРМИЛОВКЕ ЗАКРЫВАЮТ НАВСЕГДА С 1 АВГУСТА', 'С 1 августа переезд в Кормиловке закрывают на три месяца').reasons).toContain('numbers_differ');
  });

  it('two routes out of the capital to two towns are two places', () => {
    expect(sim('ОМСК-КАЛАЧИНСК С 1 ИЮЛЯ ПЛАТНО 300 Р', 'С 1 июля трасса Омск — Тюкалинск станет платной, 300 рублей').reasons).toContain('places_differ');
    expect(sim('ОМСК-КАЛАЧИНСК С 1 ИЮЛЯ ПЛАТНО 300 Р', 'С 1 июля трасса Омск — Калачинск станет платной, 300 рублей').reasons).toContain('places_match');
  });

  it('a landmark’s hyphenated name is its own, and a verb after the landmark is no name', () => {
    const r = sim('с 1 января Старо-Восточное кладбище Омска закроют для захоронений', 'С 1 ЯНВАРЯ СЕВЕРО-ВОСТОЧНОЕ КЛАДБИЩЕ ЗАКРЫВАЮТ ДЛЯ ЗАХОРОНЕНИЙ').reasons;
    expect(r).toContain('places_differ');
    expect([...claimFingerprint('кладбище закрывают для захоронений', { places }).names]).toEqual([]);
    // «северо-» opens a compound adjective; it is not the nickname «на северах».
    expect([...claimFingerprint('Северо-Восточное кладбище закрывают', { places }).parts]).not.toContain('omsk:сов');
  });

  it('another culprit of a spill is another rumour', () => {
    expect(sim('воду из-под крана не пить 3 дня, у водозабора перевернулся грузовик с химикатами', 'воду из-под крана не пить 3 дня, завод сбросил химикаты в Иртыш').reasons.some((x) => x.startsWith('subject_differs:'))).toBe(true);
  });
});

describe('claim matching, round 12: kin, money slang, month ranges, the surroundings of a town', () => {

  it('a weak denial inside a rumour passed on by kin is the rumour; a reply opening «Нет,» and an inspectorate explaining are denials', () => {
    expect(debunk('Сестра сидит в приёмной у депутата, говорит, всё уже решено: часы переводят вперёд. Обратно никто переводить не собирается.')).toBe(false);
    expect(debunk('Никто не собирается отключать газ, это старая рассылка')).toBe(true);
    expect(debunk('Нет, детский Нурофен из Омска не пропадал, препарат продаётся свободно.')).toBe(true);
    expect(debunk('В Госавтоинспекции Омской области разъяснили: обязательный техосмотр для личных автомобилей не возвращается.')).toBe(true);
  });

  it('«не подтвердилась» denies; a condition inside the rumour («если номер не подтверждён …») does not', () => {
    expect(debunk('Информация о закрытии не подтвердилась')).toBe(true);
    expect(debunk('Сведения не подтверждаются, сообщили в мэрии')).toBe(true);
    expect(debunk('если номер не подтверждён через госуслуги, симку заблокируют')).toBe(false);
    expect(debunk('кто не подтвердил номер до 1 марта — связь отключат')).toBe(false);
    expect(debunk('не подтвердите номер — заблокируют')).toBe(false);
    expect(claimFingerprint('Информация о закрытии не подтвердилась', { places }).denial).toBe('cue');
  });

  it('money slang is thousands only beside money; a range of months is a span; «не насовсем» is no span', () => {
    expect(numbers('кто без карты поедет, тому двушку штрафа выпишут')).toContain('2000');
    expect(numbers('сдаём двушку у парка')).not.toContain('2000');
    expect(numbers('переезд закроют на ремонт на всю осень, с августа по ноябрь')).toContain('~90d');
    expect(numbers('переезд не насовсем закроют, а на три месяца')).not.toContain('~100000d');
  });

  it('the surroundings of a town are not the town («над дачами под Омском» / «над Омском»)', () => {
    expect(sim('в ночь на субботу над дачами под Омском с самолёта будут распылять химию от комаров', 'в ночь на субботу над Омском с самолёта будут распылять химию от комаров').reasons).toContain('places_differ');
  });

  it('two debunks share no topic by their denial words alone', () => {
    expect(sim('звонила в соцзащиту — никаких отмен компенсации за квартплату нет', 'да не запретили никакой лес, в министерстве сказали враньё').reasons).not.toContain('places_match');
    const a = claimFingerprint('звонила в соцзащиту — никаких отмен компенсации за квартплату нет', { places });
    const b = claimFingerprint('да не запретили никакой лес, в министерстве сказали враньё', { places });
    expect([...a.topic].some((r) => b.topic.has(r))).toBe(false);
  });
});

describe('claim matching, round 13: questions, participles, landmarks, dates and false places', () => {
  const towns = (t: string) => [...claimFingerprint(t, { places }).towns];

  it('a cue in a question is asked; a participle «не подтверждённые» is the rumour; «это не так», «утка», «Официально:» deny', () => {
    expect(debunk('Правда, что у Мегафона до 1-го июня симки без подтверждения на Госуслугах заблокируют? Или это развод опять?')).toBe(false);
    expect(debunk('Номера, не подтверждённые через Госуслуги до 1 июня, будут отключены.')).toBe(false);
    expect(debunk('Информация не подтверждена.')).toBe(true);
    expect(debunk('Мы уточнили у рыбоохраны — это не так.')).toBe(true);
    expect(debunk('Про «платные лагеря» — утка. Всё как в прошлом году.')).toBe(true);
    expect(debunk('Официально: дефицита сахара в Омске нет, цены стабильные.')).toBe(true);
    expect(debunk('Фото снято не в Омске и не в этом году, выяснили журналисты.')).toBe(true);
  });

  it('two bridges are two places, though both texts name the river; a word after a landmark in lower case is no name', () => {
    expect(sim('У Юбилейного моста снег с улиц сваливают в Иртыш, сам видел.', 'ПОДРЯДЧИК МЭРИИ ПО НОЧАМ СВАЛИВАЕТ СНЕГ С УЛИЦ ПРЯМО В ИРТЫШ У ЛЕНИНГРАДСКОГО МОСТА').reasons).toContain('places_differ');
    expect([...claimFingerprint('у моста снег сваливают', { places }).parts]).toEqual([]);
    expect([...claimFingerprint('у метромоста снег ссыпают', { places }).parts]).toEqual([...claimFingerprint('у моста метро снег сбрасывают', { places }).parts]);
  });

  it('a day of a month is no figure against a sum; «в ночь на субботу» is Friday night; an age is no span; «3 косаря» is 3000', () => {
    expect(sim('С 1 сентября форма от одного поставщика обязательна', 'форма у одного поставщика за 12 тыщ').reasons).not.toContain('numbers_differ');
    expect(numbers('в ночь на субботу будут опрыскивать')).toEqual(numbers('в пятницу ночью будут опрыскивать'));
    expect(numbers('детям до 16 лет после 22:00 штраф 3 косаря').sort()).toEqual(numbers('детей до шестнадцати после десяти вечера штраф три тысячи').sort());
  });

  it('a verb, a generic word of a name, a person an institution is named after, and «северных районов» name no place', () => {
    expect(towns('Звонила в гороно (ну или как оно сейчас называется), сказали фейк')).toEqual([]);
    expect(towns('станцию у библиотеки Пушкина запустят')).toEqual([]);
    expect(towns('Жителей северных районов Омской области предупреждают')).toEqual([]);
    expect(towns('брат собирался туда рыбачить')).toEqual([]);
    expect(towns('На Иртыше под Тарой всплыла рыба')).toEqual(towns('в Таре в Иртыше рыба дохнет'));
    expect(sim('в Нефтяниках выброс аммиака с завода', 'Городок Нефтяников: после аварии на заводе в воздухе аммиак').reasons).not.toContain('places_differ');
  });
});

describe('claim matching, round 14: a cue under «не» affirms; time words are no landmark names; hearsay names no topic', () => {
  it('«не слухи это», «это не фейк» affirm the rumour; «не более чем слухи» still denies', () => {
    expect(debunk('у нас тоже после банки из магнита сыпь, так что не слухи это, нутрилон выкинула')).toBe(false);
    expect(debunk('это не фейк, сама видела')).toBe(false);
    expect(debunk('Информация не подтвердилась, это не более чем слухи')).toBe(true);
  });

  it('a time word after a landmark in a text in capitals is no name: two bridges stay two places', () => {
    expect(sim('СМОТРИТЕ ЧТО ТВОРЯТ!!! ВОЗЛЕ ЮБИЛЕЙНОГО МОСТА НОЧЬЮ СБРАСЫВАЮТ СНЕГ С ДОРОГ В ИРТЫШ!!!', 'Омичи, правда что у моста метро снег с дорог в Иртыш сбрасывают?').reasons).toContain('places_differ');
  });

  it('«знакомая в мэрии работает» names no topic; «не работает» does', () => {
    const hearsay = claimFingerprint('Кума сказала, у неё знакомая в мэрии работает — ёлку решили не ставить', { places });
    expect([...hearsay.concepts]).toEqual([]);
    expect([...claimFingerprint('лифт не работает третий день', { places }).concepts]).toContain('broken');
  });
});

describe('claim matching, round 15: more ways to deny', () => {
  it('«работает в обычном режиме», «открестился», «не разводите панику», «никто ничего не объявлял» deny; «это не развод» affirms', () => {
    expect(debunk('Льготный проезд для пенсионеров в Омске работает в обычном режиме и после Нового года продолжит работать.')).toBe(true);
    expect(debunk('Продуктовый ритейлер открестился от «юбилейного опроса» с денежными призами')).toBe(true);
    expect(debunk('Только что проехал у Тары по льду, всё открыто. Не разводите панику.')).toBe(true);
    expect(debunk('Никто ничего не объявлял. 29 декабря обычный рабочий день.')).toBe(true);
    expect(debunk('это не развод, а правда: с июля проезд отменят')).toBe(false);
  });
});
