// Every SQL statement of accounts and sessions. Statements on sessions are scoped by user id or by the token
// hash (which only its holder can know).
import { auditEvents, emailVerificationTokens, refreshTokens, users } from '@heimdex/shared-schema';
import { and, eq, gt, isNull, sql, TransactionRollbackError } from 'drizzle-orm';
import type { Db } from '../db/types.ts';

export type UserRow = typeof users.$inferSelect;
export type RefreshRow = typeof refreshTokens.$inferSelect;
export type EmailTokenPurpose = (typeof emailVerificationTokens.$inferSelect)['purpose'];

export function makeAuthRepo(db: Db) {
  return {
    /** The new user, or null when the email is taken. */
    async createUser(email: string, passwordHash: string): Promise<UserRow | null> {
      const rows = await db.insert(users).values({ email, passwordHash }).onConflictDoNothing({ target: users.email }).returning();
      return rows[0] ?? null;
    },

    async userByEmail(email: string): Promise<UserRow | null> {
      const rows = await db.select().from(users).where(eq(users.email, email)).limit(1);
      return rows[0] ?? null;
    },

    async userById(userId: string): Promise<UserRow | null> {
      const rows = await db.select().from(users).where(eq(users.userId, userId)).limit(1);
      return rows[0] ?? null;
    },

    async userByExternalId(externalId: string): Promise<UserRow | null> {
      const rows = await db.select().from(users).where(eq(users.externalId, externalId)).limit(1);
      return rows[0] ?? null;
    },

    /** A passwordless account for a Supabase user; null when the email or the Supabase id is already taken. */
    async createExternalUser(externalId: string, email: string): Promise<UserRow | null> {
      const rows = await db.insert(users).values({ email, externalId, passwordHash: null }).onConflictDoNothing().returning();
      return rows[0] ?? null;
    },

    async setPassword(userId: string, passwordHash: string): Promise<void> {
      await db.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.userId, userId));
    },

    async markEmailVerified(userId: string): Promise<void> {
      await db
        .update(users)
        .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: sql`now()` })
        .where(eq(users.userId, userId));
    },

    /** Stores an emailed token (its hash only). */
    async insertEmailToken(row: { userId: string; purpose: EmailTokenPurpose; tokenHash: string; expiresAt: Date }): Promise<void> {
      await db.insert(emailVerificationTokens).values(row);
    },

    /** Whether a token could still be used (a cheap check before expensive work; `consumeEmailToken` decides). */
    async emailTokenUsable(tokenHash: string, purpose: EmailTokenPurpose): Promise<boolean> {
      const rows = await db
        .select({ tokenId: emailVerificationTokens.tokenId })
        .from(emailVerificationTokens)
        .where(and(eq(emailVerificationTokens.tokenHash, tokenHash), eq(emailVerificationTokens.purpose, purpose), isNull(emailVerificationTokens.usedAt), gt(emailVerificationTokens.expiresAt, sql`now()`)))
        .limit(1);
      return rows.length > 0;
    },

    /**
     * Uses a token up, in one statement that only succeeds for an unused, unexpired token of that purpose:
     * its user id, or null. Two concurrent uses cannot both win.
     */
    async consumeEmailToken(tokenHash: string, purpose: EmailTokenPurpose): Promise<string | null> {
      const rows = await db
        .update(emailVerificationTokens)
        .set({ usedAt: sql`now()` })
        .where(and(eq(emailVerificationTokens.tokenHash, tokenHash), eq(emailVerificationTokens.purpose, purpose), isNull(emailVerificationTokens.usedAt), gt(emailVerificationTokens.expiresAt, sql`now()`)))
        .returning({ userId: emailVerificationTokens.userId });
      return rows[0]?.userId ?? null;
    },

    /** Retires a user's unused tokens of one purpose (a newer email supersedes older ones). */
    async retireEmailTokens(userId: string, purpose: EmailTokenPurpose): Promise<void> {
      await db
        .update(emailVerificationTokens)
        .set({ usedAt: sql`now()` })
        .where(and(eq(emailVerificationTokens.userId, userId), eq(emailVerificationTokens.purpose, purpose), isNull(emailVerificationTokens.usedAt)));
    },

    /**
     * A password reset, all or nothing: uses the token up, sets the new password, confirms the email (the
     * link proved it), retires the user's other reset links and ends every session. The user id, or null
     * when the token is unknown, used or expired.
     */
    async resetPasswordWithToken(tokenHash: string, passwordHash: string): Promise<string | null> {
      return db.transaction(async (tx): Promise<string | null> => {
        const repo = makeAuthRepo(tx);
        const userId = await repo.consumeEmailToken(tokenHash, 'RESET_PASSWORD');
        if (!userId) return null;
        await repo.setPassword(userId, passwordHash);
        await repo.markEmailVerified(userId);
        await repo.retireEmailTokens(userId, 'RESET_PASSWORD');
        await repo.revokeAllSessions(userId);
        return userId;
      });
    },

    /** A password change: the new password, and every session ended (the caller opens a fresh one). */
    async replacePassword(userId: string, passwordHash: string): Promise<void> {
      await db.transaction(async (tx): Promise<void> => {
        const repo = makeAuthRepo(tx);
        await repo.setPassword(userId, passwordHash);
        await repo.revokeAllSessions(userId);
      });
    },

    async insertRefreshToken(row: { userId: string; tokenHash: string; familyId: string; expiresAt: Date }): Promise<RefreshRow> {
      const [inserted] = await db.insert(refreshTokens).values(row).returning();
      return inserted!;
    },

    async refreshTokenByHash(tokenHash: string): Promise<RefreshRow | null> {
      const rows = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
      return rows[0] ?? null;
    },

    /**
     * Marks `tokenId` used, replaced by a new token of the same family, in one statement that only succeeds
     * for a token not yet revoked: two concurrent refreshes with one token cannot both win.
     */
    async rotate(tokenId: string, next: { userId: string; tokenHash: string; familyId: string; expiresAt: Date }): Promise<RefreshRow | null> {
      return db.transaction(async (tx) => {
        const [inserted] = await tx.insert(refreshTokens).values(next).returning();
        const updated = await tx
          .update(refreshTokens)
          .set({ revokedAt: sql`now()`, replacedBy: inserted!.tokenId })
          .where(and(eq(refreshTokens.tokenId, tokenId), isNull(refreshTokens.revokedAt)))
          .returning({ tokenId: refreshTokens.tokenId });
        if (updated.length === 0) tx.rollback(); // already rotated: the new token must not exist either
        return inserted!;
      }).catch((error: unknown) => {
        if (error instanceof TransactionRollbackError) return null;
        throw error;
      });
    },

    async revokeFamily(userId: string, familyId: string): Promise<number> {
      const rows = await db
        .update(refreshTokens)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(refreshTokens.userId, userId), eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
        .returning({ tokenId: refreshTokens.tokenId });
      return rows.length;
    },

    /** Ends every session of a user (all refresh-token families): the number of tokens revoked. */
    async revokeAllSessions(userId: string): Promise<number> {
      const rows = await db
        .update(refreshTokens)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
        .returning({ tokenId: refreshTokens.tokenId });
      return rows.length;
    },

    async audit(event: { userId: string | null; action: string; ip: string | null; metadata?: Record<string, unknown> }): Promise<void> {
      await db.insert(auditEvents).values({ userId: event.userId, action: event.action, ip: event.ip, eventMetadata: event.metadata ?? {} });
    },

    async auditTrail(userId: string): Promise<{ action: string; metadata: Record<string, unknown> }[]> {
      const rows = await db
        .select({ action: auditEvents.action, metadata: auditEvents.eventMetadata })
        .from(auditEvents)
        .where(eq(auditEvents.userId, userId))
        .orderBy(auditEvents.createdAt);
      return rows;
    },
  };
}

export type AuthRepo = ReturnType<typeof makeAuthRepo>;
