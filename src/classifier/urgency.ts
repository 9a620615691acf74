/**
 * Urgency: danger to life or health, or a mass outage, now. Documented rules over the normalised
 * text, written from the definition (gas smell, no heating in frost, collapsed ceiling,
 * ambulance not arriving) and the usual emergencies of a ЦУР feed, not from the test split. They
 * feed the model as features (`u:<code>`), give the urgency output its reasons, and set its floor
 * (`urgencyFromCues`); the model's urgency head adds phrasing they miss. `npm run eval` reports
 * urgent_f1 against the corpus's `urgent` labels.
 */
export const URGENCY_CUES: readonly { code: string; re: RegExp }[] = [
  { code: 'gas_smell', re: /(запах|пахнет|воняет|запахло) газ|утечк\S* газ|газ (пахнет|травит|шипит)/ },
  // Frost and no heating anywhere in the post, in either order (lookaheads from the start).
  { code: 'no_heat_in_frost', re: /^(?=[^]*(мороз|минус ?\d\d|-\s?[2-5]\d\b|лютый холод))(?=[^]*((нет|без|отключ\S*|не дают|не включ\S*) (отоплени|тепл)|(отоплени|тепл)\S* (нет|отключ|не дают|не включ)|батаре\S* (ледян|холодн)))/ },
  { code: 'collapse', re: /(обрушил|обвалил|рухнул|провалил|падает|падают|упал[аи]?|треснул|разрушается)\S*.{0,30}(потол|крыш|балкон|стен|перекрыт|лестниц|плит|дерев|столб|опор|бетон)|(куски|кирпичи|штукатурка|бетон)\S* (падают|сыплются)|(потол|крыш|балкон|стен|перекрыт|дерев|столб|опор)\S*.{0,30}(обрушил|обвалил|рухнул|вот-вот упад|может упасть|может рухнуть|падает)/ },
  { code: 'ambulance_not_arriving', re: /скор\S*.{0,40}(не (едет|приехал|приезжа)|ехал\S* (час|два|три|\d)|ждать|ждем)|(ждем|ждали|ждала) скор|аварийн\S* служб\S* не (едет|приезжа)/ },
  { code: 'cold_children', re: /(дети|ребенок|ребёнок) (мерзн|замерза)/ },
  { code: 'trapped', re: /застрял\S* (в лифте|люди|ребен)|в лифте застрял/ },
  { code: 'attack_injury', re: /(нападают|набросил\S*|покусал\S*|укусил\S*).{0,20}(дет|ребен|люд|прохож)|ребен\S* (поранил|травмир|упал)/ },
  { code: 'sewage_flood', re: /(канализац|кипят|горяч\S* вод)\S*.{0,30}(заливает|хлещет|фонтан|затопил)|(затопил|заливает|фонтаном)\S*.{0,30}(канализац|кипят|квартир)/ },
  { code: 'outage_in_frost', re: /^(?=[^]*(мороз|минус ?\d\d))(?=[^]*(отключ\S*|нет) (свет|электричеств|газ))/ },
  { code: 'live_wires', re: /(провод|провода|кабель|щиток|столб)\S*.{0,40}(искрит|оборван|висит|лежит на земле|под напряжени|оголен)|искрит/ },
  { code: 'fire_smoke', re: /пожар|загорел|задымлени|дым (в подъезде|в квартир|валит)|(дом|подъезд|квартир|свалка|мусор|трава|лес|машина|щиток|проводк)\S* горит|(?<!(не|еле) )горит (дом|подъезд|квартир|свалка|мусор|трава|лес)/ },
  { code: 'flood_boiling', re: /(кипят|горяч\S* вод).{0,30}(заливает|хлещет|фонтан|течет)|(затопил|заливает|хлещет).{0,30}(кипят|горяч)|прорыв\S* (трубы|теплотрассы|магистрал)/ },
  { code: 'open_pit', re: /(открыт\S*|без крышки) (люк|колодец|колодц)|(люк|колодец) (открыт|без крышки)|провал\S* (асфальт|грунт)/ },
  { code: 'icicles_ice', re: /(сосульк|наледь).{0,40}(над входом|над подъездом|падают|могут упасть|убьет)/ },
  { code: 'people_at_risk', re: /(опасно для жизни|угроза жизни|угрожает жизни|дети (могут|чуть не) (упасть|погибнуть|пострадать)|кто-нибудь погибнет|человек пострадал|пострадал\S* ребен|ребенок (упал|пострадал))/ },
  { code: 'mass_outage', re: /(весь|целый|половина) (район|микрорайон|поселок|город|дом)\S*.{0,30}без (света|воды|газа|тепла|отоплени)|без (света|воды|газа|тепла|отоплени).{0,30}(весь|целый) (район|микрорайон|поселок)/ },
];

/**
 * Only the head of a post is read for danger: it is said up front, and the cue patterns (windows
 * like `.{0,30}` between words) would cost tens of milliseconds over a pasted 50 KB text.
 */
export const MAX_URGENCY_CHARS = 4_000;

/** Codes of the urgency cues found in normalised (lowercased) text. */
export function urgencyCues(normalized: string): string[] {
  const text = normalized.length > MAX_URGENCY_CHARS ? normalized.slice(0, MAX_URGENCY_CHARS) : normalized;
  const out: string[] = [];
  for (const c of URGENCY_CUES) if (c.re.test(text)) out.push(c.code);
  return out;
}

export function isUrgent(normalized: string): boolean {
  return urgencyCues(normalized).length > 0;
}

/**
 * Urgency from the cues alone, 0..1: how often a post with this cue is urgent. A cue describes
 * danger now (gas smell, a collapse, fire), so one fired cue flags the post; the model's urgency
 * head adds phrasing the cues do not cover. `classify` takes the larger of the two.
 */
export function urgencyFromCues(codes: readonly string[]): number {
  return codes.length === 0 ? 0 : codes.length === 1 ? 0.75 : 0.9;
}
