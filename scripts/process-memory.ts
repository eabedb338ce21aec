/**
 * Peak resident memory of processes, sampled from /proc (Linux). Chromium's page, its workers, ffmpeg.wasm
 * and the WebCodecs software decoder all live in the page's renderer process: its RSS is the tab's memory.
 */
import { readdirSync, readFileSync } from 'node:fs';

const SAMPLE_MS = 50;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended meanwhile
  }
}

/** Resident set size in bytes (VmRSS), or 0 when the process is gone. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) * 1024 : 0;
}

/** Every process whose command line contains `needle` (e.g. the browser's unique profile directory). */
export function pidsWithArgument(needle: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => (read(`/proc/${pid}/cmdline`) ?? '').split('\0').some((arg) => arg.includes(needle)));
}

/** `root` and all its descendants, found through the parent pid in /proc/<pid>/stat. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (Number.isFinite(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

export function isRenderer(pid: number): boolean {
  return (read(`/proc/${pid}/cmdline`) ?? '').includes('--type=renderer');
}

/**
 * The renderer processes of the Chromium started with the profile folder `profileDir` (the page, its workers and
 * ffmpeg.wasm live in the page's renderer; Chromium also keeps spare ones). Throws when that browser is not found.
 */
export function renderersOfBrowser(profileDir: string): () => number[] {
  // The browser process is the one started with the unique profile directory; renderers descend from it.
  const [browserPid] = pidsWithArgument(profileDir).filter((pid) => !isRenderer(pid)).sort((a, b) => a - b);
  if (browserPid === undefined) throw new Error(`no Chromium process with the profile ${profileDir} in /proc: cannot measure memory`);
  return () => processTree(browserPid).filter(isRenderer);
}

/** The RSS of each of `pids`, in bytes. */
export function rssByPid(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, rssBytes(pid)]));
}

/**
 * Samples the RSS of each process in `pids()` every SAMPLE_MS until stopped; `stop()` returns each one's peak
 * in bytes. Per process, not summed: Chromium keeps spare renderers that are not the page's.
 */
export function samplePeaks(pids: () => number[]): { stop(): Map<number, number> } {
  const peaks = new Map<number, number>();
  const sample = () => {
    for (const [pid, rss] of rssByPid(pids())) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, rss));
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}
