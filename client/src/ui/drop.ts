import { createSignal, onCleanup, type Accessor } from 'solid-js';

const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|mkv|webm|avi|mpe?g|ogv|3gp|ts|mts|m2ts|wmv|flv)$/i;

function looksLikeVideo(file: File): boolean {
  return file.type.startsWith('video/') || VIDEO_EXTENSIONS.test(file.name);
}

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries hands back at most ~100 entries per call: keep asking until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function filesInDirectory(directory: FileSystemDirectoryEntry): Promise<File[]> {
  const files: File[] = [];
  for (const entry of await readAllEntries(directory.createReader())) {
    if (entry.isDirectory) {
      files.push(...(await filesInDirectory(entry as FileSystemDirectoryEntry)));
    } else if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      // Inside a dropped folder, only videos: a folder of holiday clips usually holds photos and notes too.
      if (looksLikeVideo(file)) files.push(file);
    }
  }
  return files;
}

/**
 * The files of a drop: loose files as they are (the library explains why a non-video is refused),
 * dropped folders searched recursively for videos.
 */
export async function filesFromDataTransfer(data: DataTransfer): Promise<File[]> {
  // Entries and files must be taken synchronously, inside the drop event: the item list empties once it returns.
  const items = Array.from(data.items)
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
  if (!items.some(({ entry }) => entry?.isDirectory)) return Array.from(data.files);

  const files: File[] = [];
  for (const { entry, file } of items) {
    if (entry?.isDirectory) files.push(...(await filesInDirectory(entry as FileSystemDirectoryEntry)));
    else if (file) files.push(file);
  }
  return files;
}

/**
 * Makes the whole window a drop target while the calling component lives.
 * `dragging()` is true while files are held over the window (for the highlight).
 */
export function createFileDrop(onFiles: (files: File[]) => void): Accessor<boolean> {
  const [dragging, setDragging] = createSignal(false);
  // dragenter/dragleave fire for every element crossed; count them so moving over a child is not "leaving".
  let depth = 0;

  const onEnter = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth++;
    setDragging(true);
  };
  const onOver = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const onLeave = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    if (!hasFiles(event) || !event.dataTransfer) return;
    event.preventDefault();
    depth = 0;
    setDragging(false);
    // Both reads happen now, inside the event (filesFromDataTransfer takes its entries before its first await);
    // if walking a dropped folder fails, fall back to the loose files.
    const looseFiles = Array.from(event.dataTransfer.files);
    void filesFromDataTransfer(event.dataTransfer).then(onFiles, () => onFiles(looseFiles));
  };

  document.addEventListener('dragenter', onEnter);
  document.addEventListener('dragover', onOver);
  document.addEventListener('dragleave', onLeave);
  document.addEventListener('drop', onDrop);
  onCleanup(() => {
    document.removeEventListener('dragenter', onEnter);
    document.removeEventListener('dragover', onOver);
    document.removeEventListener('dragleave', onLeave);
    document.removeEventListener('drop', onDrop);
  });
  return dragging;
}

/**
 * Stops the browser from opening a file dropped where nothing accepts it (that would navigate away
 * from the app). Handlers that do accept files run as well; this only cancels the default.
 */
export function preventStrayFileDrops(): void {
  const cancel = (event: DragEvent) => {
    if (hasFiles(event)) event.preventDefault();
  };
  window.addEventListener('dragover', cancel);
  window.addEventListener('drop', cancel);
  onCleanup(() => {
    window.removeEventListener('dragover', cancel);
    window.removeEventListener('drop', cancel);
  });
}
