import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { RedisClient } from '../adapters/redis';
import { ROLES, type Role, type Scope, type SessionUser } from '../domain/access';
import { isSector } from '../domain/sector';
import { ConflictError, ForbiddenError, InvalidCredentialsError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '../lib/errors';
import { auditRecord, type AuditActor, type AuditEvent } from '../domain/audit';
import type { AuditRepository } from '../repositories/audit.repository';
import type { SessionRecord, SessionsRepository } from '../repositories/sessions.repository';
import type { UserRecord, UsersRepository } from '../repositories/users.repository';
import { base32Encode, matchTotp, newTotpSecret, otpauthUri, TOTP_STEP_SECONDS, TOTP_WINDOW, type SecretBox } from './totp';

export interface AuthPolicy {
  idleMinutes: number;
  absoluteHours: number;
  /** Failed logins (passwords and TOTP codes) allowed per window, per account and per client address. */
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  failureWindowSeconds: number;
  /** Roles that must log in with a second factor. */
  totpRequiredRoles: readonly Role[];
  /** Shown in authenticator apps next to the account name. */
  totpIssuer: string;
  /** Secure cookies with the `__Host-` prefix; false only for plain-http development hosts. */
  cookieSecure: boolean;
  /** Origins other than the API's own that browsers may call it from (CORS, CSRF origin check). */
  allowedOrigins: readonly string[];
}

export const DEFAULT_AUTH_POLICY: Omit<AuthPolicy, 'idleMinutes' | 'absoluteHours' | 'totpIssuer' | 'cookieSecure' | 'allowedOrigins'> = {
  maxFailuresPerAccount: 5,
  maxFailuresPerAddress: 30,
  failureWindowSeconds: 15 * 60,
  totpRequiredRoles: ['admin'],
};

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
// Verified against when the account does not exist, so response time does not reveal usernames.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$1UW0Se3BHac8iK5S76LMEg$0LrxRm+si4AyBbtkuoXKfWpbSZn461jS9mACwPHkAQs';
/** A password step answered with `totpRequired` must be completed within this time. */
const CHALLENGE_SECONDS = 5 * 60;
const CHALLENGE_ATTEMPTS = 5;
/** An enrolment started with /totp/setup must be confirmed within this time. */
const PENDING_TOTP_SECONDS = 10 * 60;

// Compare-and-set: a TOTP step is accepted only if it is later than the last one used, so a code
// cannot be replayed, nor an older code of the window used after a newer one.
const USE_STEP_LUA = `local v = redis.call('GET', KEYS[1])
if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  scope: Scope;
  organisationId?: string;
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  scope?: Scope;
  organisationId?: string;
}

/** What the administrator sees of an account: never the hash or the TOTP secret. */
export interface UserView extends SessionUser {
  disabled: boolean;
  totpEnabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type LoginOutcome = { kind: 'session'; token: string; session: SessionRecord } | { kind: 'totp'; challenge: string };

interface Challenge {
  userId: string;
  attempts: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export function createAuthService(deps: {
  users: UsersRepository;
  sessions: SessionsRepository;
  audit: AuditRepository;
  redis: RedisClient;
  prefix: string;
  policy: AuthPolicy;
  secretBox: SecretBox;
  /** Municipality codes a scope may name (the gazetteer); any when absent. */
  isMunicipality?: (code: string) => boolean;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const policy = deps.policy;
  const idleSeconds = policy.idleMinutes * 60;
  const failKey = (kind: 'acct' | 'addr', id: string) => `${deps.prefix}:login-fail:${kind}:${id}`;
  const challengeKey = (challenge: string) => `${deps.prefix}:login-challenge:${sha256(challenge)}`;
  const pendingTotpKey = (userId: string) => `${deps.prefix}:totp-pending:${userId}`;
  const usedStepKey = (userId: string) => `${deps.prefix}:totp-used:${userId}`;
  const requiresTotp = (role: Role) => policy.totpRequiredRoles.includes(role);
  const audit = (by: AuditActor, e: AuditEvent) => deps.audit.append(auditRecord(by, e, now()));

  async function assertNotLimited(username: string, ip: string): Promise<void> {
    const [a, b] = await deps.redis.mget(failKey('acct', username.toLowerCase()), failKey('addr', ip));
    if (Number(a ?? 0) >= policy.maxFailuresPerAccount || Number(b ?? 0) >= policy.maxFailuresPerAddress) {
      await audit(null, { action: 'auth.login', outcome: 'denied', target: username.toLowerCase(), ip, details: { reason: 'rate_limited' } });
      throw new RateLimitedError(policy.failureWindowSeconds);
    }
  }

  async function recordFailure(username: string, ip: string): Promise<void> {
    const w = policy.failureWindowSeconds;
    await deps.redis
      .multi()
      .incr(failKey('acct', username.toLowerCase()))
      .expire(failKey('acct', username.toLowerCase()), w, 'NX')
      .incr(failKey('addr', ip))
      .expire(failKey('addr', ip), w, 'NX')
      .exec();
  }

  function toSessionUser(u: UserRecord): SessionUser {
    return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, scope: u.scope, ...(u.organisationId ? { organisationId: u.organisationId } : {}) };
  }

  function toView(u: UserRecord): UserView {
    return { ...toSessionUser(u), disabled: u.disabled, totpEnabled: u.totpSecret !== undefined, createdAt: u.createdAt, updatedAt: u.updatedAt };
  }

  function checkPassword(password: string): void {
    if (password.length < 10) throw new ValidationError('password: at least 10 characters');
    if (password.length > 256) throw new ValidationError('password: at most 256 characters');
  }

  function checkDisplayName(name: string): void {
    if (name.trim() === '' || name.length > 200) throw new ValidationError('displayName: 1–200 characters');
  }

  function checkScope(scope: Scope): void {
    if (scope.sectors !== 'all' && !scope.sectors.every(isSector)) throw new ValidationError('scope.sectors: unknown sector code');
    if (scope.municipalities !== 'all') {
      const unknown = scope.municipalities.filter((m) => !(deps.isMunicipality?.(m) ?? true));
      if (unknown.length > 0) throw new ValidationError(`scope.municipalities: unknown code ${unknown.join(', ')}`);
    }
    if ((scope.sectors !== 'all' && scope.sectors.length === 0) || (scope.municipalities !== 'all' && scope.municipalities.length === 0)) {
      throw new ValidationError('scope: name at least one sector and one municipality, or "all"');
    }
  }

  async function userOrThrow(id: string): Promise<UserRecord> {
    const user = await deps.users.findById(id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  async function startSession(user: UserRecord, ip: string): Promise<LoginOutcome> {
    const token = randomBytes(32).toString('base64url');
    const t = now().getTime();
    const rec: SessionRecord = {
      id: deps.sessions.sessionIdOf(token),
      user: toSessionUser(user),
      createdAt: t,
      expiresAt: t + policy.absoluteHours * 3600_000,
      csrf: randomBytes(24).toString('base64url'),
      ...(requiresTotp(user.role) && !user.totpSecret ? { totpEnrolment: true } : {}),
    };
    await deps.sessions.create(rec, idleSeconds);
    await deps.redis.del(failKey('acct', user.username.toLowerCase()));
    await audit(user, { action: 'auth.login', outcome: 'success', ip, details: { totp: user.totpSecret !== undefined, ...(rec.totpEnrolment ? { enrolmentOnly: true } : {}) } });
    return { kind: 'session', token, session: rec };
  }

  /** Accepts a code once: the step must match and be newer than the user's last accepted step. */
  async function useTotpCode(userId: string, secret: Uint8Array, code: string): Promise<boolean> {
    const step = matchTotp(secret, code, now().getTime());
    if (step === null) return false;
    const ttl = TOTP_STEP_SECONDS * (2 * TOTP_WINDOW + 2);
    return (await deps.redis.eval(USE_STEP_LUA, 1, usedStepKey(userId), String(step), String(ttl))) === 1;
  }

  async function save(user: UserRecord): Promise<void> {
    await deps.users.save({ ...user, updatedAt: now().toISOString() });
  }

  return {
    policy,

    async createUser(input: NewUser, by?: SessionUser): Promise<UserView> {
      if (!/^[a-z0-9][a-z0-9._-]{2,63}$/i.test(input.username)) throw new ValidationError('username: 3–64 latin letters, digits, . _ -');
      checkDisplayName(input.displayName);
      checkPassword(input.password);
      if (!ROLES.includes(input.role)) throw new ValidationError(`role: one of ${ROLES.join(', ')}`);
      checkScope(input.scope);
      const at = now().toISOString();
      const user: UserRecord = {
        id: input.username.toLowerCase(),
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        scope: input.scope,
        ...(input.organisationId ? { organisationId: input.organisationId } : {}),
        passwordHash: await hash(input.password, ARGON2),
        disabled: false,
        createdAt: at,
        updatedAt: at,
      };
      const res = await deps.users.save(user, { mustNotExist: true });
      if (res === 'exists') throw new ConflictError(`username: ${input.username} is taken`);
      await audit(by ?? null, { action: 'user.create', outcome: 'success', target: user.id, details: { role: user.role, scope: user.scope } });
      return toView(user);
    },

    async listUsers(): Promise<UserView[]> {
      return (await deps.users.list()).map(toView);
    },

    async getUser(id: string): Promise<UserView> {
      return toView(await userOrThrow(id));
    },

    /** Changes name, role or scope. A role or scope change ends the user's sessions (and sockets). */
    async updateUser(by: SessionUser, id: string, patch: UserPatch): Promise<UserView> {
      const user = await userOrThrow(id);
      if (patch.displayName !== undefined) checkDisplayName(patch.displayName);
      if (patch.role !== undefined && !ROLES.includes(patch.role)) throw new ValidationError(`role: one of ${ROLES.join(', ')}`);
      if (patch.scope !== undefined) checkScope(patch.scope);
      if (user.id === by.id && patch.role !== undefined && patch.role !== user.role) throw new ConflictError('role: you cannot change your own role');
      const next: UserRecord = { ...user, ...patch };
      const changed = (['displayName', 'role', 'scope', 'organisationId'] as const).filter((k) => JSON.stringify(user[k]) !== JSON.stringify(next[k]));
      if (changed.length === 0) return toView(user);
      await save(next);
      const revoke = changed.includes('role') || changed.includes('scope') || changed.includes('organisationId');
      const ended = revoke ? await deps.sessions.removeAllForUser(user.id) : 0;
      await audit(by, {
        action: 'user.update',
        outcome: 'success',
        target: user.id,
        details: { changed, ...(changed.includes('role') ? { role: { from: user.role, to: next.role } } : {}), ...(changed.includes('scope') ? { scope: next.scope } : {}), sessionsEnded: ended },
      });
      return toView(next);
    },

    async setDisabled(by: SessionUser, id: string, disabled: boolean): Promise<UserView> {
      const user = await userOrThrow(id);
      if (user.id === by.id && disabled) throw new ConflictError('You cannot disable your own account');
      if (user.disabled !== disabled) await save({ ...user, disabled });
      const ended = disabled ? await deps.sessions.removeAllForUser(user.id) : 0;
      await audit(by, { action: disabled ? 'user.disable' : 'user.enable', outcome: 'success', target: user.id, details: { sessionsEnded: ended } });
      return toView({ ...user, disabled });
    },

    /** Sets a temporary password the administrator hands over; ends the user's sessions. */
    async resetPassword(by: SessionUser, id: string, password: string): Promise<UserView> {
      checkPassword(password);
      const user = await userOrThrow(id);
      const next = { ...user, passwordHash: await hash(password, ARGON2) };
      await save(next);
      const ended = await deps.sessions.removeAllForUser(user.id);
      await deps.redis.del(failKey('acct', user.id));
      await audit(by, { action: 'user.password_reset', outcome: 'success', target: user.id, details: { sessionsEnded: ended } });
      return toView(next);
    },

    /** Removes the second factor (lost phone); the user enrols again at next login. */
    async resetTotp(by: SessionUser, id: string): Promise<UserView> {
      const user = await userOrThrow(id);
      const next: UserRecord = { ...user };
      delete next.totpSecret;
      await save(next);
      await deps.redis.del(pendingTotpKey(user.id), usedStepKey(user.id));
      const ended = await deps.sessions.removeAllForUser(user.id);
      await audit(by, { action: 'user.totp_reset', outcome: 'success', target: user.id, details: { sessionsEnded: ended } });
      return toView(next);
    },

    /**
     * Password step. Without TOTP it opens a session; with TOTP it answers a one-time challenge
     * for `completeTotpLogin`. Failures of either step count toward the same rate limits.
     */
    async login(username: string, password: string, ip: string): Promise<LoginOutcome> {
      await assertNotLimited(username, ip);
      const user = await deps.users.findByUsername(username);
      const ok = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
      if (!user || !ok || user.disabled) {
        await recordFailure(username, ip);
        await audit(null, { action: 'auth.login', outcome: 'failure', target: username.toLowerCase(), ip });
        throw new InvalidCredentialsError();
      }
      if (!user.totpSecret) return startSession(user, ip);
      const challenge = randomBytes(32).toString('base64url');
      const rec: Challenge = { userId: user.id, attempts: 0 };
      await deps.redis.set(challengeKey(challenge), JSON.stringify(rec), 'EX', CHALLENGE_SECONDS);
      return { kind: 'totp', challenge };
    },

    async completeTotpLogin(challenge: string, code: string, ip: string): Promise<LoginOutcome & { kind: 'session' }> {
      const raw = await deps.redis.get(challengeKey(challenge));
      if (!raw) throw new UnauthorizedError('Login challenge expired: enter the password again');
      const ch = JSON.parse(raw) as Challenge;
      await assertNotLimited(ch.userId, ip);
      const user = await deps.users.findById(ch.userId);
      if (!user || user.disabled || !user.totpSecret) {
        await deps.redis.del(challengeKey(challenge));
        throw new UnauthorizedError('Login challenge expired: enter the password again');
      }
      if (!(await useTotpCode(user.id, deps.secretBox.open(user.totpSecret), code))) {
        await recordFailure(user.id, ip);
        await audit(null, { action: 'auth.totp', outcome: 'failure', target: user.id, ip });
        ch.attempts += 1;
        if (ch.attempts >= CHALLENGE_ATTEMPTS) await deps.redis.del(challengeKey(challenge));
        else await deps.redis.set(challengeKey(challenge), JSON.stringify(ch), 'KEEPTTL');
        throw new InvalidCredentialsError();
      }
      await deps.redis.del(challengeKey(challenge));
      const out = await startSession(user, ip);
      if (out.kind !== 'session') throw new Error('unreachable');
      return out;
    },

    /** Starts enrolment: a fresh secret kept pending in Redis until a code confirms it. */
    async setupTotp(session: SessionRecord): Promise<{ secret: string; otpauthUri: string }> {
      const user = await userOrThrow(session.user.id);
      if (user.totpSecret) throw new ConflictError('TOTP is already enabled; an administrator can reset it');
      const secret = newTotpSecret();
      await deps.redis.set(pendingTotpKey(user.id), deps.secretBox.seal(secret), 'EX', PENDING_TOTP_SECONDS);
      return { secret: base32Encode(secret), otpauthUri: otpauthUri({ issuer: policy.totpIssuer, account: user.username, secret }) };
    },

    /** Confirms enrolment with a code from the app; lifts an enrolment-only session to a full one. */
    async confirmTotp(session: SessionRecord, code: string): Promise<SessionRecord> {
      const user = await userOrThrow(session.user.id);
      if (user.totpSecret) throw new ConflictError('TOTP is already enabled; an administrator can reset it');
      const sealed = await deps.redis.get(pendingTotpKey(user.id));
      if (!sealed) throw new ValidationError('code: no enrolment in progress, call /api/auth/totp/setup first');
      if (!(await useTotpCode(user.id, deps.secretBox.open(sealed), code))) {
        await audit(session.user, { action: 'auth.totp_enable', outcome: 'failure', target: user.id });
        throw new ValidationError('code: wrong or already used code, check the time on the phone');
      }
      await save({ ...user, totpSecret: sealed });
      await deps.redis.del(pendingTotpKey(user.id));
      const upgraded: SessionRecord = { ...session };
      delete upgraded.totpEnrolment;
      await deps.sessions.update(upgraded);
      await audit(session.user, { action: 'auth.totp_enable', outcome: 'success', target: user.id });
      return upgraded;
    },

    /** The live session behind a token; throws UnauthorizedError otherwise. */
    async authenticate(token: string | undefined): Promise<SessionRecord> {
      if (!token || token.length > 200) throw new UnauthorizedError();
      const rec = await deps.sessions.touch(deps.sessions.sessionIdOf(token), idleSeconds, now().getTime());
      if (!rec) throw new UnauthorizedError('Session expired or ended');
      return rec;
    },

    /** Refuses anything but enrolment to a session that still has to set up TOTP. */
    assertFullSession(session: SessionRecord): void {
      if (session.totpEnrolment) throw new ForbiddenError('Two-factor authentication (TOTP) must be set up first: POST /api/auth/totp/setup');
    },

    async logout(session: SessionRecord): Promise<void> {
      await deps.sessions.remove(session.id);
      await audit(session.user, { action: 'auth.logout', outcome: 'success' });
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
