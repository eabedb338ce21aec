// One file from an HTTP(S) server onto disk: written to `<dest>.part`, resumed with a Range request
// after an interruption, checked against a sha256 before it takes its real name, retried with backoff.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hashFile } from './hash.ts';
import type { Progress } from './progress.ts';

export type DownloadErrorKind = 'unreachable' | 'http' | 'checksum' | 'stalled' | 'incomplete' | 'io';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: DownloadErrorKind,
    readonly retryable: boolean,
    readonly host: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadRequest {
  url: string;
  /** Final path; the bytes go to `<dest>.part` until they are verified. */
  dest: string;
  /** The sha256 the file must have (pinned or locked); null when the first download records it. */
  expectedSha256: string | null;
  /** Shown on the progress line. */
  label: string;
}

export interface DownloadResult {
  sha256: string;
  bytes: number;
  /** Bytes that were already in `<dest>.part` when the successful attempt started (0: a fresh download). */
  resumedFrom: number;
  /** The commit the hub served (`X-Repo-Commit`), when it says. */
  repoCommit: string | null;
  /** The sha256 the hub declares for an LFS file (`X-Linked-Etag`), when it says. */
  declaredSha256: string | null;
  attempts: number;
}

export interface DownloadOptions {
  /** Attempts in all (default 4). */
  attempts?: number;
  /** First retry delay; each later one doubles (default 1000 ms). */
  backoffMs?: number;
  /** Abort an attempt when no byte arrives for this long (default 30 s). */
  stallMs?: number;
  onProgress?: (progress: Progress) => void;
  /** Told before each retry, e.g. to print it. */
  onRetry?: (error: DownloadError, attempt: number, delayMs: number) => void;
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;
const SHA256 = /^[0-9a-f]{64}$/;
/** Network failures that say the host cannot be reached at all (no route, no DNS, nothing listening). */
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns what fetch or the body stream threw into a DownloadError with a message a person can act on. */
function networkError(error: unknown, url: string, stalled: boolean): DownloadError {
  const host = hostOf(url);
  if (error instanceof DownloadError) return error;
  if (stalled) return new DownloadError(`no data from ${host} for too long (stalled)`, 'stalled', true, host);
  const code = errorCode(error);
  if (code && UNREACHABLE_CODES.has(code)) {
    return new DownloadError(`cannot reach ${host} (${code}): is this machine offline?`, 'unreachable', true, host);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DownloadError(`connection to ${host} failed (${code ?? message})`, 'incomplete', true, host);
}

function httpError(status: number, statusText: string, url: string): DownloadError {
  const host = hostOf(url);
  // Server trouble and rate limits pass; a missing or forbidden file does not.
  const retryable = status >= 500 || status === 429 || status === 408;
  const hint =
    status === 404 ? ': the file is not at this revision (check the path and revision in models.json)'
    : status === 401 || status === 403 ? ': access denied (a gated or private repository?)'
    : '';
  return new DownloadError(`HTTP ${status} ${statusText} for ${url}${hint}`, 'http', retryable, host);
}

interface Opened {
  response: Response;
  repoCommit: string | null;
  declaredSha256: string | null;
}

/**
 * GET with redirects followed by hand: the hub answers LFS files with a redirect to its CDN, and the
 * redirect itself carries the commit (X-Repo-Commit) and the file's sha256 (X-Linked-Etag), which a
 * followed fetch would hide. The Range header goes along to the CDN.
 */
async function open(url: string, headers: Record<string, string>, signal: AbortSignal, fetchFn: typeof fetch): Promise<Opened> {
  let current = url;
  let repoCommit: string | null = null;
  let declaredSha256: string | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetchFn(current, { headers, redirect: 'manual', signal });
    repoCommit ??= response.headers.get('x-repo-commit');
    const etag = response.headers.get('x-linked-etag')?.replace(/^W\//, '').replaceAll('"', '');
    if (etag && SHA256.test(etag)) declaredSha256 ??= etag;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).href;
      continue;
    }
    return { response, repoCommit, declaredSha256 };
  }
  throw new DownloadError(`too many redirects for ${url}`, 'http', false, hostOf(url));
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** `bytes 0-99/1234` → { start: 0, total: 1234 }; an unsatisfied range (`bytes *` + `/1234`) → { start: null, total: 1234 }. */
function parseContentRange(value: string | null): { start: number | null; total: number | null } {
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!match) return { start: null, total: null };
  return { start: match[1] ? Number(match[1]) : null, total: match[2] && match[2] !== '*' ? Number(match[2]) : null };
}

async function attempt(request: DownloadRequest, options: DownloadOptions, fetchFn: typeof fetch): Promise<Omit<DownloadResult, 'attempts'>> {
  const part = `${request.dest}.part`;
  await mkdir(dirname(request.dest), { recursive: true });
  let offset = await sizeOf(part);
  const controller = new AbortController();
  const stallMs = options.stallMs ?? 30_000;
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const armStallTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallMs);
  };

  try {
    armStallTimer();
    let opened: Opened;
    try {
      opened = await open(request.url, offset > 0 ? { Range: `bytes=${offset}-` } : {}, controller.signal, fetchFn);
    } catch (error) {
      throw networkError(error, request.url, stalled);
    }
    const { response } = opened;
    let total: number | null = null;

    if (response.status === 416 && offset > 0) {
      // Nothing after `offset`: the part is already whole when its size is the file's size.
      await response.body?.cancel();
      const { total: size } = parseContentRange(response.headers.get('content-range'));
      if (size !== offset) {
        await rm(part, { force: true });
        throw new DownloadError(`the partial download of ${request.label} did not match the server's file; starting again`, 'incomplete', true, hostOf(request.url));
      }
      total = size;
    } else if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (range.start !== offset) {
        await response.body?.cancel();
        await rm(part, { force: true });
        throw new DownloadError(`the server resumed ${request.label} at the wrong place; starting again`, 'incomplete', true, hostOf(request.url));
      }
      total = range.total;
    } else if (response.ok) {
      // A plain 200 is the whole file (the server ignored Range): start the part over.
      offset = 0;
      const length = response.headers.get('content-length');
      total = length !== null ? Number(length) : null;
    } else {
      await response.body?.cancel();
      throw httpError(response.status, response.statusText, request.url);
    }

    if (response.status !== 416) {
      if (!response.body) throw new DownloadError(`empty response for ${request.url}`, 'incomplete', true, hostOf(request.url));
      const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
      const outClosed = once(out, 'close');
      const started = Date.now();
      let fetched = 0;
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value: chunk } = await reader.read();
          if (done) break;
          armStallTimer();
          fetched += chunk.byteLength;
          if (!out.write(chunk)) await once(out, 'drain');
          options.onProgress?.({ label: request.label, received: offset + fetched, total, fetched, elapsedMs: Date.now() - started });
        }
      } catch (error) {
        await reader.cancel().catch(() => undefined);
        throw networkError(error, request.url, stalled);
      } finally {
        out.end();
        await outClosed;
      }
      const size = offset + fetched;
      if (total !== null && size !== total) {
        throw new DownloadError(`${request.label}: got ${size} of ${total} bytes`, 'incomplete', true, hostOf(request.url));
      }
    }
    clearTimeout(timer);

    const { sha256, bytes } = await hashFile(part);
    const expected = request.expectedSha256 ?? opened.declaredSha256;
    if (expected && sha256 !== expected) {
      await rm(part, { force: true });
      const source = request.expectedSha256 ? 'the pinned or locked sha256' : "the hub's declared sha256";
      // A bad resumed part is worth one fresh try; a fresh download that differs will differ again.
      throw new DownloadError(
        `${request.label}: sha256 ${sha256} does not match ${source} ${expected}`,
        'checksum',
        offset > 0,
        hostOf(request.url),
      );
    }
    await rename(part, request.dest);
    return { sha256, bytes, resumedFrom: offset, repoCommit: opened.repoCommit, declaredSha256: opened.declaredSha256 };
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Downloads `request.url` to `request.dest`, resuming and retrying; throws a DownloadError when it cannot. */
export async function downloadFile(request: DownloadRequest, options: DownloadOptions = {}): Promise<DownloadResult> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const backoffMs = options.backoffMs ?? 1000;
  const fetchFn = options.fetch ?? fetch;
  for (let n = 1; ; n++) {
    try {
      const result = await attempt(request, options, fetchFn);
      return { ...result, attempts: n };
    } catch (error) {
      const failure =
        error instanceof DownloadError ? error
        : new DownloadError(`${request.label}: ${error instanceof Error ? error.message : String(error)}`, 'io', false, hostOf(request.url));
      if (!failure.retryable || n >= attempts) throw failure;
      const delay = backoffMs * 2 ** (n - 1);
      options.onRetry?.(failure, n, delay);
      await sleep(delay);
    }
  }
}
