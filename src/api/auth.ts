import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission } from '../domain/access';
import { ForbiddenError } from '../lib/errors';
import type { SessionRecord } from '../repositories/sessions.repository';
import type { AuthService } from '../services/auth.service';

declare module 'fastify' {
  interface FastifyRequest {
    session?: SessionRecord;
    /** How the session came: a browser cookie (CSRF-checked on writes) or a bearer header. */
    authVia?: 'cookie' | 'bearer';
  }
}

/**
 * Cookie names. `__Host-` makes the browser insist on Secure, Path=/ and no Domain, so no
 * sibling subdomain or plain-http page can plant or overwrite the session. Without Secure
 * (COOKIE_SECURE=false, a plain-http development host) the prefix is not allowed, so it is dropped.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-dozor_session' : 'dozor_session';
}

export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/** One cookie's value from a Cookie header (names are matched exactly, values are not decoded). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The Set-Cookie value for the session. SameSite=Strict: the pages are plain HTML that fetch
 * their data after loading, so even when someone arrives through a link from another site the
 * page's own same-origin requests carry the cookie; Strict only keeps the cookie off requests
 * that other sites start, which is exactly what we want.
 */
export function sessionCookie(secure: boolean, token: string | null): string {
  const attrs = [`${sessionCookieName(secure)}=${token ?? ''}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (secure) attrs.push('Secure');
  // No Max-Age: a browser-session cookie; the server enforces idle and absolute timeouts.
  if (token === null) attrs.push('Max-Age=0');
  return attrs.join('; ');
}

/** The session token of a request, and how it came. A bearer header wins over a cookie. */
export function tokenOf(request: FastifyRequest, cookieSecure: boolean): { token: string | undefined; via: 'cookie' | 'bearer' } {
  const bearer = bearerToken(request.headers.authorization);
  if (bearer) return { token: bearer, via: 'bearer' };
  return { token: cookieValue(request.headers.cookie, sessionCookieName(cookieSecure)), via: 'cookie' };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const AUTH_GUARD = Symbol('dozor.authGuard');
type Guard = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & { [AUTH_GUARD]?: true };

/**
 * A live session with the permission, or 401/403. Routes name it as their `preHandler`;
 * `authenticateFirst` moves it to `onRequest`, so it runs before the body is read or validated. A cookie-authenticated write must
 * also carry the session's anti-CSRF token in `X-CSRF-Token` (bearer requests are not sent by
 * browsers on their own, so they are exempt). A session that still has to enrol TOTP may reach
 * only the routes that ask for no permission (me, logout, TOTP enrolment).
 */
export function requirePermission(auth: Pick<AuthService, 'authenticate' | 'policy'>, permission?: Permission): Guard {
  const guard: Guard = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const { token, via } = tokenOf(request, auth.policy.cookieSecure);
    const session = await auth.authenticate(token);
    // Set before the checks so the audit trail knows who was denied.
    request.session = session;
    request.authVia = via;
    if (via === 'cookie' && UNSAFE.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      // Records from before CSRF tokens existed have none: such a session cannot write by cookie.
      if (typeof sent !== 'string' || typeof session.csrf !== 'string' || !sameToken(sent, session.csrf)) {
        throw new ForbiddenError('CSRF token missing or invalid: send the X-CSRF-Token header with the csrfToken from /api/auth/me');
      }
    }
    if (permission && session.passwordChange) throw new ForbiddenError('The password was set by an administrator and must be changed first: POST /api/auth/password');
    if (permission && session.totpEnrolment) throw new ForbiddenError('Two-factor authentication (TOTP) must be set up first: POST /api/auth/totp/setup');
    if (permission && !can(session.user.role, permission)) throw new ForbiddenError();
  };
  guard[AUTH_GUARD] = true;
  return guard;
}

/**
 * Authenticate before anything else: every route's `requirePermission` guard, wherever the route
 * put it, runs as an `onRequest` hook — before the body is parsed and validated — so an anonymous
 * caller gets 401 and never the field list of a 400. Register before the routes.
 */
export function authenticateFirst(app: FastifyInstance): void {
  const isGuard = (f: unknown): f is Guard => typeof f === 'function' && (f as Guard)[AUTH_GUARD] === true;
  const asList = (h: unknown): unknown[] => (h === undefined ? [] : Array.isArray(h) ? h : [h]);
  app.addHook('onRoute', (route) => {
    const pre = asList(route.preHandler);
    const guards = pre.filter(isGuard);
    if (guards.length === 0) return;
    route.preHandler = pre.filter((f) => !isGuard(f)) as typeof route.preHandler;
    route.onRequest = [...asList(route.onRequest), ...guards] as typeof route.onRequest;
  });
}

export function sessionOf(request: FastifyRequest): SessionRecord {
  if (!request.session) throw new Error('route is missing its auth preHandler');
  return request.session;
}

/** True when `origin` is the API's own (same host as the request) or configured in CORS_ORIGINS. */
export function isAllowedOrigin(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * onRequest hook, the second CSRF layer: a write that carries the session cookie, and every login
 * (login CSRF), must come from our own origin or a configured one. Browsers send Origin on
 * every cross-origin write and Sec-Fetch-Site on every request; clients without them (curl, API
 * clients) are not browsers and so cannot be driven by another site.
 */
export function originGuard(opts: { cookieSecure: boolean; allowedOrigins: readonly string[] }) {
  const cookie = sessionCookieName(opts.cookieSecure);
  return async (request: FastifyRequest): Promise<void> => {
    if (!UNSAFE.has(request.method)) return;
    const isLogin = request.url.startsWith('/api/auth/login');
    if (!isLogin && cookieValue(request.headers.cookie, cookie) === undefined) return;
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if (typeof origin === 'string' && origin !== 'null') {
      if (!isAllowedOrigin(origin, request.headers.host, opts.allowedOrigins)) throw new ForbiddenError(`Cross-origin request refused: origin ${origin} is not allowed`);
      return;
    }
    if (origin === 'null' || (typeof site === 'string' && site !== 'same-origin' && site !== 'none')) {
      throw new ForbiddenError('Cross-site request refused');
    }
  };
}

/**
 * onRequest hook for CORS: only the configured origins get CORS headers (with credentials);
 * any other cross-origin page cannot read answers. Preflights from those origins are answered here.
 */
export function corsHook(allowedOrigins: readonly string[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    void reply.header('vary', 'Origin');
    if (typeof origin !== 'string' || !allowedOrigins.includes(origin)) return;
    void reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      await reply
        .status(204)
        .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
        .header('access-control-allow-headers', 'content-type, authorization, x-csrf-token')
        .header('access-control-max-age', '600')
        .send();
    }
  };
}
