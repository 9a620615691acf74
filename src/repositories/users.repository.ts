import type { EsClient } from '../adapters/elasticsearch';
import type { Role, Scope } from '../domain/access';
import type { Sector } from '../domain/sector';
import type { IndexNames } from './indices';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  scope: Scope;
  passwordHash: string;
  disabled: boolean;
  /** Sealed TOTP secret, present once the user has confirmed enrolment. */
  totpSecret?: string;
  /** The password was set by an administrator: the owner must replace it before anything else. */
  mustChangePassword?: boolean;
  /** For the `organisation` role: the organisation (directory id) the user answers for. */
  organisationId?: string;
  /** Where alerts and scheduled reports are e-mailed when SMTP is configured (never logged). */
  email?: string;
  createdAt: string;
  updatedAt: string;
}

interface UserDoc {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  scope_sectors: string[];
  scope_municipalities: string[];
  password_hash: string;
  disabled: boolean;
  totp_secret?: string;
  totp_enabled?: boolean;
  must_change_password?: boolean;
  organisation_id?: string;
  email?: string;
  created_at: string;
  updated_at: string;
}

// '*' marks "all" in the keyword arrays, so scope filters stay plain term queries.
const ALL = '*';

function toDoc(u: UserRecord): UserDoc {
  return {
    id: u.id,
    username: u.username,
    display_name: u.displayName,
    role: u.role,
    scope_sectors: u.scope.sectors === 'all' ? [ALL] : [...u.scope.sectors],
    scope_municipalities: u.scope.municipalities === 'all' ? [ALL] : [...u.scope.municipalities],
    password_hash: u.passwordHash,
    disabled: u.disabled,
    ...(u.totpSecret ? { totp_secret: u.totpSecret } : {}),
    totp_enabled: u.totpSecret !== undefined,
    ...(u.mustChangePassword ? { must_change_password: true } : {}),
    ...(u.organisationId ? { organisation_id: u.organisationId } : {}),
    ...(u.email ? { email: u.email } : {}),
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

function fromDoc(d: UserDoc): UserRecord {
  return {
    id: d.id,
    username: d.username,
    displayName: d.display_name,
    role: d.role,
    scope: {
      sectors: d.scope_sectors.includes(ALL) ? 'all' : (d.scope_sectors as Sector[]),
      municipalities: d.scope_municipalities.includes(ALL) ? 'all' : d.scope_municipalities,
    },
    passwordHash: d.password_hash,
    disabled: d.disabled,
    ...(d.totp_secret ? { totpSecret: d.totp_secret } : {}),
    ...(d.must_change_password ? { mustChangePassword: true } : {}),
    ...(d.organisation_id ? { organisationId: d.organisation_id } : {}),
    ...(d.email ? { email: d.email } : {}),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
}

/** Users live in Elasticsearch, keyed by lower-cased username so lookups are realtime gets. */
export function createUsersRepository(deps: { es: EsClient; names: IndexNames }) {
  const { es, names } = deps;
  const docId = (username: string) => username.toLowerCase();
  return {
    async findByUsername(username: string): Promise<UserRecord | null> {
      const res = await es.get<UserDoc>({ index: names.usersIndex, id: docId(username) }, { ignore: [404] });
      return res.found && res._source ? fromDoc(res._source) : null;
    },
    async findById(id: string): Promise<UserRecord | null> {
      return this.findByUsername(id);
    },
    /** Every user, by username (a center has dozens to hundreds of accounts). */
    async list(): Promise<UserRecord[]> {
      const res = await es.search<UserDoc>({ index: names.users, size: 10_000, sort: [{ username: 'asc' }], query: { match_all: {} } });
      return res.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._source)] : []));
    },
    /** Creates or replaces a user. `mustNotExist` turns a replace into a conflict. */
    async save(user: UserRecord, opts: { mustNotExist?: boolean } = {}): Promise<'created' | 'updated' | 'exists'> {
      try {
        const res = await es.index({
          index: names.usersIndex,
          id: docId(user.username),
          document: toDoc(user),
          refresh: 'wait_for',
          ...(opts.mustNotExist ? { op_type: 'create' as const } : {}),
        });
        return res.result === 'created' ? 'created' : 'updated';
      } catch (err) {
        if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) return 'exists';
        throw err;
      }
    },
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;
