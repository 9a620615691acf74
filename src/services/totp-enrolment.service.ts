import { auditRecord, type AuditActor, type AuditEvent } from '../domain/audit';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import type { LoginAttemptsRepository } from '../repositories/login-attempts.repository';
import type { SessionRecord, SessionsRepository } from '../repositories/sessions.repository';
import type { TotpStateRepository } from '../repositories/totp-state.repository';
import type { UserRecord, UsersRepository } from '../repositories/users.repository';
import { acceptTotpCode } from './auth.service';
import { verifyPassword } from './password-hashing';
import { base32Encode, newTotpSecret, otpauthUri, type SecretBox } from './totp';

/** An enrolment started with /totp/setup must be confirmed within this time. */
const PENDING_TOTP_SECONDS = 10 * 60;

/**
 * The owner enrols a second factor. Holding a session is not enough: setup asks for the current
 * password (someone at an unlocked screen cannot lock the owner out), and confirming ends every
 * other session of the account. Both steps are audited.
 */
export function createTotpEnrolmentService(deps: {
  users: Pick<UsersRepository, 'findById' | 'save'>;
  sessions: Pick<SessionsRepository, 'update' | 'removeAllForUser'>;
  audit: Pick<AuditRepository, 'append'>;
  attempts: Pick<LoginAttemptsRepository, 'failures' | 'recordSessionFailure'>;
  totpState: TotpStateRepository;
  secretBox: SecretBox;
  policy: { totpIssuer: string; failureWindowSeconds: number; maxFailuresPerAccount: number };
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const audit = (by: AuditActor, e: AuditEvent) => deps.audit.append(auditRecord(by, e, now()));

  async function userOf(session: SessionRecord): Promise<UserRecord> {
    const user = await deps.users.findById(session.user.id);
    if (!user) throw new NotFoundError('User');
    if (user.totpSecret) throw new ConflictError('TOTP is already enabled; an administrator can reset it');
    return user;
  }

  return {
    /** Starts enrolment after checking the current password: a fresh secret kept pending until a code confirms it. */
    async setup(session: SessionRecord, password: string, ip?: string): Promise<{ secret: string; otpauthUri: string }> {
      const user = await userOf(session);
      const attempt = { account: user.id, address: ip ?? 'unknown' };
      if ((await deps.attempts.failures(attempt)).pair >= deps.policy.maxFailuresPerAccount) throw new ValidationError('password: too many wrong passwords, try again later', { field: 'password' });
      if (!(await verifyPassword(user.passwordHash, password))) {
        await deps.attempts.recordSessionFailure(attempt, deps.policy.failureWindowSeconds);
        await audit(session.user, { action: 'auth.totp_setup', outcome: 'failure', target: user.id, ...(ip ? { ip } : {}), details: { reason: 'wrong_password' } });
        throw new ValidationError('password: wrong password', { field: 'password' });
      }
      const secret = newTotpSecret();
      await deps.totpState.setPending(user.id, deps.secretBox.seal(secret), PENDING_TOTP_SECONDS);
      await audit(session.user, { action: 'auth.totp_setup', outcome: 'success', target: user.id, ...(ip ? { ip } : {}) });
      return { secret: base32Encode(secret), otpauthUri: otpauthUri({ issuer: deps.policy.totpIssuer, account: user.username, secret }) };
    },

    /** Confirms enrolment with a code from the app; ends the account's other sessions; lifts an enrolment-only session to a full one. */
    async confirm(session: SessionRecord, code: string, ip?: string): Promise<SessionRecord> {
      const user = await userOf(session);
      const sealed = await deps.totpState.pending(user.id);
      if (!sealed) throw new ValidationError('code: no enrolment in progress, call /api/auth/totp/setup first');
      if (!(await acceptTotpCode(deps.totpState, user.id, deps.secretBox.open(sealed), code, now().getTime()))) {
        await audit(session.user, { action: 'auth.totp_enable', outcome: 'failure', target: user.id, ...(ip ? { ip } : {}) });
        throw new ValidationError('code: wrong or already used code, check the time on the phone');
      }
      await deps.users.save({ ...user, totpSecret: sealed, updatedAt: now().toISOString() });
      await deps.totpState.deletePending(user.id);
      const ended = await deps.sessions.removeAllForUser(user.id, { except: session.id });
      const upgraded: SessionRecord = { ...session };
      delete upgraded.totpEnrolment;
      await deps.sessions.update(upgraded);
      await audit(session.user, { action: 'auth.totp_enable', outcome: 'success', target: user.id, ...(ip ? { ip } : {}), details: { sessionsEnded: ended } });
      return upgraded;
    },
  };
}
export type TotpEnrolmentService = ReturnType<typeof createTotpEnrolmentService>;
