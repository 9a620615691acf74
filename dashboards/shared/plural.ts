/** Russian plural forms through Intl.PluralRules: plural(5, ['инцидент', 'инцидента', 'инцидентов']). */
const rules = new Intl.PluralRules('ru-RU');

/** Forms for one, few, many (1 инцидент, 2 инцидента, 5 инцидентов); `other` (1,5) uses few. */
export type PluralForms = readonly [one: string, few: string, many: string];

export function pluralForm(n: number, forms: PluralForms): string {
  switch (rules.select(n)) {
    case 'one':
      return forms[0];
    case 'few':
      return forms[1];
    case 'many':
      return forms[2];
    case 'zero':
    case 'two':
    case 'other':
      return forms[1];
  }
}

/** `5 инцидентов`. */
export function plural(n: number, forms: PluralForms): string {
  return `${n} ${pluralForm(n, forms)}`;
}
