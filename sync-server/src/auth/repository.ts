// Every SQL statement of accounts and sessions. Statements on sessions are scoped by user id or by the token
// hash (which only its holder can know).
import { auditEvents, refreshTokens, users } from '@heimdex/shared-schema';
import { and, eq, isNull, sql, TransactionRollbackError } from 'drizzle-orm';
import type { Db } from '../db/types.ts';

export type UserRow = typeof users.$inferSelect;
export type RefreshRow = typeof refreshTokens.$inferSelect;

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
