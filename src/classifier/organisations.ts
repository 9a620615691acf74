import type { OrganisationMention } from '../domain/classification';

/**
 * Organisations named in a post: rule-based extraction over normalised (lowercased) text. Only
 * named or numbered organisations count («поликлиника № 4», «школа 55», «УК "Жилищник"», «ТСЖ
 * Радуга», «БСМП-1», «Омскводоканал»): a bare «в поликлинике» names nobody an operator could
 * route to. Utilities are listed for Omsk (the configured region) plus generic names used
 * everywhere («водоканал», «горгаз»).
 */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const NUM = '\\s*(?:№|n|номер|no\\.?)?\\s*-?\\s*(\\d{1,4})(?!\\d)';

const NUMBERED: { kind: OrganisationMention['kind']; re: RegExp; name: string }[] = [
  { kind: 'clinic', re: new RegExp(`${B}(детск\\S* )?(?:поликлиник\\S*|гп)${NUM}`, 'gu'), name: 'поликлиника' },
  { kind: 'hospital', re: new RegExp(`${B}(?:(?:городск\\S* |районн\\S* |детск\\S* )?больниц\\S*|гкб|гб|дгб|гдкб)${NUM}`, 'gu'), name: 'больница' },
  { kind: 'hospital', re: new RegExp(`${B}(?:бсмп|гкбсмп)(?:${NUM})?${E}`, 'gu'), name: 'БСМП' },
  { kind: 'school', re: new RegExp(`${B}(?:школ\\S*|сош|гимнази\\S*|лице\\S*)${NUM}`, 'gu'), name: 'школа' },
  { kind: 'kindergarten', re: new RegExp(`${B}(?:детск\\S* сад\\S*|детсад\\S*|садик\\S*|сад\\S*|доу|мбдоу)${NUM}`, 'gu'), name: 'детский сад' },
];

/** Fixed names: regional utilities and authorities residents address. */
const NAMED: { kind: OrganisationMention['kind']; re: RegExp; name: string }[] = [
  { kind: 'utility', re: /омскводоканал/u, name: 'Омскводоканал' },
  { kind: 'utility', re: /омскэлектро(?!транс)/u, name: 'Омскэлектро' },
  { kind: 'utility', re: /омскоблгаз|омскгоргаз|газпром газораспределение/u, name: 'Омскоблгаз' },
  { kind: 'utility', re: /омскэнергосбыт|энергосбыт/u, name: 'Омскэнергосбыт' },
  { kind: 'utility', re: /омск ?ртс|тгк-?11/u, name: 'Омск РТС (ТГК-11)' },
  { kind: 'utility', re: /россети/u, name: 'Россети Сибирь' },
  { kind: 'utility', re: /омскэлектротранс|пп-?\d+|патп/u, name: 'городской перевозчик' },
  { kind: 'utility', re: new RegExp(`${B}(?:водоканал|горводоканал|теплосеть|горгаз|теплоснаб\\S*)${E}`, 'u'), name: '' },
  { kind: 'utility', re: new RegExp(`${B}(?:регоператор\\S*|региональн\\S* оператор\\S*)${E}`, 'u'), name: 'региональный оператор ТКО' },
  { kind: 'ambulance', re: new RegExp(`${B}(?:станци\\S* скорой|ссмп)${E}`, 'u'), name: 'станция скорой медицинской помощи' },
  { kind: 'authority', re: new RegExp(`${B}(?:мэри\\S*|администраци\\S* (?:города|района|округа|ленинского|советского|кировского|октябрьского|центрального))${E}`, 'u'), name: 'администрация' },
  { kind: 'authority', re: new RegExp(`${B}(?:гжи|госжилинспекци\\S*|жилинспекци\\S*)${E}`, 'u'), name: 'Госжилинспекция' },
  { kind: 'authority', re: new RegExp(`${B}минздрав\\S*`, 'u'), name: 'Минздрав' },
];

// Words that follow «УК»/«ТСЖ» without being its name.
const NOT_A_NAME = new Set(
  'не ни ничего никак опять снова уже и а но на в во с со к по за от до у о об нам нас наш наша наше наши мне меня нам вообще даже только как так это эта этот просто совсем который которая говорит говорят обещает обещала обещали отвечает ответила молчит игнорирует должна должны ничего делает сделала берет собирает требует пишет прислала сказала'.split(' '),
);

const MC = new RegExp(`${B}(ук|управляющ\\S* компани\\S*|тсж|жск)${E}\\s*(?:[«"]([^»"]{2,40})[»"]|([\\p{L}\\d-]{2,30}))?`, 'gu');

const cap = (s: string) => s.replace(/(^|[\s-])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());

// Cheap pre-checks (no lookbehind, no /u): most posts name no organisation, and the full
// patterns cost tens of microseconds per post when run blind.
const NUMBERED_MARKER = /\d/;
const NUMBERED_WORDS = /поликлин|гп|больниц|гкб|гб|дгб|бсмп|школ|сош|гимнази|лице|сад|доу/;
const MC_MARKER = /ук|управляющ|тсж|жск/;
const NAMED_MARKER = /омск|водоканал|теплосеть|горгаз|теплоснаб|оператор|скорой|ссмп|мэри|администрац|гжи|жилинспекц|минздрав|россети|энергосбыт|тгк|патп|пп-?\d/;

export function extractOrganisations(normalized: string): OrganisationMention[] {
  const text = normalized.length > 5000 ? normalized.slice(0, 5000) : normalized;
  const out: OrganisationMention[] = [];
  const numbered = NUMBERED_WORDS.test(text) && (NUMBERED_MARKER.test(text) || text.includes('бсмп'));
  const mc = MC_MARKER.test(text);
  const named = NAMED_MARKER.test(text);
  if (!numbered && !mc && !named) return out;
  const seen = new Set<string>();
  const push = (m: OrganisationMention) => {
    const key = `${m.kind}|${m.name}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(m);
    }
  };
  for (const r of numbered ? NUMBERED : []) {
    r.re.lastIndex = 0;
    for (const m of text.matchAll(r.re)) {
      const num = m[2] ?? m[1];
      const prefix = r.kind === 'clinic' && m[1] ? 'детская ' : '';
      push({ kind: r.kind, name: num && /^\d+$/.test(num) ? `${prefix}${r.name} № ${num}` : r.name });
    }
  }
  for (const m of mc ? text.matchAll(MC) : []) {
    const head = m[1] as string;
    const kind: OrganisationMention['kind'] = head === 'тсж' || head === 'жск' ? 'hoa' : 'management_company';
    const quoted = m[2]?.trim();
    const word = m[3];
    const label = kind === 'hoa' ? head.toUpperCase() : 'УК';
    const name = quoted ? `${label} «${cap(quoted)}»` : word && !NOT_A_NAME.has(word) && !/^\d+$/.test(word) ? `${label} «${cap(word)}»` : label;
    push({ kind, name });
  }
  for (const r of named ? NAMED : []) {
    const m = r.re.exec(text);
    if (m) push({ kind: r.kind, name: r.name || cap(m[0]) });
  }
  return out;
}
