import * as Comlink from 'comlink';
import { MediaError } from './types.ts';
import { fromWire } from './wire.ts';
import type { MediaApi } from './worker.ts';
import { crashRequested, WorkerCrashed } from '../worker-crash.ts';

/** The media worker's API (callbacks are plain functions here) plus `abort()`. */
export type MediaClient = Omit<MediaApi, 'crash'> & {
  /**
   * Stops whatever the worker is running at once (the worker and its ffmpeg are terminated) and rejects the
   * pending calls with MediaError('aborted'). The next call starts a fresh worker.
   */
  abort(): void;
};

interface Session {
  worker: Worker;
  remote: Comlink.Remote<MediaApi>;
  /** Settles only by rejecting: when the session is aborted or the worker dies. */
  ended: Promise<never>;
  end(reason: Error): void;
}

export function createMediaClient(): MediaClient {
  let session: Session | null = null;

  function open(): Session {
    if (session) return session;
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'heimdex-media' });
    let reject!: (reason: Error) => void;
    const ended = new Promise<never>((_, r) => (reject = r));
    ended.catch(() => undefined); // observed by the calls in flight, if any
    const opened: Session = {
      worker,
      remote: Comlink.wrap<MediaApi>(worker),
      ended,
      end(reason) {
        if (session === opened) session = null;
        worker.terminate();
        reject(reason);
      },
    };
    // A worker that fails to start (or crashes) would leave comlink calls pending forever.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      opened.end(new WorkerCrashed('media', event.message || 'it failed to load'));
    });
    session = opened;
    return session;
  }

  async function call<R>(name: keyof MediaApi, run: (remote: Comlink.Remote<MediaApi>) => Promise<R>): Promise<R> {
    const current = open();
    try {
      const work = run(current.remote);
      if (crashRequested('media', name)) void current.remote.crash();
      return await Promise.race([work, current.ended]);
    } catch (error) {
      throw fromWire(error);
    }
  }

  /** Comlink cannot clone functions: hand the worker a proxy (of a wrapper, so the caller's function is untouched). */
  const proxied = (onProgress?: (fraction: number) => void) =>
    onProgress && Comlink.proxy((fraction: number) => onProgress(fraction));

  return {
    probe: (file) => call('probe', (remote) => remote.probe(file)),
    detectCuts: (file, info, onProgress) => call('detectCuts', (remote) => remote.detectCuts(file, info, proxied(onProgress))),
    detectCutsDetailed: (file, info, onProgress, options) =>
      call('detectCutsDetailed', (remote) => remote.detectCutsDetailed(file, info, proxied(onProgress), options)),
    findStillChanges: (file, info, scenes, onProgress) =>
      call('findStillChanges', (remote) => remote.findStillChanges(file, info, scenes, proxied(onProgress))),
    extractFrames: (file, timesS, onProgress) => call('extractFrames', (remote) => remote.extractFrames(file, timesS, proxied(onProgress))),
    extractKeyframes: (file, timesS, onProgress) => call('extractKeyframes', (remote) => remote.extractKeyframes(file, timesS, proxied(onProgress))),
    extractAudio: (file, onProgress, info) => call('extractAudio', (remote) => remote.extractAudio(file, proxied(onProgress), info)),
    streamAudio: (file, onChunk, onProgress, info) =>
      call('streamAudio', (remote) =>
        remote.streamAudio(file, Comlink.proxy((chunk: Float32Array) => onChunk(chunk)), proxied(onProgress), info),
      ),
    exportClip: (file, startS, endS, onProgress) => call('exportClip', (remote) => remote.exportClip(file, startS, endS, proxied(onProgress))),
    abort() {
      session?.end(new MediaError('aborted', 'Cancelled.'));
    },
  };
}
