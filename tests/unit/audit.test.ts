import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, auditRecord, authorViewEvent, isAuditAction, LEGACY_AUDIT_ACTIONS, storedAuditNames, storedAuditPrefixes } from '../../src/domain/audit';

describe('audit actions', () => {
  it('are all named <object>.<verb>, singular object, snake_case verb', () => {
    for (const a of AUDIT_ACTIONS) expect(a).toMatch(/^[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*$/);
    expect(AUDIT_ACTIONS.some((a) => a.startsWith('posts.'))).toBe(false);
    expect(isAuditAction('post.author_view')).toBe(true);
    expect(isAuditAction('posts.author_view')).toBe(false);
    expect(isAuditAction('toString')).toBe(false);
  });

  it('map every legacy name onto a current action, and filters find both', () => {
    for (const current of Object.values(LEGACY_AUDIT_ACTIONS)) expect(isAuditAction(current)).toBe(true);
    expect(storedAuditNames('post.author_view')).toEqual(['post.author_view', 'posts.author_view']);
    expect(storedAuditNames('user.create')).toEqual(['user.create']);
    expect(storedAuditPrefixes('post.')).toEqual(['post.', 'posts.']);
    expect(storedAuditPrefixes('user.')).toEqual(['user.']);
  });
});

describe('auditRecord', () => {
  const at = new Date('2026-03-01T10:00:00Z');

  it('names the actor and omits what the event does not carry', () => {
    const rec = auditRecord({ id: 'u1', username: 'duty', role: 'operator' }, { action: 'post.search', outcome: 'success' }, at);
    expect(rec).toEqual({ at: '2026-03-01T10:00:00.000Z', actorId: 'u1', actorUsername: 'duty', actorRole: 'operator', action: 'post.search', outcome: 'success' });
  });

  it('records a system or anonymous event without an actor', () => {
    const rec = auditRecord(null, { action: 'webhook.appeal', outcome: 'denied', target: 'webhook:x', ip: '10.0.0.1', details: { reason: 'bad_signature' } }, at);
    expect(rec).not.toHaveProperty('actorId');
    expect(rec).toMatchObject({ target: 'webhook:x', ip: '10.0.0.1', details: { reason: 'bad_signature' } });
  });

  it('builds author views from ids only', () => {
    expect(authorViewEvent({ via: 'incidents', incidentIds: ['i1'] })).toEqual({ action: 'post.author_view', outcome: 'success', details: { via: 'incidents', incidentIds: ['i1'] } });
    expect(authorViewEvent({ via: 'search', postIds: ['p1'] }, '1.2.3.4').ip).toBe('1.2.3.4');
  });
});
