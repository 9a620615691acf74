import type { RedisClient } from '../adapters/redis';

/** A shift handover acknowledged by the incoming operator. */
export interface HandoverAck {
  at: string;
  by: { id: string; username: string; name: string };
  note?: string;
}

const KEEP = 50;

/** The last handover acknowledgements (newest first), in Redis; the audit log keeps them all. */
export function createShiftRepository(deps: { redis: RedisClient; prefix: string }) {
  const key = `${deps.prefix}:shift:acks`;
  return {
    async append(ack: HandoverAck): Promise<void> {
      await deps.redis.multi().lpush(key, JSON.stringify(ack)).ltrim(key, 0, KEEP - 1).exec();
    },
    async recent(count: number): Promise<HandoverAck[]> {
      const rows = await deps.redis.lrange(key, 0, count - 1);
      return rows.map((r) => JSON.parse(r) as HandoverAck);
    },
  };
}
export type ShiftRepository = ReturnType<typeof createShiftRepository>;
