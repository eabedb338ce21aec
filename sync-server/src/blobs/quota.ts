// What uploads ask of the plan's storage quota (quota/service.ts provides it, per tier, configurable).

export interface BlobQuota {
  /**
   * Resolves when `userId` may store `adding` more bytes of blobs; throws an HTTPException (with a message that
   * says which limit and what is used) when not. Only called for bytes the user does not already have.
   */
  checkBlobBytes(userId: string, adding: number): Promise<void>;
}
