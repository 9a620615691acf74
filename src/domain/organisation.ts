import type { Sector } from './sector';

/**
 * The directory of responsible organisations (ответственные организации) and the responsibility
 * rules that say which of them an incident goes to. Pure: types, validation helpers and the
 * "most specific rule wins" resolution.
 */
export const ORGANISATION_KINDS = ['oiv', 'omsu', 'management_company', 'utility', 'other'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ORGANISATION_KIND_TITLES_RU: Readonly<Record<OrganisationKind, string>> = {
  oiv: 'ОИВ',
  omsu: 'ОМСУ',
  management_company: 'Управляющая компания',
  utility: 'РСО',
  other: 'Другое',
};

/** Russian spellings accepted for a kind in imported spreadsheets (lower-case). */
export const ORGANISATION_KIND_ALIASES: Readonly<Record<string, OrganisationKind>> = {
  оив: 'oiv',
  омсу: 'omsu',
  ук: 'management_company',
  'управляющая компания': 'management_company',
  рсо: 'utility',
  другое: 'other',
  прочее: 'other',
};

export interface OrganisationContacts {
  email?: string;
  phone?: string;
  address?: string;
  website?: string;
}

export interface Organisation {
  /** Stable code, lowercase latin/digits/dashes, e.g. `omsk-mingkh`. */
  id: string;
  name: string;
  kind: OrganisationKind;
  /** Municipality code, or 'region' for a regional body. */
  municipality: string;
  /** Sectors it answers for. */
  sectors: Sector[];
  contacts: OrganisationContacts;
  /** Users (ids = lower-cased usernames) who answer for it. */
  userIds: string[];
  /** Source-registry ids of its official pages (госпаблики). */
  officialSourceIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** sector × category × municipality → organisation. Category and municipality may be wildcards. */
export interface ResponsibilityRule {
  /** Deterministic: `ruleId(sector, category, municipality)`, so a duplicate is an id conflict. */
  id: string;
  sector: Sector;
  /** Category code (`housing.heating`); absent = every category of the sector. */
  category?: string;
  /** Municipality code; absent = every municipality. */
  municipality?: string;
  organisationId: string;
  createdAt: string;
}

export const ORGANISATION_ID = /^[a-z0-9][a-z0-9-]{1,63}$/;

export function ruleId(sector: Sector, category: string | undefined, municipality: string | undefined): string {
  return `${sector}|${category ?? '*'}|${municipality ?? '*'}`;
}

/**
 * How specific a rule is. A category beats a municipality: a category names the department that
 * must act (heating → the heat utility), a municipality only narrows where; both beat either.
 */
export function ruleSpecificity(rule: Pick<ResponsibilityRule, 'category' | 'municipality'>): number {
  return (rule.category ? 2 : 0) + (rule.municipality ? 1 : 0);
}

export function ruleMatches(rule: Pick<ResponsibilityRule, 'sector' | 'category' | 'municipality'>, item: { sector: Sector; category?: string | undefined; municipality: string }): boolean {
  return rule.sector === item.sector && (rule.category === undefined || rule.category === item.category) && (rule.municipality === undefined || rule.municipality === item.municipality);
}

/**
 * The matching rules, most specific first (ties cannot happen: one rule per key). The first is
 * the responsible organisation.
 */
export function matchingRules<R extends Pick<ResponsibilityRule, 'sector' | 'category' | 'municipality'>>(
  rules: readonly R[],
  item: { sector: Sector; category?: string | undefined; municipality: string },
): R[] {
  return rules.filter((r) => ruleMatches(r, item)).sort((a, b) => ruleSpecificity(b) - ruleSpecificity(a));
}

/** Why an organisation is suggested for an incident. */
export type SuggestionReason = 'rule' | 'history';

export interface RoutingSuggestion {
  organisationId: string;
  organisationName: string;
  reason: SuggestionReason;
  /** Rule: its specificity 0–3 normalised to 0.7–1; history: share of similar incidents sent there. */
  score: number;
  /** Human-readable reason (Russian, for the card). */
  explanation: string;
  /** For history suggestions: how many similar incidents went there. */
  count?: number;
}
