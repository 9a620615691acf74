/**
 * The transition matrix: every action × every status × role (operator holding the incident,
 * operator not holding it, shift lead, observer) → allowed (and where it lands) or the exact
 * refusal. The expected table is written out here by hand, not derived from the code under test.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../src/domain/access';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../../src/domain/incident';
import { decideTransition, INCIDENT_ACTIONS, type IncidentAction } from '../../../src/domain/incident-workflow';

type Expect = IncidentStatus | 'forbidden' | 'invalid_transition' | 'not_assignee' | 'merged';

// Where each action lands from each status, for an actor allowed to do it (holder or lead).
// '-' = invalid transition in that status.
const LANDS: Record<IncidentAction, Partial<Record<IncidentStatus, IncidentStatus>>> = {
  take: { new: 'taken', reopened: 'taken' },
  release: { taken: 'new' },
  assign: { new: 'taken', taken: 'taken', reopened: 'taken', routed: 'routed', answered: 'answered' },
  route: { taken: 'routed', reopened: 'routed', routed: 'routed' },
  answer: { taken: 'answered', reopened: 'answered', routed: 'answered', answered: 'answered' },
  close: { taken: 'closed', reopened: 'closed', routed: 'closed', answered: 'closed' },
  reopen: { answered: 'reopened', closed: 'reopened', rejected: 'reopened' },
  reject: { new: 'rejected', taken: 'rejected', reopened: 'rejected' },
  merge: { new: 'merged', taken: 'merged', reopened: 'merged', routed: 'merged' },
  split: { new: 'new', taken: 'taken', routed: 'routed', answered: 'answered', reopened: 'reopened' },
  dismiss_suggestion: { new: 'new', taken: 'taken', routed: 'routed', answered: 'answered', reopened: 'reopened' },
  correct: { new: 'new', taken: 'taken', routed: 'routed', answered: 'answered', reopened: 'reopened' },
};
const LEAD_ONLY = new Set<IncidentAction>(['assign', 'reopen', 'reject', 'merge']);
const HOLDER_ONLY = new Set<IncidentAction>(['release', 'route', 'answer', 'close']);

function expected(role: 'holder' | 'other' | Role, action: IncidentAction, status: IncidentStatus): Expect {
  if (role === 'observer') return 'forbidden';
  const isLead = role === 'shift_lead';
  if (LEAD_ONLY.has(action) && !isLead) return 'forbidden';
  if (status === 'merged') return 'merged';
  const to = LANDS[action][status];
  if (!to) return 'invalid_transition';
  if (HOLDER_ONLY.has(action) && role === 'other') return 'not_assignee';
  return to;
}

const ACTORS: { label: string; kind: 'holder' | 'other' | Role; role: Role; id: string }[] = [
  { label: 'operator holding it', kind: 'holder', role: 'operator', id: 'u-holder' },
  { label: 'another operator', kind: 'other', role: 'operator', id: 'u-other' },
  { label: 'shift lead', kind: 'shift_lead', role: 'shift_lead', id: 'u-lead' },
  { label: 'observer', kind: 'observer', role: 'observer', id: 'u-obs' },
];

describe('transition matrix', () => {
  for (const actor of ACTORS) {
    for (const status of INCIDENT_STATUSES) {
      for (const action of INCIDENT_ACTIONS) {
        const want = expected(actor.kind, action, status);
        it(`${actor.label}: ${action} on ${status} → ${want}`, () => {
          const d = decideTransition({ status, assigneeId: 'u-holder' }, { action, ...(action === 'answer' ? { stage: 'final' as const } : {}) }, { id: actor.id, role: actor.role });
          if (d.ok) expect(d.next).toBe(want);
          else expect(d.kind === 'forbidden' ? 'forbidden' : d.code).toBe(want);
        });
      }
    }
  }

  it('an interim answer keeps the status, and is refused after the final one', () => {
    const holder = { id: 'u', role: 'operator' as const };
    expect(decideTransition({ status: 'routed', assigneeId: 'u' }, { action: 'answer', stage: 'interim' }, holder)).toMatchObject({ ok: true, next: 'routed' });
    expect(decideTransition({ status: 'answered', assigneeId: 'u' }, { action: 'answer', stage: 'interim' }, holder)).toMatchObject({ ok: false, code: 'invalid_transition' });
  });

  it('take sets the actor as owner, release clears it, assign sets the target', () => {
    const op = { id: 'u', role: 'operator' as const };
    expect(decideTransition({ status: 'new' }, { action: 'take' }, op)).toMatchObject({ assignee: 'actor' });
    expect(decideTransition({ status: 'taken', assigneeId: 'u' }, { action: 'release' }, op)).toMatchObject({ assignee: 'clear' });
    expect(decideTransition({ status: 'new' }, { action: 'assign' }, { id: 'l', role: 'shift_lead' })).toMatchObject({ assignee: 'target' });
    // Nobody holds it: an operator must take it before routing.
    expect(decideTransition({ status: 'reopened', assigneeId: null }, { action: 'route' }, op)).toMatchObject({ ok: false, code: 'not_assignee' });
  });
});
