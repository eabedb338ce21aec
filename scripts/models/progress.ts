// The download progress bar, on stderr so stdout stays clean for anything that reads it.

export interface Progress {
  /** What is being downloaded (model id and file). */
  label: string;
  /** Bytes of the file on disk so far, including a resumed part. */
  received: number;
  /** The whole file's size when the server says it; null otherwise. */
  total: number | null;
  /** Bytes this attempt has fetched and how long it has run: the speed. */
  fetched: number;
  elapsedMs: number;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${bytes} B`;
}

const BAR_WIDTH = 24;

/** One line: label, a bar, bytes, percentage and speed, e.g. `[#####-----] 12.0/80.2 MB 15% 4.1 MB/s`. */
export function formatProgress(p: Progress): string {
  const speed = p.elapsedMs > 0 ? `${formatBytes((p.fetched * 1000) / p.elapsedMs)}/s` : '';
  if (p.total === null || p.total === 0) return `${p.label}  ${formatBytes(p.received)}  ${speed}`.trimEnd();
  const fraction = Math.min(1, p.received / p.total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const amount = `${formatBytes(p.received)}/${formatBytes(p.total)}`;
  return `${p.label}  ${bar} ${amount} ${Math.floor(fraction * 100)}%  ${speed}`.trimEnd();
}

/**
 * Draws progress lines on a stream: redrawn in place (at most every 100 ms) on a terminal, and one
 * line per 10% otherwise, so CI logs stay short.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): {
  update(p: Progress): void;
  done(line: string): void;
} {
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p) {
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        stream.write(`\r\x1b[2K${formatProgress(p)}`);
        drawn = true;
        return;
      }
      const decile = p.total ? Math.floor((p.received / p.total) * 10) : -1;
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${formatProgress(p)}\n`);
      }
    },
    done(line) {
      stream.write(tty && drawn ? `\r\x1b[2K${line}\n` : `${line}\n`);
      drawn = false;
      lastDecile = -1;
      lastDraw = 0;
    },
  };
}
