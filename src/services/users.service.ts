import { ROLES, type Scope, type SessionUser } from '../domain/access';
import { auditRecord, type AuditActor, type AuditEvent } from '../domain/audit';
import { passwordProblem } from '../domain/password-policy';
import { isSector } from '../domain/sector';
import type { Role } from '../domain/access';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import type { LoginAttemptsRepository } from '../repositories/login-attempts.repository';
import type { SessionsRepository } from '../repositories/sessions.repository';
import type { TotpStateRepository } from '../repositories/totp-state.repository';
import type { UserRecord, UsersRepository } from '../repositories/users.repository';
import { hashPassword } from './password-hashing';

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  scope: Scope;
  organisationId?: string;
  email?: string;
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  scope?: Scope;
  organisationId?: string;
  /** The empty string removes the address. */
  email?: string;
}

/** What the administrator sees of an account: never the hash or the TOTP secret. */
export interface UserView extends SessionUser {
  disabled: boolean;
  totpEnabled: boolean;
  /** The password was set by an administrator and has not been replaced by its owner yet. */
  passwordChangeRequired: boolean;
  email?: string;
  createdAt: string;
  updatedAt: string;
}

export function toSessionUser(u: UserRecord): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, scope: u.scope, ...(u.organisationId ? { organisationId: u.organisationId } : {}) };
}

function toView(u: UserRecord): UserView {
  return { ...toSessionUser(u), disabled: u.disabled, totpEnabled: u.totpSecret !== undefined, passwordChangeRequired: u.mustChangePassword === true, ...(u.email ? { email: u.email } : {}), createdAt: u.createdAt, updatedAt: u.updatedAt };
}

/** Refuses a password that is trivial, commonly breached or contains the username. */
export function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new ValidationError(`password: ${problem}`, { field: 'password' });
}

/**
 * Accounts, for the technical administrator: create, change role or scope, disable, reset the
 * password (to a temporary one the owner must replace) or the second factor. Every change is
 * audited; anything that changes what a user may do ends their sessions.
 */
export function createUsersService(deps: {
  users: UsersRepository;
  sessions: Pick<SessionsRepository, 'removeAllForUser'>;
  audit: Pick<AuditRepository, 'append'>;
  attempts: Pick<LoginAttemptsRepository, 'clearAccount'>;
  totpState: Pick<TotpStateRepository, 'forget'>;
  /** Municipality codes a scope may name (the gazetteer); any when absent. */
  isMunicipality?: (code: string) => boolean;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const audit = (by: AuditActor, e: AuditEvent) => deps.audit.append(auditRecord(by, e, now()));

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

  async function save(user: UserRecord): Promise<void> {
    await deps.users.save({ ...user, updatedAt: now().toISOString() });
  }

  return {
    /**
     * Creates an account. Through the API (`by` set) the password must pass the policy and the
     * owner has to replace it at first login; the installation's own seeding (the first
     * administrator from the command line, the demo users) passes no `by`.
     */
    async createUser(input: NewUser, by?: SessionUser): Promise<UserView> {
      if (!/^[a-z0-9][a-z0-9._-]{2,63}$/i.test(input.username)) throw new ValidationError('username: 3–64 latin letters, digits, . _ -');
      checkDisplayName(input.displayName);
      if (by) checkPassword(input.password, input.username);
      else if (input.password.length < 10 || input.password.length > 256) throw new ValidationError('password: 10–256 characters');
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
        ...(input.email ? { email: input.email } : {}),
        passwordHash: await hashPassword(input.password),
        disabled: false,
        ...(by ? { mustChangePassword: true } : {}),
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
      const { email, ...rest } = patch;
      const next: UserRecord = { ...user, ...rest };
      if (email === '') delete next.email;
      else if (email !== undefined) next.email = email;
      const changed = (['displayName', 'role', 'scope', 'organisationId', 'email'] as const).filter((k) => JSON.stringify(user[k]) !== JSON.stringify(next[k]));
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

    /** Sets a temporary password the administrator hands over; the owner must replace it at login. Ends the user's sessions. */
    async resetPassword(by: SessionUser, id: string, password: string): Promise<UserView> {
      const user = await userOrThrow(id);
      checkPassword(password, user.username);
      const next: UserRecord = { ...user, passwordHash: await hashPassword(password), mustChangePassword: true };
      await save(next);
      const ended = await deps.sessions.removeAllForUser(user.id);
      await deps.attempts.clearAccount(user.id);
      await audit(by, { action: 'user.password_reset', outcome: 'success', target: user.id, details: { sessionsEnded: ended } });
      return toView(next);
    },

    /** Removes the second factor (lost phone); the user enrols again at next login. */
    async resetTotp(by: SessionUser, id: string): Promise<UserView> {
      const user = await userOrThrow(id);
      const next: UserRecord = { ...user };
      delete next.totpSecret;
      await save(next);
      await deps.totpState.forget(user.id);
      const ended = await deps.sessions.removeAllForUser(user.id);
      await audit(by, { action: 'user.totp_reset', outcome: 'success', target: user.id, details: { sessionsEnded: ended } });
      return toView(next);
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
