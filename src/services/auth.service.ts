import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { RedisClient } from '../adapters/redis';
import { ROLES, type Role, type Scope, type SessionUser } from '../domain/access';
import { InvalidCredentialsError, RateLimitedError, UnauthorizedError, ValidationError } from '../lib/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import type { SessionRecord, SessionsRepository } from '../repositories/sessions.repository';
import type { UserRecord, UsersRepository } from '../repositories/users.repository';

export interface AuthPolicy {
  idleMinutes: number;
  absoluteHours: number;
  /** Failed logins allowed per window, per account and per client address. */
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  failureWindowSeconds: number;
}

export const DEFAULT_AUTH_POLICY: Omit<AuthPolicy, 'idleMinutes' | 'absoluteHours'> = {
  maxFailuresPerAccount: 5,
  maxFailuresPerAddress: 30,
  failureWindowSeconds: 15 * 60,
};

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
// Verified against when the account does not exist, so response time does not reveal usernames.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$1UW0Se3BHac8iK5S76LMEg$0LrxRm+si4AyBbtkuoXKfWpbSZn461jS9mACwPHkAQs';

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  scope: Scope;
}

export function createAuthService(deps: {
  users: UsersRepository;
  sessions: SessionsRepository;
  audit: AuditRepository;
  redis: RedisClient;
  prefix: string;
  policy: AuthPolicy;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const idleSeconds = deps.policy.idleMinutes * 60;
  const failKey = (kind: 'acct' | 'addr', id: string) => `${deps.prefix}:login-fail:${kind}:${id}`;

  async function failures(username: string, ip: string): Promise<[number, number]> {
    const [a, b] = await deps.redis.mget(failKey('acct', username.toLowerCase()), failKey('addr', ip));
    return [Number(a ?? 0), Number(b ?? 0)];
  }

  async function recordFailure(username: string, ip: string): Promise<void> {
    const w = deps.policy.failureWindowSeconds;
    await deps.redis
      .multi()
      .incr(failKey('acct', username.toLowerCase()))
      .expire(failKey('acct', username.toLowerCase()), w, 'NX')
      .incr(failKey('addr', ip))
      .expire(failKey('addr', ip), w, 'NX')
      .exec();
  }

  function toSessionUser(u: UserRecord): SessionUser {
    return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, scope: u.scope };
  }

  return {
    async createUser(input: NewUser): Promise<SessionUser> {
      if (!/^[a-z0-9][a-z0-9._-]{2,63}$/i.test(input.username)) throw new ValidationError('username: 3–64 latin letters, digits, . _ -');
      if (input.displayName.trim() === '' || input.displayName.length > 200) throw new ValidationError('displayName: 1–200 characters');
      if (input.password.length < 10) throw new ValidationError('password: at least 10 characters');
      if (!ROLES.includes(input.role)) throw new ValidationError(`role: one of ${ROLES.join(', ')}`);
      const at = now().toISOString();
      const user: UserRecord = {
        id: input.username.toLowerCase(),
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        scope: input.scope,
        passwordHash: await hash(input.password, ARGON2),
        disabled: false,
        createdAt: at,
        updatedAt: at,
      };
      const res = await deps.users.save(user, { mustNotExist: true });
      if (res === 'exists') throw new ValidationError(`username: ${input.username} is taken`);
      await deps.audit.append({ at, action: 'user.create', outcome: 'success', target: user.id, details: { role: user.role } });
      return toSessionUser(user);
    },

    async login(username: string, password: string, ip: string): Promise<{ token: string; user: SessionUser }> {
      const [acct, addr] = await failures(username, ip);
      if (acct >= deps.policy.maxFailuresPerAccount || addr >= deps.policy.maxFailuresPerAddress) {
        await deps.audit.append({ at: now().toISOString(), action: 'auth.login', outcome: 'denied', target: username.toLowerCase(), ip, details: { reason: 'rate_limited' } });
        throw new RateLimitedError(deps.policy.failureWindowSeconds);
      }
      const user = await deps.users.findByUsername(username);
      const ok = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
      if (!user || !ok || user.disabled) {
        await recordFailure(username, ip);
        await deps.audit.append({ at: now().toISOString(), action: 'auth.login', outcome: 'failure', target: username.toLowerCase(), ip });
        throw new InvalidCredentialsError();
      }
      const token = randomBytes(32).toString('base64url');
      const t = now().getTime();
      const rec: SessionRecord = {
        id: deps.sessions.sessionIdOf(token),
        user: toSessionUser(user),
        createdAt: t,
        expiresAt: t + deps.policy.absoluteHours * 3600_000,
      };
      await deps.sessions.create(rec, idleSeconds);
      await deps.redis.del(failKey('acct', username.toLowerCase()));
      await deps.audit.append({ at: now().toISOString(), actorId: user.id, actorUsername: user.username, actorRole: user.role, action: 'auth.login', outcome: 'success', ip });
      return { token, user: rec.user };
    },

    /** The live session behind a token; throws UnauthorizedError otherwise. */
    async authenticate(token: string | undefined): Promise<SessionRecord> {
      if (!token || token.length > 200) throw new UnauthorizedError();
      const rec = await deps.sessions.touch(deps.sessions.sessionIdOf(token), idleSeconds, now().getTime());
      if (!rec) throw new UnauthorizedError('Session expired or ended');
      return rec;
    },

    async logout(session: SessionRecord): Promise<void> {
      await deps.sessions.remove(session.id);
      await deps.audit.append({ at: now().toISOString(), actorId: session.user.id, actorUsername: session.user.username, actorRole: session.user.role, action: 'auth.logout', outcome: 'success' });
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
