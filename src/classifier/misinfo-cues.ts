/**
 * Interpretable signals of misinformation risk. They feed the model as features and, when they
 * fire, are reported as the reasons behind the score, so the desk sees *why* a post was flagged.
 * A cue is a risk signal, never a verdict.
 */
export const MISINFO_CUES: readonly { code: string; re: RegExp; weight: number }[] = [
  { code: 'call_to_spread', weight: 0.5, re: /(распространи|разошли|перешли|сделайте репост|репост\S* срочно|поделитесь|расскажите всем|передайте всем|максимальный репост)/ },
  { code: 'authorities_hiding', weight: 0.5, re: /(власти? (скрыва|молч|умалчива)|(полиции|мэрии|администрации|сми|новостях|минздраве) (об этом |все |всё )?молч|скрывают (правду|от нас|от людей|масштаб)|в (сми|новостях) (не|об этом не) (скажут|покажут|напишут)|замалчива)/ },
  { code: 'anonymous_source', weight: 0.45, re: /(знаком(ая|ый|ой) (из|работает|медсестр|врач|сказал)|(мне|нам) сказал[аи]? (знаком|сосед|кум)|(мне|нам) написал[аи]? (знаком|сосед|кум)|по секрету|из надежного источника|надежный источник|инсайд|источник в (мэрии|больнице|администрации|полиции|правительстве))/ },
  { code: 'alarming_numbers', weight: 0.35, re: /(\d[\d\s]*(умерл|погибл|заражен|отравил|госпитализ|трупов|смерт))|(сотни|тысячи) (умерших|погибших|заболевших|отравившихся)/ },
  { code: 'urgent_alarm', weight: 0.2, re: /(срочно|внимание|ахтунг|тревога)[!.,: ]/ },
  { code: 'conspiracy', weight: 0.55, re: /(чипирова|вышки 5g|5g вышк|биооружи|специально (травят|заражают|отравили)|массовое отравление|это не случайно)/ },
  // The signals below (issue 12) only feed the model as features (weight 0: no hand-set risk):
  // hearsay, forwarding, figures nobody can check, danger someone is said to hide, and — the
  // other way — an official source named.
  { code: 'hearsay', weight: 0, re: /(^|[^а-я])(говорят|ходят слухи|слышал[аи]?|пишут что|пишут, что|по слухам|мне сказал[аи]?|нам сказал[аи]?|сказал[аи]? по секрету|по секрету|рассказал[аи]?|инфа ?(100|сотка)|знающие люди|свои люди|от знакомого|от знакомой|от соседк|от сестры|от кума|от друга)/ },
  { code: 'forward_request', weight: 0, re: /(перешли|перешлите|разошли|разошлите|распространите|передайте|поделитесь|репост|отправьте (своим|близким|родителям|всем)|скиньте всем)/ },
  { code: 'unverifiable_figure', weight: 0, re: /((уже|около|более|почти|за ночь|за сутки|за неделю) \d+ (человек|детей|пациент|случа|смерт|погибш|умерш|заболевш|пострадавш)|в \d+ раз|в (два|три|пять|десять) раза?|десятки (детей|людей|человек)|сотни (людей|детей|человек)|пачками|в разы|массово)/ },
  { code: 'hidden_danger', weight: 0, re: /(скрыва|замалчива|замял|молч|засекрет|тайно|тайн[аоу]|по-тихому|запретил[аи]? (говорить|писать|общаться)|не (скажут|покажут|напишут|объявят|сообщают|говорят)|(в новостях|по телевизору|по новостям) (тишина|ничего|такого не|молчат)|нам врут|от нас скрыва|правду)/ },
  { code: 'official_source', weight: 0, re: /(сообщает|сообщил[аи]?|сообщили в|по данным|пресс-служб|роспотребнадзор|мчс|минздрав|министерств|департамент|администраци[яи] (сообщ|района|города)|опроверг|заявил[аи]?|разъяснил|постановлени|официальн(ый|ом|ая) сайт|на сайте|уфсин|умвд|гу мчс|ведомств)/ },
];

/** Only the head of a post is read for cues (rumour rhetoric is up front), as for urgency: the cue patterns would cost tens of milliseconds over a pasted 50 KB text. */
export const MAX_CUE_CHARS = 4_000;

/** Codes of the cues found in normalised (lowercased) text. */
export function misinfoCues(normalized: string): string[] {
  const text = normalized.length > MAX_CUE_CHARS ? normalized.slice(0, MAX_CUE_CHARS) : normalized;
  const out: string[] = [];
  for (const c of MISINFO_CUES) if (c.re.test(text)) out.push(c.code);
  return out;
}

/**
 * Risk from the cues alone: independent signals combined as 1 − Π(1 − weight). Two strong cues
 * ("перешлите всем" + "власти скрывают") give 0.75 whatever the wording around them.
 */
export function cueRisk(codes: readonly string[]): number {
  let keep = 1;
  for (const c of MISINFO_CUES) if (codes.includes(c.code)) keep *= 1 - c.weight;
  return 1 - keep;
}
