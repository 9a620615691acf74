/**
 * `npm start`: the whole system on one machine — API, pipeline worker and connector worker as
 * separate processes (the same entry points docker-compose runs), demo users seeded, demo
 * connector on. Forwards SIGINT/SIGTERM so every role drains before exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ConfigError, loadConfig, type Config } from '../config/env';
import { createContainer } from '../container';
import { FULL_SCOPE } from '../domain/access';
import type { NewUser } from '../services/users.service';
import { seedDirectoryIfEmpty } from '../services/directory-seed';
import { base32Decode, createSecretBox } from '../services/totp';

// Demo accounts only: `npm start` is the demo. Production users come from scripts/create-user.ts.
const DEMO_USERS: NewUser[] = [
  { username: 'operator', password: 'operator-demo-1', displayName: 'Анна Дежурная', role: 'operator', scope: FULL_SCOPE },
  // A second operator on the same feed, and the shift lead who assigns, merges, rejects and reopens.
  { username: 'operator2', password: 'operator2-demo-1', displayName: 'Борис Сменщиков', role: 'operator', scope: FULL_SCOPE },
  { username: 'lead', password: 'lead-demo-1', displayName: 'Елена Старшая', role: 'shift_lead', scope: FULL_SCOPE },
  { username: 'housing', password: 'housing-demo-1', displayName: 'Пётр Жилкомов', role: 'sector_lead', scope: { sectors: ['housing'], municipalities: 'all' } },
  { username: 'observer', password: 'observer-demo-1', displayName: 'Олег Наблюдатель', role: 'observer', scope: FULL_SCOPE },
  { username: 'admin', password: 'admin-demo-1', displayName: 'Техадмин Демо', role: 'admin', scope: FULL_SCOPE },
  { username: 'desk', password: 'desk-demo-1', displayName: 'Мария Проверкина', role: 'misinfo_desk', scope: FULL_SCOPE },
  // A responsible organisation's employee (the demo directory lists this user for АО «ОмскВодоканал»).
  { username: 'vodokanal', password: 'vodokanal-demo-1', displayName: 'Ирина Водоканалова', role: 'organisation', scope: FULL_SCOPE, organisationId: 'omsk-vodokanal' },
];
// The administrator needs a second factor; the demo one has this published secret (demo only).
const DEMO_ADMIN_TOTP = 'DOZORDEMOADMINTOTPSECRET';

const env = { ...process.env, DEMO_ENABLED: process.env.DEMO_ENABLED ?? 'true' };
let config: Config;
try {
  config = loadConfig(env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
  throw err;
}

const c = await createContainer(config, { name: 'start' });
for (const u of DEMO_USERS) {
  if (await c.repos.users.findByUsername(u.username)) continue;
  const created = await c.services.users.createUser(u);
  if (u.role === 'admin') {
    const user = await c.repos.users.findByUsername(created.username);
    if (user) await c.repos.users.save({ ...user, totpSecret: createSecretBox(config.TOTP_ENCRYPTION_KEY).seal(base32Decode(DEMO_ADMIN_TOTP)) });
  }
}
// The demo region's organisation directory and responsibility rules (config/regions/<region>.*.csv).
const admin = await c.repos.users.findByUsername('admin');
if (admin) {
  await seedDirectoryIfEmpty({
    organisations: c.services.organisations,
    lookup: { municipalities: c.services.gazetteer.list(), regionName: c.services.gazetteer.region.name },
    region: config.REGION,
    actor: { id: admin.id, username: admin.username, displayName: admin.displayName, role: admin.role, scope: admin.scope },
  });
}
await c.close();

/** A crashed role is restarted after this back-off (doubling from the first value); this many crashes within CRASH_WINDOW_MS stop everything. */
const RESTART_BACKOFF_MS = [1000, 2000, 4000, 8000, 16000];
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 5 * 60_000;

const ROLES = ['api', 'pipeline-worker', 'connector-worker'] as const;
const children = new Map<(typeof ROLES)[number], ChildProcess>();
const crashes = new Map<string, number[]>();
const spawnRole = (role: (typeof ROLES)[number]): void => {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(`./${role}.ts`, import.meta.url).pathname], { env, stdio: 'inherit' });
  children.set(role, child);
  child.on('exit', (code, signal) => onExit(role, code, signal));
};

const url = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
setTimeout(() => {
  process.stdout.write(
    [
      '',
      `  Дозор is running: ${url}`,
      ...DEMO_USERS.map((u) => `    ${u.role.padEnd(12)} login ${u.username.padEnd(9)} password ${u.password}`),
      `    admin's one-time code: npm run --silent totp -- ${DEMO_ADMIN_TOTP}`,
      `  Pages: ${url}/ (operator) · ${url}/desk/ · ${url}/sources/ · ${url}/users/ · ${url}/audit/ · ${url}/archive/ · ${url}/analytics/ · ${url}/reports/ · ${url}/shift/ · ${url}/organisations/ · ${url}/organisation/ · ${url}/sla/ · ${url}/ratings/ (tab «Официальные страницы»)`,
      `  Demo posts arrive at ${config.DEMO_RATE}/s. Ctrl+C stops everything.`,
      '',
    ].join('\n') + '\n',
  );
}, 3000).unref();

let exiting = false;
function stopAll(signal: NodeJS.Signals): void {
  if (exiting) return;
  exiting = true;
  for (const ch of children.values()) if (ch.exitCode === null && ch.signalCode === null) ch.kill(signal);
  if ([...children.values()].every((ch) => ch.exitCode !== null || ch.signalCode !== null)) process.exit();
}
process.on('SIGINT', () => stopAll('SIGTERM'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

// A role that crashes (kill -9, an uncaught error) is restarted with back-off; the rest keep
// running. Only repeated crashes (MAX_CRASHES within CRASH_WINDOW_MS) stop the whole system.
function onExit(role: (typeof ROLES)[number], code: number | null, signal: NodeJS.Signals | null): void {
  if (exiting) {
    if ([...children.values()].every((ch) => ch.exitCode !== null || ch.signalCode !== null)) process.exit();
    return;
  }
  if (code === 78) {
    process.stderr.write(`${role}: invalid configuration; stopping the rest\n`);
    process.exitCode = 78;
    stopAll('SIGTERM');
    return;
  }
  const now = Date.now();
  const recent = (crashes.get(role) ?? []).filter((t) => now - t < CRASH_WINDOW_MS);
  recent.push(now);
  crashes.set(role, recent);
  if (recent.length >= MAX_CRASHES) {
    process.stderr.write(`${role} crashed ${recent.length} times in ${CRASH_WINDOW_MS / 60_000} min (last: ${signal ?? `code ${code}`}); stopping the rest\n`);
    process.exitCode = 1;
    stopAll('SIGTERM');
    return;
  }
  const delay = RESTART_BACKOFF_MS[Math.min(recent.length - 1, RESTART_BACKOFF_MS.length - 1)] as number;
  process.stderr.write(`${role} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s (crash ${recent.length} of ${MAX_CRASHES})\n`);
  setTimeout(() => {
    if (!exiting) spawnRole(role);
  }, delay);
}

for (const role of ROLES) spawnRole(role);
