/** Medians, truth matching and the printed table of `npm run bench`. */

export interface Measurement {
  wallS: number;
  cutsS: number[];
  peakRssBytes: number;
  /** Browser rows: the renderer's RSS when the task started (after the warm-up). */
  startRssBytes?: number;
  /** Browser rows: the renderer's RSS with the page alone, before the worker started. */
  pageRssBytes?: number;
  /** Which cut detector ran (browser rows). */
  method?: string;
  stages?: Record<string, number>;
  warmUpS?: number;
  /** WebCodecs: the strongest frames' cut strength. */
  strongest?: Array<{ timeS: number; strength: number }>;
}

export interface Truth {
  cuts: number[];
  durationS: number;
  fps: number;
}

export interface Row {
  name: string;
  /** Median wall time over the runs. */
  wallS: number;
  xRealTime: number;
  ratioVsNative: number;
  /** Truth cuts found within ±0.5 s (the worst run) and cuts found that match none (the worst run). */
  matched: number;
  falseCuts: number;
  /** The largest distance of a found cut from its true cut, in ms (the worst run). */
  maxOffsetMs: number;
  /** Highest peak RSS over the runs, in MB: the page's renderer process for browser rows, ffmpeg for native. */
  peakRssMB: number;
  /** Browser rows: the largest rise of the renderer's RSS during the task, in MB. */
  taskRiseMB?: number;
  /** Browser rows: median renderer RSS with the page alone, and after the warm-up, in MB. */
  pageRssMB?: number;
  warmRssMB?: number;
  method: string;
  stagesS?: Record<string, number>;
  warmUpS?: number;
  /** WebCodecs rows: strength range at the true cuts, and the strongest other frame. */
  separation?: { cutMin: number; cutMax: number; otherMax: number };
}

const TOLERANCE_S = 0.5;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * How many truth cuts a cut list finds within ±TOLERANCE_S (each found cut matches at most one truth cut), how
 * far off the matches are at most, and how many found cuts match none.
 */
export function matchCuts(found: number[], truth: number[]): { matched: number; falseCuts: number; maxOffsetS: number } {
  const unused = [...found];
  let matched = 0;
  let maxOffsetS = 0;
  for (const cut of truth) {
    const i = unused.findIndex((t) => Math.abs(t - cut) <= TOLERANCE_S);
    if (i >= 0) {
      matched++;
      maxOffsetS = Math.max(maxOffsetS, Math.abs(unused[i]! - cut));
      unused.splice(i, 1);
    }
  }
  return { matched, falseCuts: unused.length, maxOffsetS };
}

export function summarise(name: string, runs: Measurement[], truth: Truth): Row {
  const wallS = median(runs.map((r) => r.wallS));
  const matches = runs.map((r) => matchCuts(r.cutsS, truth.cuts));
  const methods = [...new Set(runs.map((r) => r.method ?? 'native'))];
  const row: Row = {
    name,
    wallS,
    xRealTime: truth.durationS / wallS,
    ratioVsNative: NaN,
    matched: Math.min(...matches.map((m) => m.matched)),
    falseCuts: Math.max(...matches.map((m) => m.falseCuts)),
    maxOffsetMs: Math.max(...matches.map((m) => m.maxOffsetS)) * 1000,
    peakRssMB: Math.max(...runs.map((r) => r.peakRssBytes)) / 2 ** 20,
    method: methods.join('/'),
  };
  if (runs.every((r) => r.startRssBytes !== undefined && r.pageRssBytes !== undefined)) {
    row.taskRiseMB = Math.max(...runs.map((r) => r.peakRssBytes - r.startRssBytes!)) / 2 ** 20;
    row.pageRssMB = median(runs.map((r) => r.pageRssBytes!)) / 2 ** 20;
    row.warmRssMB = median(runs.map((r) => r.startRssBytes!)) / 2 ** 20;
  }
  const stageNames = Object.keys(runs[0]?.stages ?? {});
  if (stageNames.length > 0) {
    row.stagesS = Object.fromEntries(stageNames.map((stage) => [stage, median(runs.map((r) => r.stages?.[stage] ?? NaN))]));
  }
  if (runs.every((r) => r.warmUpS !== undefined)) row.warmUpS = median(runs.map((r) => r.warmUpS!));
  const first = runs[0];
  if (first?.strongest) {
    // A strong frame is a cut's when it is one of the cuts found that match a true cut. (The WebCodecs path
    // may report a cut a frame or two late: see client/src/media/webcodecs/detect.ts.)
    const trueFinds = first.cutsS.filter((t) => truth.cuts.some((cut) => Math.abs(cut - t) <= TOLERANCE_S));
    const atCut = (t: number) => trueFinds.some((found) => Math.abs(found - t) < 0.5 / truth.fps);
    const cuts = first.strongest.filter((s) => atCut(s.timeS)).map((s) => s.strength);
    const others = first.strongest.filter((s) => !atCut(s.timeS)).map((s) => s.strength);
    if (cuts.length > 0) row.separation = { cutMin: Math.min(...cuts), cutMax: Math.max(...cuts), otherMax: Math.max(0, ...others) };
  }
  return row;
}

export function formatReport(rows: Row[], truth: Truth, machine: string, runs: number, threshold: number): string {
  const header = ['method', 'wall s', '× real time', 'vs native', `cuts (truth ${truth.cuts.length})`, 'cut Δ ms', 'peak RSS MB', 'task +MB', 'cut path'];
  const body = rows.map((r) => [
    r.name,
    r.wallS.toFixed(2),
    r.xRealTime.toFixed(1),
    `${r.ratioVsNative.toFixed(2)}×`,
    `${r.matched}/${truth.cuts.length}${r.falseCuts > 0 ? ` +${r.falseCuts} false` : ''}`,
    r.maxOffsetMs.toFixed(0),
    r.peakRssMB.toFixed(0),
    r.taskRiseMB === undefined ? '—' : `+${r.taskRiseMB.toFixed(0)}`,
    r.method,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [`\n${machine}; median of ${runs} runs`, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];

  for (const row of rows) {
    if (row.stagesS) {
      const parts = Object.entries(row.stagesS).map(([stage, s]) => `${stage} ${s.toFixed(2)} s`);
      out.push(`${row.name}: ${parts.join(', ')}`);
    }
  }
  const warmUp = rows.find((r) => r.warmUpS !== undefined)?.warmUpS;
  if (warmUp !== undefined) out.push(`browser rows exclude the warm-up (worker start + ffmpeg.wasm load + first probe): ${warmUp.toFixed(2)} s`);
  const memory = rows.find((r) => r.pageRssMB !== undefined);
  if (memory) {
    out.push(`page's renderer RSS: ${memory.pageRssMB!.toFixed(0)} MB with the page alone, ${memory.warmRssMB!.toFixed(0)} MB after the warm-up`);
  }
  for (const row of rows) {
    if (row.separation) {
      const { cutMin, cutMax, otherMax } = row.separation;
      out.push(
        `${row.name}: cut strength at the true cuts ${cutMin.toFixed(3)}–${cutMax.toFixed(3)}, strongest other frame ${otherMax.toFixed(3)} (threshold ${threshold})`,
      );
    }
  }
  out.push(
    'cut Δ: the largest distance of a found cut from its true cut (WebCodecs may report a cut ≤ 2 frames late: webcodecs/detect.ts).',
    'peak RSS: the page\'s renderer process (page, media worker, ffmpeg.wasm, WebCodecs decoder) for browser rows, the ffmpeg process for native;',
    'task +MB: its rise during the task, over the warmed-up worker.',
  );
  return out.join('\n');
}


/** The whole number after `flag` in `argv` (e.g. `--scenes 2000`), or undefined when the flag is absent. */
export function wholeNumberFlag(argv: readonly string[], flag: string): number | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} wants a whole number`);
  return n;
}

/** A Markdown table with aligned columns: the first left-aligned, the others (numbers) right-aligned. */
export function markdownTable(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
}
