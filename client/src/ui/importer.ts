import type { ImportOutcome } from '../app/library.ts';
import type { Library } from './context.tsx';
import { errorMessage, type Notices } from './notices.ts';

export interface Importer {
  importFiles(files: File[]): Promise<void>;
  /** Opens the one hidden file input, from any "Import" button. */
  pickFiles(): void;
  bindInput(input: HTMLInputElement): void;
}

function outcomeTitle(outcome: ImportOutcome): string {
  switch (outcome.status) {
    case 'added':
      return `Added ${outcome.fileName}`;
    case 'duplicate':
      return `${outcome.fileName} is already in your library`;
    case 'failed':
      return `Could not import ${outcome.fileName}`;
  }
}

export function createImporter(library: Library, notices: Notices): Importer {
  let input: HTMLInputElement | undefined;

  async function importFiles(files: File[]): Promise<void> {
    if (files.length === 0) return;
    const pending = notices.push({
      status: 'pending',
      title: files.length === 1 ? `Importing ${files[0]?.name ?? 'file'}…` : `Importing ${files.length} files…`,
      message: 'Checking for duplicates and copying into your private library.',
    });
    try {
      const outcomes = await library.importFiles(files);
      notices.replace(
        pending,
        outcomes.map((outcome) => ({
          status: outcome.status,
          title: outcomeTitle(outcome),
          message: outcome.message,
          ...(outcome.videoId ? { videoId: outcome.videoId } : {}),
        })),
      );
    } catch (error) {
      notices.replace(pending, [{ status: 'failed', title: 'Import failed', message: errorMessage(error) }]);
    }
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
