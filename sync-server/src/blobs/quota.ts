// Where a storage quota plugs into uploads. The accounts side provides the real one (per tier, configurable);
// until it is given, every upload is allowed.

export interface BlobQuota {
  /**
   * Resolves when `userId` may store `adding` more bytes of blobs; throws an HTTPException (with a message that
   * says which limit and what is used) when not. Only called for bytes the user does not already have.
   */
  checkBlobBytes(userId: string, adding: number): Promise<void>;
}

export const UNLIMITED_BLOB_QUOTA: BlobQuota = { checkBlobBytes: async () => {} };
