/**
 * Builds the connector for a registry source. The connector role calls this for every active
 * pull source; push sources (webhook) have no connector and yield null.
 *
 * Each network's factory lives in its own folder and receives only what it needs: its settings,
 * a shared rate limiter (in Redis, so a token's limit holds across all worker processes), the
 * address policy (public addresses only in production; tests admit loopback) and the config.
 */
import type { Config } from '../src/config/env';
import type { Connector } from '../src/domain/connector';
import { networkOfSource, type Source } from '../src/domain/source';
import type { Logger } from '../src/lib/logger';
import { createHttpClient, publicAddressesOnly, type AddressPolicy, type RateLimiter } from '../connectors/http/http-client';
import { createRssConnector } from '../connectors/rss/rss.connector';

export interface ConnectorContext {
  config: Config;
  /** Shared across processes; keys are per token or per host. */
  rateLimiter: RateLimiter;
  /** Which resolved addresses outbound requests may reach. Default: public unicast only. */
  addressPolicy?: AddressPolicy;
  log: Logger;
  now?: () => Date;
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
      const http = createHttpClient({ allowedHosts: [host], addressPolicy, rateLimiter: ctx.rateLimiter, rateLimitKey: `host:${host}` });
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
    case 'vk_search':
    case 'telegram_channel':
    case 'ok_group':
    case 'max_chat':
      throw new ConnectorConfigError(source.id, `no connector for ${networkOfSource(source)} sources in this build`);
  }
}
