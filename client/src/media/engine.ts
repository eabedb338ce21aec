import { FFFSType, FFmpeg } from '@ffmpeg/ffmpeg';
// Served from our own origin as build assets (never the CDN that ffmpeg.wasm defaults to).
import coreURL from '@ffmpeg/core?url';
import wasmURL from '@ffmpeg/core/wasm?url';
import { ANALYSIS_FILTER } from './analysis-size.ts';

/** Compiling the 32 MB core takes ~1 s here; a broken URL or an inlined worker hangs load() forever. */
const LOAD_TIMEOUT_MS = 60_000;
/**
 * ffmpeg.wasm 0.12 leaks wasm stack on every command (ffmpeg ends with exit(), which unwinds nothing:
 * ffmpegwasm/ffmpeg.wasm#820, #943) and traps with "memory access out of bounds" after 62–124 commands here,
 * depending on the command. A fresh instance every 24 commands stays far from that; reloading costs ~0.2 s.
 */
const COMMANDS_PER_INSTANCE = 24;
const INPUT_DIR = '/in';
export const OUTPUT_DIR = '/out';

export interface RunResult {
  /** ffmpeg's exit code (0 = success). */
  code: number;
  /** Everything ffmpeg printed during this run, one entry per line. */
  lines: string[];
}

interface Instance {
  ffmpeg: FFmpeg;
  commands: number;
}

/**
 * ffmpeg.wasm (the single-thread core, running in @ffmpeg/ffmpeg's own inner worker), loaded lazily, renewed
 * every COMMANDS_PER_INSTANCE commands and after a crash, and used by one job at a time. The input is mounted
 * with WORKERFS, so a File is read on demand and never copied into wasm memory.
 */
export class FfmpegEngine {
  #instance: Promise<Instance> | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #input: { file: File; name: string } | null = null;
  #lines: string[] = [];
  #onTime: ((seconds: number) => void) | undefined;

  /** Runs `job` once every earlier job has finished: ffmpeg.wasm executes one command at a time. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(job);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Mounts `file` read-only at /in for the duration of `job`, which receives the path to give ffmpeg. */
  async withInput<T>(file: File, job: (path: string) => Promise<T>): Promise<T> {
    const input = { file, name: `input${safeExtension(file.name)}` };
    const { ffmpeg } = await this.#current();
    await mount(ffmpeg, input);
    this.#input = input;
    try {
      return await job(`${INPUT_DIR}/${input.name}`);
    } finally {
      this.#input = null;
      const live = this.#instance;
      // The instance may have been renewed meanwhile; a failed unmount must not hide the job's own error.
      if (live) await live.then(({ ffmpeg: now }) => now.unmount(INPUT_DIR)).catch(() => this.dispose());
    }
  }

  /**
   * Runs one ffmpeg command and returns its exit code and log. `onTime` gets the position ffmpeg has reached
   * in the input, in seconds. A crash of the engine (not a failing command: that is a non-zero code) is
   * retried once on a fresh instance, as it may come from the commands before it.
   */
  async run(args: string[], onTime?: (seconds: number) => void): Promise<RunResult> {
    try {
      return await this.#runOnce(args, onTime);
    } catch (error) {
      if (!(error instanceof EngineCrash)) throw error;
      return await this.#runOnce(args, onTime);
    }
  }

  async #runOnce(args: string[], onTime?: (seconds: number) => void): Promise<RunResult> {
    let instance = await this.#current();
    if (instance.commands >= COMMANDS_PER_INSTANCE) {
      this.dispose();
      instance = await this.#current();
    }
    instance.commands++;
    this.#lines = [];
    this.#onTime = onTime;
    try {
      // ffmpeg.wasm ends every command, successful or not, with an "Aborted()" log line: not a crash. A crash
      // (out of bounds, out of memory) makes exec reject instead.
      const code = await instance.ffmpeg.exec(args);
      return { code, lines: this.#lines };
    } catch (error) {
      this.dispose();
      throw new EngineCrash(error);
    } finally {
      this.#onTime = undefined;
    }
  }

  /** Reads an output file, or returns null when the last command did not write it. */
  async readOutput(path: string): Promise<Uint8Array | null> {
    const { ffmpeg } = await this.#current();
    const entries = await ffmpeg.listDir(OUTPUT_DIR);
    if (!entries.some((entry) => `${OUTPUT_DIR}/${entry.name}` === path)) return null;
    const data = await ffmpeg.readFile(path);
    if (typeof data === 'string') throw new Error(`ffmpeg returned text for ${path}`);
    return data;
  }

  /**
   * Deletes an output file if it exists (outputs stay in the instance's memory until deleted). Never throws:
   * it runs in cleanup paths, and when deleting fails the instance is discarded instead.
   */
  async removeOutput(path: string): Promise<void> {
    const live = this.#instance;
    if (live === null) return;
    try {
      const { ffmpeg } = await live;
      const entries = await ffmpeg.listDir(OUTPUT_DIR);
      if (entries.some((entry) => `${OUTPUT_DIR}/${entry.name}` === path)) await ffmpeg.deleteFile(path);
    } catch {
      this.dispose();
    }
  }

  /** Stops the instance (and whatever it is running) at once; the next command loads a fresh one. */
  dispose(): void {
    const live = this.#instance;
    this.#instance = null;
    void live?.then(({ ffmpeg }) => ffmpeg.terminate()).catch(() => undefined);
  }

  #current(): Promise<Instance> {
    this.#instance ??= this.#load().catch((error: unknown) => {
      this.#instance = null;
      throw error;
    });
    return this.#instance;
  }

  async #load(): Promise<Instance> {
    const ffmpeg = new FFmpeg();
    ffmpeg.on('log', ({ message }) => this.#lines.push(message));
    // `time` is the input position reached, in microseconds.
    ffmpeg.on('progress', ({ time }) => this.#onTime?.(time / 1e6));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`The video engine (ffmpeg.wasm) did not start within ${LOAD_TIMEOUT_MS / 1000} s.`)),
        LOAD_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([ffmpeg.load({ coreURL, wasmURL }), timeout]);
      await ffmpeg.createDir(INPUT_DIR);
      await ffmpeg.createDir(OUTPUT_DIR);
      await warmUp(ffmpeg);
      // A renewed instance picks up the job's input where the old one had it.
      if (this.#input) await mount(ffmpeg, this.#input);
      return { ffmpeg, commands: 0 };
    } catch (error) {
      ffmpeg.terminate();
      throw error instanceof Error ? error : new Error(`The video engine (ffmpeg.wasm) failed to start: ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Readies a fresh instance for our commands. ffmpeg.wasm 0.12 can break in the first commands of a fresh instance, on
 * some pictures only — it traps, or spins at full CPU and never returns — while the same command always succeeds on an
 * instance that has run others first (why, inside ffmpeg.wasm, is not known).
 *
 * First the heap is grown in steps, well past what a command of ours needs: a first 1280 px JPEG trapped ("memory access
 * out of bounds") every time, a heap grown only to 1080p still trapped on one picture of the street-text video at 9.3 s,
 * and a first 4K JPEG traps on every fresh instance (ffmpegwasm/ffmpeg.wasm#823 reports the same).
 * Then one command of the kind the app runs: a two-frame 720p H.264 clip, made here, decoded through ANALYSIS_FILTER
 * into a JPEG. Without it, the first analysis frame of a fresh instance still broke on 10 of 313 sampled times of the
 * eval videos (5 hung, e.g. eval-people-2 at 5.333 s and eval-slides at 10.9 s; 3 trapped out of bounds; 2 with "null
 * function"); with it, on none (headless Chromium, each time the first command of a fresh media worker).
 * An instance renewed in the middle of a job (every COMMANDS_PER_INSTANCE commands) starts on whatever frame comes next:
 * indexing the 6 eval videos in a row with the still-change probes read from the cut pass (fewer commands before)
 * renewed it just before eval-people-2's keyframe at 5.333 s, and THUMBNAILS hung there every time.
 * Cost: ~0.35 s of heap steps and ~0.3 s of clip a load on 2 busy cores; an instance serves COMMANDS_PER_INSTANCE commands.
 */
async function warmUp(ffmpeg: FFmpeg): Promise<void> {
  const quiet = ['-hide_banner', '-loglevel', 'error'];
  const [picture, clip] = [`${OUTPUT_DIR}/warm-up.jpg`, `${OUTPUT_DIR}/warm-up.mp4`];
  try {
    for (const size of ['320x180', '640x360', '1280x720', '1920x1080', '2560x1440', '3840x2160']) {
      await ffmpeg.exec([...quiet, '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=1`, '-frames:v', '1', '-q:v', '3', '-f', 'mjpeg', picture]);
    }
    const made = await ffmpeg.exec([...quiet, '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-frames:v', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mp4', clip]);
    const read = made === 0 ? await ffmpeg.exec([...quiet, '-ss', '0.04', '-i', clip, '-frames:v', '1', '-vf', ANALYSIS_FILTER, '-q:v', '3', '-f', 'image2', '-update', '1', picture]) : made;
    // Not fatal (the engine still works, as before this step was added), but the first frame of an instance may break.
    if (read !== 0) console.warn(`The video engine's warm-up clip failed (ffmpeg exit code ${read}).`);
  } finally {
    for (const path of [picture, clip]) await ffmpeg.deleteFile(path).catch(() => undefined);
  }
}

/** ffmpeg.wasm itself failed (trap, out of memory, terminated), as opposed to a command exiting non-zero. */
class EngineCrash extends Error {
  constructor(cause: unknown) {
    super(`The video engine (ffmpeg.wasm) crashed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

async function mount(ffmpeg: FFmpeg, input: { file: File; name: string }): Promise<void> {
  await ffmpeg.mount(FFFSType.WORKERFS, { blobs: [{ name: input.name, data: input.file }] }, INPUT_DIR);
}

/** The file's extension (it helps ffmpeg guess raw formats), restricted to safe characters. */
function safeExtension(fileName: string): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1];
  return ext ? `.${ext.toLowerCase()}` : '';
}

/** The last few non-empty lines of a log, on one line: enough context for an error message. */
export function lastLines(lines: string[], count = 3): string {
  return lines
    .flatMap((line) => line.split(/\r?\n|\r/))
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'Aborted()')
    .slice(-count)
    .join(' | ');
}
