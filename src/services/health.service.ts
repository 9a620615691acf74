import type { EsClient } from '../adapters/elasticsearch';
import type { RedisClient } from '../adapters/redis';

export interface Readiness {
  ready: boolean;
  checks: { redis: 'up' | 'down'; elasticsearch: 'up' | 'down' };
}

const CHECK_TIMEOUT_MS = 1500;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}

export function createHealthService(deps: { es: EsClient; redis: RedisClient }) {
  return {
    async readiness(): Promise<Readiness> {
      const [redis, es] = await Promise.all([
        withTimeout(deps.redis.ping(), CHECK_TIMEOUT_MS).then(() => 'up' as const, () => 'down' as const),
        withTimeout(deps.es.cluster.health({ timeout: '1s' }, { requestTimeout: CHECK_TIMEOUT_MS, maxRetries: 0 }), CHECK_TIMEOUT_MS).then(
          (h) => (h.status === 'red' ? ('down' as const) : ('up' as const)),
          () => 'down' as const,
        ),
      ]);
      return { ready: redis === 'up' && es === 'up', checks: { redis, elasticsearch: es } };
    },
  };
}
export type HealthService = ReturnType<typeof createHealthService>;
