import type { RedisClient } from '../adapters/redis';
import type { EscalationNotification } from './escalation-notifications.repository';

/** What a socket receives: the notification without its recipient. */
export type PushedNotification = Omit<EscalationNotification, 'recipientId' | 'kind' | 'organisationId' | 'readAt'>;

/**
 * Escalation notifications from the worker process to the API nodes' sockets (Redis pub/sub).
 * The notification itself is stored first (`GET /api/escalations`); the push only makes it appear
 * at once, so a message lost while a node reconnects costs nothing but the immediacy.
 */
export function createNotificationChannel(deps: { redis: RedisClient; prefix: string }) {
  const channel = `${deps.prefix}:notifications:new`;
  return {
    publish(recipientId: string, n: EscalationNotification): Promise<number> {
      const pushed: PushedNotification = { id: n.id, incidentId: n.incidentId, stage: n.stage, level: n.level, title: n.title, body: n.body, at: n.at };
      return deps.redis.publish(channel, JSON.stringify({ recipientId, n: pushed }));
    },
    subscribe(handler: (recipientId: string, n: PushedNotification) => void, onError: (err: Error) => void): () => void {
      const sub = deps.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'notifications-sub' });
      sub.on('error', () => undefined);
      sub.on('message', (ch: string, message: string) => {
        if (ch !== channel) return;
        try {
          const m = JSON.parse(message) as { recipientId?: unknown; n?: PushedNotification };
          if (typeof m.recipientId === 'string' && m.n && typeof m.n.id === 'string') handler(m.recipientId, m.n);
        } catch {
          // Not ours: ignore.
        }
      });
      let stopped = false;
      sub.subscribe(channel).catch((err: Error) => {
        if (!stopped) onError(err);
      });
      return () => {
        stopped = true;
        sub.disconnect();
      };
    },
  };
}
export type NotificationChannel = ReturnType<typeof createNotificationChannel>;
