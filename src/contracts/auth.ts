/** Sessions, login with TOTP, and the user a session belongs to. */
import { z } from 'zod';
import { ROLES } from '../domain/access';
import { SECTORS } from '../domain/sector';
import type { Route } from './api';

export const scopeSchema = z.object({
  sectors: z.union([z.literal('all'), z.array(z.enum(SECTORS))]),
  municipalities: z.union([z.literal('all'), z.array(z.string())]),
});

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  scope: scopeSchema,
  organisationId: z.string().optional(),
});

/**
 * `mode: "cookie"` (the default, for the dashboards): the session goes into an HttpOnly cookie
 * and never reaches page scripts; the body carries the anti-CSRF token. `mode: "bearer"` (API
 * clients, scripts): the body carries the token, no cookie is set.
 */
export const loginMode = z.enum(['cookie', 'bearer']).default('cookie');

export const sessionBody = z.object({
  user: userSchema,
  csrfToken: z.string(),
  /** True while the role requires TOTP and the user has not enrolled: only enrolment is allowed. */
  totpEnrolmentRequired: z.boolean(),
  /** True while the password is one an administrator set: only changing it is allowed. */
  passwordChangeRequired: z.boolean(),
  token: z.string().optional(),
});
export const loginAnswer = z.union([sessionBody, z.object({ totpRequired: z.literal(true), challenge: z.string() })]);
export const loginRequest = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256), mode: loginMode });
export const totpLoginRequest = z.object({ challenge: z.string().min(1).max(100), code: z.string().regex(/^\d{6}$/, 'six digits'), mode: loginMode });
/** Enrolment needs the current password: a session alone cannot enrol a factor the owner does not hold. */
export const totpSetupRequest = z.object({ password: z.string().min(1).max(256) });
export const totpSetupAnswer = z.object({ secret: z.string(), otpauthUri: z.string() });
/** The owner's own password change (required after an administrator set it). */
export const passwordChangeRequest = z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) });
export const passwordChangeAnswer = sessionBody.omit({ token: true });
export const totpConfirmRequest = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') });
export const totpConfirmAnswer = sessionBody.omit({ token: true });

export type SessionUser = z.infer<typeof userSchema>;
export type SessionInfo = z.infer<typeof sessionBody>;
export type LoginAnswer = z.infer<typeof loginAnswer>;

declare module './api' {
  interface ApiRoutes {
    'POST /api/auth/login': Route<{ body: typeof loginRequest; response: typeof loginAnswer }>;
    'POST /api/auth/login/totp': Route<{ body: typeof totpLoginRequest; response: typeof sessionBody }>;
    'POST /api/auth/logout': Route<{ response: z.ZodNull }>;
    'GET /api/auth/me': Route<{ response: typeof sessionBody }>;
    'POST /api/auth/totp/setup': Route<{ body: typeof totpSetupRequest; response: typeof totpSetupAnswer }>;
    'POST /api/auth/password': Route<{ body: typeof passwordChangeRequest; response: typeof passwordChangeAnswer }>;
    'POST /api/auth/totp/confirm': Route<{ body: typeof totpConfirmRequest; response: typeof totpConfirmAnswer }>;
  }
}
