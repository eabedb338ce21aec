// Opening the library's database: an existing one as it is; on a fresh profile, the prebuilt empty
// library image (db/image.ts), which skips initdb; and when the image cannot be had or loaded, initdb
// after all — a missing or broken image must never keep the app from starting. The storage specifics
// (OPFS in the DB worker, a folder in the tests) are injected.
import type { PGlite } from '@electric-sql/pglite';

export type OpenedFrom = 'existing' | 'image' | 'initdb';

export interface DatabaseStorage {
  /** True when no database was ever created here (a fresh browser profile). */
  isFresh(): Promise<boolean>;
  /** The prebuilt image; null (or a throw) when it cannot be had, e.g. offline or not built. */
  loadImage(): Promise<Blob | null>;
  /** Opens the database, filling it from `image` when given (PGlite refuses that over an existing one). */
  create(image?: Blob): Promise<PGlite>;
  /** Removes what a failed load from the image left behind, so initdb starts clean. */
  discard(): Promise<void>;
}

export async function openDatabase(
  storage: DatabaseStorage,
  onImageFailed: (error: unknown) => void = () => {},
): Promise<{ pg: PGlite; from: OpenedFrom }> {
  if (!(await storage.isFresh())) return { pg: await storage.create(), from: 'existing' };
  const image = await storage.loadImage().catch((error: unknown) => {
    onImageFailed(error);
    return null;
  });
  if (image) {
    try {
      return { pg: await storage.create(image), from: 'image' };
    } catch (error) {
      onImageFailed(error);
      await storage.discard();
    }
  }
  return { pg: await storage.create(), from: 'initdb' };
}
