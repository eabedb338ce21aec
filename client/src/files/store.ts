// The bytes of imported videos and their extracted audio, in the current library's folder in the origin private
// file system (OPFS; see db/location.ts):
//   videos/<videoId>        the imported file, copied once so it survives reloads
//   audio/<videoId>.f32     16 kHz mono PCM (little-endian float32) for the speech stage
//   examples/<sha256>       pictures searched by, so that a search by example survives a reload (the newest few)
// Everything streams: a file is never held whole in memory.
import { createSHA256 } from 'hash-wasm';
import { currentLibrary, folderAt, mediaFolderOf, type MediaFolder } from '../db/location.ts';
import { messageOf } from '../errors.ts';
import { isStorageFull, storageFull } from '../storage-full.ts';

export const VIDEOS_DIR: MediaFolder = 'videos';
export const AUDIO_DIR: MediaFolder = 'audio';
export const FRAMES_DIR: MediaFolder = 'keyframes';
export const EXAMPLES_DIR: MediaFolder = 'examples';
/** How many pictures searched by are kept (older ones are removed: their searches ask for the picture again). */
const EXAMPLES_KEPT = 20;

export type ProgressFn = (fraction: number) => void;

/** sha256 (hex) of a file, read chunk by chunk. `signal` (an extension of the contract) stops it. */
export async function hashFile(file: Blob, onProgress?: ProgressFn, signal?: AbortSignal): Promise<string> {
  const sha = await createSHA256();
  sha.init();
  let read = 0;
  const reader = file.stream().getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      sha.update(value);
      read += value.byteLength;
      onProgress?.(file.size > 0 ? read / file.size : 1);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  onProgress?.(1);
  return sha.digest('hex');
}

/** `name`: a media folder, optionally with a subfolder (`keyframes/<videoId>`); made when absent. */
async function directory(name: string): Promise<FileSystemDirectoryHandle> {
  const [folder, ...rest] = name.split('/');
  return (await folderAt([mediaFolderOf(await currentLibrary(), folder as MediaFolder), ...rest].join('/'), true))!;
}

function isNotFound(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError');
}

async function fileIn(dir: string, name: string): Promise<File | null> {
  try {
    return await (await (await directory(dir)).getFileHandle(name)).getFile();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function removeFrom(dir: string, name: string): Promise<void> {
  try {
    await (await directory(dir)).removeEntry(name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function describeWriteError(error: unknown): Error {
  if (isStorageFull(error)) return storageFull();
  if (error instanceof DOMException && error.name === 'AbortError') return error;
  const message = messageOf(error);
  return new Error(`The file could not be saved: ${message}`);
}

/**
 * Copies `file` into OPFS as videos/<videoId>, streaming, with progress. An aborted or failed copy
 * leaves no partial file behind. `signal` (an extension of the contract) stops the copy.
 */
export async function saveVideoFile(
  videoId: string,
  file: File,
  onProgress?: ProgressFn,
  signal?: AbortSignal,
): Promise<void> {
  try {
    const handle = await (await directory(VIDEOS_DIR)).getFileHandle(videoId, { create: true });
    await writeStreaming(handle, file, { onBytes: (written) => onProgress?.(file.size > 0 ? written / file.size : 1), signal });
    onProgress?.(1);
  } catch (error) {
    await removeFrom(VIDEOS_DIR, videoId).catch(() => undefined);
    throw describeWriteError(error);
  }
}

/**
 * Writes `blob` into the file of `handle` chunk by chunk (never whole in memory), telling `onBytes` the bytes
 * written so far and `onChunk` each chunk (e.g. to hash it). The file's contents change only when all is written.
 */
export async function writeStreaming(
  handle: FileSystemFileHandle,
  blob: Blob,
  options: { onBytes?: (written: number) => void; onChunk?: (chunk: Uint8Array) => void; signal?: AbortSignal } = {},
): Promise<void> {
  const { onBytes, onChunk, signal } = options;
  const writable = await handle.createWritable({ keepExistingData: false });
  const reader = blob.stream().getReader();
  let written = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      onChunk?.(value);
      await writable.write(value);
      written += value.byteLength;
      onBytes?.(written);
    }
    signal?.throwIfAborted();
    await writable.close();
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    await writable.abort().catch(() => undefined);
    throw error;
  }
}

export async function getVideoFile(videoId: string): Promise<File | null> {
  return fileIn(VIDEOS_DIR, videoId);
}

/** Writes a video's audio chunk by chunk, as it is decoded: a long video's track is never held whole. */
export interface AudioWriter {
  write(pcm: Float32Array): Promise<void>;
  /** Makes what was written the video's audio (nothing shows before). */
  close(): Promise<void>;
  /** Drops what was written; never throws. */
  abort(): Promise<void>;
}

export async function writeAudio(videoId: string): Promise<AudioWriter> {
  const handle = await (await directory(AUDIO_DIR)).getFileHandle(`${videoId}.f32`, { create: true });
  const writable = await handle.createWritable({ keepExistingData: false });
  return {
    async write(pcm) {
      try {
        await writable.write(bytesOf(pcm));
      } catch (error) {
        throw describeWriteError(error);
      }
    },
    async close() {
      try {
        await writable.close();
      } catch (error) {
        throw describeWriteError(error);
      }
    },
    abort: () => writable.abort().catch(() => undefined),
  };
}

/** The bytes of a float32 array, copied only when they sit in shared memory (which write() refuses). */
function bytesOf(pcm: Float32Array): Uint8Array<ArrayBuffer> {
  const { buffer, byteOffset, byteLength } = pcm;
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer, byteOffset, byteLength);
  const copy = new Uint8Array(byteLength);
  copy.set(new Uint8Array(buffer, byteOffset, byteLength));
  return copy;
}

/**
 * Keyframes at analysis size (the models read them; the library shows the small thumbnails in the
 * database). Kept after indexing so that a model installed later can fill in its stage with no decode.
 */
export async function saveKeyframes(videoId: string, frames: { idx: number; jpeg: Uint8Array }[]): Promise<void> {
  const dir = await (await directory(FRAMES_DIR)).getDirectoryHandle(videoId, { create: true });
  for (const frame of frames) {
    const writable = await (await dir.getFileHandle(`${frame.idx}.jpg`, { create: true })).createWritable();
    try {
      await writable.write(frame.jpeg as Uint8Array<ArrayBuffer>);
      await writable.close();
    } catch (error) {
      await writable.abort().catch(() => undefined);
      throw describeWriteError(error);
    }
  }
}

/** The stored keyframes of these scenes, in the same order; null for a scene whose frame is missing. */
export async function getKeyframes(videoId: string, idxs: number[]): Promise<(Uint8Array | null)[]> {
  return Promise.all(
    idxs.map(async (idx) => {
      const file = await fileIn(`${FRAMES_DIR}/${videoId}`, `${idx}.jpg`);
      return file ? new Uint8Array(await file.arrayBuffer()) : null;
    }),
  );
}

/** The stored audio (16 kHz mono float32 samples) as a file, read by whoever needs it: nothing is loaded here. */
export async function getAudio(videoId: string): Promise<Blob | null> {
  return fileIn(AUDIO_DIR, `${videoId}.f32`);
}

/** Removes a video's extracted audio once speech recognition no longer needs it (the copy can give it again). */
export async function deleteAudio(videoId: string): Promise<void> {
  await removeFrom(AUDIO_DIR, `${videoId}.f32`);
}

/**
 * Removes every stored file no video needs any more: copies, keyframes and audio of videos deleted while the tab
 * closed (or another tab's delete cut short), partial copies of imports that never finished, audio speech no longer
 * needs. `inUse` comes from the database (db/storage.ts); run it before any import or stage can write a file.
 * Returns the bytes freed.
 */
export async function sweepUnreferenced(inUse: { copies: readonly string[]; audio: readonly string[] }): Promise<number> {
  const copies = new Set(inUse.copies);
  const audio = new Set(inUse.audio.map((videoId) => `${videoId}.f32`));
  let freed = 0;
  for (const [dir, keep] of [
    [VIDEOS_DIR, copies],
    [FRAMES_DIR, copies],
    [AUDIO_DIR, audio],
  ] as const) {
    const folder = await directory(dir);
    for (const [name, handle] of await entriesOf(folder)) {
      if (keep.has(name)) continue;
      freed += await bytesUnder(handle);
      await folder.removeEntry(name, { recursive: true }).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    }
  }
  return freed;
}

type DirectoryEntries = { entries(): AsyncIterable<[string, FileSystemHandle]> };

/** The entries of a folder, listed before any is removed. TypeScript's DOM types lack the async iteration (Chromium has it). */
async function entriesOf(dir: FileSystemDirectoryHandle): Promise<[string, FileSystemHandle][]> {
  const entries: [string, FileSystemHandle][] = [];
  for await (const entry of (dir as unknown as DirectoryEntries).entries()) entries.push(entry);
  return entries;
}

async function bytesUnder(handle: FileSystemHandle): Promise<number> {
  if (handle.kind === 'file') return (handle as FileSystemFileHandle).getFile().then((file) => file.size, () => 0);
  let total = 0;
  for (const [, child] of await entriesOf(handle as FileSystemDirectoryHandle)) total += await bytesUnder(child);
  return total;
}

export async function deleteVideoFiles(videoId: string): Promise<void> {
  await removeFrom(VIDEOS_DIR, videoId);
  await removeFrom(AUDIO_DIR, `${videoId}.f32`);
  try {
    await (await directory(FRAMES_DIR)).removeEntry(videoId, { recursive: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * Keeps a picture searched by, under the sha256 of its bytes (the same picture twice is kept once), and removes
 * all but the newest EXAMPLES_KEPT. Returns its id.
 */
export async function saveExampleImage(image: Blob): Promise<string> {
  const id = await hashFile(image);
  const dir = await directory(EXAMPLES_DIR);
  const writable = await (await dir.getFileHandle(id, { create: true })).createWritable({ keepExistingData: false });
  try {
    await writable.write(image);
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    throw describeWriteError(error);
  }
  const kept: { name: string; at: number }[] = [];
  // TypeScript's DOM types lack the directory's async iteration (Chromium has it).
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
    const file = await fileIn(EXAMPLES_DIR, name);
    if (file) kept.push({ name, at: file.lastModified });
  }
  kept.sort((a, b) => b.at - a.at);
  for (const old of kept.slice(EXAMPLES_KEPT)) if (old.name !== id) await removeFrom(EXAMPLES_DIR, old.name);
  return id;
}

/** A kept picture searched by, or null when it is not kept (any more). */
export async function getExampleImage(id: string): Promise<File | null> {
  // Ids are sha256 hex: anything else (a hand-edited URL) names no file.
  return /^[0-9a-f]{64}$/.test(id) ? fileIn(EXAMPLES_DIR, id) : null;
}
