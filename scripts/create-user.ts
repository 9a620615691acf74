/**
 * Creates a user from the command line — how the first technical administrator is made.
 *   npm run user:create -- --username admin --role admin --name "Иван Петров" [--sectors housing,roads] [--municipalities omsk,tara]
 * The password is read from DOZOR_PASSWORD or, interactively, from stdin (never from argv, which
 * other users of the machine can see). Roles that require TOTP (the technical administrator)
 * enrol it at their first login: that session can do nothing else until a code is confirmed.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../src/config/env';
import { createContainer } from '../src/container';
import { ROLES, type Role } from '../src/domain/access';
import { isSector, type Sector } from '../src/domain/sector';

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    sectors: { type: 'string' },
    municipalities: { type: 'string' },
  },
});
const fail = (msg: string): never => {
  process.stderr.write(`create-user: ${msg}\n`);
  process.exit(2);
};
const username = values.username ?? fail('--username is required');
const role = (values.role ?? fail(`--role is required (${ROLES.join(', ')})`)) as Role;
if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
const sectors = values.sectors ? values.sectors.split(',').map((s) => s.trim()) : 'all';
if (sectors !== 'all' && !sectors.every(isSector)) fail('--sectors: unknown sector code');
const municipalities = values.municipalities ? values.municipalities.split(',').map((s) => s.trim()) : 'all';

let password = process.env.DOZOR_PASSWORD;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  password = await rl.question('Password (at least 10 characters): ');
  rl.close();
}

const c = await createContainer(loadConfig(), { name: 'create-user' });
try {
  const user = await c.services.users.createUser({
    username,
    displayName: values.name ?? username,
    password,
    role,
    scope: { sectors: sectors as Sector[] | 'all', municipalities },
  });
  process.stdout.write(`created ${user.username} (${user.role})\n`);
  if (c.services.auth.policy.totpRequiredRoles.includes(user.role)) {
    const url = c.config.PUBLIC_URL ?? `http://${c.config.HOST}:${c.config.PORT}`;
    process.stdout.write(
      [
        `This role must log in with a one-time code (TOTP). To enrol:`,
        `  1. Open ${url}/ and log in as ${user.username}; you are taken to ${url}/users/#totp.`,
        `  2. Add the key shown there to an authenticator app (Яндекс Ключ, Google Authenticator, FreeOTP…),`,
        `     or open the otpauth:// link on the phone.`,
        `  3. Enter the six-digit code the app shows. Until then the session can do nothing else.`,
        `Lost the phone? Another administrator resets TOTP on the users page (or POST /api/users/${user.id}/totp/reset).`,
        '',
      ].join('\n'),
    );
  }
} catch (err) {
  fail((err as Error).message);
} finally {
  await c.close();
}
