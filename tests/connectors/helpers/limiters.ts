import type { RateLimiter } from '../../../connectors/http/rate-limiter';
import type { ConnectorRateLimiters } from '../../../workers/connector.factory';

/** One limiter for every network family: a connector test observes or paces all of them alike. */
export function sameLimiterForEveryNetwork(limiter: RateLimiter): ConnectorRateLimiters {
  return { vk: limiter, ok: limiter, max: limiter, telegram: limiter, web: limiter };
}
