/**
 * Pure rules behind audit, retention and erasure, with typed fakes: which responses the audit
 * trail records, the retention cutoff, profile-URL matching and the erasure selector.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerAuditTrail } from '../../src/api/routes/audit.routes';
import { FULL_SCOPE, type SessionUser } from '../../src/domain/access';
import type { SessionRecord } from '../../src/repositories/sessions.repository';
import { ERASED_AUTHOR, normaliseProfileUrl, selectorQuery } from '../../src/repositories/posts.repository';
import type { AuditEvent } from '../../src/services/audit.service';
import { retentionCutoff } from '../../src/services/retention.service';

const USER: SessionUser = { id: 'duty', username: 'duty', displayName: 'Дежурный', role: 'operator', scope: FULL_SCOPE };

async function appRecording() {
  const recorded: { actor: SessionUser | null; e: AuditEvent }[] = [];
  const app = Fastify();
  registerAuditTrail(app, { audit: { record: async (actor, e) => void recorded.push({ actor, e }) } });
  const withSession = async (request: { session?: SessionRecord }) => {
    request.session = { id: 's1', user: USER, createdAt: 0, expiresAt: 0 } as SessionRecord;
  };
  app.get('/api/things/:id', { preHandler: withSession }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (id === 'mine') return { ok: true };
    if (id === 'forbidden') return reply.status(403).send({ error: 'forbidden' });
    return reply.status(404).send({ error: 'not_found' });
  });
  app.get('/api/things', { preHandler: withSession }, async (_request, reply) => reply.status(404).send({}));
  app.post('/api/things/:id/close', { preHandler: withSession }, async (request) => ({ id: (request.params as { id: string }).id }));
  app.post('/api/things/:id/fail', { preHandler: withSession }, async (_request, reply) => reply.status(409).send({}));
  app.post('/api/auth/login', async () => ({ ok: true }));
  app.post('/api/public', async () => ({ ok: true }));
  await app.ready();
  return { app, recorded };
}

describe('audit trail hook', () => {
  it('records 403s, 404s on object routes and writes of signed-in callers, with ids but no bodies', async () => {
    const { app, recorded } = await appRecording();
    await app.inject({ method: 'GET', url: '/api/things/mine' });
    await app.inject({ method: 'GET', url: '/api/things/forbidden' });
    await app.inject({ method: 'GET', url: '/api/things/elsewhere' });
    await app.inject({ method: 'GET', url: '/api/things' });
    await app.inject({ method: 'POST', url: '/api/things/t1/close', payload: { comment: 'Иван Петров звонил' } });
    await app.inject({ method: 'POST', url: '/api/things/t2/fail', payload: {} });
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: {} });
    await app.inject({ method: 'POST', url: '/api/public', payload: {} });
    expect(recorded.map((r) => [r.e.action, r.e.outcome, r.e.target])).toEqual([
      ['access.denied', 'denied', 'forbidden'],
      ['access.not_found', 'denied', 'elsewhere'],
      ['api.write', 'success', 't1'],
      ['api.write', 'failure', 't2'],
    ]);
    expect(recorded.every((r) => r.actor?.id === 'duty')).toBe(true);
    expect(recorded[2]?.e.details).toEqual({ route: '/api/things/:id/close', method: 'POST', status: 200, params: { id: 't1' } });
    expect(JSON.stringify(recorded)).not.toContain('Иван');
    await app.close();
  });

  it('keeps answering when the audit store fails', async () => {
    const app = Fastify({ logger: false });
    registerAuditTrail(app, { audit: { record: async () => Promise.reject(new Error('es down')) } });
    app.post('/api/x', { preHandler: async (r: { session?: SessionRecord }) => void (r.session = { id: 's', user: USER, createdAt: 0, expiresAt: 0 } as SessionRecord) }, async () => ({ ok: true }));
    const res = await app.inject({ method: 'POST', url: '/api/x', payload: {} });
    expect(res.statusCode).toBe(200);
    await app.close();
  });
});

describe('retention cutoff', () => {
  it('is exactly RETENTION_DAYS before now', () => {
    expect(retentionCutoff(new Date('2026-06-15T12:00:00Z'), 30).toISOString()).toBe('2026-05-16T12:00:00.000Z');
    expect(retentionCutoff(new Date('2026-03-01T00:00:00Z'), 1).toISOString()).toBe('2026-02-28T00:00:00.000Z');
  });
});

describe('profile URLs', () => {
  it('match across scheme, www/m., host case, query, fragment and trailing slash, and nothing else', () => {
    const base = normaliseProfileUrl('https://vk.com/id123');
    for (const same of ['http://vk.com/id123', 'https://www.VK.com/id123/', 'https://m.vk.com/id123?from=feed#top', ' https://vk.com/id123 ']) expect(normaliseProfileUrl(same), same).toBe(base);
    for (const other of ['https://vk.com/id1234', 'https://vk.ru/id123', 'https://vk.com/ID123', 'https://ok.ru/id123']) expect(normaliseProfileUrl(other), other).not.toBe(base);
  });
});

describe('erasure selector', () => {
  const textErased = { term: { text_length: 0 } };
  it('anonymise skips documents already anonymised; with text, only those whose text is gone too', () => {
    const q = selectorQuery({ network: 'vk', authorIds: ['a1'] }, 'anonymise', false, textErased);
    expect(q).toEqual({
      bool: {
        filter: [{ term: { network: 'vk' } }, { terms: { 'author.id': ['a1'] } }],
        must_not: [{ bool: { filter: [{ term: { 'author.id': ERASED_AUTHOR.id } }] } }],
      },
    });
    const withText = selectorQuery({ publishedBefore: '2026-01-01T00:00:00Z' }, 'anonymise', true, textErased);
    expect(withText.bool?.must_not).toEqual([{ bool: { filter: [{ term: { 'author.id': ERASED_AUTHOR.id } }, textErased] } }]);
    expect(withText.bool?.filter).toEqual([{ range: { published_at: { lt: '2026-01-01T00:00:00Z' } } }]);
  });

  it('delete takes every selected document', () => {
    expect(selectorQuery({ publishedBefore: '2026-01-01T00:00:00Z' }, 'delete', false, textErased).bool?.must_not).toEqual([]);
  });
});
