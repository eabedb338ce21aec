// Plan quotas the server enforces: scenes per user and blob bytes (thumbnails, face crops) per user. Callers
// ask before they store: `checkScenes(userId, adding)` throws a 413 whose body says which limit, what the plan
// holds, what is used and what the change adds. Pass the transaction that will write the rows as `db`, so
// the check and the writes are one unit (the user's row stays locked until it ends).
import type { QuotaExceededResponse, QuotaLimit } from '@heimdex/shared-schema/protocol';
import { HTTPException } from 'hono/http-exception';
import type { Db } from '../db/types.ts';
import { jsonError } from '../middleware/json-error.ts';
import { DEFAULT_TIER_QUOTAS, type TierQuotas } from './limits.ts';
import { lockTier, scenesUsed, type BlobBytesCounter } from './usage.ts';

export interface QuotaDeps {
  db: Db;
  /** How many blob bytes a user stores; the blob store plugs in its own count. */
  blobBytesUsed: BlobBytesCounter;
  quotas?: TierQuotas;
}

const integer = new Intl.NumberFormat('en-US');
const threeDigits = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** Bytes in words people read: 1.5 KB, 999 KB, 4.99 GB (decimal units, like disks and phones). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${threeDigits.format(value)} ${units[unit]}`;
}

const scenesWord = (n: number) => `${integer.format(n)} ${n === 1 ? 'scene' : 'scenes'}`;

function exceededMessage(q: QuotaExceededResponse['quota']): string {
  if (q.limit === 'scenes') {
    const used = q.used === 1 ? '1 is used' : `${integer.format(q.used)} are used`;
    return `Your ${q.tier} plan holds ${scenesWord(q.allowed)}; ${used} and this change adds ${integer.format(q.adding)}.`;
  }
  return `Your ${q.tier} plan holds ${formatBytes(q.allowed)} of thumbnails and face crops; ${formatBytes(q.used)} are used and this change adds ${formatBytes(q.adding)}.`;
}

export function makeQuotaService({ db: defaultDb, blobBytesUsed, quotas = DEFAULT_TIER_QUOTAS }: QuotaDeps) {
  async function check(limit: QuotaLimit, userId: string, adding: number, db: Db, used: (db: Db, userId: string) => Promise<number>): Promise<void> {
    if (adding <= 0) return; // a change that adds nothing always fits, even over quota (after a downgrade)
    const tier = await lockTier(db, userId);
    if (!tier) throw new HTTPException(401, { message: 'This session has ended. Sign in again.' });
    const allowed = quotas[tier][limit];
    const current = await used(db, userId);
    if (current + adding <= allowed) return;
    const quota = { limit, tier, allowed, used: current, adding };
    throw jsonError(413, { error: exceededMessage(quota), quota } satisfies QuotaExceededResponse);
  }
  return {
    /** Throws 413 when `adding` more scenes would take the user over their plan. */
    checkScenes: (userId: string, adding: number, db: Db = defaultDb) => check('scenes', userId, adding, db, scenesUsed),
    /** Throws 413 when `adding` more blob bytes would take the user over their plan. */
    checkBlobBytes: (userId: string, adding: number, db: Db = defaultDb) => check('blobBytes', userId, adding, db, blobBytesUsed),
  };
}

export type QuotaService = ReturnType<typeof makeQuotaService>;
