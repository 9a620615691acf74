import { z } from 'zod';
import type { Route } from './api';
import { ORGANISATION_ID, ORGANISATION_KINDS } from '../domain/organisation';
import { SECTORS } from '../domain/sector';

/**
 * The organisation directory's API contract: request and response schemas shared by the routes
 * (OpenAPI is generated from them) and by clients (the dashboards, issue 10's route action).
 */
export const contactsSchema = z.object({
  email: z.string().trim().email().max(200).optional(),
  phone: z.string().trim().max(100).optional(),
  address: z.string().trim().max(300).optional(),
  website: z.string().trim().url().max(300).optional(),
});

export const organisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ORGANISATION_KINDS),
  kindTitle: z.string(),
  municipality: z.string(),
  municipalityName: z.string(),
  sectors: z.array(z.enum(SECTORS)),
  contacts: contactsSchema,
  userIds: z.array(z.string()),
  officialSourceIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrganisationView = z.infer<typeof organisationSchema>;

export const createOrganisationSchema = z.object({
  id: z.string().trim().toLowerCase().regex(ORGANISATION_ID, 'lowercase latin letters, digits and dashes, 2–64'),
  name: z.string().trim().min(2).max(300),
  kind: z.enum(ORGANISATION_KINDS),
  municipality: z.string().trim().min(1).max(64),
  sectors: z.array(z.enum(SECTORS)).max(SECTORS.length).default([]),
  contacts: contactsSchema.default({}),
  userIds: z.array(z.string().trim().toLowerCase().min(1).max(64)).max(200).default([]),
  officialSourceIds: z.array(z.string().trim().min(1).max(512)).max(50).default([]),
});
export type CreateOrganisationInput = z.infer<typeof createOrganisationSchema>;

export const updateOrganisationSchema = createOrganisationSchema
  .omit({ id: true })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type UpdateOrganisationInput = z.infer<typeof updateOrganisationSchema>;

export const ruleSchema = z.object({
  id: z.string(),
  sector: z.enum(SECTORS),
  category: z.string().optional(),
  categoryTitle: z.string().optional(),
  municipality: z.string().optional(),
  municipalityName: z.string().optional(),
  organisationId: z.string(),
  organisationName: z.string(),
  specificity: z.number(),
  createdAt: z.string(),
});
export type RuleView = z.infer<typeof ruleSchema>;

export const createRuleSchema = z.object({
  sector: z.enum(SECTORS),
  category: z.string().trim().min(1).max(64).optional(),
  municipality: z.string().trim().min(1).max(64).optional(),
  organisationId: z.string().trim().min(1).max(64),
});
export type CreateRuleInput = z.infer<typeof createRuleSchema>;
/** A rule's key (sector × category × municipality) is its id; what changes is where it routes. */
export const updateRuleSchema = z.object({ organisationId: z.string().trim().min(1).max(64) });
export type UpdateRuleInput = z.infer<typeof updateRuleSchema>;

export const suggestionSchema = z.object({
  organisationId: z.string(),
  organisationName: z.string(),
  reason: z.enum(['rule', 'history']),
  score: z.number(),
  explanation: z.string(),
  count: z.number().optional(),
});

export const suggestQuerySchema = z.object({
  sector: z.enum(SECTORS),
  category: z.string().min(1).max(64).optional(),
  municipality: z.string().min(1).max(64),
  /** Text of the incident, to find similar ones routed before. */
  text: z.string().max(5000).optional(),
});

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export const IMPORT_TABLES = ['organisations', 'rules'] as const;
export type ImportTable = (typeof IMPORT_TABLES)[number];

export const importQuerySchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  /** CSV holds one table; an XLSX workbook holds both sheets («Организации», «Правила»). */
  table: z.enum(IMPORT_TABLES).optional(),
});

export const importResultSchema = z.object({
  organisations: z.object({ created: z.number(), updated: z.number() }),
  rules: z.object({ created: z.number(), updated: z.number() }),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** One refused row of an import: the sheet, its 1-based row number as a spreadsheet shows it, why. */
export interface ImportRowError {
  table: ImportTable;
  row: number;
  message: string;
}

export const exportQuerySchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  table: z.enum(IMPORT_TABLES).default('organisations'),
});

/** Column headers of the spreadsheets (Russian, what a region's staff fill in). */
export const ORGANISATION_COLUMNS = ['код', 'название', 'тип', 'муниципалитет', 'отрасли', 'email', 'телефон', 'адрес', 'сайт', 'пользователи', 'госпаблики'] as const;
export const RULE_COLUMNS = ['отрасль', 'категория', 'муниципалитет', 'организация'] as const;
export const SHEET_NAMES: Readonly<Record<ImportTable, string>> = { organisations: 'Организации', rules: 'Правила' };

/** The routes the operator page calls (route picker, suggestion). */
export const organisationListAnswer = z.object({ items: z.array(organisationSchema) });
export const suggestAnswer = z.object({ items: z.array(suggestionSchema) });
declare module './api' {
  interface ApiRoutes {
    'GET /api/organisations': Route<{ response: typeof organisationListAnswer }>;
    'GET /api/organisations/suggest': Route<{ query: typeof suggestQuerySchema; response: typeof suggestAnswer }>;
    'POST /api/organisations': Route<{ body: typeof createOrganisationSchema; response: typeof organisationAnswer }>;
    'PATCH /api/organisations/:id': Route<{ params: typeof organisationIdParams; body: typeof updateOrganisationSchema; response: typeof organisationAnswer }>;
    'DELETE /api/organisations/:id': Route<{ params: typeof organisationIdParams; response: z.ZodNull }>;
    'GET /api/routing-rules': Route<{ response: typeof ruleListAnswer }>;
    'POST /api/routing-rules': Route<{ body: typeof createRuleSchema; response: typeof ruleAnswer }>;
    'PATCH /api/routing-rules/:id': Route<{ params: typeof ruleIdParams; body: typeof updateRuleSchema; response: typeof ruleAnswer }>;
    'DELETE /api/routing-rules/:id': Route<{ params: typeof ruleIdParams; response: z.ZodNull }>;
    'POST /api/organisations/import': Route<{ query: typeof importQuerySchema; response: typeof importResultSchema }>;
  }
}

/** The admin page's routes (`/organisations/`). Imports and exports are files: the page calls them by URL. */
export const organisationAnswer = z.object({ organisation: organisationSchema });
export const organisationIdParams = z.object({ id: z.string().min(1).max(128) });
export const ruleListAnswer = z.object({ items: z.array(ruleSchema) });
export const ruleAnswer = z.object({ rule: ruleSchema });
export const ruleIdParams = z.object({ id: z.string().min(1).max(200) });
