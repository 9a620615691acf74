import { z } from 'zod';

/**
 * The one env schema. Every variable is described here; `loadConfig` parses the environment once
 * at start and returns a frozen object. The README's variable table is generated from this file
 * (`npm run docs:env`).
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const ratio = z.coerce.number().min(0).max(1);
const httpUrl = z.url({ protocol: /^https?$/ });
const redisUrl = z.url({ protocol: /^rediss?$/ });
/** JSON in a variable; a parse failure names no part of the value (it may hold secrets). */
const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((s, ctx): unknown => {
      try {
        return JSON.parse(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
const webhookSenders = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'sender ids are lowercase latin, digits, - or _ (≤64)'),
  z.strictObject({
    secret: z.string().min(32, 'secret must be at least 32 characters').max(512),
    municipality: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/, 'a gazetteer code').optional(),
    name: z.string().min(1).max(200).optional(),
  }),
);

interface VarSpec<T extends z.ZodType> {
  schema: T;
  default?: string;
  description: string;
  /** Holds secrets: an invalid value is reported without echoing it. */
  secret?: boolean;
}
const v = <T extends z.ZodType>(schema: T, description: string, def?: string, opts: { secret?: boolean } = {}): VarSpec<T> => ({
  schema,
  description,
  ...(def === undefined ? {} : { default: def }),
  ...(opts.secret ? { secret: true } : {}),
});

export const ENV_SPEC = {
  NODE_ENV: v(z.enum(['development', 'production', 'test']), 'Runtime mode.', 'development'),
  LOG_LEVEL: v(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'pino log level.', 'info'),
  HOST: v(z.string().min(1), 'Interface the API listens on.', '127.0.0.1'),
  PORT: v(int(0, 65535), 'API port (0 picks a free one).', '3000'),
  PUBLIC_URL: v(httpUrl.optional(), 'URL users open (printed at start); defaults to http://HOST:PORT.'),
  ES_URL: v(httpUrl, 'Elasticsearch URL.', 'http://127.0.0.1:9200'),
  ES_USERNAME: v(z.string().optional(), 'Elasticsearch user (when security is on).'),
  ES_PASSWORD: v(z.string().optional(), 'Elasticsearch password (secret).'),
  ES_INDEX_PREFIX: v(z.string().regex(/^[a-z][a-z0-9_-]{0,40}$/, 'lowercase latin, digits, - or _'), 'Prefix of every index, template and alias.', 'dozor'),
  REDIS_URL: v(redisUrl, 'Redis URL (queues, sessions, feed stream, cursors).', 'redis://127.0.0.1:6379'),
  REDIS_PREFIX: v(z.string().regex(/^[a-z][a-z0-9_-]{0,40}$/, 'lowercase latin, digits, - or _'), 'Prefix of every Redis key and queue.', 'dozor'),
  REGION: v(z.string().regex(/^[a-z][a-z-]*$/), 'Gazetteer in config/regions/<REGION>.json.', 'omsk'),
  MODEL_PATH: v(z.string().optional(), 'Pins the classifier to this model file (no registry, no hot reload). Unset: the registry\'s active model, else the shipped one.'),
  MODEL_DIR: v(z.string().min(1), 'Model registry: every retrained model, its record and the active pointer (`npm run model:list`). Relative paths are from the working directory; not in git.', '.cache/models'),
  MODEL_RELOAD_SECONDS: v(int(0, 3600), 'How often pipeline workers check the active model pointer and switch without a restart (0: never).', '10'),
  PIPELINE_CONCURRENCY: v(int(1, 10_000), 'Posts a pipeline worker holds in flight (several batches, so classifying overlaps indexing).', '2000'),
  PIPELINE_BATCH_SIZE: v(int(1, 5000), 'Posts per Elasticsearch bulk request.', '1000'),
  PIPELINE_FLUSH_MS: v(int(1, 5000), 'Longest a post waits for its batch to fill.', '20'),
  PIPELINE_ATTEMPTS: v(int(1, 50), 'Attempts for a retryable failure before the job is parked.', '8'),
  INCIDENT_COMPLAINT_THRESHOLD: v(ratio, 'Complaint confidence that opens an incident.', '0.5'),
  INCIDENT_MISINFO_THRESHOLD: v(ratio, 'Misinformation risk that opens an incident for the desk.', '0.6'),
  INCIDENT_RESPONSE_MINUTES: v(int(1, 60 * 24 * 30), 'Response deadline after an incident opens.', '240'),
  INCIDENT_GROUPING_WINDOW_MINUTES: v(int(0, 60 * 24 * 30), 'A new post joins an open incident saying the same thing only if that incident opened this recently (one card per problem); 0: never group, every post opens its own incident.', '1440'),
  FEED_RETENTION: v(int(100, 1_000_000), 'Feed events kept for replay after a disconnect.', '10000'),
  SESSION_IDLE_MINUTES: v(int(1, 24 * 60), 'Session ends after this long without a request.', '60'),
  SESSION_ABSOLUTE_HOURS: v(int(1, 24 * 30), 'Session ends this long after login, active or not.', '12'),
  COOKIE_SECURE: v(bool, 'Session cookie is `__Host-dozor_session` (Secure, HttpOnly, SameSite=Strict). `false` only for a development host reached over plain http by name (not localhost/127.0.0.1, which browsers treat as secure): the cookie then loses Secure and the `__Host-` prefix.', 'true'),
  CORS_ORIGINS: v(
    z
      .string()
      .optional()
      .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== ''))
      .pipe(z.array(z.url({ protocol: /^https?$/ }).refine((u) => URL.canParse(u) && new URL(u).origin === u, 'an origin: scheme://host[:port], no path or trailing slash'))),
    'Comma-separated origins other than the API\'s own allowed to call it from a browser with credentials (CORS, CSRF origin check), e.g. `https://cur.example.ru`. Unset: same origin only.',
  ),
  TOTP_ISSUER: v(z.string().min(1).max(64), 'Issuer shown next to the account in authenticator apps.', 'Дозор'),
  TOTP_ENCRYPTION_KEY: v(
    z.string().refine((s) => Buffer.from(s, 'base64').length === 32, '32 bytes, base64 (openssl rand -base64 32)').optional(),
    'Key sealing TOTP secrets at rest (AES-256-GCM), 32 bytes base64; without it secrets are stored unsealed and the API warns (secret).',
    undefined,
    { secret: true },
  ),
  DEMO_ENABLED: v(bool, 'Run the demo connector (replays bundled posts).', 'false'),
  DEMO_RATE: v(z.coerce.number().positive().max(10_000), 'Demo posts per second.', '2'),
  SHUTDOWN_TIMEOUT_MS: v(int(1000, 600_000), 'Longest a SIGTERM drain may take.', '30000'),
  RETENTION_DAYS: v(int(1, 3650), 'Posts older than this many days lose their personal data (152-ФЗ): whole monthly indices are dropped, the boundary month is cleaned per post, incident snapshots lose the author.', '365'),
  RETENTION_MODE: v(z.enum(['delete', 'anonymise']), 'What retention does to posts past RETENTION_DAYS in the boundary month: `delete` them or `anonymise` (author removed, text kept). Whole older months are always dropped.', 'delete'),
  RETENTION_INTERVAL_SECONDS: v(int(10, 7 * 24 * 3600), 'How often the pipeline role runs the retention job (one run at a time across all processes).', '3600'),
  VK_ACCESS_TOKEN: v(z.string().min(10).optional(), 'VK API access token for VK sources (secret). A user token reads walls, comments (batched in execute) and newsfeed.search; a service token (the application\'s) reads walls and newsfeed.search too, but VK refuses it execute, so comments are read by plain wall.getComments calls (one request per post, paced by VK_REQUESTS_PER_SECOND). Captcha (error 14) pauses the source for 30 min (errors:captcha in its health).', undefined, { secret: true }),
  VK_API_URL: v(httpUrl, 'VK API method base URL.', 'https://api.vk.com/method'),
  VK_REQUESTS_PER_SECOND: v(z.coerce.number().positive().max(20), 'VK requests per second per token, shared by all connector processes (VK allows 3 for user tokens).', '3'),
  VK_DAILY_QUOTAS: v(
    json(z.record(z.string().regex(/^[a-z]+\.[a-zA-Z]+$/, 'a VK method name such as wall.get'), z.number().int().positive().max(10_000_000))),
    'Daily call limits per VK method and token (JSON `{ "<method>": <calls> }`), counted per Moscow day in Redis across all connector processes; VK sources\' poll intervals are stretched to fit them and a source whose method is spent pauses until 00:00 MSK. Defaults: VK\'s published 5000 for wall.get and 1000 for newsfeed.search; wall.getComments has no published figure (5000 assumed). A method left out is counted but never refused.',
    '{"wall.get":5000,"wall.getComments":5000,"newsfeed.search":1000}',
  ),
  TELEGRAM_WEB_URL: v(httpUrl, 'Telegram web preview origin (t.me/s/<channel>).', 'https://t.me'),
  TELEGRAM_REQUESTS_PER_SECOND: v(z.coerce.number().positive().max(20), 'Requests per second to the Telegram web preview, all processes together.', '1'),
  OK_API_URL: v(httpUrl, 'Odnoklassniki REST endpoint.', 'https://api.ok.ru/fb.do'),
  OK_APPLICATION_KEY: v(z.string().min(1).optional(), 'OK application public key.'),
  OK_ACCESS_TOKEN: v(z.string().min(1).optional(), 'OK access token (secret).', undefined, { secret: true }),
  OK_SESSION_SECRET_KEY: v(z.string().min(1).optional(), 'OK session secret key used to sign requests (secret).', undefined, { secret: true }),
  OK_REQUESTS_PER_SECOND: v(z.coerce.number().positive().max(20), 'OK requests per second per token, all processes together.', '3'),
  MAX_API_URL: v(httpUrl, 'MAX Bot API base URL (MAX moved it to platform-api2.max.ru, whose certificate is issued by the Russian national root CA: see MAX_CA_FILE).', 'https://platform-api2.max.ru'),
  MAX_CA_FILE: v(
    z.string().min(1).optional(),
    'PEM file of root certificates trusted for MAX requests in addition to Node\'s bundle: the Russian national root CA (Минцифры, "Russian Trusted Root CA", from gosuslugi.ru/crt) that issues platform-api2.max.ru\'s certificate. Unset: Node\'s bundle only (the MAX API then fails with a TLS error).',
  ),
  MAX_BOT_TOKEN: v(z.string().min(10).optional(), 'Token of the center\'s MAX bot (secret).', undefined, { secret: true }),
  MAX_REQUESTS_PER_SECOND: v(z.coerce.number().positive().max(30), 'MAX Bot API requests per second, all processes together.', '2'),
  WEBHOOK_SENDERS: v(
    json(webhookSenders),
    'Feedback platforms allowed to push appeals to `POST /api/webhooks/appeals/<senderId>`: JSON `{ "<senderId>": { "secret": "<≥32 chars>", "municipality"?: "<code>", "name"?: "…" } }` (secret; see connectors/webhook/README.md).',
    '{}',
    { secret: true },
  ),
  METRICS_TOKEN: v(z.string().min(24, 'at least 24 characters').max(512).optional(), 'Bearer token Prometheus sends to `GET /metrics`; when unset the endpoint answers 404 (secret).', undefined, { secret: true }),
  SOURCES_RELOAD_MS: v(int(100, 600_000), 'How often the connector role re-reads the source registry to start, restart and stop sources.', '5000'),
  ES_REPLICAS: v(int(0, 5), 'Replicas of every Dozor index (0 on one node; 1 on a cluster of three, see docker-compose profile `scaled`).', '0'),
  REPORTS_DIR: v(z.string().min(1), 'Where built reports (PDF and XLSX) are kept; relative paths are from the working directory; not in git.', '.cache/reports'),
  ANALYTICS_GEOJSON: v(z.string().min(1).optional(), 'GeoJSON FeatureCollection of municipality boundaries (property `code`) for the analytics map; unset: the tile-grid cartogram from config/regions/<REGION>.tiles.json.', undefined),
  ARCHIVE_SCHEDULE_SECONDS: v(int(10, 3600), 'How often the pipeline role checks saved-search alerts, spikes of the last full hour and scheduled reports.', '60'),
  DESK_QUEUE_THRESHOLD: v(ratio, 'Misinformation risk at or above which a post enters the desk queue (`/desk/`).', '0.4'),
  DESK_QUEUE_WINDOW_HOURS: v(int(1, 24 * 30), 'How far back the desk queue looks for risky posts.', '72'),
  DESK_LINK_SIMILARITY: v(ratio, 'Claim similarity at or above which a new post joins a claim by itself (and takes its verdict\'s risk).', '0.6'),
  DESK_SUGGEST_SIMILARITY: v(ratio, 'Claim similarity at or above which (below DESK_LINK_SIMILARITY) a post is suggested to the desk for the claim.', '0.5'),
  DESK_SPREAD_ALERT_PER_HOUR: v(int(1, 1_000_000), 'New copies per hour of a false, manipulative or misleading claim that alert the desk (when more than the hour before).', '10'),
  TRUST_PROXY: v(
    z
      .string()
      .transform((s): boolean | number | string[] => (s === 'false' || s === '' ? false : s === 'true' ? true : /^\d+$/.test(s) ? Number(s) : s.split(',').map((x) => x.trim()).filter((x) => x !== '')))
      .pipe(z.union([z.boolean(), z.number().int().min(1).max(10), z.array(z.string().regex(/^[0-9a-f.:]+(\/\d{1,3})?$/i, 'an IP address or CIDR'))])),
    'Which proxies in front of the API to believe about the client address (`X-Forwarded-For`), which login limits count per address: `false` (none, the default), a comma-separated list of proxy addresses/CIDRs such as `127.0.0.1,10.0.0.0/8` (recommended behind the TLS proxy), a hop count, or `true` (any: only when nothing else can reach the port).',
    'false',
  ),
  HTTP_REQUEST_TIMEOUT_MS: v(int(1000, 600_000), 'Longest a client may take to send a whole request (headers and body): a slow body is cut with 408.', '30000'),
  HTTP_HEADERS_TIMEOUT_MS: v(int(1000, 600_000), 'Longest a client may take to send the request headers.', '15000'),
  HTTP_KEEPALIVE_TIMEOUT_MS: v(int(1000, 600_000), 'Idle keep-alive connections are closed after this long.', '10000'),
  SOCKETS_PER_USER: v(int(1, 1000), 'Live-feed sockets one user may hold open at once; the next one is refused with `too_many_sockets` until one closes.', '10'),
  SOCKET_CONNECTS_PER_MINUTE: v(int(1, 10_000), 'Live-feed connection attempts per user per minute; beyond it a connect is refused with `rate_limited`.', '30'),
  SOCKET_REPLAY_MAX: v(int(10, 100_000), 'Most events one reconnect replays; a client further behind gets `feed:reset` and reloads the list.', '500'),
  SMTP_URL: v(z.url({ protocol: /^smtps?$/ }).optional(), 'SMTP server for escalation e-mail and for saved-search alerts, spike alerts and scheduled reports (sent to the user\'s account e-mail, set by the administrator), e.g. smtp://user:pass@mail.example.ru:587; unset: in-app notifications only (secret).', undefined, { secret: true }),
  SMTP_FROM: v(z.string().min(3).max(200).optional(), 'From address of escalation, alert and report e-mail.', undefined),
  ESCALATION_EMAILS: v(json(z.partialRecord(z.enum(['sector_lead', 'head']), z.array(z.email()).max(20))), 'E-mail addresses of the sector leads and the head for escalations: JSON `{ "sector_lead": ["…"], "head": ["…"] }` (organisations are written to their directory e-mail).', '{}'),
  VK_COMMUNITY_TOKEN: v(z.string().min(10).optional(), "Community token used to publish answers as replies under the resident's VK post (wall.createComment); unset: the operator pastes the link of the published reply (secret).", undefined, { secret: true }),
  VK_COMMUNITY_ID: v(z.coerce.number().int().positive().optional(), 'VK community id that signs the published replies (from_group).', undefined),
  SATISFACTION_LINK_HOURS: v(int(1, 24 * 90), "How long a resident's satisfaction link stays valid.", '168'),
} as const;

type Spec = typeof ENV_SPEC;
export type Config = Readonly<{ [K in keyof Spec]: z.output<Spec[K]['schema']> }>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and freezes the configuration. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(ENV_SPEC) as [string, VarSpec<z.ZodType>][]) {
    const raw = env[name] === undefined || env[name] === '' ? spec.default : env[name];
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) out[name] = parsed.data;
    else {
      const shown = spec.secret ? '[redacted]' : JSON.stringify(raw ?? null);
      const issues = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
      problems.push(`${name}=${shown}: ${issues.join('; ')}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}

/** Markdown table of every variable, for the README. */
export function envTableMarkdown(): string {
  const rows = Object.entries(ENV_SPEC).map(
    ([name, spec]: [string, VarSpec<z.ZodType>]) => `| \`${name}\` | ${spec.default === undefined ? '—' : `\`${spec.default}\``} | ${spec.description} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
