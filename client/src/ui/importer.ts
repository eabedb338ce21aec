import type { ImportOutcome } from '../app/imports.ts';
import type { Library } from './context.tsx';
import { makeKeepLibrary } from './keep-library.ts';
import { errorMessage, type Notice, type Notices } from './notices.ts';

export interface Importer {
  importFiles(files: File[]): Promise<void>;
  /** Opens the one hidden file input, from any "Import" button. */
  pickFiles(): void;
  bindInput(input: HTMLInputElement): void;
}

/** An import that went through goes away by itself soon; one with something to read stays a little longer. */
const DISMISS_AFTER_MS = { added: 6_000, other: 15_000 } as const;

/**
 * The one notice of an import, however many files: their progress while it runs, then what came of
 * it, naming only the files that need a word (already in the library, could not be imported).
 */
export function importNotice(names: readonly string[], outcomes: readonly ImportOutcome[]): Omit<Notice, 'id'> {
  const total = names.length;
  const only = total === 1 ? outcomes[0] : undefined;
  if (outcomes.length < total) {
    return total === 1
      ? { status: 'pending', title: `Adding ${names[0]} to your library…`, message: 'Checking for duplicates and copying it into your private library.' }
      : { status: 'pending', title: `Adding ${total} videos to your library…`, message: `${outcomes.length} of ${total} done` };
  }
  const status = outcomes.some((o) => o.status === 'failed') ? 'failed' : outcomes.some((o) => o.status === 'duplicate') ? 'duplicate' : 'added';
  if (only) {
    const title =
      only.status === 'added'
        ? `Added ${only.fileName}`
        : only.status === 'duplicate'
          ? `${only.fileName} is already in your library`
          : `Could not import ${only.fileName}`;
    return { status, title, message: only.message, ...(only.videoId ? { videoId: only.videoId } : {}) };
  }
  const added = outcomes.filter((o) => o.status === 'added').length;
  const title = added === total ? `Added ${total} videos` : `Added ${added} of ${total} videos`;
  const message =
    added === total
      ? 'They are being checked and indexed; each card shows how far it is.'
      : outcomes
          .filter((o) => o.status !== 'added')
          .map((o) => `${o.fileName}: ${o.status === 'duplicate' ? o.message : `could not be imported — ${o.message}`}`)
          .join('\n');
  return { status, title, message };
}

export function createImporter(library: Library, notices: Notices): Importer {
  let input: HTMLInputElement | undefined;
  /** The import whose notice is showing. Files added while it runs join it; a later import takes its notice over. */
  let current: { noticeId: number; names: string[]; outcomes: ImportOutcome[] } | null = null;
  const keepLibrary = makeKeepLibrary(library.storage, notices);

  function show(batch: NonNullable<typeof current>) {
    const notice = importNotice(batch.names, batch.outcomes);
    const finished = batch.outcomes.length === batch.names.length;
    const dismissAfterMs = finished ? (notice.status === 'added' ? DISMISS_AFTER_MS.added : DISMISS_AFTER_MS.other) : undefined;
    // A notice the person dismissed stays dismissed for this import.
    notices.update(batch.noticeId, notice, { dismissAfterMs });
  }

  async function importFiles(files: File[]): Promise<void> {
    if (files.length === 0) return;
    void keepLibrary();
    const names = files.map((file) => file.name);
    if (current && current.outcomes.length < current.names.length) {
      current.names.push(...names);
      show(current);
    } else {
      const batch = { noticeId: -1, names, outcomes: [] as ImportOutcome[] };
      const notice = importNotice(batch.names, batch.outcomes);
      // The last import's result, if still shown, gives way to this one: one import notice at a time.
      batch.noticeId = current && notices.update(current.noticeId, notice) ? current.noticeId : notices.push(notice);
      current = batch;
    }
    const batch = current;
    await Promise.all(
      files.map(async (file) => {
        let outcome: ImportOutcome;
        try {
          const [result] = await library.importFiles([file]);
          outcome = result ?? { fileName: file.name, status: 'failed', message: 'The import did not start.' };
        } catch (error) {
          outcome = { fileName: file.name, status: 'failed', message: errorMessage(error) };
        }
        batch.outcomes.push(outcome);
        show(batch);
      }),
    );
  }

  return {
    importFiles,
    pickFiles() {
      input?.click();
    },
    bindInput(element) {
      input = element;
    },
  };
}
