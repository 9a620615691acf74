import type { Sector } from './sector';

/** An answer template (config/answer-templates.json) for a category, a sector, or any ('*'). */
export interface AnswerTemplate {
  id: string;
  stage: 'interim' | 'final';
  for: string;
  title: string;
  text: string;
}

export const TEMPLATE_PLACEHOLDERS = ['organisation', 'municipality', 'address', 'today', 'interimDue', 'finalDue', 'responsible'] as const;
export type TemplateValues = Partial<Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>>;

/** Templates that fit an incident: its category first, then its sector, then the general ones. */
export function templatesFor(all: readonly AnswerTemplate[], item: { sector: Sector; category?: string | undefined }): AnswerTemplate[] {
  const rank = (t: AnswerTemplate) => (t.for === item.category ? 0 : t.for === item.sector ? 1 : t.for === '*' ? 2 : 3);
  return all.filter((t) => rank(t) < 3).sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

/** Fills the placeholders; an unknown value stays visible as «…» so the sender fills it in. */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(/\{(\w+)\}/g, (_m, key: string) => values[key as keyof TemplateValues] ?? '…');
}
