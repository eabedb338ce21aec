/** The benchmark page: runs the real media worker (client/src/media) on the file put into #file. */
import { createMediaClient, type MediaClient } from '../../client/src/media/client.ts';
import { buildScenes, chooseKeyframes } from '../../client/src/media/scenes.ts';
import type { ProbeInfo } from '../../client/src/media/types.ts';
import { disposeMemorySteps, memoryStep, prepareMemorySteps } from './memory-steps.ts';
import { benchModels } from './models.ts';
import type { BenchApi, BenchOutcome, BenchTask } from './protocol.ts';

let prepared: { media: MediaClient; file: File; info: ProbeInfo } | null = null;

const secondsSince = (start: number) => (performance.now() - start) / 1000;

async function prepare(): Promise<number> {
  dispose();
  const file = document.querySelector<HTMLInputElement>('#file')?.files?.[0];
  if (!file) throw new Error('no file in #file: bench/run.ts sets it with setInputFiles');
  const media = createMediaClient();
  const start = performance.now();
  prepared = { media, file, info: await media.probe(file) };
  return secondsSince(start);
}

async function run(task: BenchTask): Promise<BenchOutcome> {
  if (!prepared) throw new Error('call prepare() first');
  const { media, file, info } = prepared;
  const start = performance.now();
  if (task === 'ffmpeg-cuts' || task === 'webcodecs-cuts') {
    const method = task === 'ffmpeg-cuts' ? 'ffmpeg' : 'webcodecs';
    const cuts = await media.detectCutsDetailed(file, info, undefined, { method });
    return { wallS: secondsSince(start), cuts };
  }

  // The pipeline's media stages in its order (client/src/pipeline/stages.ts), with the default cut method.
  const stages: Record<string, number> = {};
  let t = performance.now();
  const probed = await media.probe(file);
  stages.probe = secondsSince(t);
  t = performance.now();
  await media.extractAudio(file, undefined, probed);
  stages.audio = secondsSince(t);
  t = performance.now();
  const cuts = await media.detectCutsDetailed(file, probed);
  stages.cuts = secondsSince(t);
  t = performance.now();
  // SCENE_DETECT's second step: cuts between stills that differ in a detail (media/still-changes.ts).
  const stills = await media.findStillChanges(file, probed, buildScenes(cuts.cutsS, probed.durationS));
  stages.stills = secondsSince(t);
  t = performance.now();
  const frames = await media.extractFrames(file, chooseKeyframes(buildScenes([...cuts.cutsS, ...stills.changesS], probed.durationS)));
  stages.thumbnails = secondsSince(t);
  if (frames.some((jpeg) => jpeg.byteLength === 0)) throw new Error('an empty thumbnail');
  return { wallS: secondsSince(start), cuts, stages, stills };
}

function dispose(): void {
  prepared?.media.abort();
  prepared = null;
}

const models = () => benchModels([...(document.querySelector<HTMLInputElement>('#file')?.files ?? [])]);

window.heimdexBench = { prepare, run, dispose, models, prepareMemorySteps, memoryStep, disposeMemorySteps } satisfies BenchApi;
