/**
 * The operator workplace's pure parts: which buttons a card shows (mirrors the server's
 * transition rules) and the one keyboard handler (modified keys and keys typed into fields ignored).
 */
import { describe, expect, it } from 'vitest';
import { keyCommand } from '../../dashboards/pages/operator/keys';
import { passes, readFilters } from '../../dashboards/pages/operator/model';
import { availableActions, conflictText } from '../../dashboards/pages/operator/workflow';
import type { IncidentCard } from '../../src/contracts/feed';
import { decideTransition } from '../../src/domain/incident-workflow';
import { INCIDENT_STATUSES } from '../../src/domain/incident';

const me = { id: 'u1', role: 'operator' as const };
const staff = (id: string) => ({ id, username: id, name: id });

describe('card actions', () => {
  it('offers only what the server would accept, for every status and holder', () => {
    for (const role of ['operator', 'sector_lead', 'curator'] as const) {
      for (const status of INCIDENT_STATUSES) {
        for (const holder of [null, 'u1', 'u2']) {
          const offered = availableActions({ status, assignee: holder ? staff(holder) : null }, { id: 'u1', role });
          for (const action of ['take', 'release', 'route', 'answer', 'close', 'reject', 'reopen'] as const) {
            const d = decideTransition({ status, assigneeId: holder }, { action, stage: 'final' }, { id: 'u1', role });
            expect(offered.includes(action), `${role} ${status} ${holder} ${action}`).toBe(d.ok);
          }
        }
      }
    }
  });
  it('an operator sees take on a new incident, and holder actions only on their own', () => {
    expect(availableActions({ status: 'new', assignee: null }, me)).toEqual(['take', 'correct']);
    expect(availableActions({ status: 'taken', assignee: staff('u2') }, me)).toEqual(['correct']);
    expect(availableActions({ status: 'taken', assignee: staff('u1') }, me)).toEqual(['release', 'route', 'answer', 'close', 'correct']);
    expect(conflictText({ status: 'taken', assignee: staff('Анна') }, 'Инцидент только что изменил другой сотрудник')).toContain('в работе у Анна');
  });
});

describe('keyboard', () => {
  const ev = (key: string, over: Partial<KeyboardEvent> = {}) => ({ key, ctrlKey: false, altKey: false, metaKey: false, target: document.body, ...over });
  it('maps plain keys and ignores modified ones and typing in fields', () => {
    expect(keyCommand(ev('j'))).toBe('next');
    expect(keyCommand(ev('k'))).toBe('prev');
    expect(keyCommand(ev('t'))).toBe('take');
    expect(keyCommand(ev('/'))).toBe('search');
    expect(keyCommand(ev('?'))).toBe('help');
    expect(keyCommand(ev('t', { ctrlKey: true }))).toBeNull();
    expect(keyCommand(ev('x', { metaKey: true }))).toBeNull();
    const input = document.createElement('input');
    expect(keyCommand(ev('t', { target: input }))).toBeNull();
    expect(keyCommand(ev('Escape', { target: document.createElement('textarea') }))).toBe('escape');
  });
});

describe('filters in the URL', () => {
  it('reads them and applies them to live cards', () => {
    const f = readFilters(new URLSearchParams('status=open&mine=1&urgent=true&reason=complaint&municipality=omsk&q=вода'));
    expect(f).toEqual({ status: 'open', mine: true, urgent: 'true', reason: 'complaint', municipality: 'omsk', q: 'вода' });
    const card = { sector: 'housing', municipality: 'omsk', urgent: true, reason: 'complaint', status: 'taken', assignee: staff('u1'), text: 'Нет воды' } as unknown as IncidentCard;
    expect(passes(card, null, f, 'u1')).toBe(true);
    expect(passes(card, null, f, 'u2')).toBe(false);
    expect(passes({ ...card, status: 'closed' }, null, f, 'u1')).toBe(false);
    expect(passes(card, 'roads', f, 'u1')).toBe(false);
  });
});
