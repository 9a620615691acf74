/** User administration (technical administrator, `users:manage`). */
import { z } from 'zod';
import { ROLES } from '../domain/access';
import type { Route } from './api';
import { scopeSchema, userSchema } from './auth';

export const userViewSchema = userSchema.extend({
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
  /** The password was set by an administrator and its owner has not replaced it yet. */
  passwordChangeRequired: z.boolean(),
  /** Address for e-mailed alerts and reports (when SMTP is configured). */
  email: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const userIdParams = z.object({ id: z.string().min(1).max(64) });
export const userPassword = z.string().min(10, 'at least 10 characters').max(256);
/** An e-mail address; the empty string in an update removes it. */
export const userEmail = z.string().trim().toLowerCase().max(254).email('an e-mail address');
export const userCreateRequest = z.object({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/i, '3–64 latin letters, digits, . _ -'),
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  scope: scopeSchema,
  password: userPassword,
  organisationId: z.string().trim().toLowerCase().min(2).max(64).optional(),
  email: userEmail.optional(),
});
export const userUpdateRequest = z
  .object({ displayName: z.string().trim().min(1).max(200).optional(), role: z.enum(ROLES).optional(), scope: scopeSchema.optional(), organisationId: z.string().trim().toLowerCase().min(2).max(64).optional(), email: z.union([userEmail, z.literal('')]).optional() })
  .refine((b) => b.displayName !== undefined || b.role !== undefined || b.scope !== undefined || b.organisationId !== undefined || b.email !== undefined, { message: 'name at least one of displayName, role, scope, organisationId, email' });
export const userPasswordRequest = z.object({ password: userPassword });
export const userListAnswer = z.object({ items: z.array(userViewSchema) });

export type UserView = z.infer<typeof userViewSchema>;

declare module './api' {
  interface ApiRoutes {
    'GET /api/users': Route<{ response: typeof userListAnswer }>;
    'POST /api/users': Route<{ body: typeof userCreateRequest; response: typeof userViewSchema }>;
    'GET /api/users/:id': Route<{ params: typeof userIdParams; response: typeof userViewSchema }>;
    'PATCH /api/users/:id': Route<{ params: typeof userIdParams; body: typeof userUpdateRequest; response: typeof userViewSchema }>;
    'POST /api/users/:id/disable': Route<{ params: typeof userIdParams; response: typeof userViewSchema }>;
    'POST /api/users/:id/enable': Route<{ params: typeof userIdParams; response: typeof userViewSchema }>;
    'POST /api/users/:id/password': Route<{ params: typeof userIdParams; body: typeof userPasswordRequest; response: typeof userViewSchema }>;
    'POST /api/users/:id/totp/reset': Route<{ params: typeof userIdParams; response: typeof userViewSchema }>;
  }
}
