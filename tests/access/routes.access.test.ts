/**
 * Every role × every route (and the feed socket), in and out of scope, against the real API,
 * Redis and Elasticsearch. Routes are discovered from the app itself: a route that is not in
 * ROUTES below fails the first test, so every new route gets an access rule here.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app';
import { shellPaths } from '../../src/api/dashboards';
import type { FeedEvent, IncidentCard } from '../../src/contracts/feed';
import { can, FULL_SCOPE, inScope, ROLES, type Permission, type Role, type Scope } from '../../src/domain/access';
import { eventually, startSystem, type FeedClient, type TestSystem } from '../helpers/system';
import { cellPosts, CELLS, publish, seed, type SeedPost } from './access-fixtures';

type Access = { kind: 'public' } | { kind: 'session' } | { kind: 'permission'; permission: Permission };

interface TestUser {
  username: string;
  role: Role;
  scope: Scope;
  token: string;
}

interface Probe {
  label: string;
  url: string;
  /** A function when every call needs a fresh body (e.g. a new account name per failed login). */
  body?: unknown;
  /** Status for a caller the route lets in (default 200). */
  ok?: (u: TestUser | null) => number;
  /** Extra assertions on a successful answer. */
  check?: (body: unknown, u: TestUser | null) => void;
  /** Uses a token other than the user's own (e.g. a throwaway session for logout). */
  token?: (u: TestUser) => Promise<string>;
}

interface RouteSpec {
  access: Access;
  probes: Probe[];
}

const HOUSING_OMSK: Scope = { sectors: ['housing'], municipalities: ['omsk'] };
const TAG = `acc${Date.now().toString(36)}`;
const SEEDED: SeedPost[] = cellPosts(TAG);
const inScopeCount = (s: Scope) => SEEDED.filter((p) => inScope(s, p)).length;

let sys: TestSystem;
let nobody = 0;
let made = 0;
const METRICS_TOKEN = `metrics-${'x'.repeat(30)}`;
const IN_POST = SEEDED[0]?.id as string;
const OUT_POST = SEEDED[3]?.id as string;

function expectAllInScope(items: { sector: IncidentCard['sector']; municipality: string; author: unknown }[], u: TestUser | null): void {
  if (!u) return;
  for (const it of items) expect(inScope(u.scope, it), `${u.username} got ${it.sector}/${it.municipality}`).toBe(true);
  for (const it of items) expect(it.author === null, `${u.username}: author shown = ${String(it.author !== null)}`).toBe(!can(u.role, 'posts:author'));
}

/** The access table: `<METHOD> <route pattern>` → who may call it and what to send. */
const ROUTES: Record<string, RouteSpec> = {
  'GET /health/live': { access: { kind: 'public' }, probes: [{ label: 'live', url: '/health/live' }] },
  'GET /health/ready': { access: { kind: 'public' }, probes: [{ label: 'ready', url: '/health/ready' }] },
  'GET /api/openapi.json': { access: { kind: 'public' }, probes: [{ label: 'spec', url: '/api/openapi.json' }] },
  'POST /api/auth/login': {
    access: { kind: 'public' },
    probes: [{ label: 'unknown account', url: '/api/auth/login', body: () => ({ username: `nobody-${++nobody}`, password: 'wrong-password-1' }), ok: () => 401 }],
  },
  'POST /api/auth/login/totp': {
    access: { kind: 'public' },
    probes: [{ label: 'unknown challenge', url: '/api/auth/login/totp', body: { challenge: 'no-such-challenge', code: '123456' }, ok: () => 401 }],
  },
  'POST /api/auth/totp/setup': {
    access: { kind: 'session' },
    // Starts an enrolment (harmless until confirmed); an account that already has TOTP gets 409.
    // Needs the current password: a wrong one is 400 (an account that already has TOTP gets 409 first).
    probes: [{ label: 'start enrolment, wrong password', url: '/api/auth/totp/setup', body: { password: 'not-my-password-1' }, ok: (u) => (u?.role === 'admin' ? 409 : 400) }],
  },
  'POST /api/auth/password': {
    access: { kind: 'session' },
    probes: [{ label: 'wrong current password', url: '/api/auth/password', body: { currentPassword: 'not-my-password-1', newPassword: 'Kfz8-rain-orbit-73' }, ok: () => 400 }],
  },
  'POST /api/auth/totp/confirm': {
    access: { kind: 'session' },
    probes: [{ label: 'wrong code', url: '/api/auth/totp/confirm', body: { code: '000000' }, ok: (u) => (u?.role === 'admin' ? 409 : 400) }],
  },
  'POST /api/webhooks/appeals/:senderId': {
    // Authenticated by the sender's HMAC, not by a session: an unknown sender is 404 for everyone.
    access: { kind: 'public' },
    probes: [{ label: 'unknown sender', url: '/api/webhooks/appeals/no-such-sender', body: {}, ok: () => 404 }],
  },
  'POST /api/auth/logout': {
    access: { kind: 'session' },
    probes: [
      {
        label: 'throwaway session',
        url: '/api/auth/logout',
        ok: () => 204,
        token: (u) => sys.login({ username: u.username, password: `${u.username}-password-1` }),
      },
    ],
  },
  'GET /api/auth/me': {
    access: { kind: 'session' },
    probes: [{ label: 'me', url: '/api/auth/me', check: (b, u) => expect((b as { user: { username: string } }).user.username).toBe(u?.username) }],
  },
  'GET /api/meta': { access: { kind: 'session' }, probes: [{ label: 'meta', url: '/api/meta' }] },
  'GET /api/audit': {
    access: { kind: 'permission', permission: 'audit:read' },
    probes: [{ label: 'trail', url: '/api/audit?size=5', check: (b) => expect((b as { items: unknown[] }).items.length).toBeGreaterThan(0) }],
  },
  'GET /api/incidents': {
    access: { kind: 'permission', permission: 'incidents:read' },
    probes: [
      {
        label: 'all in scope',
        url: '/api/incidents?limit=200',
        check: (b, u) => {
          const items = (b as { items: IncidentCard[] }).items.filter((i) => i.text.includes(TAG));
          expectAllInScope(items, u);
          if (u) expect(items.length).toBe(inScopeCount(u.scope));
        },
      },
      {
        label: 'asks for another sector and municipality',
        url: '/api/incidents?sector=roads&municipality=tara&limit=200',
        check: (b, u) => {
          const items = (b as { items: IncidentCard[] }).items.filter((i) => i.text.includes(TAG));
          expectAllInScope(items, u);
          if (u) expect(items.length).toBe(inScope(u.scope, { sector: 'roads', municipality: 'tara' }) ? 1 : 0);
        },
      },
    ],
  },
  'GET /api/posts/search': {
    access: { kind: 'permission', permission: 'posts:search' },
    probes: [
      {
        label: 'query in scope',
        url: `/api/posts/search?q=${TAG}&size=100`,
        check: (b, u) => {
          const res = b as { total: number; items: IncidentCard[] };
          expectAllInScope(res.items, u);
          if (u) expect(res.total).toBe(inScopeCount(u.scope));
        },
      },
      {
        label: 'filters outside the scope',
        url: `/api/posts/search?q=${TAG}&sector=roads&municipality=tara&size=100`,
        check: (b, u) => {
          const res = b as { total: number; items: IncidentCard[] };
          expectAllInScope(res.items, u);
          if (u) expect(res.total).toBe(inScope(u.scope, { sector: 'roads', municipality: 'tara' }) ? 1 : 0);
        },
      },
    ],
  },
  'GET /api/archive/search': {
    access: { kind: 'permission', permission: 'posts:search' },
    probes: [
      {
        label: 'query in scope',
        url: `/api/archive/search?q=${TAG}&size=100`,
        check: (b, u) => {
          const res = b as { total: number; items: IncidentCard[] };
          expectAllInScope(res.items, u);
          if (u) expect(res.total).toBe(inScopeCount(u.scope));
        },
      },
      {
        label: 'field filters outside the scope',
        url: `/api/archive/search?q=${encodeURIComponent(`${TAG} OR (sector:roads municipality:tara)`)}&size=100`,
        check: (b, u) => {
          const res = b as { total: number; items: IncidentCard[] };
          expectAllInScope(res.items, u);
        },
      },
    ],
  },
  'GET /api/archive/posts/:id': {
    access: { kind: 'permission', permission: 'posts:search' },
    probes: [
      { label: 'post in scope', url: `/api/archive/posts/${IN_POST}`, ok: (u) => (u && inScope(u.scope, SEEDED[0] as SeedPost) ? 200 : 404) },
      { label: 'post out of scope', url: `/api/archive/posts/${OUT_POST}`, ok: (u) => (u && inScope(u.scope, SEEDED[3] as SeedPost) ? 200 : 404) },
    ],
  },
  'GET /api/archive/export': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'csv', url: `/api/archive/export?q=${TAG}` }] },
  'GET /api/saved-searches': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'list', url: '/api/saved-searches' }] },
  'POST /api/saved-searches': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'create', url: '/api/saved-searches', body: { name: 'acc', q: TAG }, ok: () => 201 }] },
  'PATCH /api/saved-searches/:id': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'no such search', url: '/api/saved-searches/nope', body: { name: 'x' }, ok: () => 404 }] },
  'DELETE /api/saved-searches/:id': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'no such search', url: '/api/saved-searches/nope', ok: () => 404 }] },
  'GET /api/notifications': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'list', url: '/api/notifications' }] },
  'POST /api/notifications/seen': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'seen', url: '/api/notifications/seen', body: {}, ok: () => 204 }] },
  'GET /api/analytics/breakdown': {
    access: { kind: 'permission', permission: 'posts:search' },
    probes: [
      {
        label: 'counts in scope',
        url: `/api/analytics/breakdown?q=${TAG}&dims=sector,municipality&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`,
        check: (b, u) => {
          const res = b as { rows: { keys: { sector: IncidentCard['sector']; municipality: string }; count: number }[] };
          if (!u) return;
          for (const r of res.rows) expect(inScope(u.scope, r.keys)).toBe(true);
          expect(res.rows.reduce((n, r) => n + r.count, 0)).toBe(inScopeCount(u.scope));
        },
      },
    ],
  },
  'GET /api/analytics/breakdown/export': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'csv', url: '/api/analytics/breakdown/export?dims=sector' }] },
  'GET /api/analytics/top': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'top', url: '/api/analytics/top' }] },
  'GET /api/analytics/recurring': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'recurring', url: '/api/analytics/recurring' }] },
  'GET /api/analytics/misinformation': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'share', url: '/api/analytics/misinformation' }] },
  'GET /api/analytics/map': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'map', url: '/api/analytics/map' }] },
  'GET /api/analytics/map/geojson': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'not configured', url: '/api/analytics/map/geojson', ok: () => 404 }] },
  'GET /api/reports': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'list', url: '/api/reports' }] },
  'POST /api/reports': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'period too long (refused by the service, after access)', url: '/api/reports', body: { kind: 'monthly', from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, ok: () => 400 }] },
  'GET /api/reports/:id/:format': { access: { kind: 'permission', permission: 'posts:search' }, probes: [{ label: 'no such report', url: '/api/reports/nope/pdf', ok: () => 404 }] },
  'GET /metrics': {
    // Prometheus authenticates with METRICS_TOKEN, not with a session: a session token is refused.
    access: { kind: 'public' },
    probes: [
      { label: 'metrics token', url: '/metrics', token: async () => METRICS_TOKEN },
      { label: 'session token instead', url: '/metrics', ok: () => 401 },
    ],
  },
  // Incident work (issue 10): reading needs incidents:read; actions and comments also incidents:work
  // (lead actions incidents:lead); out of scope answers like missing.
  'GET /api/incidents/counters': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'counters', url: '/api/incidents/counters' }] },
  'GET /api/incidents/workload': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'workload', url: '/api/incidents/workload' }] },
  'GET /api/incidents/:id': {
    access: { kind: 'permission', permission: 'incidents:read' },
    probes: [
      { label: 'incident in scope', url: `/api/incidents/inc:${IN_POST}`, ok: (u) => (u && inScope(u.scope, SEEDED[0] as SeedPost) ? 200 : 404) },
      { label: 'incident out of scope', url: `/api/incidents/inc:${OUT_POST}`, ok: (u) => (u && inScope(u.scope, SEEDED[3] as SeedPost) ? 200 : 404) },
      { label: 'no such incident', url: '/api/incidents/inc:vk:no-such-post', ok: () => 404 },
    ],
  },
  'POST /api/incidents/:id/actions': {
    access: { kind: 'permission', permission: 'incidents:read' },
    probes: [
      // A stale version changes nothing: 409 for whoever may take, 403 for read-only roles.
      { label: 'take in scope (stale version)', url: `/api/incidents/inc:${IN_POST}/actions`, body: { action: 'take', version: 'stale' }, ok: (u) => (u && inScope(u.scope, SEEDED[0] as SeedPost) ? (can(u.role, 'incidents:work') ? 409 : 403) : 404) },
      { label: 'merge in scope (lead only)', url: `/api/incidents/inc:${IN_POST}/actions`, body: { action: 'merge', version: 'stale', targetId: `inc:${OUT_POST}` }, ok: (u) => (u && inScope(u.scope, SEEDED[0] as SeedPost) ? (can(u.role, 'incidents:lead') ? 409 : 403) : 404) },
      { label: 'take out of scope', url: `/api/incidents/inc:${OUT_POST}/actions`, body: { action: 'take', version: 'stale' }, ok: (u) => (u && inScope(u.scope, SEEDED[3] as SeedPost) ? (can(u.role, 'incidents:work') ? 409 : 403) : 404) },
    ],
  },
  'GET /api/incidents/:id/comments': {
    access: { kind: 'permission', permission: 'incidents:read' },
    probes: [
      { label: 'incident in scope', url: `/api/incidents/inc:${IN_POST}/comments`, ok: (u) => (u && inScope(u.scope, SEEDED[0] as SeedPost) ? 200 : 404) },
      { label: 'incident out of scope', url: `/api/incidents/inc:${OUT_POST}/comments`, ok: (u) => (u && inScope(u.scope, SEEDED[3] as SeedPost) ? 200 : 404) },
    ],
  },
  'POST /api/incidents/:id/comments': {
    access: { kind: 'permission', permission: 'incidents:read' },
    probes: [
      { label: 'comment in scope', url: `/api/incidents/inc:${IN_POST}/comments`, body: { text: 'проверка доступа' }, ok: (u) => (u && can(u.role, 'incidents:work') ? (inScope(u.scope, SEEDED[0] as SeedPost) ? 201 : 404) : 403) },
      { label: 'comment out of scope', url: `/api/incidents/inc:${OUT_POST}/comments`, body: { text: 'проверка доступа' }, ok: (u) => (u && can(u.role, 'incidents:work') ? (inScope(u.scope, SEEDED[3] as SeedPost) ? 201 : 404) : 403) },
    ],
  },
  'GET /api/shift/handover': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'handover', url: '/api/shift/handover' }] },
  'POST /api/shift/handover/ack': { access: { kind: 'permission', permission: 'incidents:work' }, probes: [{ label: 'acknowledge', url: '/api/shift/handover/ack', body: {}, ok: () => 201 }] },
  'GET /api/posts/:id/corrections': {
    access: { kind: 'permission', permission: 'posts:search' },
    probes: [
      { label: 'post in scope', url: `/api/posts/${IN_POST}/corrections`, ok: (u) => (u && inScope(u.scope, SEEDED[0] as SeedPost) ? 200 : 404) },
      { label: 'post out of scope', url: `/api/posts/${OUT_POST}/corrections`, ok: (u) => (u && inScope(u.scope, SEEDED[3] as SeedPost) ? 200 : 404) },
      { label: 'no such post', url: `/api/posts/vk:no-such-post/corrections`, ok: () => 404 },
    ],
  },
  'GET /api/posts/:id/explanation': {
    access: { kind: 'permission', permission: 'posts:search' },
    probes: [
      {
        label: 'post in scope',
        url: `/api/posts/${IN_POST}/explanation`,
        ok: (u) => (u && inScope(u.scope, SEEDED[0] as SeedPost) ? 200 : 404),
        // An explanation is about the model, never about the person.
        check: (b) => expect(JSON.stringify(b)).not.toContain((SEEDED[0] as SeedPost).author.name),
      },
      { label: 'post out of scope', url: `/api/posts/${OUT_POST}/explanation`, ok: (u) => (u && inScope(u.scope, SEEDED[3] as SeedPost) ? 200 : 404) },
      { label: 'no such post', url: '/api/posts/vk:no-such-post/explanation', ok: () => 404 },
    ],
  },
  'POST /api/posts/:id/corrections': {
    access: { kind: 'permission', permission: 'classification:correct' },
    probes: [
      { label: 'post in scope', url: `/api/posts/${IN_POST}/corrections`, body: { field: 'urgency', value: true }, ok: (u) => (u && inScope(u.scope, SEEDED[0] as SeedPost) ? 201 : 404) },
      { label: 'post out of scope', url: `/api/posts/${OUT_POST}/corrections`, body: { field: 'urgency', value: true }, ok: (u) => (u && inScope(u.scope, SEEDED[3] as SeedPost) ? 201 : 404) },
    ],
  },
  'GET /api/models': { access: { kind: 'permission', permission: 'model:manage' }, probes: [{ label: 'list', url: '/api/models' }] },
  'POST /api/models/:version/activate': {
    access: { kind: 'permission', permission: 'model:manage' },
    probes: [{ label: 'unknown version', url: '/api/models/no-such-version/activate', body: {}, ok: () => 404 }],
  },
  'GET /api/users': { access: { kind: 'permission', permission: 'users:manage' }, probes: [{ label: 'list', url: '/api/users' }] },
  'POST /api/users': {
    access: { kind: 'permission', permission: 'users:manage' },
    probes: [
      {
        label: 'create an observer',
        url: '/api/users',
        body: () => ({ username: `made-${++made}`, displayName: 'Новый наблюдатель', role: 'observer', scope: { sectors: 'all', municipalities: ['tara'] }, password: 'made-password-1' }),
        ok: () => 201,
      },
    ],
  },
  'GET /api/users/:id': { access: { kind: 'permission', permission: 'users:manage' }, probes: [{ label: 'a user', url: '/api/users/target-user' }, { label: 'no such user', url: '/api/users/nobody-at-all', ok: () => 404 }] },
  'PATCH /api/users/:id': {
    access: { kind: 'permission', permission: 'users:manage' },
    probes: [{ label: 'rename', url: '/api/users/target-user', body: () => ({ displayName: `Имя ${++made}` }) }],
  },
  'POST /api/users/:id/disable': { access: { kind: 'permission', permission: 'users:manage' }, probes: [{ label: 'disable', url: '/api/users/target-user/disable', body: {} }] },
  'POST /api/users/:id/enable': { access: { kind: 'permission', permission: 'users:manage' }, probes: [{ label: 'enable', url: '/api/users/target-user/enable', body: {} }] },
  'POST /api/users/:id/password': {
    access: { kind: 'permission', permission: 'users:manage' },
    probes: [{ label: 'reset', url: '/api/users/target-user/password', body: { password: 'reset-password-1' } }],
  },
  'POST /api/users/:id/totp/reset': { access: { kind: 'permission', permission: 'users:manage' }, probes: [{ label: 'reset', url: '/api/users/target-user/totp/reset', body: {} }] },
  'GET /api/sources': { access: { kind: 'permission', permission: 'sources:manage' }, probes: [{ label: 'list', url: '/api/sources' }] },
  'GET /api/sources/health': { access: { kind: 'permission', permission: 'sources:manage' }, probes: [{ label: 'health', url: '/api/sources/health' }] },
  'POST /api/sources': {
    access: { kind: 'permission', permission: 'sources:manage' },
    probes: [
      {
        label: 'add a feed',
        url: '/api/sources',
        body: () => ({ kind: 'rss', title: `Лента ${++made}`, municipality: 'omsk', settings: { url: `https://news.example.org/feed-${made}.xml` } }),
        ok: () => 201,
      },
    ],
  },
  'GET /api/sources/:id': { access: { kind: 'permission', permission: 'sources:manage' }, probes: [{ label: 'no such source', url: '/api/sources/no-such-source', ok: () => 404 }] },
  'GET /api/sources/:id/health': { access: { kind: 'permission', permission: 'sources:manage' }, probes: [{ label: 'no such source', url: '/api/sources/no-such-source/health', ok: () => 404 }] },
  'PATCH /api/sources/:id': { access: { kind: 'permission', permission: 'sources:manage' }, probes: [{ label: 'no such source', url: '/api/sources/no-such-source', body: { title: 'Новое' }, ok: () => 404 }] },
  'POST /api/sources/:id/pause': { access: { kind: 'permission', permission: 'sources:manage' }, probes: [{ label: 'no such source', url: '/api/sources/no-such-source/pause', body: {}, ok: () => 404 }] },
  'POST /api/sources/:id/resume': { access: { kind: 'permission', permission: 'sources:manage' }, probes: [{ label: 'no such source', url: '/api/sources/no-such-source/resume', body: {}, ok: () => 404 }] },
  'POST /api/sources/:id/rotate-secret': {
    access: { kind: 'permission', permission: 'sources:manage' },
    probes: [{ label: 'no such source', url: '/api/sources/no-such-source/rotate-secret', body: {}, ok: () => 404 }],
  },
  'DELETE /api/sources/:id': { access: { kind: 'permission', permission: 'sources:manage' }, probes: [{ label: 'no such source', url: '/api/sources/no-such-source', ok: () => 404 }] },
  'POST /api/privacy/erasure': {
    access: { kind: 'permission', permission: 'personal_data:erase' },
    probes: [
      {
        label: 'an author with no posts',
        url: '/api/privacy/erasure',
        body: { network: 'vk', authorId: 'nobody-with-posts' },
        // Erasure covers the whole archive: a scoped account may not run it.
        ok: (u) => (u && (u.scope.sectors !== 'all' || u.scope.municipalities !== 'all') ? 403 : 200),
        check: (b) => expect(b).toMatchObject({ authorsMatched: 1, posts: 0, incidents: 0 }),
      },
    ],
  },
  // Misinformation desk (issue 12): reads need desk:read; work needs desk:link / desk:verdict.
  'GET /api/desk/queue': { access: { kind: 'permission', permission: 'desk:read' }, probes: [{ label: 'queue', url: '/api/desk/queue?status=all', check: (b, u) => expectAllInScope((b as { items: { sector: IncidentCard['sector']; municipality: string; author: unknown }[] }).items, u) }] },
  'GET /api/desk/claims': { access: { kind: 'permission', permission: 'desk:read' }, probes: [{ label: 'claims', url: '/api/desk/claims' }] },
  'POST /api/desk/claims': {
    access: { kind: 'permission', permission: 'desk:link' },
    probes: [{ label: 'no such post', url: '/api/desk/claims', body: { title: 'Утверждение', postId: 'vk:no-such-post' }, ok: () => 404 }],
  },
  'GET /api/desk/claims/:id': { access: { kind: 'permission', permission: 'desk:read' }, probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}`, ok: () => 404 }] },
  'POST /api/desk/claims/:id/status': { access: { kind: 'permission', permission: 'desk:verdict' }, probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}/status`, body: { status: 'in_progress' }, ok: () => 404 }] },
  'POST /api/desk/claims/:id/verdict': {
    access: { kind: 'permission', permission: 'desk:verdict' },
    probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}/verdict`, body: { verdict: 'unverifiable', debunk: 'Текст', evidence: [] }, ok: () => 404 }],
  },
  'POST /api/desk/claims/:id/posts': { access: { kind: 'permission', permission: 'desk:link' }, probes: [{ label: 'no such post', url: `/api/desk/claims/clm_${'0'.repeat(20)}/posts`, body: { postId: 'vk:no-such-post' }, ok: () => 404 }] },
  'DELETE /api/desk/claims/:id/posts/:postId': { access: { kind: 'permission', permission: 'desk:link' }, probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}/posts/vk:no-such-post`, ok: () => 404 }] },
  'POST /api/desk/claims/:id/suggestions/:postId': {
    access: { kind: 'permission', permission: 'desk:link' },
    probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}/suggestions/vk:no-such-post`, body: { accept: true }, ok: () => 404 }],
  },
  'POST /api/desk/claims/:id/merge': { access: { kind: 'permission', permission: 'desk:link' }, probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}/merge`, body: { into: `clm_${'1'.repeat(20)}` }, ok: () => 404 }] },
  'POST /api/desk/claims/:id/publications': {
    access: { kind: 'permission', permission: 'desk:verdict' },
    probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}/publications`, body: { url: 'https://example.org/p', publishedAt: new Date().toISOString(), reach: 1 }, ok: () => 404 }],
  },
  'GET /api/desk/claims/:id/spread': { access: { kind: 'permission', permission: 'desk:read' }, probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}/spread`, ok: () => 404 }] },
  'GET /api/desk/claims/:id/warning': { access: { kind: 'permission', permission: 'desk:read' }, probes: [{ label: 'no such claim', url: `/api/desk/claims/clm_${'0'.repeat(20)}/warning`, ok: () => 404 }] },
  'GET /api/desk/suggestions': { access: { kind: 'permission', permission: 'desk:read' }, probes: [{ label: 'suggestions', url: '/api/desk/suggestions' }] },
  'GET /api/desk/alerts': { access: { kind: 'permission', permission: 'desk:read' }, probes: [{ label: 'alerts', url: '/api/desk/alerts' }] },
  'GET /api/desk/verdicts': { access: { kind: 'permission', permission: 'desk:read' }, probes: [{ label: 'verdict feed', url: '/api/desk/verdicts' }] },
  // Organisation directory (issue 11): read by everyone who works incidents, changed by organisations:manage.
  'GET /api/organisations': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'list', url: '/api/organisations' }] },
  'GET /api/organisations/suggest': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'suggest', url: '/api/organisations/suggest?sector=housing&municipality=omsk' }] },
  'GET /api/organisations/:id': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'no such organisation', url: '/api/organisations/no-such-org', ok: () => 404 }] },
  'POST /api/organisations': {
    access: { kind: 'permission', permission: 'organisations:manage' },
    probes: [{ label: 'create', url: '/api/organisations', body: () => ({ id: `org-${++made}`, name: 'Тестовая организация', kind: 'other', municipality: 'omsk' }), ok: () => 201 }],
  },
  'PATCH /api/organisations/:id': { access: { kind: 'permission', permission: 'organisations:manage' }, probes: [{ label: 'no such organisation', url: '/api/organisations/no-such-org', body: { name: 'Новое имя' }, ok: () => 404 }] },
  'DELETE /api/organisations/:id': { access: { kind: 'permission', permission: 'organisations:manage' }, probes: [{ label: 'no such organisation', url: '/api/organisations/no-such-org', ok: () => 404 }] },
  'GET /api/organisations/export': { access: { kind: 'permission', permission: 'organisations:manage' }, probes: [{ label: 'csv', url: '/api/organisations/export?format=csv' }] },
  'POST /api/organisations/import': { access: { kind: 'permission', permission: 'organisations:manage' }, probes: [{ label: 'not a file', url: '/api/organisations/import?format=csv&table=rules', body: {}, ok: () => 400 }] },
  'GET /api/routing-rules': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'list', url: '/api/routing-rules' }] },
  'POST /api/routing-rules': { access: { kind: 'permission', permission: 'organisations:manage' }, probes: [{ label: 'unknown organisation', url: '/api/routing-rules', body: { sector: 'roads', organisationId: 'no-such-org' }, ok: () => 400 }] },
  'PATCH /api/routing-rules/:id': { access: { kind: 'permission', permission: 'organisations:manage' }, probes: [{ label: 'no such rule', url: '/api/routing-rules/roads%7C*%7C*', body: { organisationId: 'no-such-org' }, ok: () => 404 }] },
  'DELETE /api/routing-rules/:id': { access: { kind: 'permission', permission: 'organisations:manage' }, probes: [{ label: 'no such rule', url: '/api/routing-rules/roads%7C*%7C*', ok: () => 404 }] },
  // Answers, notifications, satisfaction and the organisation's desk (issue 11).
  'POST /api/answers/check': { access: { kind: 'session' }, probes: [{ label: 'check', url: '/api/answers/check', body: { text: 'Ваше обращение рассмотрено.' }, check: (b) => expect((b as { formal: boolean }).formal).toBe(true) }] },
  'GET /api/escalations': { access: { kind: 'session' }, probes: [{ label: 'mine', url: '/api/escalations' }] },
  'POST /api/escalations/:id/read': { access: { kind: 'session' }, probes: [{ label: 'not mine', url: '/api/escalations/nobody/read', body: {}, ok: () => 404 }] },
  'GET /api/incidents/:id/answer-templates': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'no such incident', url: '/api/incidents/inc%3Anone/answer-templates', ok: () => 404 }] },
  'POST /api/incidents/:id/satisfaction': { access: { kind: 'permission', permission: 'incidents:work' }, probes: [{ label: 'no such incident', url: '/api/incidents/inc%3Anone/satisfaction', body: { verdict: 'solved' }, ok: () => 404 }] },
  'POST /api/incidents/:id/satisfaction-link': { access: { kind: 'permission', permission: 'incidents:work' }, probes: [{ label: 'no such incident', url: '/api/incidents/inc%3Anone/satisfaction-link', body: {}, ok: () => 404 }] },
  'GET /api/public/satisfaction/:token': { access: { kind: 'public' }, probes: [{ label: 'unknown link', url: `/api/public/satisfaction/${'x'.repeat(32)}`, check: (b) => expect(b).toEqual({ state: 'expired' }) }] },
  'POST /api/public/satisfaction/:token': { access: { kind: 'public' }, probes: [{ label: 'unknown link', url: `/api/public/satisfaction/${'x'.repeat(32)}`, body: { verdict: 'solved' }, check: (b) => expect(b).toEqual({ state: 'expired' }) }] },
  'GET /api/ratings/organisations': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'last 30 days', url: '/api/ratings/organisations' }] },
  'GET /api/ratings/official-pages': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'last 30 days', url: '/api/ratings/official-pages' }] },
  // An organisation × source pair that is not an official page in the directory is 404.
  'GET /api/ratings/official-pages/comments': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'no such page', url: '/api/ratings/official-pages/comments?organisationId=none&sourceId=none&figure=unanswered', ok: () => 404 }] },
  'GET /api/sla/board': { access: { kind: 'permission', permission: 'incidents:read' }, probes: [{ label: 'board', url: '/api/sla/board' }] },
  // The organisation role without an organisation in the directory gets 403 (not bound).
  'GET /api/organisation/incidents': { access: { kind: 'permission', permission: 'organisation:respond' }, probes: [{ label: 'own desk', url: '/api/organisation/incidents', ok: () => 403 }] },
  'GET /api/organisation/incidents/:id/answer-templates': { access: { kind: 'permission', permission: 'organisation:respond' }, probes: [{ label: 'unbound user', url: '/api/organisation/incidents/inc%3Anone/answer-templates', ok: () => 403 }] },
  // The resident's satisfaction page behind the one-time link (server-rendered HTML, no login).
  'GET /rate/': { access: { kind: 'public' }, probes: [{ label: 'unknown link', url: `/rate/?t=${'x'.repeat(32)}`, check: (b) => expect(String(b)).toContain('Ссылка недействительна') }] },
  'POST /rate/': { access: { kind: 'public' }, probes: [{ label: 'unknown link', url: '/rate/', body: { t: 'x'.repeat(32), verdict: 'solved' }, check: (b) => expect(String(b)).toContain('Ссылка недействительна') }] },
  'POST /api/organisation/incidents/:id/answers': { access: { kind: 'permission', permission: 'organisation:respond' }, probes: [{ label: 'unbound user', url: '/api/organisation/incidents/inc%3Anone/answers', body: { version: 'x', stage: 'interim', text: 'Ответ' }, ok: () => 403 }] },
};

/** `<METHOD> <path>` of every route the app serves (HEAD and the static catch-all aside). */
async function discoverRoutes(): Promise<string[]> {
  const app = await buildApp({ log: sys.container.log, ...sys.container.services });
  await app.ready();
  const tree = app.printRoutes({ commonPrefix: false });
  await app.close();
  const out: string[] = [];
  const shell = new Set(shellPaths().flatMap((p) => [p, `${p}*`]));
  // A route whose path extends another's is printed as its child: rebuild full paths by depth.
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^(.*?)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const [, indent, segment, methods] = m as unknown as [string, string, string, string | undefined];
    const depth = Math.round(indent.length / 4);
    const path = (depth > 0 ? (stack[depth - 1] ?? '') : '') + segment;
    stack[depth] = path;
    stack.length = depth + 1;
    if (!methods) continue;
    for (const method of methods.split(', ')) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      // The static dashboards (fastify-static's wildcard): public files, no data.
      if (path === '*' || path === '/*' || path === '/assets/*') continue;
      // The dashboards' shell (one static HTML page at each path of the page table): no data.
      if (method === 'GET' && shell.has(path)) continue;
      out.push(`${method} ${path}`);
    }
  }
  return out.sort();
}

const users: TestUser[] = [];

async function call(method: string, p: Probe, token: string | null): Promise<{ status: number; body: unknown }> {
  const sent: unknown = typeof p.body === 'function' ? (p.body as () => unknown)() : p.body;
  const res = await fetch(`${sys.baseUrl}${p.url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(sent !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(sent !== undefined ? { body: JSON.stringify(sent) } : {}),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

beforeAll(async () => {
  sys = await startSystem({ withPipeline: false, env: { METRICS_TOKEN } });
  await seed(sys, SEEDED);
  await sys.createUser({ username: 'target-user', role: 'observer', scope: FULL_SCOPE });
  // Every role scoped to one sector in one municipality, plus full-scope accounts to compare with.
  const specs: { username: string; role: Role; scope: Scope }[] = [
    ...ROLES.map((role) => ({ username: `${role.replace('_', '-')}-ho`, role, scope: HOUSING_OMSK })),
    { username: 'admin-full', role: 'admin', scope: FULL_SCOPE },
    { username: 'operator-full', role: 'operator', scope: FULL_SCOPE },
    { username: 'observer-tara', role: 'observer', scope: { sectors: 'all', municipalities: ['tara'] } },
    { username: 'lead-roads', role: 'sector_lead', scope: { sectors: ['roads'], municipalities: 'all' } },
  ];
  for (const s of specs) {
    const creds = await sys.createUser(s);
    users.push({ ...s, token: await sys.login(creds) });
  }
});

afterAll(async () => {
  await sys?.stop();
});

describe('role × route access table', () => {
  it('covers every route the app serves (add new routes to ROUTES)', async () => {
    const served = await discoverRoutes();
    const missing = served.filter((r) => !(r in ROUTES));
    expect(missing, `routes without an access rule: ${missing.join(', ')}`).toEqual([]);
    const stale = Object.keys(ROUTES).filter((r) => !served.includes(r));
    expect(stale, 'rules for routes that no longer exist').toEqual([]);
  });

  it('refuses every non-public route without a session, or with a dead token', async () => {
    for (const [key, spec] of Object.entries(ROUTES)) {
      if (spec.access.kind === 'public') continue;
      const method = key.split(' ')[0] as string;
      for (const p of spec.probes) {
        expect((await call(method, p, null)).status, `${key} anonymous`).toBe(401);
        expect((await call(method, p, 'not-a-live-session-token')).status, `${key} dead token`).toBe(401);
      }
    }
  });

  it('answers each role by its permissions, inside its scope, leaking nothing', async () => {
    const failures: string[] = [];
    for (const u of users) {
      for (const [key, spec] of Object.entries(ROUTES)) {
        // A public route answers alike whatever the caller holds, and the public ones are
        // rate-limited per address: probed once, not once per role.
        if (spec.access.kind === 'public' && u !== users[0]) continue;
        const method = key.split(' ')[0] as string;
        for (const p of spec.probes) {
          const allowed = spec.access.kind !== 'permission' || can(u.role, spec.access.permission);
          const want = allowed ? (p.ok?.(u) ?? 200) : 403;
          const token = p.token ? await p.token(u) : u.token;
          const res = await call(method, p, token);
          if (res.status !== want) {
            failures.push(`${u.username} (${u.role}) ${key} [${p.label}]: ${res.status}, expected ${want}`);
            continue;
          }
          if (res.status < 300 && p.check) {
            try {
              p.check(res.body, u);
            } catch (err) {
              failures.push(`${u.username} (${u.role}) ${key} [${p.label}]: ${(err as Error).message}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000); // every role × every route: minutes on a loaded machine

  it('keeps the own session alive after a throwaway session logged out', async () => {
    for (const u of users) expect((await call('GET', { label: 'me', url: '/api/auth/me' }, u.token)).status, u.username).toBe(200);
  });
});

describe('feed socket by role and scope', () => {
  it('admits only roles with feed:read and pushes only in-scope incidents, author masked by role', async () => {
    const sockets: { u: TestUser; socket: FeedClient; received: FeedEvent<IncidentCard>[] }[] = [];
    try {
      for (const u of users) {
        if (!can(u.role, 'feed:read')) {
          const err = await new Promise<string>((resolve) => {
            const s = connect(sys.baseUrl, { auth: { token: u.token }, transports: ['websocket'], reconnection: false });
            s.once('connect_error', (e) => {
              s.disconnect();
              resolve(e.message);
            });
            s.once('feed:ready', () => {
              s.disconnect();
              resolve('connected');
            });
          });
          expect(err, `${u.username} (${u.role}) must not join the feed`).toBe('forbidden');
          continue;
        }
        sockets.push({ u, ...(await sys.connectFeed(u.token)) });
      }
      // The seeded incidents arrive on the feed now, one per sector × municipality cell.
      await publish(sys, SEEDED);
      const full = sockets.find((s) => s.u.username === 'operator-full');
      await eventually(() => (full?.received.length ?? 0) >= CELLS.length, 10_000, 'all four incidents on a full-scope socket');
      // A second set, one per cell, published after the first: once a socket holds its share of
      // it, an out-of-scope incident of the first set would have reached that socket too.
      const barrierTag = `brr${TAG.slice(3)}`;
      const BARRIER = cellPosts(barrierTag);
      await seed(sys, BARRIER);
      await publish(sys, BARRIER);
      const barrierShare = (s: (typeof sockets)[number]) => s.received.filter((e) => e.data.text.includes(barrierTag)).length;
      await eventually(() => sockets.every((s) => barrierShare(s) >= BARRIER.filter((p) => inScope(s.u.scope, p)).length), 10_000, 'the barrier set on every socket');
      for (const s of sockets) {
        const got = s.received.map((e) => e.data).filter((d) => d.text.includes(TAG));
        expect(got.length, `${s.u.username} received`).toBe(inScopeCount(s.u.scope));
        expectAllInScope(got, s.u);
      }
      // A reconnect replays what was missed: filtered by the same scope and masking.
      for (const s of sockets) {
        const again = await sys.connectFeed(s.u.token, '0-0');
        try {
          const replayed = again.received.map((e) => e.data).filter((d) => d.text.includes(TAG));
          expect(replayed.length, `${s.u.username} replayed`).toBe(inScopeCount(s.u.scope));
          expectAllInScope(replayed, s.u);
        } finally {
          again.socket.disconnect();
        }
      }
    } finally {
      for (const s of sockets) s.socket.disconnect();
    }
  });

  it('refuses a socket without a live session', async () => {
    const err = await new Promise<string>((resolve) => {
      const s = connect(sys.baseUrl, { auth: { token: 'dead-token' }, transports: ['websocket'], reconnection: false });
      s.once('connect_error', (e) => {
        s.disconnect();
        resolve(e.message);
      });
    });
    expect(err).toBe('unauthorized');
  });
});
