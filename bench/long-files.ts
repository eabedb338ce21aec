/**
 * `npm run bench -- --only long-files [--lengths 10m,1h,3h]`: the tab's peak memory while importing and indexing a
 * long video, against its length, in the real built app (dist/). Fixtures are made by scripts/make-long-video.sh
 * (160x90, 2 fps, a cut every 20 s, a tone) into tests/fixtures/generated/long/ (git-ignored, kept between runs).
 * Each length runs in a fresh browser. Memory that grows with the length shows as a ratio to the shortest row well
 * above 1; the renderer's RSS (the page, its workers and ffmpeg.wasm) is the measure, the main thread's JS heap
 * is shown beside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../scripts/app-under-test.ts';
import { measureIndexing, type IndexingMemory } from '../scripts/indexing-memory.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CACHE = join(ROOT, 'tests/fixtures/generated/long');
const LENGTHS: Record<string, number> = { '10m': 600, '1h': 3600, '3h': 10_800 };
/** Indexing runs well above real time here; a stuck run must still end the bench. */
const timeoutFor = (seconds: number) => 120_000 + seconds * 200;

export function lengthsFromArgs(argv: string[]): string[] {
  const i = argv.indexOf('--lengths');
  const lengths = i < 0 ? Object.keys(LENGTHS) : (argv[i + 1] ?? '').split(',');
  for (const length of lengths) if (!(length in LENGTHS)) throw new Error(`--lengths takes a list of ${Object.keys(LENGTHS).join(', ')}`);
  return lengths;
}

function fixture(length: string): string {
  const file = join(CACHE, `long-${length}.mp4`);
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true });
    execFileSync('bash', [join(ROOT, 'scripts/make-long-video.sh'), String(LENGTHS[length]), file], { stdio: 'inherit' });
  }
  return file;
}

interface LongFileRow extends IndexingMemory {
  length: string;
  fileBytes: number;
  loadAtStart: number;
}

export async function runLongFilesBench(lengths: string[], distDir = process.env.HEIMDEX_DIST ?? 'dist'): Promise<string> {
  const files = lengths.map(fixture);
  const server = await startServer(distDir);
  const rows: LongFileRow[] = [];
  try {
    for (const [i, length] of lengths.entries()) {
      process.stdout.write(`long files: ${length}…\n`);
      const loadAtStart = loadavg()[0]!;
      const measured = await measureIndexing(server, files[i]!, timeoutFor(LENGTHS[length]!));
      rows.push({ length, fileBytes: statSync(files[i]!).size, loadAtStart, ...measured });
    }
  } finally {
    await server.stop();
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/long-files.json'), `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
  return formatLongFilesReport(rows);
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

export function formatLongFilesReport(rows: LongFileRow[]): string {
  const first = rows[0];
  const growth = (row: LongFileRow) => row.peakRssBytes - row.baselineRssBytes;
  return [
    '',
    'Long files: peak memory of the tab while importing and indexing (real app, 160x90 2 fps, a cut every 20 s, a tone;',
    'RSS of the page\'s renderer process from /proc, which holds the page, its workers and ffmpeg.wasm; a fresh browser per row)',
    '| length | file MB | scenes | index s | RSS before MB | peak RSS MB | growth MB | growth vs first | main-thread JS heap peak MB | load |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.length} | ${mb(row.fileBytes)} | ${row.scenes} | ${row.wallS.toFixed(0)} | ${mb(row.baselineRssBytes)} | ${mb(row.peakRssBytes)} | ` +
        `${mb(growth(row))} | ${first ? (growth(row) / growth(first)).toFixed(2) : '–'}× | ${mb(row.peakMainHeapBytes)} | ${row.loadAtStart.toFixed(1)} |`,
    ),
  ].join('\n');
}
