/**
 * The incident lifecycle: which action may move an incident from which status, who may do it,
 * and where it lands. Pure: the service loads the incident, asks `decideTransition`, and writes
 * the result with optimistic concurrency.
 *
 *   new ──take──▶ taken ──route──▶ routed ──answer(final)──▶ answered ──close──▶ closed
 *    ▲  ◀release─┘  │                │                          │                 │
 *    │              └──────close─────┴──────────close───────────┘                 │
 *    │   reopened ◀──────────────reopen (answered, closed, rejected)──────────────┘
 *    │   (back to work: take / route / answer / close as from taken)
 *   new, taken, reopened ──reject──▶ rejected (not an incident: becomes a classifier correction)
 *   new, taken, reopened, routed ──merge──▶ merged (final; its posts move to the target)
 */
import { can, type Role } from './access';
import type { IncidentStatus } from './incident';

export const INCIDENT_ACTIONS = ['take', 'release', 'assign', 'route', 'answer', 'close', 'reopen', 'reject', 'merge', 'split', 'dismiss_suggestion', 'correct'] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** Statuses in which someone still has to act (grouping attaches new posts only to these). */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['new', 'taken', 'routed', 'answered', 'reopened'];
export function isOpen(status: IncidentStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** Lead actions need `incidents:lead`; the rest `incidents:work`. */
export const LEAD_ACTIONS: ReadonlySet<IncidentAction> = new Set(['assign', 'reopen', 'reject', 'merge']);

/** Actions an operator may do only on an incident they hold (a lead may do them on any). */
const HOLDER_ACTIONS: ReadonlySet<IncidentAction> = new Set(['release', 'route', 'answer', 'close']);

/** Where each action may start. Actions not changing the status list every open status. */
const FROM: Readonly<Record<IncidentAction, readonly IncidentStatus[]>> = {
  take: ['new', 'reopened'],
  release: ['taken'],
  assign: ['new', 'taken', 'reopened', 'routed', 'answered'],
  route: ['taken', 'reopened', 'routed'],
  answer: ['taken', 'reopened', 'routed', 'answered'],
  close: ['taken', 'reopened', 'routed', 'answered'],
  reopen: ['answered', 'closed', 'rejected'],
  reject: ['new', 'taken', 'reopened'],
  merge: ['new', 'taken', 'reopened', 'routed'],
  split: OPEN_STATUSES,
  dismiss_suggestion: OPEN_STATUSES,
  correct: OPEN_STATUSES,
};

export type AnswerStage = 'interim' | 'final';

export interface TransitionInput {
  action: IncidentAction;
  /** For `answer`: an interim answer keeps the status, a final one makes it `answered`. */
  stage?: AnswerStage;
}

export interface WorkflowActor {
  id: string;
  role: Role;
}

export interface WorkflowState {
  status: IncidentStatus;
  assigneeId?: string | null;
}

export type TransitionRefusal =
  /** The role may not do this action at all. */
  | { ok: false; kind: 'forbidden'; message: string }
  /** The action does not apply to the incident as it is now (the caller gets the current incident). */
  | { ok: false; kind: 'conflict'; code: 'invalid_transition' | 'not_assignee' | 'merged'; message: string };

export type TransitionDecision = { ok: true; next: IncidentStatus; assignee: 'keep' | 'actor' | 'target' | 'clear' } | TransitionRefusal;

export function requiredPermission(action: IncidentAction): 'incidents:lead' | 'incidents:work' {
  return LEAD_ACTIONS.has(action) ? 'incidents:lead' : 'incidents:work';
}

/** Decides one action on one incident by one actor. Scope is checked by the caller (404/403 before this). */
export function decideTransition(state: WorkflowState, input: TransitionInput, actor: WorkflowActor): TransitionDecision {
  const { action } = input;
  // A responsible organisation's employee answers what was routed to it (issue 11: the service
  // has checked that the incident is routed to the actor's organisation).
  if (action === 'answer' && can(actor.role, 'organisation:respond')) {
    if (!['routed', 'answered', 'reopened'].includes(state.status)) return { ok: false, kind: 'conflict', code: 'invalid_transition', message: `Ответ невозможен в статусе «${state.status}»` };
    if (input.stage === 'interim' && state.status === 'answered') return { ok: false, kind: 'conflict', code: 'invalid_transition', message: 'Окончательный ответ уже дан' };
    return { ok: true, ...landing(state.status, input) };
  }
  const permission = requiredPermission(action);
  if (!can(actor.role, permission)) return { ok: false, kind: 'forbidden', message: `Действие «${action}» недоступно роли ${actor.role}` };
  if (action === 'correct' && !can(actor.role, 'classification:correct')) return { ok: false, kind: 'forbidden', message: 'Исправления классификации недоступны этой роли' };
  if (state.status === 'merged') return { ok: false, kind: 'conflict', code: 'merged', message: 'Инцидент объединён с другим: работайте с ним' };
  if (!FROM[action].includes(state.status)) return { ok: false, kind: 'conflict', code: 'invalid_transition', message: `Действие «${action}» невозможно в статусе «${state.status}»` };
  const isLead = can(actor.role, 'incidents:lead');
  if (HOLDER_ACTIONS.has(action) && !isLead && state.assigneeId !== actor.id) {
    return { ok: false, kind: 'conflict', code: 'not_assignee', message: state.assigneeId ? 'Инцидент в работе у другого сотрудника' : 'Сначала возьмите инцидент в работу' };
  }
  if (action === 'answer' && input.stage === 'interim' && state.status === 'answered') {
    return { ok: false, kind: 'conflict', code: 'invalid_transition', message: 'Окончательный ответ уже дан' };
  }
  return { ok: true, ...landing(state.status, input) };
}

function landing(from: IncidentStatus, input: TransitionInput): { next: IncidentStatus; assignee: 'keep' | 'actor' | 'target' | 'clear' } {
  switch (input.action) {
    case 'take':
      return { next: 'taken', assignee: 'actor' };
    case 'release':
      return { next: 'new', assignee: 'clear' };
    case 'assign':
      return { next: from === 'routed' || from === 'answered' ? from : 'taken', assignee: 'target' };
    case 'route':
      return { next: 'routed', assignee: 'keep' };
    case 'answer':
      return { next: input.stage === 'final' ? 'answered' : from, assignee: 'keep' };
    case 'close':
      return { next: 'closed', assignee: 'keep' };
    case 'reopen':
      return { next: 'reopened', assignee: 'keep' };
    case 'reject':
      return { next: 'rejected', assignee: 'keep' };
    case 'merge':
      return { next: 'merged', assignee: 'keep' };
    case 'split':
    case 'dismiss_suggestion':
    case 'correct':
      return { next: from, assignee: 'keep' };
  }
}

/** One line of an incident's timeline. */
export interface HistoryEntry {
  at: string;
  action: IncidentAction | 'opened' | 'post_attached' | 'merged_in' | 'comment';
  actor?: { id: string; username: string; name: string };
  from?: IncidentStatus;
  to?: IncidentStatus;
  details?: Record<string, string | number | boolean | null>;
}

/** Timelines stay bounded: a burst of thousands of posts must not make the document huge. */
export const MAX_HISTORY = 500;
export const MAX_COMMENTS = 500;
export const MAX_COMMENT_CHARS = 2000;
export const MAX_ANSWER_CHARS = 4000;
export const MAX_REASON_CHARS = 500;

// ---------------------------------------------------------------------------------------------
// Grouping rule (one card per problem)

export interface GroupingPolicy {
  /** Score (text similarity with the place bonus and sector penalty) at or above which a post attaches automatically. */
  autoLink: number;
  /** From here up to `autoLink` the operator is offered the link (a suggestion). */
  suggest: number;
  /**
   * Same category, same municipality, same street: the place rule counts as this much
   * similarity, added to the text's.
   */
  placeBonus: number;
  /**
   * Both posts name the same problem concept and the same house, route or school number, street or
   * place key («нет воды» at «Ленина 12» in other words): this much is added to the score. The bonus links
   * posts whose words barely meet, so it is capped (src/pipeline/grouping-eval.ts).
   */
  anchorBonus: number;
  /** The classifier puts the two posts in different sectors: this much is taken off the score. */
  otherSectorPenalty: number;
  /**
   * Both posts are classified into different sectors, each with at least this confidence: the
   * pair is never linked automatically, at most suggested (the operator decides). `null`: off.
   */
  sectorVeto: number | null;
  /** Only incidents opened within this many minutes collect new posts. */
  windowMinutes: number;
}

// Thresholds chosen on the development pairs: data/grouping/pairs.jsonl and the read held-out files (`npm run eval:grouping`).
export const DEFAULT_GROUPING: GroupingPolicy = { autoLink: 0.21, suggest: 0.1, placeBonus: 0.15, anchorBonus: 0.1, otherSectorPenalty: 0, sectorVeto: 0.75, windowMinutes: 24 * 60 };

export type GroupingVerdict = 'link' | 'suggest' | 'separate';

/** What the grouping rule knows of a pair of posts (src/text/grouping-features.ts, src/pipeline/pipeline.service.ts `groupCandidate`). */
export interface GroupingEvidence {
  /** Jaccard index of the two grouping feature sets. */
  similarity: number;
  /** The place rule holds: same municipality, category and street. */
  samePlace: boolean;
  /** Both name a problem concept in common and a number, a street or the place key in common. */
  anchored?: boolean;
  sameSector: boolean;
  /** When the sectors differ, the lower of the two classifier confidences in them; null when they agree. */
  otherSectorConfidence: number | null;
  /**
   * Why the two can never be one problem, or null: both name house, route or school numbers and
   * share none («лифт на Заозёрной 12» and «… 27»), both name a known street and not the same
   * one, both name districts and none in common («Кировский округ обесточен» and «Ленинский …»),
   * both name problems and none in common («нет отопления» and «не работает лифт»).
   */
  conflict: 'numbers' | 'street' | 'district' | 'problem' | null;
}

/** The grouping verdict for a pair and its score (0 when a conflict vetoes the link). */
export function groupingVerdict(e: GroupingEvidence, policy: GroupingPolicy): { verdict: GroupingVerdict; score: number } {
  if (e.conflict) return { verdict: 'separate', score: 0 };
  const score = Math.max(0, Math.min(1, e.similarity + (e.samePlace ? policy.placeBonus : 0) + (e.anchored ? policy.anchorBonus : 0) - (e.sameSector ? 0 : policy.otherSectorPenalty)));
  // Two confident, different sectors: at most a suggestion, however alike the words.
  const vetoed = policy.sectorVeto !== null && e.otherSectorConfidence !== null && e.otherSectorConfidence >= policy.sectorVeto;
  return { verdict: score >= policy.autoLink && !vetoed ? 'link' : score >= policy.suggest ? 'suggest' : 'separate', score };
}

/** True when both sets are non-empty and share nothing. */
export function disjointNonEmpty<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const set = new Set(a);
  return !b.some((x) => set.has(x));
}

/** The place key of a post for the place rule, or null when it names no street. */
export function placeKey(p: { municipality: string; category?: string | undefined; street?: string | undefined }): string | null {
  if (!p.street || !p.category) return null;
  return `${p.municipality}|${p.category}|${p.street.toLowerCase()}`;
}
