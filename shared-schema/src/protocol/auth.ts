// The account endpoints' requests and answers, validated with zod on the server and typed for the client.
import { z } from 'zod';

export const emailSchema = z.string().trim().toLowerCase().email('must be an email address').max(254);
/** NIST 800-63B: at least 8 characters, long passphrases allowed; no composition rules. */
export const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');

export const registerRequest = z.object({ email: emailSchema, password: passwordSchema });
export const loginRequest = z.object({ email: emailSchema, password: z.string().min(1, 'is required').max(256) });
export const refreshRequest = z.object({ refreshToken: z.string().min(20, 'is not a refresh token').max(200) });
export const logoutRequest = refreshRequest;

/** A token from an emailed link (email verification, password reset). */
const emailedToken = z.string().min(20, 'is not a valid link').max(200, 'is not a valid link');
export const verifyEmailRequest = z.object({ token: emailedToken });
/** Always answered 202, whether or not an account has this email. */
export const passwordResetRequest = z.object({ email: emailSchema });
export const passwordResetConfirm = z.object({ token: emailedToken, newPassword: passwordSchema });
export const changePasswordRequest = z.object({ currentPassword: z.string().min(1, 'is required').max(256), newPassword: passwordSchema });

export type RegisterRequest = z.infer<typeof registerRequest>;
export type LoginRequest = z.infer<typeof loginRequest>;
export type RefreshRequest = z.infer<typeof refreshRequest>;
export type VerifyEmailRequest = z.infer<typeof verifyEmailRequest>;
export type PasswordResetRequest = z.infer<typeof passwordResetRequest>;
export type PasswordResetConfirm = z.infer<typeof passwordResetConfirm>;
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

export const userTierSchema = z.enum(['FREE', 'PRO', 'ENTERPRISE']);

export const publicUser = z.object({
  userId: z.string().uuid(),
  email: z.string(),
  tier: userTierSchema,
  emailVerified: z.boolean(),
  createdAt: z.string(),
});
export type PublicUser = z.infer<typeof publicUser>;
/** The answer of /auth/me and /auth/verify-email. */
export const userResponse = z.object({ user: publicUser });

export const sessionResponse = z.object({
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
  refreshToken: z.string(),
  user: publicUser,
});
export type SessionResponse = z.infer<typeof sessionResponse>;

/** The answer to a request whose work goes on after it (an email on its way). */
export const acceptedResponse = z.object({ message: z.string() });
export type AcceptedResponse = z.infer<typeof acceptedResponse>;

/** Every error answer: one human sentence; `field` names the request field at fault where there is one. */
export const errorResponse = z.object({ error: z.string(), field: z.string().optional() });
export type ErrorResponse = z.infer<typeof errorResponse>;
