import { z } from 'zod';
import type { Route } from './api';

/**
 * The responsible organisation's own desk (issue 11): the incidents routed to it, answer
 * templates, the «отписка» check. Used by the dashboards' `/organisation/` page.
 */
export const formalVerdictSchema = z.object({ formal: z.boolean(), score: z.number(), reasons: z.array(z.string()) });
export type FormalVerdict = z.infer<typeof formalVerdictSchema>;
export const answerStageSchema = z.enum(['interim', 'final']);
export type AnswerStage = z.infer<typeof answerStageSchema>;

export const deskAnswerSchema = z.object({ stage: answerStageSchema, at: z.string(), by: z.string().optional(), text: z.string(), formal: z.boolean(), reasons: z.array(z.string()) });
export const deskIncidentSchema = z.object({
  id: z.string(),
  status: z.string(),
  sector: z.string(),
  category: z.string().nullable(),
  municipality: z.string(),
  municipalityName: z.string(),
  text: z.string(),
  url: z.string(),
  routedAt: z.string().nullable(),
  interimDueAt: z.string().nullable(),
  finalDueAt: z.string().nullable(),
  interimAnsweredAt: z.string().nullable(),
  finalAnsweredAt: z.string().nullable(),
  answers: z.array(deskAnswerSchema),
  version: z.string().nullable(),
});
export type DeskIncident = z.infer<typeof deskIncidentSchema>;
export const deskListAnswer = z.object({ organisation: z.object({ id: z.string(), name: z.string() }), items: z.array(deskIncidentSchema) });
export const answerTemplateSchema = z.object({ id: z.string(), stage: answerStageSchema, title: z.string(), text: z.string() });
export type AnswerTemplate = z.infer<typeof answerTemplateSchema>;
export const templatesAnswer = z.object({ items: z.array(answerTemplateSchema) });
export const incidentIdParams = z.object({ id: z.string().min(1).max(600) });
export const checkBody = z.object({ text: z.string().min(1).max(4000) });
export const deskAnswerBody = z.object({ version: z.string().min(1), stage: answerStageSchema, text: z.string().trim().min(1).max(4000) });

/** The resident's verdict, entered by an operator from the resident's reply. */
export const satisfactionBody = z.object({ verdict: z.enum(['solved', 'not_solved', 'no_reply']) });
export type SatisfactionVerdict = z.infer<typeof satisfactionBody>['verdict'];
export const satisfactionAnswer = z.object({ ok: z.literal(true) });
/** A one-time public link for the resident (path relative to the site; shown once, expires). */
export const satisfactionLinkAnswer = z.object({ url: z.string(), expiresAt: z.string() });

declare module './api' {
  interface ApiRoutes {
    'GET /api/organisation/incidents': Route<{ response: typeof deskListAnswer }>;
    'POST /api/organisation/incidents/:id/answers': Route<{ params: typeof incidentIdParams; body: typeof deskAnswerBody; response: z.ZodRecord<z.ZodString, z.ZodUnknown> }>;
    'GET /api/organisation/incidents/:id/answer-templates': Route<{ params: typeof incidentIdParams; response: typeof templatesAnswer }>;
    'GET /api/incidents/:id/answer-templates': Route<{ params: typeof incidentIdParams; response: typeof templatesAnswer }>;
    'POST /api/incidents/:id/satisfaction': Route<{ params: typeof incidentIdParams; body: typeof satisfactionBody; response: typeof satisfactionAnswer }>;
    'POST /api/incidents/:id/satisfaction-link': Route<{ params: typeof incidentIdParams; response: typeof satisfactionLinkAnswer }>;
    'POST /api/answers/check': Route<{ body: typeof checkBody; response: typeof formalVerdictSchema }>;
  }
}
