// Downloads one model file: from the first source that has it, streamed, hashed as it arrives, kept in
// pieces as it goes (partials.ts in the browser) so that a dropped connection, a closed tab or a reload
// resumes with an HTTP Range request instead of starting again; checked against its sha256 where known.
import { createSHA256 } from 'hash-wasm';
import type { DownloadSource, ExpectedFile } from './inventory.ts';

/** Where the bytes of an unfinished download wait. OPFS in the browser (partials.ts), memory in tests. */
export interface PartialFiles {
  /** The bytes kept of `key` so far, as one Blob (empty when none). */
  read(key: string): Promise<Blob>;
  append(key: string, bytes: Uint8Array): Promise<void>;
  remove(key: string): Promise<void>;
}

export type DownloadErrorKind = 'integrity' | 'unavailable' | 'network' | 'storage';

/** A download that could not finish, with a sentence a person can act on. */
export class DownloadError extends Error {
  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadedFile {
  blob: Blob;
  bytes: number;
  sha256: string;
  source: DownloadSource;
  /** Bytes an earlier, interrupted attempt had already fetched. */
  resumedFrom: number;
}

export interface DownloadFileOptions {
  partials: PartialFiles;
  signal?: AbortSignal;
  /** Told of every chunk received (bytes since the last call), and of kept bytes found at the start. */
  onBytes?: (delta: number) => void;
  fetch?: typeof fetch;
  /** Tries per source after a dropped connection (each resumes where the last stopped). */
  attempts?: number;
  /** Wait before the n-th retry: backoffMs × 2^(n-1). */
  backoffMs?: number;
}

/** Bytes gathered in memory before they are written as one piece (few writes, little lost when a tab dies). */
const PIECE_BYTES = 4 * 1024 * 1024;

/** A key for the partial store: the file's path made safe as one file name. */
export function partialKey(path: string): string {
  return encodeURIComponent(path);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

/** The start of a 206's Content-Range ("bytes 100-199/200" → 100), or null. */
function rangeStart(response: Response): number | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : null;
}

/** A response that is not the file: a miss, or an app's HTML fallback page answering for a missing file. */
function isMiss(response: Response, path: string): boolean {
  if (response.status === 404 || response.status === 410) return true;
  return response.ok && (response.headers.get('content-type') ?? '').includes('text/html') && !path.endsWith('.html');
}

export async function downloadFile(file: ExpectedFile, sources: DownloadSource[], options: DownloadFileOptions): Promise<DownloadedFile> {
  const fetchFn = options.fetch ?? fetch;
  const { partials, signal } = options;
  const key = partialKey(file.path);
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 1000;

  // What an earlier attempt kept: hashed again (the hash state is not kept), then continued.
  const kept = await partials.read(key).catch((error: unknown) => {
    throw new DownloadError('storage', `The browser's storage could not be read: ${(error as Error).message}`);
  });
  const sha = await createSHA256();
  sha.init();
  let offset = 0;
  const reader = kept.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    sha.update(value);
    offset += value.byteLength;
  }
  if (file.bytes !== null && offset > file.bytes) {
    await partials.remove(key);
    return downloadFile(file, sources, options);
  }
  const resumedFrom = offset;
  if (offset > 0) options.onBytes?.(offset);

  const restart = async () => {
    await partials.remove(key);
    options.onBytes?.(-offset);
    offset = 0;
    sha.init();
  };

  let lastProblem = '';
  let offline = false;
  for (const source of sources) {
    let reachedSource = false;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      signal?.throwIfAborted();
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2), signal);
      let response: Response;
      try {
        const complete = file.bytes !== null && offset === file.bytes;
        response = complete
          ? new Response(new Uint8Array(0), { status: 206, headers: { 'content-range': `bytes ${offset}-${offset}/${offset}` } })
          : await fetchFn(source.url, { signal, cache: 'no-store', headers: offset > 0 ? { Range: `bytes=${offset}-` } : {} });
      } catch (error) {
        if (isAbort(error)) throw error;
        lastProblem = `${source.url} could not be reached (${(error as Error).message})`;
        offline = typeof navigator !== 'undefined' && navigator.onLine === false;
        if (!reachedSource) break; // an unreachable host: try the next source at once
        continue;
      }
      reachedSource = true;
      if (isMiss(response, file.path)) {
        lastProblem = `${source.url} does not have it (HTTP ${response.status})`;
        break;
      }
      if (response.status === 416 && offset > 0) {
        // What we kept is no prefix the server knows (the file changed): start again.
        await restart();
        continue;
      }
      if (!response.ok || !response.body) {
        lastProblem = `${source.url} answered HTTP ${response.status}`;
        continue;
      }
      if (response.status === 200 && offset > 0) await restart(); // the server ignored the range: whole file again
      else if (response.status === 206 && rangeStart(response) !== offset) {
        await restart();
        continue;
      }

      const body = response.body.getReader();
      let piece: Uint8Array[] = [];
      let pieceBytes = 0;
      const flush = async () => {
        if (pieceBytes === 0) return;
        const joined = new Uint8Array(pieceBytes);
        let at = 0;
        for (const part of piece) {
          joined.set(part, at);
          at += part.byteLength;
        }
        piece = [];
        pieceBytes = 0;
        try {
          await partials.append(key, joined);
        } catch (error) {
          const full = error instanceof DOMException && error.name === 'QuotaExceededError';
          throw new DownloadError(
            'storage',
            full ? 'There is not enough storage space on this device for the model.' : `The model could not be stored: ${(error as Error).message}`,
          );
        }
      };
      try {
        for (;;) {
          const { done, value } = await body.read();
          if (done) break;
          sha.update(value);
          piece.push(value);
          pieceBytes += value.byteLength;
          offset += value.byteLength;
          options.onBytes?.(value.byteLength);
          if (pieceBytes >= PIECE_BYTES) await flush();
        }
        await flush();
      } catch (error) {
        // Keep what arrived: the next attempt (or the next visit) asks for the rest.
        await flush().catch(() => undefined);
        if (isAbort(error) || error instanceof DownloadError) throw error;
        lastProblem = `the connection to ${source.url} dropped (${(error as Error).message})`;
        continue;
      }

      const sha256 = sha.digest('hex');
      if ((file.sha256 !== null && sha256 !== file.sha256) || (file.bytes !== null && offset !== file.bytes)) {
        await partials.remove(key);
        options.onBytes?.(-offset);
        throw new DownloadError(
          'integrity',
          `A downloaded file did not match the model's published checksum, so it was thrown away (${file.path}: got ${offset} bytes with sha256 ${sha256.slice(0, 12)}…, expected ${
            file.sha256 ? `${file.sha256.slice(0, 12)}…` : `${file.bytes} bytes`
          }).`,
        );
      }
      return { blob: await partials.read(key), bytes: offset, sha256, source, resumedFrom };
    }
  }
  if (offline) throw new DownloadError('network', 'This device is offline: the download continues from where it stopped once you are back online.');
  throw new DownloadError('unavailable', `The file ${file.path} could not be downloaded: ${lastProblem || 'no source has it'}.`);
}
