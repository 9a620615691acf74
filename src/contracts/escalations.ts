/**
 * REST and socket contract of escalation notifications (issue 11 point 4): the in-app list with
 * the unread count (`GET /api/escalations`), marking one read, and the `notification:new` push.
 */
import { z } from 'zod';
import type { Route } from './api';

export const escalationNotificationSchema = z.object({ id: z.string(), incidentId: z.string(), stage: z.enum(['interim', 'final']), level: z.string(), title: z.string(), body: z.string(), at: z.string(), readAt: z.string().optional() });
export const escalationListAnswer = z.object({ items: z.array(escalationNotificationSchema), unread: z.number() });
export const escalationIdParams = z.object({ id: z.string().min(1).max(800) });
export type EscalationNotificationDto = z.infer<typeof escalationNotificationSchema>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/escalations': Route<{ response: typeof escalationListAnswer }>;
    'POST /api/escalations/:id/read': Route<{ params: typeof escalationIdParams; response: z.ZodNull }>;
  }
}
