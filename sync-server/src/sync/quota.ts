// The hook through which account limits reach a push: called inside the push's transaction with what the batch
// would add, before anything is written. It throws (an HTTPException with the answer to give) to refuse the batch.
import type { Db } from '../db/types.ts';

export interface PushUsage {
  /** Scenes the batch creates (new ids; updates and deletions of existing scenes are not counted). */
  addedScenes: number;
}

export type QuotaCheck = (tx: Db, userId: string, usage: PushUsage) => Promise<void>;
