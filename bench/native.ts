/** Native ffmpeg running the scene detection the issue compares against, timed and sampled for memory. */
import { spawn } from 'node:child_process';
import { samplePeaks } from '../scripts/process-memory.ts';

/** The reference command: the same scaling and scene threshold as the ffmpeg.wasm path. */
export const NATIVE_ARGS = (input: string) => [
  '-hide_banner', '-nostdin', '-i', input,
  '-vf', "scale=320:-2,select='gt(scene,0.3)',showinfo", '-an', '-f', 'null', '-',
];

export interface NativeRun {
  wallS: number;
  cutsS: number[];
  peakRssBytes: number;
}

export async function runNativeSceneDetection(input: string): Promise<NativeRun> {
  const started = performance.now();
  const child = spawn('ffmpeg', NATIVE_ARGS(input), { stdio: ['ignore', 'ignore', 'pipe'] });
  const memory = samplePeaks(() => (child.pid ? [child.pid] : []));
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const wallS = (performance.now() - started) / 1000;
  const peakRssBytes = Math.max(0, ...memory.stop().values());
  if (code !== 0) throw new Error(`native ffmpeg exited with ${code}:\n${log.slice(-2000)}`);
  return { wallS, cutsS: parseShowinfoTimes(log), peakRssBytes };
}

/**
 * Every frame that passed `select` is a cut. (Unlike the worker's command, which lets the first frame through
 * on purpose and skips n:0, here n:0 is the first cut.)
 */
export function parseShowinfoTimes(log: string): number[] {
  const times: number[] = [];
  for (const line of log.split(/\r?\n|\r/)) {
    const match = line.includes('Parsed_showinfo') ? /\bpts_time:\s*(-?[\d.]+)/.exec(line) : null;
    if (match) times.push(Math.round(Number(match[1]) * 1000) / 1000);
  }
  return times;
}
