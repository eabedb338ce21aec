// Accounts and sessions: register, sign in, refresh (rotated on every use; a second use of a rotated token
// ends the whole session family, RFC 9700 §4.14.2), sign out. Expected refusals are HTTPExceptions with a
// sentence a person can read; nothing here logs a password or a token.
import type { PublicUser, SessionResponse } from '@heimdex/shared-schema/protocol';
import { HTTPException } from 'hono/http-exception';
import { hashPassword, OWASP_SCRYPT, verifyAgainstNothing, verifyPassword, type ScryptCost } from './passwords.ts';
import type { AuthRepo, UserRow } from './repository.ts';
import { hashToken, newOpaqueToken, signAccessToken } from './tokens.ts';

export interface AuthSettings {
  jwtSecret: string;
  /** Access token lifetime (default 15 min). */
  accessTtlS?: number;
  /** Refresh token lifetime (default 30 days). */
  refreshTtlS?: number;
  scrypt?: ScryptCost;
}

const WRONG_LOGIN = 'The email or the password is wrong.';
const SESSION_ENDED = 'This session has ended. Sign in again.';

export function toPublicUser(user: UserRow): PublicUser {
  return {
    userId: user.userId,
    email: user.email,
    tier: user.tier,
    emailVerified: user.emailVerifiedAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

export function makeAuthService(repo: AuthRepo, settings: AuthSettings) {
  const accessTtlS = settings.accessTtlS ?? 15 * 60;
  const refreshTtlS = settings.refreshTtlS ?? 30 * 24 * 3600;
  const cost = settings.scrypt ?? OWASP_SCRYPT;

  const expiry = () => new Date(Date.now() + refreshTtlS * 1000);

  async function issue(user: UserRow, refreshToken: string): Promise<SessionResponse> {
    return {
      accessToken: await signAccessToken(user.userId, settings.jwtSecret, accessTtlS),
      expiresIn: accessTtlS,
      refreshToken,
      user: toPublicUser(user),
    };
  }

  async function startSession(user: UserRow): Promise<SessionResponse> {
    const token = newOpaqueToken();
    await repo.insertRefreshToken({ userId: user.userId, tokenHash: hashToken(token), familyId: crypto.randomUUID(), expiresAt: expiry() });
    return issue(user, token);
  }

  return {
    /** A new session family for a user (after registering, signing in, or changing the password). */
    startSession,

    async register(input: { email: string; password: string }, ip: string | null): Promise<SessionResponse> {
      const user = await repo.createUser(input.email, await hashPassword(input.password, cost));
      if (!user) throw new HTTPException(409, { message: 'An account with this email already exists. Sign in instead.' });
      await repo.audit({ userId: user.userId, action: 'register', ip });
      return startSession(user);
    },

    async login(input: { email: string; password: string }, ip: string | null): Promise<SessionResponse> {
      const user = await repo.userByEmail(input.email);
      // An account made from a Supabase sign-in has no password here: it fails like an unknown email.
      const ok = user?.passwordHash ? await verifyPassword(input.password, user.passwordHash) : await verifyAgainstNothing(input.password, cost);
      if (!user || !ok) {
        await repo.audit({ userId: user?.userId ?? null, action: 'login_failed', ip });
        throw new HTTPException(401, { message: WRONG_LOGIN });
      }
      await repo.audit({ userId: user.userId, action: 'login', ip });
      return startSession(user);
    },

    async refresh(refreshToken: string, ip: string | null): Promise<SessionResponse> {
      const row = await repo.refreshTokenByHash(hashToken(refreshToken));
      if (!row) throw new HTTPException(401, { message: SESSION_ENDED });
      const reuse = async () => {
        // A rotated token used again: someone else may hold a copy. End every session of the family.
        await repo.revokeFamily(row.userId, row.familyId);
        await repo.audit({ userId: row.userId, action: 'refresh_token_reuse', ip, metadata: { familyId: row.familyId } });
        throw new HTTPException(401, { message: 'This session was ended because its sign-in was used twice. Sign in again.' });
      };
      if (row.revokedAt) return row.replacedBy ? reuse() : Promise.reject(new HTTPException(401, { message: SESSION_ENDED }));
      if (row.expiresAt.getTime() <= Date.now()) throw new HTTPException(401, { message: SESSION_ENDED });
      const user = await repo.userById(row.userId);
      if (!user) throw new HTTPException(401, { message: SESSION_ENDED });
      const next = newOpaqueToken();
      const rotated = await repo.rotate(row.tokenId, { userId: row.userId, tokenHash: hashToken(next), familyId: row.familyId, expiresAt: expiry() });
      if (!rotated) return reuse(); // lost a race with another use of the same token
      return issue(user, next);
    },

    /** Ends the session family of a refresh token; unknown tokens are ignored (signing out twice is fine). */
    async logout(refreshToken: string, ip: string | null): Promise<void> {
      const row = await repo.refreshTokenByHash(hashToken(refreshToken));
      if (!row) return;
      await repo.revokeFamily(row.userId, row.familyId);
      await repo.audit({ userId: row.userId, action: 'logout', ip });
    },

    async me(userId: string): Promise<PublicUser> {
      const user = await repo.userById(userId);
      if (!user) throw new HTTPException(401, { message: SESSION_ENDED });
      return toPublicUser(user);
    },
  };
}

export type AuthService = ReturnType<typeof makeAuthService>;
