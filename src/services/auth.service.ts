import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Role } from '../domain/access';
import { auditRecord, isDenialRecorded, type AuditActor, type AuditEvent } from '../domain/audit';
import { ForbiddenError, InvalidCredentialsError, RateLimitedError, UnauthorizedError, ValidationError } from '../lib/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import type { DenialsRepository } from '../repositories/denials.repository';
import type { LoginAttempt, LoginAttemptsRepository } from '../repositories/login-attempts.repository';
import type { SessionRecord, SessionsRepository } from '../repositories/sessions.repository';
import type { TotpStateRepository } from '../repositories/totp-state.repository';
import type { UserRecord, UsersRepository } from '../repositories/users.repository';
import { hashPassword, verifyPassword } from './password-hashing';
import { matchTotp, TOTP_STEP_SECONDS, TOTP_WINDOW, type SecretBox } from './totp';
import { checkPassword, toSessionUser } from './users.service';

export interface AuthPolicy {
  idleMinutes: number;
  absoluteHours: number;
  /**
   * Failed logins (passwords and TOTP codes) allowed per window from one address for one account,
   * and from one address in all. Beyond them that address gets 429; other addresses do not.
   */
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  failureWindowSeconds: number;
  /**
   * Once an account has had more failures than `maxFailuresPerAccount` from anywhere, every
   * attempt on it waits (doubling, up to this) before its answer: guessing slows, the owner gets in.
   */
  maxSlowdownMs: number;
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
  maxSlowdownMs: 3000,
  totpRequiredRoles: ['admin'],
};

/** A password step answered with `totpRequired` must be completed within this time. */
const CHALLENGE_SECONDS = 5 * 60;
const CHALLENGE_ATTEMPTS = 5;

export type LoginOutcome = { kind: 'session'; token: string; session: SessionRecord } | { kind: 'totp'; challenge: string };

/** Accepts a TOTP code once: the step must match and be newer than the user's last accepted step. */
export async function acceptTotpCode(state: Pick<TotpStateRepository, 'useStep'>, userId: string, secret: Uint8Array, code: string, nowMs: number): Promise<boolean> {
  const step = matchTotp(secret, code, nowMs);
  if (step === null) return false;
  return state.useStep(userId, step, TOTP_STEP_SECONDS * (2 * TOTP_WINDOW + 2));
}

/**
 * Login and sessions: the password step, the TOTP step, session lookup, the owner's own password
 * change, logout. Guessing is limited per (account, address) and per address, never per account
 * alone, so an attacker elsewhere cannot lock the owner out; they only slow every attempt down.
 */
export function createAuthService(deps: {
  users: Pick<UsersRepository, 'findByUsername' | 'findById' | 'save'>;
  sessions: SessionsRepository;
  audit: Pick<AuditRepository, 'append'>;
  attempts: LoginAttemptsRepository;
  totpState: TotpStateRepository;
  denials: DenialsRepository;
  policy: AuthPolicy;
  secretBox: SecretBox;
  now?: () => Date;
  wait?: (ms: number) => Promise<unknown>;
}) {
  const now = deps.now ?? (() => new Date());
  const wait = deps.wait ?? sleep;
  const policy = deps.policy;
  const idleSeconds = policy.idleMinutes * 60;
  const requiresTotp = (role: Role) => policy.totpRequiredRoles.includes(role);
  const audit = (by: AuditActor, e: AuditEvent) => deps.audit.append(auditRecord(by, e, now()));

  /**
   * What a failed login names as its target: the account when it exists, else a keyed hash of
   * what was typed (people type passwords into the username field).
   */
  const typedTarget = (user: UserRecord | null, typed: string) => (user ? user.id : `unknown:${deps.secretBox.fingerprint(typed.toLowerCase())}`);

  /** 429 for an address that used up its tries; otherwise how long to hold the answer back. */
  async function gate(a: LoginAttempt, target: string): Promise<number> {
    const f = await deps.attempts.failures(a);
    if (f.pair >= policy.maxFailuresPerAccount || f.address >= policy.maxFailuresPerAddress) {
      // One record per address and window (then at 10, 100…), not one per refused request.
      const { count, windowStart } = await deps.denials.count(`login:${a.address}`, policy.failureWindowSeconds);
      if (isDenialRecorded(count)) await audit(null, { action: 'auth.login', outcome: 'denied', target, ip: a.address, details: { reason: 'rate_limited', count, windowStart } });
      throw new RateLimitedError(policy.failureWindowSeconds);
    }
    const over = f.account - policy.maxFailuresPerAccount;
    return over < 0 ? 0 : Math.min(policy.maxSlowdownMs, 100 * 2 ** Math.min(over, 16));
  }

  async function startSession(user: UserRecord, ip: string): Promise<LoginOutcome & { kind: 'session' }> {
    const token = randomBytes(32).toString('base64url');
    const t = now().getTime();
    const rec: SessionRecord = {
      id: deps.sessions.sessionIdOf(token),
      user: toSessionUser(user),
      createdAt: t,
      expiresAt: t + policy.absoluteHours * 3600_000,
      csrf: randomBytes(24).toString('base64url'),
      ...(requiresTotp(user.role) && !user.totpSecret ? { totpEnrolment: true } : {}),
      ...(user.mustChangePassword ? { passwordChange: true } : {}),
    };
    await deps.sessions.create(rec, idleSeconds);
    await deps.attempts.clearSuccess({ account: user.id, address: ip });
    const details = { totp: user.totpSecret !== undefined, ...(rec.totpEnrolment ? { enrolmentOnly: true } : {}), ...(rec.passwordChange ? { passwordChangeOnly: true } : {}) };
    await audit(user, { action: 'auth.login', outcome: 'success', ip, details });
    return { kind: 'session', token, session: rec };
  }

  return {
    policy,

    /**
     * Password step. Without TOTP it opens a session; with TOTP it answers a one-time challenge
     * for `completeTotpLogin`. Failures of either step count toward the same limits.
     */
    async login(username: string, password: string, ip: string): Promise<LoginOutcome> {
      const account = username.toLowerCase();
      const user = await deps.users.findByUsername(username);
      const attempt = { account: user?.id ?? account, address: ip };
      const delay = await gate(attempt, typedTarget(user, username));
      const ok = await verifyPassword(user?.passwordHash, password);
      if (delay > 0) await wait(delay);
      if (!user || !ok || user.disabled) {
        await deps.attempts.recordFailure(attempt, policy.failureWindowSeconds);
        await audit(null, { action: 'auth.login', outcome: 'failure', target: typedTarget(user, username), ip });
        throw new InvalidCredentialsError();
      }
      if (!user.totpSecret) return startSession(user, ip);
      const challenge = randomBytes(32).toString('base64url');
      await deps.totpState.createChallenge(challenge, { userId: user.id, attempts: 0 }, CHALLENGE_SECONDS);
      return { kind: 'totp', challenge };
    },

    async completeTotpLogin(challenge: string, code: string, ip: string): Promise<LoginOutcome & { kind: 'session' }> {
      const ch = await deps.totpState.challenge(challenge);
      if (!ch) throw new UnauthorizedError('Login challenge expired: enter the password again');
      const attempt = { account: ch.userId, address: ip };
      const delay = await gate(attempt, ch.userId);
      const user = await deps.users.findById(ch.userId);
      if (!user || user.disabled || !user.totpSecret) {
        await deps.totpState.deleteChallenge(challenge);
        throw new UnauthorizedError('Login challenge expired: enter the password again');
      }
      const ok = await acceptTotpCode(deps.totpState, user.id, deps.secretBox.open(user.totpSecret), code, now().getTime());
      if (delay > 0) await wait(delay);
      if (!ok) {
        await deps.attempts.recordFailure(attempt, policy.failureWindowSeconds);
        await audit(null, { action: 'auth.totp', outcome: 'failure', target: user.id, ip });
        ch.attempts += 1;
        if (ch.attempts >= CHALLENGE_ATTEMPTS) await deps.totpState.deleteChallenge(challenge);
        else await deps.totpState.updateChallenge(challenge, ch);
        throw new InvalidCredentialsError();
      }
      await deps.totpState.deleteChallenge(challenge);
      return startSession(user, ip);
    },

    /**
     * The owner replaces their password (required after an administrator set it). Needs the
     * current one; ends every other session; the new one must pass the password policy.
     */
    async changePassword(session: SessionRecord, current: string, next: string, ip: string): Promise<SessionRecord> {
      const user = await deps.users.findById(session.user.id);
      if (!user || user.disabled) throw new UnauthorizedError('Session expired or ended');
      const attempt = { account: user.id, address: ip };
      await gate(attempt, user.id);
      if (!(await verifyPassword(user.passwordHash, current))) {
        await deps.attempts.recordSessionFailure(attempt, policy.failureWindowSeconds);
        await audit(session.user, { action: 'auth.password_change', outcome: 'failure', target: user.id, ip, details: { reason: 'wrong_current_password' } });
        throw new ValidationError('currentPassword: wrong password', { field: 'currentPassword' });
      }
      if (current === next) throw new ValidationError('newPassword: must differ from the current one', { field: 'newPassword' });
      try {
        checkPassword(next, user.username);
      } catch (err) {
        throw new ValidationError(`newPassword: ${(err as Error).message.replace(/^password: /, '')}`, { field: 'newPassword' });
      }
      const saved: UserRecord = { ...user, passwordHash: await hashPassword(next), updatedAt: now().toISOString() };
      delete saved.mustChangePassword;
      await deps.users.save(saved);
      const ended = await deps.sessions.removeAllForUser(user.id, { except: session.id });
      const upgraded: SessionRecord = { ...session };
      delete upgraded.passwordChange;
      await deps.sessions.update(upgraded);
      await audit(session.user, { action: 'auth.password_change', outcome: 'success', target: user.id, ip, details: { sessionsEnded: ended } });
      return upgraded;
    },

    /** The live session behind a token; throws UnauthorizedError otherwise. */
    async authenticate(token: string | undefined): Promise<SessionRecord> {
      if (!token || token.length > 200) throw new UnauthorizedError();
      const rec = await deps.sessions.touch(deps.sessions.sessionIdOf(token), idleSeconds, now().getTime());
      if (!rec) throw new UnauthorizedError('Session expired or ended');
      return rec;
    },

    /** Refuses anything but enrolment or the password change to a session that still owes one. */
    assertFullSession(session: SessionRecord): void {
      if (session.passwordChange) throw new ForbiddenError('The password was set by an administrator and must be changed first: POST /api/auth/password');
      if (session.totpEnrolment) throw new ForbiddenError('Two-factor authentication (TOTP) must be set up first: POST /api/auth/totp/setup');
    },

    async logout(session: SessionRecord): Promise<void> {
      await deps.sessions.remove(session.id);
      await audit(session.user, { action: 'auth.logout', outcome: 'success' });
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
