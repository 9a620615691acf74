/**
 * The «отписка» detector: flags an answer that says nothing — no concrete action, no date or
 * time frame, no responsible person — or that is built from boilerplate («ваше обращение
 * рассмотрено», «будет рассмотрено в плановом порядке»). Pure: regular expressions over the
 * lower-cased text, a weighted score, and the reasons shown to the sender. The weights were set
 * on the tuning split of data/answers and the threshold is chosen there (`npm run eval:answers`).
 */

export interface FormalAnswerVerdict {
  formal: boolean;
  /** Higher = more formal; `formal` when ≥ the threshold. */
  score: number;
  /** Russian reasons for the sender (what is missing, which boilerplate was found). */
  reasons: string[];
}

/** Boilerplate that carries no information about the resident's problem. */
const BOILERPLATE: readonly [RegExp, string][] = [
  [/(ваше|данное|указанное)\s+(обращение|сообщение|заявление)\s+(было\s+)?(рассмотрен|принят|получен|зарегистрирован)/, 'ваше обращение рассмотрено'],
  [/(будет|будут)\s+(рассмотрен|изучен|проработан|учтен|учтён)/, 'будет рассмотрено'],
  [/в\s+(плановом|установленном|общем)\s+порядке/, 'в плановом порядке'],
  [/принят[аоы]?\s+(к\s+сведению|во\s+внимание|на\s+контроль)/, 'принято к сведению'],
  [/(по\s+мере|при\s+наличии)\s+(финансирования|возможности|средств|денежных)/, 'по мере финансирования'],
  [/в\s+(установленные|кратчайшие|возможно\s+короткие|разумные)\s+сроки/, 'в установленные сроки'],
  [/(направлен[оа]?|переадресован[оа]?|передан[оа]?)\s+(для\s+(рассмотрения|принятия\s+мер|сведения)|в\s+адрес|по\s+компетенции)/, 'направлено по компетенции'],
  [/(рекомендуем|вам\s+необходимо|вам\s+следует|предлагаем\s+вам)\s+обратиться/, 'рекомендуем обратиться'],
  [/не\s+(относится|входит)\s+(к|в)\s+(компетенци|полномочи)/, 'не относится к компетенции'],
  [/(необходимые|соответствующие|все\s+необходимые)\s+меры\s+(будут|приняты|принимаются)/, 'меры принимаются'],
  [/(ситуация|вопрос|проблема)\s+(находится|взят[аоы]?)\s+(на\s+контроле|под\s+контролем|на\s+контроль)/, 'вопрос на контроле'],
  [/работа\s+(в\s+данном\s+направлении|по\s+данному\s+вопросу)\s+(ведется|ведётся|проводится)/, 'работа ведётся'],
  [/(благодарим|спасибо)\s+(вас\s+)?за\s+(обращение|активную\s+гражданскую|неравнодуш|ваше\s+обращение|информацию|сигнал)/, 'благодарим за обращение'],
  [/(включен[оа]?|будет\s+включен[оа]?)\s+в\s+(план|перечень|программу)[^.]*?(на\s+)?(последующ|будущ|следующ)/, 'включено в план на будущие годы'],
  [/(в\s+рамках|согласно)\s+(действующего\s+законодательства|компетенции|утвержденн|утверждённ)/, 'согласно законодательству'],
  [/информаци[яю]\s+(принята|учтена|доведена)/, 'информация принята'],
];

/** Something was or will be done, concretely. */
const ACTION = /(устранен|устранён|устранили|восстановлен|восстановили|выполнен[аоы]?\b|выполнили|заменен|заменён|заменили|отремонтирован|отремонтировали|вывезен|вывезли|очищен|очистили|убран[аоы]?\b|убрали|установлен[аоы]?\b|установили|проведен[аоы]?\b|проведён|провели|подключен|подключили|начислен|пересчитан|перерасч|откачан|засыпан|заасфальтирован|залатан|отгрейдирован|обработан|запущен|возобновлен|возобновлён|бригада|выехал|выезд\s|выедет|приступ[иа]т|приступили|будет\s+(заменен|заменён|отремонтирован|восстановлен|вывезен|устранен|устранён|выполнен|установлен|проведен|проведён|очищен|подключен)|запланирован[аоы]?\s+на|отправлен[аоы]?\s+(бригада|машина|техника))/;

/** A date, time or time frame. */
const WHEN = /(\b\d{1,2}[.:]\d{2}\b|\b\d{1,2}\s+(январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)|\bдо\s+\d|\bк\s+\d|в\s+течение\s+(\d+|одного|двух|трех|трёх|пяти|недели|суток|дня|часа)|\bсегодня\b|\bзавтра\b|\bвчера\b|\bпонедельник|\bвторник|\bсред[уае]\b|\bчетверг|\bпятниц|\bсуббот|\bвоскресень|\b(в|с)\s+\d{1,2}\s*(час|ч\b)|\b20\d\d\s+год|\bдо\s+конца\s+(недели|дня|месяца)|\bв\s+\d{1,2}:\d{2}|\bчерез\s+\d|\bв\s+(первой|второй|третьей|последней)\s+декаде)/;

/** A responsible person or a way to reach one. */
const WHO = /(ответственн[а-яё]*\s*[—–-]?\s*[а-яё]*|мастер|инженер|прораб|начальник\s+участка|диспетчер|бригадир|\b[а-яё]+\s+[а-яё]\.\s*[а-яё]\.|\+7|\bтел\.|телефон\s*\d|\b8\s*\(\d{3,4}\)|\b\d{2}-\d{2}-\d{2}\b)/;

/** A concrete object: a house number, a street, a route, an amount. */
const WHAT = /(\bдом[ау]?\s*(№\s*)?\d|\bд\.\s*\d|\bул\.|\bулиц[аеыу]\s+[а-яё]|\bпр-?т|\bпроспект|\bмаршрут[ау]?\s*(№\s*)?\d|\bподъезд[ау]?\s*(№\s*)?\d|\b\d+\s*(руб|м\b|метр|кв\.?\s*м|контейнер)|\bкв\.\s*\d|\bшкол[аеыу]\s*№)/;

export interface FormalAnswerWeights {
  boilerplate: number;
  noAction: number;
  noWhen: number;
  noWho: number;
  noWhat: number;
  short: number;
}

export const DEFAULT_FORMAL_WEIGHTS: FormalAnswerWeights = { boilerplate: 1.2, noAction: 1.5, noWhen: 1.2, noWho: 0.6, noWhat: 0.4, short: 0.5 };
/** Chosen on the tuning split (scripts/eval-answers.ts prints the sweep). */
export const DEFAULT_FORMAL_THRESHOLD = 3.2;

export function detectFormalAnswer(text: string, opts: { weights?: FormalAnswerWeights; threshold?: number } = {}): FormalAnswerVerdict {
  const w = opts.weights ?? DEFAULT_FORMAL_WEIGHTS;
  const threshold = opts.threshold ?? DEFAULT_FORMAL_THRESHOLD;
  const t = text.toLowerCase().replaceAll('ё', 'е').replace(/\s+/g, ' ');
  const reasons: string[] = [];
  let score = 0;
  const found = BOILERPLATE.filter(([re]) => re.test(t)).map(([, label]) => label);
  // Boilerplate counts with diminishing weight: one polite phrase in a concrete answer is fine.
  if (found.length > 0) {
    score += w.boilerplate * Math.min(2, 1 + (found.length - 1) * 0.5);
    reasons.push(`шаблонные фразы: ${found.map((f) => `«${f}»`).join(', ')}`);
  }
  const hasAction = ACTION.test(t);
  const hasWhen = WHEN.test(t);
  const hasWho = WHO.test(t);
  const hasWhat = WHAT.test(t);
  if (!hasAction) {
    score += w.noAction;
    reasons.push('не сказано, что конкретно сделано или будет сделано');
  }
  if (!hasWhen) {
    score += w.noWhen;
    reasons.push('нет даты или срока');
  }
  if (!hasWho) {
    score += w.noWho;
    reasons.push('не назван ответственный и нет контакта');
  }
  if (!hasWhat) score += w.noWhat;
  if (t.length < 90) score += w.short;
  // A concrete action with a date outweighs a polite template around it.
  if (hasAction && hasWhen) score -= 0.8;
  const rounded = Math.round(score * 100) / 100;
  return { formal: rounded >= threshold, score: rounded, reasons: rounded >= threshold ? reasons : [] };
}
