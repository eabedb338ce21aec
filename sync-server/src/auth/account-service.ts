// Email verification, password reset and password change. Emailed tokens are single-use and expire; only
// their hashes are stored. Asking for a reset never tells whether an account has the email: the answer is
// the same, and the lookup and the email happen after it, so even its timing says nothing.
import type { ChangePasswordRequest, PasswordResetConfirm, PublicUser, SessionResponse } from '@heimdex/shared-schema/protocol';
import { HTTPException } from 'hono/http-exception';
import type { Mailer } from '../mail/mailer.ts';
import { passwordResetMail, verificationMail } from '../mail/messages.ts';
import { jsonError } from '../middleware/json-error.ts';
import { hashPassword, OWASP_SCRYPT, verifyPassword, type ScryptCost } from './passwords.ts';
import type { AuthRepo, EmailTokenPurpose, UserRow } from './repository.ts';
import { toPublicUser, type AuthService } from './service.ts';
import { hashToken, newOpaqueToken } from './tokens.ts';

export interface AccountSettings {
  mailer: Mailer;
  /** The base of the links in emails. */
  publicUrl: string;
  log: (line: string) => void;
  scrypt?: ScryptCost;
  /** How long a verification link works (default 24 h). */
  verifyTtlS?: number;
  /** How long a password reset link works (default 1 h). */
  resetTtlS?: number;
}

const LINK_SPENT = 'This link has expired or was already used. Ask for a new one.';
const SESSION_ENDED = 'This session has ended. Sign in again.';

export function makeAccountService(repo: AuthRepo, sessions: Pick<AuthService, 'startSession'>, settings: AccountSettings) {
  const verifyTtlS = settings.verifyTtlS ?? 24 * 3600;
  const resetTtlS = settings.resetTtlS ?? 3600;
  const cost = settings.scrypt ?? OWASP_SCRYPT;

  /** A fresh token for an emailed link; it supersedes the user's earlier links of the same purpose. */
  async function issueEmailToken(userId: string, purpose: EmailTokenPurpose, ttlS: number): Promise<string> {
    const token = newOpaqueToken();
    await repo.retireEmailTokens(userId, purpose);
    await repo.insertEmailToken({ userId, purpose, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + ttlS * 1000) });
    return token;
  }

  function inBackground(what: string, work: () => Promise<void>): void {
    void work().catch((error: unknown) => settings.log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  async function existingUser(userId: string): Promise<UserRow> {
    const user = await repo.userById(userId);
    if (!user) throw new HTTPException(401, { message: SESSION_ENDED });
    return user;
  }

  async function sendVerification(userId: string, ip: string | null): Promise<void> {
    const user = await existingUser(userId);
    if (user.emailVerifiedAt) throw new HTTPException(409, { message: 'Your email address is already confirmed.' });
    const token = await issueEmailToken(user.userId, 'VERIFY_EMAIL', verifyTtlS);
    await repo.audit({ userId: user.userId, action: 'email_verification_sent', ip });
    await settings.mailer.send(verificationMail(user.email, settings.publicUrl, token, Math.round(verifyTtlS / 3600)));
  }

  return {
    /** Emails a confirmation link to a signed-in user. */
    async requestVerification(userId: string, ip: string | null): Promise<void> {
      try {
        await sendVerification(userId, ip);
      } catch (error) {
        if (error instanceof HTTPException) throw error;
        settings.log(`Sending a confirmation email failed: ${error instanceof Error ? error.message : String(error)}`);
        throw new HTTPException(503, { message: 'The confirmation email could not be sent. Try again in a few minutes.' });
      }
    },

    /** After registering: the confirmation email goes out without holding up the answer. */
    verifyAfterRegister(userId: string, ip: string | null): void {
      inBackground('Sending a confirmation email', () => sendVerification(userId, ip));
    },

    async verifyEmail(token: string, ip: string | null): Promise<PublicUser> {
      const userId = await repo.consumeEmailToken(hashToken(token), 'VERIFY_EMAIL');
      if (!userId) throw new HTTPException(400, { message: LINK_SPENT });
      await repo.markEmailVerified(userId);
      await repo.audit({ userId, action: 'email_verified', ip });
      return toPublicUser(await existingUser(userId));
    },

    /** Returns at once; an account with this email (if any) gets a reset link. */
    requestPasswordReset(email: string, ip: string | null): void {
      inBackground('A password reset request', async () => {
        const user = await repo.userByEmail(email);
        if (!user) return;
        const token = await issueEmailToken(user.userId, 'RESET_PASSWORD', resetTtlS);
        await repo.audit({ userId: user.userId, action: 'password_reset_requested', ip });
        await settings.mailer.send(passwordResetMail(user.email, settings.publicUrl, token, Math.round(resetTtlS / 60)));
      });
    },

    /** Sets a new password from a reset link, ends every session, and opens a new one here. */
    async resetPassword({ token, newPassword }: PasswordResetConfirm, ip: string | null): Promise<SessionResponse> {
      const tokenHash = hashToken(token);
      // A cheap look first, so that a guessed token costs no password hashing.
      if (!(await repo.emailTokenUsable(tokenHash, 'RESET_PASSWORD'))) throw new HTTPException(400, { message: LINK_SPENT });
      const userId = await repo.resetPasswordWithToken(tokenHash, await hashPassword(newPassword, cost));
      if (!userId) throw new HTTPException(400, { message: LINK_SPENT });
      await repo.audit({ userId, action: 'password_reset', ip });
      return sessions.startSession(await existingUser(userId));
    },

    /** Changes the password of a signed-in user who knows the current one; every other session ends. */
    async changePassword(userId: string, { currentPassword, newPassword }: ChangePasswordRequest, ip: string | null): Promise<SessionResponse> {
      const user = await existingUser(userId);
      if (!user.passwordHash)
        throw new HTTPException(409, { message: 'This account signs in through Supabase and has no password here. Use “Forgot password” to set one.' });
      if (!(await verifyPassword(currentPassword, user.passwordHash))) {
        await repo.audit({ userId, action: 'password_change_failed', ip });
        throw jsonError(403, { error: 'The current password is wrong.', field: 'currentPassword' });
      }
      await repo.replacePassword(userId, await hashPassword(newPassword, cost));
      await repo.audit({ userId, action: 'password_changed', ip });
      return sessions.startSession(user);
    },
  };
}

export type AccountService = ReturnType<typeof makeAccountService>;
