// Installs one model into this browser: each file it does not hold yet is downloaded (download.ts), checked
// and stored (store.ts); files already held are kept. Progress counts the whole model, resumed bytes included.
import type { ModelEntry } from '../ml/registry.ts';
import { downloadFile, partialKey, type PartialFiles } from './download.ts';
import { downloadSources, holdingOf } from './inventory.ts';
import type { ModelsLock } from './lock.ts';
import { listStoredFiles, putStoredFile } from './store.ts';

export interface InstallProgress {
  receivedBytes: number;
  /** The model's size where known (exactly or as models.json's estimate). */
  totalBytes: number | null;
}

export interface InstallOptions {
  lock: ModelsLock;
  partials: PartialFiles;
  signal?: AbortSignal;
  onProgress?: (progress: InstallProgress) => void;
  fetch?: typeof fetch;
}

export interface InstallOutcome {
  /** Bytes fetched in this run. */
  downloadedBytes: number;
  /** Bytes an earlier, interrupted download had kept and this one continued from. */
  resumedBytes: number;
  /** Where the files came from: the app's server, the model's published source, or both. */
  from: ('app' | 'source')[];
}

export async function installModel(model: ModelEntry, options: InstallOptions): Promise<InstallOutcome> {
  const holding = holdingOf(model, await listStoredFiles(), options.lock);
  let received = holding.storedBytes;
  const totalBytes = holding.downloadBytes;
  options.onProgress?.({ receivedBytes: received, totalBytes });
  const outcome: InstallOutcome = { downloadedBytes: 0, resumedBytes: 0, from: [] };

  for (const file of holding.missing) {
    const downloaded = await downloadFile(file, downloadSources(model, file, options.lock), {
      partials: options.partials,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      onBytes: (delta) => {
        received += delta;
        options.onProgress?.({ receivedBytes: received, totalBytes });
      },
    });
    await putStoredFile({ path: file.path, bytes: downloaded.bytes, sha256: downloaded.sha256 }, downloaded.blob);
    await options.partials.remove(partialKey(file.path));
    outcome.downloadedBytes += downloaded.bytes - downloaded.resumedFrom;
    outcome.resumedBytes += downloaded.resumedFrom;
    if (!outcome.from.includes(downloaded.source.from)) outcome.from.push(downloaded.source.from);
  }
  return outcome;
}
