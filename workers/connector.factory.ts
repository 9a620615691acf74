/**
 * Builds the connector for a registry source. The connector role calls this for every active
 * pull source; push sources (webhook) have no connector and yield null.
 *
 * Each network's factory lives in its own folder and receives only what it needs: its settings,
 * its network's rate limiter (in Redis, so a token's limit holds across all worker processes),
 * the address policy (public addresses only in production; tests admit loopback) and the config.
 * Everything here comes from the composition root (src/container.ts `connectorContext`).
 */
import type { Config } from '../src/config/env';
import type { Connector } from '../src/domain/connector';
import type { Source } from '../src/domain/source';
import type { Logger } from '../src/lib/logger';
import { createHttpClient, publicAddressesOnly, readCaBundle, type AddressPolicy, type RateLimiter } from '../connectors/http/http-client';
import { createRssConnector } from '../connectors/rss/rss.connector';
import { createTelegramConnector, normaliseChannel } from '../connectors/telegram/telegram.connector';
import { createOkClient, okRateLimitKey } from '../connectors/ok/ok.client';
import { createOkGroupConnector } from '../connectors/ok/ok.connector';
import { createMaxClient, maxRateLimitKey } from '../connectors/max/max.client';
import { createMaxChatConnector } from '../connectors/max/max.connector';
import { createMaxUpdatesConnector, maxUpdatesStreamId, type MaxChatRoute } from '../connectors/max/max.updates';
import { createVkClient, vkRateLimitKey } from '../connectors/vk/vk.client';
import { createVkSearchConnector, createVkWallConnector } from '../connectors/vk/vk.connector';
import { createVkQuotaPlan, type VkQuotaSnapshot, type VkQuotaStore } from '../connectors/vk/vk.quota';

/**
 * One rate limiter per network family, chosen by the network a connector speaks (never by the
 * shape of a bucket key). Within a family the buckets are keyed per token (`vk:<hash>`…) or per
 * host (`host:<name>`).
 */
export interface ConnectorRateLimiters {
  vk: RateLimiter;
  ok: RateLimiter;
  max: RateLimiter;
  /** The Telegram web preview host (TELEGRAM_WEB_URL). */
  telegram: RateLimiter;
  /** Feeds and news sites, per host. */
  web: RateLimiter;
}

export interface ConnectorContext {
  config: Config;
  /** Shared across processes, by network. */
  rateLimiters: ConnectorRateLimiters;
  /** Which resolved addresses outbound requests may reach. Default: public unicast only. */
  addressPolicy?: AddressPolicy;
  log: Logger;
  now?: () => Date;
  /**
   * VK's daily method quotas (VK_DAILY_QUOTAS): the shared counters and where each source's view
   * of them goes (source health). Without it VK sources are paced per second only.
   */
  vkQuota?: { store: VkQuotaStore; report(sourceId: string, snapshot: VkQuotaSnapshot): Promise<void> };
  /**
   * Set when the MAX updates stream is the live path (the connector role does, see
   * maxUpdatesStreams): max_chat connectors then only backfill and catch up, polling every
   * `catchUpPollMs` (default 15 min) unless their source asks for longer.
   */
  maxUpdates?: { longPollSec?: number; catchUpPollMs?: number };
}

/** Default pause of a max_chat connector behind the updates stream. */
export const MAX_CATCH_UP_POLL_MS = 15 * 60_000;
/** Default long-poll wait of the updates stream; its HTTP timeout is this plus MAX_UPDATES_HTTP_MARGIN_MS. */
export const MAX_UPDATES_LONG_POLL_SEC = 30;
export const MAX_UPDATES_HTTP_MARGIN_MS = 15_000;

const caBundles = new Map<string, string[]>();
/** MAX_CA_FILE's certificates (read once per path), for every MAX HTTP client; none when unset. */
function maxCaCerts(config: Config): { extraCaCerts?: string[] } {
  const path = config.MAX_CA_FILE;
  if (!path) return {};
  let certs = caBundles.get(path);
  if (!certs) caBundles.set(path, (certs = readCaBundle(path)));
  return { extraCaCerts: certs };
}

/** A source whose connector cannot be built (missing token, unsupported kind); the message says why. */
export class ConnectorConfigError extends Error {
  override readonly name = 'ConnectorConfigError';
  readonly kind = 'config';
  constructor(
    readonly sourceId: string,
    message: string,
  ) {
    super(`${sourceId}: ${message}`);
  }
}

export function createConnectorFor(source: Source, ctx: ConnectorContext): Connector | null {
  const addressPolicy = ctx.addressPolicy ?? publicAddressesOnly;
  const pollIntervalMs = source.pollIntervalSec === undefined ? undefined : source.pollIntervalSec * 1000;
  const municipality = source.municipality === 'region' ? undefined : source.municipality;
  switch (source.kind) {
    case 'rss': {
      const host = new URL(source.settings.url).hostname.toLowerCase();
      // A feed served by the Telegram preview host shares that host's bucket and pace.
      const rateLimiter = host === new URL(ctx.config.TELEGRAM_WEB_URL).hostname.toLowerCase() ? ctx.rateLimiters.telegram : ctx.rateLimiters.web;
      const http = createHttpClient({ allowedHosts: [host], addressPolicy, rateLimiter, rateLimitKey: `host:${host}` });
      return createRssConnector({
        sourceId: source.id,
        url: source.settings.url,
        http,
        ...(municipality ? { municipality } : {}),
        ...(pollIntervalMs ? { pollIntervalMs } : {}),
        ...(ctx.now ? { now: ctx.now } : {}),
      });
    }
    case 'webhook':
      return null;
    case 'vk_wall':
    case 'vk_search': {
      const token = ctx.config.VK_ACCESS_TOKEN;
      if (!token) throw new ConnectorConfigError(source.id, 'VK_ACCESS_TOKEN is not set');
      const host = new URL(ctx.config.VK_API_URL).hostname.toLowerCase();
      // One bucket per token across all processes; the key is a hash, never the token.
      const http = createHttpClient({ allowedHosts: [host], addressPolicy, rateLimiter: ctx.rateLimiters.vk, rateLimitKey: vkRateLimitKey(token) });
      const tokenKey = vkRateLimitKey(token);
      const methods = source.kind === 'vk_search' ? ['newsfeed.search'] : ['wall.get', ...(source.settings.comments ? ['wall.getComments', 'execute'] : [])];
      const quota = ctx.vkQuota
        ? createVkQuotaPlan({
            sourceId: source.id,
            tokenKey,
            store: ctx.vkQuota.store,
            limits: ctx.config.VK_DAILY_QUOTAS,
            methods,
            report: (snapshot) => ctx.vkQuota!.report(source.id, snapshot),
            ...(ctx.now ? { now: () => ctx.now!().getTime() } : {}),
          })
        : null;
      const client = createVkClient({ http, apiUrl: ctx.config.VK_API_URL, token });
      const common = {
        sourceId: source.id,
        client: quota ? quota.client(client) : client,
        log: ctx.log.child({ module: 'connector', source: source.id }),
        ...(municipality ? { municipality } : {}),
        ...(pollIntervalMs ? { pollIntervalMs } : {}),
        ...(ctx.now ? { now: ctx.now } : {}),
      };
      const connector =
        source.kind === 'vk_wall'
          ? createVkWallConnector({ ...common, owner: source.settings.owner, comments: source.settings.comments })
          : createVkSearchConnector({ ...common, query: source.settings.query, ...(source.settings.geo ? { geo: source.settings.geo } : {}) });
      return quota ? quota.connector(connector) : connector;
    }
    case 'ok_group': {
      const { OK_APPLICATION_KEY: applicationKey, OK_ACCESS_TOKEN: accessToken, OK_SESSION_SECRET_KEY: sessionSecretKey } = ctx.config;
      const missing = [!applicationKey && 'OK_APPLICATION_KEY', !accessToken && 'OK_ACCESS_TOKEN', !sessionSecretKey && 'OK_SESSION_SECRET_KEY'].filter(Boolean);
      if (!applicationKey || !accessToken || !sessionSecretKey) throw new ConnectorConfigError(source.id, `${missing.join(', ')} not set`);
      const host = new URL(ctx.config.OK_API_URL).hostname.toLowerCase();
      // One bucket per token across all processes; the key is a hash, never the token.
      const http = createHttpClient({ allowedHosts: [host], addressPolicy, rateLimiter: ctx.rateLimiters.ok, rateLimitKey: okRateLimitKey(accessToken) });
      return createOkGroupConnector({
        sourceId: source.id,
        groupId: source.settings.groupId.trim(),
        comments: source.settings.comments,
        client: createOkClient({ http, apiUrl: ctx.config.OK_API_URL, applicationKey, accessToken, sessionSecretKey }),
        ...(municipality ? { municipality } : {}),
        ...(pollIntervalMs ? { pollIntervalMs } : {}),
        ...(ctx.now ? { now: ctx.now } : {}),
      });
    }
    case 'max_chat': {
      const token = ctx.config.MAX_BOT_TOKEN;
      if (!token) throw new ConnectorConfigError(source.id, 'MAX_BOT_TOKEN is not set');
      const host = new URL(ctx.config.MAX_API_URL).hostname.toLowerCase();
      let ca: { extraCaCerts?: string[] };
      try {
        ca = maxCaCerts(ctx.config);
      } catch (err) {
        throw new ConnectorConfigError(source.id, `MAX_CA_FILE: ${(err as Error).message}`);
      }
      const http = createHttpClient({ allowedHosts: [host], addressPolicy, rateLimiter: ctx.rateLimiters.max, rateLimitKey: maxRateLimitKey(token), ...ca });
      // Behind the updates stream the per-chat history poll is the backfill and the safety net only.
      const catchUp = ctx.maxUpdates ? Math.max(pollIntervalMs ?? 0, ctx.maxUpdates.catchUpPollMs ?? MAX_CATCH_UP_POLL_MS) : pollIntervalMs;
      return createMaxChatConnector({
        sourceId: source.id,
        chatId: source.settings.chatId.trim(),
        chatTitle: source.title,
        client: createMaxClient({ http, apiUrl: ctx.config.MAX_API_URL, token }),
        ...(municipality ? { municipality } : {}),
        ...(catchUp ? { pollIntervalMs: catchUp } : {}),
        ...(ctx.now ? { now: ctx.now } : {}),
      });
    }
    case 'telegram_channel': {
      const channel = normaliseChannel(source.settings.channel);
      if (!channel) throw new ConnectorConfigError(source.id, `"${source.settings.channel}" is not a public Telegram channel username`);
      const host = new URL(ctx.config.TELEGRAM_WEB_URL).hostname.toLowerCase();
      // No account, no token: the web preview's host is the bucket, shared by every channel and process.
      const http = createHttpClient({ allowedHosts: [host], addressPolicy, rateLimiter: ctx.rateLimiters.telegram, rateLimitKey: `host:${host}` });
      return createTelegramConnector({
        sourceId: source.id,
        channel,
        webUrl: ctx.config.TELEGRAM_WEB_URL,
        http,
        ...(municipality ? { municipality } : {}),
        ...(pollIntervalMs ? { pollIntervalMs } : {}),
      });
    }
  }
}

/**
 * The MAX updates stream for the supervisor (`SupervisorDeps.streams`): one long-polling
 * connector for the bot token while any max_chat source is active, none without MAX_BOT_TOKEN or
 * `ctx.maxUpdates`. Every call (each reload) refreshes the chat → source routes the running
 * connector reads, so a chat added, edited or paused is routed from the next page on.
 */
export function maxUpdatesStreams(ctx: ConnectorContext): (active: Source[]) => { id: string; build(): Connector }[] {
  let routes: ReadonlyMap<string, MaxChatRoute> = new Map();
  return (active) => {
    const token = ctx.config.MAX_BOT_TOKEN;
    if (!token || !ctx.maxUpdates) return [];
    const next = new Map<string, MaxChatRoute>();
    for (const s of active) {
      if (s.kind !== 'max_chat' || s.status !== 'active') continue;
      next.set(s.settings.chatId.trim(), {
        sourceId: s.id,
        chatTitle: s.title,
        ...(s.municipality !== 'region' ? { municipality: s.municipality } : {}),
      });
    }
    routes = next;
    if (next.size === 0) return [];
    const longPollSec = ctx.maxUpdates.longPollSec ?? MAX_UPDATES_LONG_POLL_SEC;
    const httpTimeoutMs = longPollSec * 1000 + MAX_UPDATES_HTTP_MARGIN_MS;
    const id = maxUpdatesStreamId(token);
    return [
      {
        id,
        build: () => {
          const host = new URL(ctx.config.MAX_API_URL).hostname.toLowerCase();
          const http = createHttpClient({
            allowedHosts: [host],
            addressPolicy: ctx.addressPolicy ?? publicAddressesOnly,
            rateLimiter: ctx.rateLimiters.max,
            rateLimitKey: maxRateLimitKey(token),
            timeoutMs: httpTimeoutMs,
            ...maxCaCerts(ctx.config),
          });
          return createMaxUpdatesConnector({ streamId: id, client: createMaxClient({ http, apiUrl: ctx.config.MAX_API_URL, token }), chats: () => routes, longPollSec, httpTimeoutMs });
        },
      },
    ];
  };
}
