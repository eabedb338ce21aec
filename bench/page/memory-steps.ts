/**
 * The indexing pipeline's parts one at a time on the page, each kept alive after its step (as in the app's tab,
 * where the media and ML workers keep their engines and models between stages), so that bench/memory-steps.ts can
 * read the renderer's RSS between steps: what each part adds to the tab's memory while a video is indexed.
 */
import { createMediaClient, type MediaClient } from '../../client/src/media/client.ts';
import { buildScenes, chooseKeyframes } from '../../client/src/media/scenes.ts';
import type { ProbeInfo } from '../../client/src/media/types.ts';
import { createMlClient, type MlClient } from '../../client/src/ml/client.ts';
import { installServedModels } from './models.ts';
import type { MemoryStep } from './protocol.ts';

interface State {
  file: File;
  media: MediaClient;
  ml: MlClient;
  info?: ProbeInfo;
  cutsS?: number[];
  frames?: Uint8Array[];
  pcm?: Float32Array | null;
}

let state: State | null = null;

function current(): State {
  if (state) return state;
  const file = document.querySelector<HTMLInputElement>('#file')?.files?.[0];
  if (!file) throw new Error('no file in #file: the bench sets it with setInputFiles');
  state = { file, media: createMediaClient(), ml: createMlClient() };
  return state;
}

const need = <T>(value: T | undefined, step: string): T => {
  if (value === undefined) throw new Error(`run ${step} first`);
  return value;
};

/** Installs the models the server has into this profile (as Settings would), before any step is measured. */
export async function prepareMemorySteps(): Promise<void> {
  disposeMemorySteps();
  await installServedModels();
}

/**
 * Runs one step on the file in #file, after the steps before it; answers what it found, so no number is of an empty
 * run (a model this server does not have, as in the app, is skipped and says so).
 */
export async function memoryStep(step: MemoryStep): Promise<string> {
  try {
    return await runStep(step);
  } catch (error) {
    if (error instanceof Error && error.name === 'ModelUnavailable') return 'skipped: model not on this device';
    throw error;
  }
}

async function runStep(step: MemoryStep): Promise<string> {
  const s = current();
  switch (step) {
    case 'ffmpeg': {
      s.info = await s.media.probe(s.file); // starts the media worker, loads ffmpeg.wasm and grows its heap
      return `${s.info.width}x${s.info.height}, ${s.info.durationS.toFixed(0)} s`;
    }
    case 'audio': {
      s.pcm = await s.media.extractAudio(s.file, undefined, need(s.info, 'ffmpeg'));
      return `${s.pcm?.length ?? 0} samples`;
    }
    case 'webcodecs-cuts': {
      const cuts = await s.media.detectCutsDetailed(s.file, need(s.info, 'ffmpeg'), undefined, { method: 'webcodecs' });
      s.cutsS = cuts.cutsS;
      return `${cuts.cutsS.length} cuts`;
    }
    case 'keyframes': {
      const info = need(s.info, 'ffmpeg');
      const keyframes = await s.media.extractKeyframes(s.file, chooseKeyframes(buildScenes(need(s.cutsS, 'webcodecs-cuts'), info.durationS)));
      s.frames = keyframes.map((k) => k.frame);
      return `${s.frames.length} keyframes`;
    }
    case 'ml-worker': // the worker and its runtimes, no model yet (the app starts it on its own to list the models)
      return `${(await s.ml.status()).filter((m) => m.present).length} models on this device`;
    case 'visual':
      return `${(await s.ml.embedImages(need(s.frames, 'keyframes'))).vectors.length} vectors`;
    case 'ocr':
      return `${(await s.ml.ocr(need(s.frames, 'keyframes'))).lines.length} keyframes read`;
    case 'faces':
      return `${(await s.ml.faces(need(s.frames, 'keyframes'))).faces.flat().length} faces`;
    case 'speech': {
      const pcm = need(s.pcm, 'audio');
      if (!pcm) return 'no audio';
      const { transcript } = await s.ml.transcribe(new Blob([pcm as Float32Array<ArrayBuffer>]));
      return `${transcript.segments.length} segments`;
    }
  }
}

export function disposeMemorySteps(): void {
  state?.media.abort();
  state?.ml.abort();
  state = null;
}
