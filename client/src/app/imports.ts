// Importing files in this tab: each import shows as a card from the first moment, is hashed (a file already in
// the library is reported, not added twice), copied into the browser's storage and queued for the pipeline.
// Bad files are not refused here: they fail at validation, visibly; a file with no room in the browser's storage
// is (storage.ts says how much it needs). The File exists only in this tab, so an import that fails keeps it
// here, for Retry.
import type { JobStage } from '@heimdex/shared-schema';
import type { DbApi } from '../db/api.ts';
import type { hashFile, saveVideoFile } from '../files/store.ts';
import { messageOf } from '../errors.ts';
import { bytesNeededFor, noRoomMessage } from './storage.ts';

export interface ImportOutcome {
  fileName: string;
  status: 'added' | 'duplicate' | 'failed';
  videoId?: string;
  message: string;
}

/** An import in this tab: shown as a card from the first moment, before the database has a row. */
export interface PendingImport {
  /** The card's id; becomes the video id unless the content revives an earlier video. */
  cardId: string;
  file: File;
  createdAt: string;
  /** Set once the database holds the video (state UPLOADING). */
  videoId: string | null;
  progress: number;
  /** Set when the import failed before the database had a row: the card stays, FAILED. */
  error: string | null;
  errorDetails: string | null;
  controller: AbortController;
  removed: boolean;
  /** Settles when the import has finished, one way or the other. */
  done: Promise<ImportOutcome>;
}

export interface ImportsDeps {
  db: Pick<DbApi, 'createVideo' | 'queueVideo' | 'failImport'>;
  /** Resolves once the database is open: imports wait for it. */
  whenOpen: () => Promise<void>;
  /** The stages a video is queued for once its file is saved. */
  stages: readonly JobStage[];
  /** The file store (files/store.ts), passed in: Node tests have no origin private file system. */
  files: { hashFile: typeof hashFile; saveVideoFile: typeof saveVideoFile };
  /** Settles once the files of a deleted video are removed: a re-import of it writes under the same names (file-removals.ts). */
  filesRemoved: (videoId: string) => Promise<void>;
  /** Asks the browser whether it would take more bytes, before each copy (app/storage-usage.ts). */
  room: { canHold(bytes: number): Promise<boolean>; freeUpTo(limit: number): Promise<number | null> };
  /** An import changed: rebuild the cards, reading the database again when `fromDb`. */
  onChange: (fromDb: boolean) => void;
  /** A video was queued: the pipeline should look for work. */
  onQueued: () => void;
}

/** Share of the import bar spent hashing (the rest is the copy into the browser's storage). */
const HASH_SHARE = 0.5;
const CANCELLED = 'Cancelled';

export function titleOf(fileName: string): string {
  return fileName.replace(/\.[^.]+$/, '').trim() || fileName;
}

/** An import's or an action's error in words: a cancel says "Cancelled". */
export function outcomeMessage(error: unknown): string {
  return error instanceof DOMException && error.name === 'AbortError' ? CANCELLED : messageOf(error);
}

/** An error of reading the picked file: a sentence for people, the browser's words as details. */
class UnreadableFile extends Error {
  constructor(readonly details: string) {
    super('The file could not be read — was it moved or deleted?');
  }
}

export function makeImports(deps: ImportsDeps) {
  const { db, files } = deps;
  const imports = new Map<string, PendingImport>();
  /**
   * Room promised to imports of this tab that are not copied yet: the browser's estimate does not count them,
   * so two imports at once cannot both take the same free space.
   */
  let reservedBytes = 0;
  /** Files of imports that failed in this tab, so that retry can import them again. */
  const failedImportFiles = new Map<string, File>();

  function importOne(file: File): Promise<ImportOutcome> {
    const pending: PendingImport = {
      cardId: crypto.randomUUID(),
      file,
      createdAt: new Date().toISOString(),
      videoId: null,
      progress: 0,
      error: null,
      errorDetails: null,
      controller: new AbortController(),
      removed: false,
      done: Promise.resolve({ fileName: file.name, status: 'failed', message: '' }),
    };
    imports.set(pending.cardId, pending);
    deps.onChange(false);
    pending.done = runImport(pending);
    return pending.done;
  }

  async function runImport(pending: PendingImport): Promise<ImportOutcome> {
    const { file } = pending;
    const { signal } = pending.controller;
    const title = titleOf(file.name);
    let reserved = 0;
    try {
      await deps.whenOpen();
      // Refused before anything is read or stored, so a file that cannot fit costs no time and leaves nothing.
      const needed = bytesNeededFor(file.size);
      if (!(await deps.room.canHold(needed + reservedBytes))) {
        const free = (await deps.room.freeUpTo(needed + reservedBytes)) ?? 0;
        throw new Error(noRoomMessage(needed, free - reservedBytes));
      }
      reserved = needed;
      reservedBytes += reserved;
      const sha256 = await files
        .hashFile(
          file,
          (f) => {
            pending.progress = f * HASH_SHARE;
            deps.onChange(false);
          },
          signal,
        )
        .catch((err: unknown) => {
          if (signal.aborted) throw err;
          throw new UnreadableFile(outcomeMessage(err));
        });
      signal.throwIfAborted();
      const entry = { videoId: pending.cardId, title, fileName: file.name, sizeBytes: file.size, mime: file.type || null, contentSha256: sha256 };
      let created = await db.createVideo(entry);
      if (created.status === 'duplicate') {
        // The same file deleted a moment ago may still be on its way out (its row not yet gone): once its removal is
        // over, it comes back under its id. A real duplicate has nothing under way and stays a duplicate.
        await deps.filesRemoved(created.videoId);
        created = await db.createVideo(entry);
      }
      if (created.status === 'duplicate') {
        imports.delete(pending.cardId);
        deps.onChange(false);
        return { fileName: file.name, status: 'duplicate', videoId: created.videoId, message: `Already in your library as “${created.title}”.` };
      }
      pending.videoId = created.videoId;
      deps.onChange(true);
      await deps.filesRemoved(created.videoId);
      signal.throwIfAborted();
      await files.saveVideoFile(
        created.videoId,
        file,
        (f) => {
          pending.progress = HASH_SHARE + f * (1 - HASH_SHARE);
          deps.onChange(false);
        },
        signal,
      );
      reservedBytes -= reserved;
      reserved = 0;
      signal.throwIfAborted();
      if (!(await db.queueVideo(created.videoId, [...deps.stages]))) throw new DOMException(CANCELLED, 'AbortError');
      imports.delete(pending.cardId);
      failedImportFiles.delete(created.videoId);
      deps.onQueued();
      deps.onChange(true);
      return { fileName: file.name, status: 'added', videoId: created.videoId, message: 'Copied into your library; it is being checked and indexed.' };
    } catch (err) {
      const message = outcomeMessage(err);
      const videoId = pending.videoId;
      if (pending.removed) {
        imports.delete(pending.cardId); // remove() deletes what was stored
      } else if (videoId) {
        // The video is in the library: it stays there, FAILED with the reason.
        await db.failImport(videoId, message).catch(() => undefined);
        imports.delete(pending.cardId);
        failedImportFiles.set(videoId, file);
      } else {
        // Nothing was stored (no database, unreadable file, no room): the card stays in this tab, FAILED.
        pending.error = message;
        pending.errorDetails = err instanceof UnreadableFile ? err.details : null;
        pending.progress = 0;
      }
      deps.onChange(true);
      return { fileName: file.name, status: 'failed', ...(videoId ? { videoId } : {}), message };
    } finally {
      reservedBytes -= reserved;
    }
  }

  const importFor = (videoId: string) =>
    [...imports.values()].find((p) => p.cardId === videoId || p.videoId === videoId);

  return {
    /** Imports all at once, each as described in the header. */
    importFiles: (list: File[]): Promise<ImportOutcome[]> => Promise.all(list.map(importOne)),

    /** The imports of this tab not finished (or failed before the database had a row), for the cards. */
    pending: (): PendingImport[] => [...imports.values()],

    /** This tab still holds the file of the failed import of `videoId`: Retry can import it again. */
    holdsFailedFile: (videoId: string): boolean => failedImportFiles.has(videoId),

    /** Stops the import shown as `videoId`; false when there is none. */
    cancel(videoId: string): boolean {
      const pending = importFor(videoId);
      pending?.controller.abort();
      return pending !== undefined;
    },

    /** Imports again the file of an import that failed before the database had a row; false when `videoId` is no such import. */
    retryUnsaved(videoId: string): boolean {
      const pending = importFor(videoId);
      if (!pending?.error) return false;
      imports.delete(pending.cardId);
      deps.onChange(false);
      void importOne(pending.file);
      return true;
    },

    /** Imports again the file of a video whose import failed in this tab; false when this tab has no such file. */
    retryFailed(videoId: string): boolean {
      const file = failedImportFiles.get(videoId);
      if (!file) return false;
      failedImportFiles.delete(videoId);
      void importOne(file);
      return true;
    },

    /**
     * Stops and drops the import shown as `videoId`, if any, and waits for it to settle (so that nothing is written
     * for it after this). Resolves to the video to delete from the library: `videoId` itself when it was no import,
     * null when the import had stored nothing.
     */
    async remove(videoId: string): Promise<string | null> {
      const pending = importFor(videoId);
      if (!pending) return videoId;
      pending.removed = true;
      pending.controller.abort();
      imports.delete(pending.cardId);
      deps.onChange(false);
      await pending.done;
      return pending.videoId;
    },

    /** The video is deleted: its failed import's file is not needed any more. */
    forget(videoId: string): void {
      failedImportFiles.delete(videoId);
    },

    /** Settles when every import under way has finished (their files exist only in this tab). */
    async settled(): Promise<void> {
      await Promise.allSettled([...imports.values()].map((pending) => pending.done));
    },
  };
}

export type Imports = ReturnType<typeof makeImports>;
