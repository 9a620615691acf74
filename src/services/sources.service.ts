import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isPublicAddress } from '../../connectors/http/address-policy';
import type { SecretBox } from './totp';
import type { SessionUser } from '../domain/access';
import { sourceKey, SOURCE_KINDS, type Source, type SourceKind, type SourceSettings } from '../domain/source';
import { auditRecord, type AuditAction } from '../domain/audit';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { AuditRepository } from '../repositories/audit.repository';
import type { SourceHealth, SourceHealthRepository } from '../repositories/source-health.repository';
import type { SourceFilter, SourcesRepository } from '../repositories/sources.repository';
import { DEFAULT_SILENCE_POLICY, evaluateSource, type SilencePolicy, type SourceAlert } from './source-alerts';
import { renderMetrics } from './source-metrics';

// ── Per-kind settings ────────────────────────────────────────────────────────────────────────────

const VK_SCREEN_NAME = /^[A-Za-z0-9_.]{2,64}$/;
const VK_NUMERIC_ID = /^-?\d{1,15}$/;
/** Telegram public usernames: 5–32 latin letters, digits, underscores; a letter first, no trailing underscore. */
const TELEGRAM_CHANNEL = /^[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9]$/;

const vkOwner = z
  .string()
  .trim()
  .transform((s) => s.replace(/^(https?:\/\/)?(m\.)?vk\.(com|ru)\//i, '').replace(/\/+$/, ''))
  .refine((s) => VK_NUMERIC_ID.test(s) || VK_SCREEN_NAME.test(s), 'a VK screen name (latin letters, digits, _ .) or a numeric id (communities negative), or a vk.com link');

const telegramChannel = z
  .string()
  .trim()
  .transform((s) => s.replace(/^(https?:\/\/)?t\.me\/(s\/)?|^@/i, '').replace(/\/+$/, ''))
  .refine((s) => TELEGRAM_CHANNEL.test(s), 'a public channel name: 5–32 latin letters, digits or _, starting with a letter (or a t.me link)');

const feedUrl = z
  .string()
  .trim()
  .max(400)
  .pipe(z.url({ protocol: /^https?$/, message: 'an http(s) URL' }))
  // zod admits some hosts the URL parser refuses, such as an IPv6 zone id (`[fe80::1%25eth0]`).
  .refine((u) => URL.canParse(u), 'not a URL this server can fetch (IPv6 zone ids such as %25eth0 are not allowed)')
  .refine((u) => {
    if (!URL.canParse(u)) return true;
    const url = new URL(u);
    return url.username === '' && url.password === '';
  }, 'credentials in the URL are not allowed');

export const SETTINGS_SCHEMAS = {
  vk_wall: z.strictObject({ owner: vkOwner, comments: z.boolean().default(false) }),
  vk_search: z.strictObject({
    query: z.string().trim().min(2).max(200),
    geo: z.strictObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  }),
  telegram_channel: z.strictObject({ channel: telegramChannel }),
  ok_group: z.strictObject({ groupId: z.string().trim().regex(/^\d{6,20}$/, 'the numeric OK group id (6–20 digits)'), comments: z.boolean().default(false) }),
  max_chat: z.strictObject({ chatId: z.string().trim().regex(/^-?\d{1,20}$/, 'the numeric MAX chat id') }),
  rss: z.strictObject({ url: feedUrl, flavour: z.enum(['news', 'dzen']).optional() }),
  webhook: z.strictObject({ senderId: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase latin, digits, - or _ (≤64)') }),
} as const satisfies Record<SourceKind, z.ZodType>;

const title = z.string().trim().min(1).max(200);
const municipality = z.string().trim().min(1).max(64);
const official = z.strictObject({ organisation: z.string().trim().min(1).max(200) });
/** Pull interval bounds: no faster than every 30 s, no slower than once a day. */
export const POLL_INTERVAL = { min: 30, max: 86_400 } as const;
const pollIntervalSec = z.number().int().min(POLL_INTERVAL.min).max(POLL_INTERVAL.max);

const common = { title, municipality, official: official.optional(), pollIntervalSec: pollIntervalSec.optional() };

export const createSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('vk_wall'), settings: SETTINGS_SCHEMAS.vk_wall, ...common }),
  z.strictObject({ kind: z.literal('vk_search'), settings: SETTINGS_SCHEMAS.vk_search, ...common }),
  z.strictObject({ kind: z.literal('telegram_channel'), settings: SETTINGS_SCHEMAS.telegram_channel, ...common }),
  z.strictObject({ kind: z.literal('ok_group'), settings: SETTINGS_SCHEMAS.ok_group, ...common }),
  z.strictObject({ kind: z.literal('max_chat'), settings: SETTINGS_SCHEMAS.max_chat, ...common }),
  z.strictObject({ kind: z.literal('rss'), settings: SETTINGS_SCHEMAS.rss, ...common }),
  z.strictObject({ kind: z.literal('webhook'), settings: SETTINGS_SCHEMAS.webhook, ...common }),
]);
export type CreateSourceInput = z.infer<typeof createSourceSchema>;

/** PATCH: any of these; `null` removes the optional ones. Settings merge over the current ones and are validated against the source's kind. */
export const updateSourceSchema = z
  .strictObject({
    title: title.optional(),
    municipality: municipality.optional(),
    official: official.nullable().optional(),
    pollIntervalSec: pollIntervalSec.nullable().optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type UpdateSourceInput = z.infer<typeof updateSourceSchema>;

const ALERT_LOG: Record<SourceAlert['kind'], string> = {
  stopped: 'source stopped: needs an administrator',
  quota: 'source paused: daily method quota of its token spent until the reset',
  silent: 'source silent far longer than its usual rhythm',
};

// ── Service ──────────────────────────────────────────────────────────────────────────────────────

export interface SourceHealthView {
  source: Source;
  health: SourceHealth;
  alert: SourceAlert | null;
}

/** A webhook sender found in the registry, for the webhook service. */
export interface RegistrySender {
  sourceId: string;
  secret: string;
  name: string;
  municipality?: string;
  paused: boolean;
}

/** Length of generated webhook secrets: 32 random bytes, base64url (43 characters). */
const SECRET_BYTES = 32;

/** Hostnames that name our own network rather than a public site. */
function isPublicHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host)) return isPublicAddress(host);
  if (!host.includes('.')) return false;
  return !/(^|\.)(localhost|local|localdomain|internal|intranet|lan|home|corp|home\.arpa|in-addr\.arpa|ip6\.arpa|invalid|test|example)$/.test(host);
}

function flavourOf(url: string, given: 'news' | 'dzen' | undefined): 'news' | 'dzen' {
  if (given) return given;
  const host = URL.canParse(url) ? new URL(url).hostname.toLowerCase() : '';
  return host === 'dzen.ru' || host.endsWith('.dzen.ru') || host === 'zen.yandex.ru' ? 'dzen' : 'news';
}

/** Settings as stored: parsed per kind, defaults filled (RSS flavour guessed from the host). */
function normaliseSettings(kind: SourceKind, settings: unknown, field: string): SourceSettings[SourceKind] {
  const parsed = SETTINGS_SCHEMAS[kind].safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = [field, ...(issue?.path ?? []).map(String)].join('.');
    throw new ValidationError(`${path}: ${issue?.message ?? 'invalid'}`, { field: path });
  }
  const s = parsed.data as SourceSettings[SourceKind];
  if (kind === 'rss') {
    const rss = s as { url: string; flavour?: 'news' | 'dzen' };
    if (!URL.canParse(rss.url) || !isPublicHostname(new URL(rss.url).hostname)) throw new ValidationError(`${field}.url: the feed must be on a public host`, { field: `${field}.url` });
    return { url: rss.url, flavour: flavourOf(rss.url, rss.flavour) };
  }
  return s;
}

export function createSourcesService(deps: {
  sources: SourcesRepository;
  health: SourceHealthRepository;
  audit: Pick<AuditRepository, 'append'>;
  gazetteer: { isKnown(code: string): boolean };
  /** Sender ids configured in WEBHOOK_SENDERS: a registry sender may not reuse one. */
  envSenderIds: readonly string[];
  /** Job counts per state, for /metrics. */
  queueCounts?: () => Promise<Record<string, Record<string, number>>>;
  log: Logger;
  silence?: SilencePolicy;
  /** Seals webhook secrets at rest like TOTP secrets (TOTP_ENCRYPTION_KEY). */
  secretBox?: Pick<SecretBox, 'sealText' | 'openText'>;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const log = deps.log.child({ module: 'sources' });
  // Secrets stored before sealing are plain text without a `v1:`/`plain:` mark: read as they are.
  const openSecret = (stored: string) => (deps.secretBox && /^(v1|plain):/.test(stored) ? deps.secretBox.openText(stored) : stored);
  const policy = deps.silence ?? DEFAULT_SILENCE_POLICY;
  const envSenders = new Set(deps.envSenderIds.map((s) => s.toLowerCase()));
  /** Alerts already logged, so a lasting alert is logged once (per process). */
  const logged = new Map<string, string>();

  function checkMunicipality(code: string): void {
    if (!deps.gazetteer.isKnown(code)) throw new ValidationError(`body.municipality: unknown municipality code '${code}' (a gazetteer code, or 'region' for the whole region)`, { field: 'body.municipality' });
  }

  async function audit(actor: SessionUser, action: AuditAction, target: string, ip: string | undefined, details: Record<string, unknown>): Promise<void> {
    await deps.audit.append(auditRecord(actor, { action, outcome: 'success', target, ...(ip ? { ip } : {}), details }, now()));
  }

  async function mustGet(id: string): Promise<Source> {
    const source = await deps.sources.get(id);
    if (!source) throw new NotFoundError('Source');
    return source;
  }

  async function duplicateOf(id: string): Promise<ConflictError> {
    const existing = await deps.sources.get(id);
    const name = existing ? `«${existing.title}» (${existing.id})` : id;
    return new ConflictError(`Такой источник уже есть: ${name}. / This source is already registered: ${name}.`);
  }

  async function newSecret(senderId: string): Promise<string> {
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    await deps.sources.setSecret(senderId, deps.secretBox ? deps.secretBox.sealText(secret) : secret);
    return secret;
  }

  async function view(source: Source, at: number): Promise<SourceHealthView> {
    const health = await deps.health.get(source.id, at);
    return { source, health, alert: evaluateSource(source, health, at, policy) };
  }

  const service = {
    list: (filter: SourceFilter) => deps.sources.list(filter),
    get: mustGet,

    /** Creates a source; a webhook source's secret is returned here (and by rotateSecret) only. */
    async create(actor: SessionUser, input: CreateSourceInput, ip?: string): Promise<{ source: Source; secret?: string }> {
      checkMunicipality(input.municipality);
      const settings = normaliseSettings(input.kind, input.settings, 'body.settings');
      const at = now().toISOString();
      const draft = { kind: input.kind, settings } as Pick<Source, 'kind' | 'settings'>;
      const source = {
        id: sourceKey(draft),
        kind: input.kind,
        title: input.title,
        municipality: input.municipality,
        ...(input.official ? { official: input.official } : {}),
        status: 'active',
        ...(input.pollIntervalSec !== undefined ? { pollIntervalSec: input.pollIntervalSec } : {}),
        createdAt: at,
        updatedAt: at,
        settings,
      } as Source;
      if (source.kind === 'webhook' && envSenders.has(source.settings.senderId)) {
        throw new ConflictError(`Отправитель '${source.settings.senderId}' уже задан в WEBHOOK_SENDERS. / Sender '${source.settings.senderId}' is already configured in WEBHOOK_SENDERS.`);
      }
      if ((await deps.sources.create(source)) === 'exists') throw await duplicateOf(source.id);
      let secret: string | undefined;
      if (source.kind === 'webhook') {
        try {
          secret = await newSecret(source.settings.senderId);
        } catch (err) {
          // No sender without a secret: undo the registration.
          await deps.sources.delete(source.id).catch(() => undefined);
          throw err;
        }
      }
      await audit(actor, 'source.create', source.id, ip, { kind: source.kind, municipality: source.municipality, official: Boolean(source.official) });
      log.info({ sourceId: source.id, kind: source.kind }, 'source created');
      return { source, ...(secret ? { secret } : {}) };
    },

    /**
     * Edits a source. Settings that change what it watches change its identity (the id is its
     * sourceKey): the source is re-registered under the new id, refused with 409 if that one
     * exists. A webhook's sender id cannot change (the platform holds its secret).
     */
    async update(actor: SessionUser, id: string, patch: UpdateSourceInput, ip?: string): Promise<Source> {
      const current = await mustGet(id);
      if (patch.municipality !== undefined) checkMunicipality(patch.municipality);
      // Settings merge over the current ones; a null removes an optional one (e.g. a search's geo).
      const merged = patch.settings === undefined ? undefined : Object.fromEntries(Object.entries({ ...current.settings, ...patch.settings }).filter(([, v]) => v !== null));
      const settings = merged === undefined ? current.settings : normaliseSettings(current.kind, merged, 'body.settings');
      const next = {
        ...current,
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.municipality !== undefined ? { municipality: patch.municipality } : {}),
        settings,
        updatedAt: now().toISOString(),
      } as Source;
      if (patch.official === null) delete next.official;
      else if (patch.official !== undefined) next.official = patch.official;
      if (patch.pollIntervalSec === null) delete next.pollIntervalSec;
      else if (patch.pollIntervalSec !== undefined) next.pollIntervalSec = patch.pollIntervalSec;
      next.id = sourceKey(next);
      const changed = Object.keys(patch);
      if (next.id !== current.id) {
        if (current.kind === 'webhook') throw new ValidationError('body.settings.senderId: a sender id cannot change; add a new webhook source instead', { field: 'body.settings.senderId' });
        if ((await deps.sources.create(next)) === 'exists') throw await duplicateOf(next.id);
        await deps.sources.delete(current.id);
        await deps.health.forget(current.id).catch(() => undefined);
      } else {
        await deps.sources.replace(next);
      }
      await audit(actor, 'source.update', next.id, ip, { changed, ...(next.id !== current.id ? { previousId: current.id } : {}) });
      return next;
    },

    async setStatus(actor: SessionUser, id: string, status: Source['status'], ip?: string): Promise<Source> {
      const current = await mustGet(id);
      if (current.status === status) return current;
      const next = { ...current, status, updatedAt: now().toISOString() } as Source;
      await deps.sources.replace(next);
      await audit(actor, 'source.update', id, ip, { changed: ['status'], status });
      log.info({ sourceId: id, status }, 'source status changed');
      return next;
    },

    async remove(actor: SessionUser, id: string, ip?: string): Promise<void> {
      const current = await mustGet(id);
      if (!(await deps.sources.delete(id))) throw new NotFoundError('Source');
      if (current.kind === 'webhook') await deps.sources.deleteSecret(current.settings.senderId);
      await deps.health.forget(id).catch(() => undefined);
      await audit(actor, 'source.delete', id, ip, { kind: current.kind });
      log.info({ sourceId: id }, 'source deleted');
    },

    /** A new secret for a webhook sender; the old one stops working at once. */
    async rotateSecret(actor: SessionUser, id: string, ip?: string): Promise<{ source: Source; secret: string }> {
      const current = await mustGet(id);
      if (current.kind !== 'webhook') throw new ValidationError('id: only webhook sources have a secret', { field: 'params.id' });
      const secret = await newSecret(current.settings.senderId);
      await audit(actor, 'source.update', id, ip, { changed: ['secret'] });
      return { source: current, secret };
    },

    /** The registry's view of a webhook sender (null when not registered). */
    async findSender(senderId: string): Promise<RegistrySender | null> {
      const source = await deps.sources.get(`webhook:${senderId.toLowerCase()}`);
      if (!source || source.kind !== 'webhook') return null;
      const stored = await deps.sources.getSecret(source.settings.senderId);
      if (!stored) return null;
      return {
        sourceId: source.id,
        secret: openSecret(stored),
        name: source.title,
        ...(source.municipality !== 'region' ? { municipality: source.municipality } : {}),
        paused: source.status === 'paused',
      };
    },

    async healthOf(id: string): Promise<SourceHealthView> {
      return view(await mustGet(id), now().getTime());
    },

    /** Health of every source (filtered like list) and the alerts among them. */
    async health(filter: SourceFilter = {}): Promise<{ items: SourceHealthView[]; alerts: SourceAlert[] }> {
      const at = now().getTime();
      const items = await Promise.all((await deps.sources.list(filter)).map((s) => view(s, at)));
      return { items, alerts: items.flatMap((i) => (i.alert ? [i.alert] : [])) };
    },

    /** Logs each alert once when it starts (source id and kind only: no personal data). */
    async checkAlerts(): Promise<SourceAlert[]> {
      const { alerts } = await service.health();
      const current = new Set<string>();
      for (const a of alerts) {
        const mark = `${a.kind}:${a.since}`;
        current.add(a.sourceId);
        if (logged.get(a.sourceId) === mark) continue;
        logged.set(a.sourceId, mark);
        log.warn({ sourceId: a.sourceId, alert: a.kind, since: a.since }, ALERT_LOG[a.kind]);
      }
      for (const id of logged.keys()) if (!current.has(id)) logged.delete(id);
      return alerts;
    },

    /** Prometheus exposition of every source's health, queue depth and process figures. */
    async metrics(): Promise<string> {
      const [{ items }, queues] = await Promise.all([service.health(), deps.queueCounts ? deps.queueCounts() : Promise.resolve({})]);
      return renderMetrics({ sources: items, queues });
    },
  };
  return service;
}
export type SourcesService = ReturnType<typeof createSourcesService>;
export { SOURCE_KINDS };
