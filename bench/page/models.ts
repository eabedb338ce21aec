/**
 * The model rows of the benchmark, on the page: every model of models.json through the real ML worker
 * (client/src/ml), on keyframes cut by the real media worker; and the whole pipeline's stages in order on
 * the 60 s fixture, with every model that is installed.
 */
import { createMediaClient, type MediaClient } from '../../client/src/media/client.ts';
import { buildScenes, chooseKeyframes } from '../../client/src/media/scenes.ts';
import { createMlClient, type MlClient } from '../../client/src/ml/client.ts';
import type { ModelStatus } from '../../client/src/ml/registry.ts';
import { DownloadError } from '../../client/src/models/download.ts';
import { installModel } from '../../client/src/models/installer.ts';
import { createOpfsPartials } from '../../client/src/models/partials.ts';
import { loadLock, loadManifest } from '../../client/src/models/store.ts';
import { isSameFace } from '../../client/src/ml/faces/distance.ts';
import { DEFAULT_SKIPS, NO_SKIPS, type AnalysisSkips } from '../../client/src/ml/skips.ts';
import { ocrTextOf } from '../../client/src/pipeline/understanding.ts';
import type { ModelBenchOutcome, ModelMeasurement, PipelineMeasurement, SkipsMeasurement, SkipTaskMeasurement } from './models-protocol.ts';

/** Queries for the text encoder: one at a time, as a search box sends them. */
const QUERIES = ['a person speaking', 'text on a screen', 'a red car on a street', 'people at a meeting', 'a city at night'];

const msSince = (start: number) => performance.now() - start;

async function keyframesOf(media: MediaClient, file: File): Promise<{ frames: Uint8Array[]; durationS: number }> {
  const info = await media.probe(file);
  const cuts = await media.detectCuts(file, info);
  const keyframes = await media.extractKeyframes(file, chooseKeyframes(buildScenes(cuts, info.durationS)));
  return { frames: keyframes.map((k) => k.frame), durationS: info.durationS };
}

/** One model in a fresh ML worker: its load (as the worker timed it) and its runs after the load. */
async function measureModel(model: ModelStatus, frames: Uint8Array[], pcm: Float32Array | null, audioS: number): Promise<ModelMeasurement> {
  const base = { id: model.id, name: model.name, task: model.task, default: model.default };
  if (!model.present) return { ...base, installed: false, reason: 'not installed (the server has no copy: `npm run models:fetch`)' };
  const ml = createMlClient();
  try {
    await ml.setPreferredModel(model.task, model.id);
    const started = performance.now();
    const measured: Partial<ModelMeasurement> = {};
    // The first call loads the model and runs it once on one input; the timed runs come after.
    switch (model.task) {
      case 'ocr': {
        await ml.ocr(frames.slice(0, 1));
        const t = performance.now();
        const { lines } = await ml.ocr(frames);
        measured.msPerKeyframe = msSince(t) / frames.length;
        measured.found = `${lines.filter((l) => ocrTextOf(l) !== '').length} of ${frames.length} keyframes with text`;
        break;
      }
      case 'faces': {
        await ml.faces(frames.slice(0, 1));
        const t = performance.now();
        const { faces } = await ml.faces(frames);
        measured.msPerKeyframe = msSince(t) / frames.length;
        measured.found = `${faces.reduce((n, f) => n + f.length, 0)} faces`;
        break;
      }
      case 'visual': {
        await ml.embedImages(frames.slice(0, 1));
        const t = performance.now();
        const { vectors } = await ml.embedImages(frames);
        measured.msPerKeyframe = msSince(t) / frames.length;
        await ml.embedText([QUERIES[0]!]); // loads the text tower
        const perQuery: number[] = [];
        for (const query of QUERIES) {
          const q = performance.now();
          await ml.embedText([query]);
          perQuery.push(msSince(q));
        }
        measured.msPerQuery = perQuery.sort((a, b) => a - b)[perQuery.length >> 1];
        measured.found = `${vectors[0]?.length ?? 0}-d vectors`;
        break;
      }
      case 'meaning': {
        await ml.embedMeaning([QUERIES[0]!]); // loads the model
        const perQuery: number[] = [];
        for (const query of QUERIES) {
          const q = performance.now();
          await ml.embedMeaning([query]);
          perQuery.push(msSince(q));
        }
        measured.msPerQuery = perQuery.sort((a, b) => a - b)[perQuery.length >> 1];
        measured.found = 'query embeddings';
        break;
      }
      case 'speech': {
        if (!pcm) return { ...base, installed: true, reason: 'the fixture has no audio' };
        const t = performance.now();
        const { transcript } = await ml.transcribe(new Blob([pcm as Float32Array<ArrayBuffer>]));
        const wallS = msSince(t) / 1000;
        measured.xRealTime = audioS / wallS;
        measured.found = `${transcript.segments.length} segments, language ${transcript.language}`;
        break;
      }
    }
    const status = (await ml.status()).find((s) => s.id === model.id);
    if (status && !status.loaded) return { ...base, installed: true, reason: status.error ?? 'did not load' };
    return { ...base, installed: true, device: status?.device ?? null, loadMs: status?.loadMs ?? null, wallMs: msSince(started), ...measured };
  } catch (error) {
    return { ...base, installed: true, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    ml.abort();
  }
}

/**
 * The pipeline's stages in their order (client/src/pipeline/plan.ts) on one file, each through the real
 * worker that runs it in the app, in fresh workers (so model loads count, as on a first import). The DB
 * writes between stages (a few ms each) are not part of it.
 */
async function measurePipeline(file: File, options: { skips?: AnalysisSkips; warmMl?: MlClient } = {}): Promise<PipelineMeasurement> {
  const { skips = DEFAULT_SKIPS, warmMl } = options;
  const media = createMediaClient();
  const ml: MlClient = warmMl ?? createMlClient();
  const stages: Record<string, number> = {};
  const skipped: Record<string, string> = {};
  const start = performance.now();
  const time = async <T>(stage: string, work: () => Promise<T>): Promise<T | null> => {
    const t = performance.now();
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error && error.name === 'ModelUnavailable') {
        skipped[stage] = error.message;
        return null;
      }
      throw error;
    } finally {
      stages[stage] = msSince(t) / 1000;
    }
  };
  try {
    const info = (await time('UPLOAD_VALIDATE', () => media.probe(file)))!;
    const pcm = await time('AUDIO_EXTRACT', () => media.extractAudio(file, undefined, info));
    // Both steps of SCENE_DETECT (pipeline/stages.ts): the cuts, then the changes between similar stills.
    const cuts = (await time('SCENE_DETECT', async () => {
      const detected = await media.detectCuts(file, info);
      const { changesS } = await media.findStillChanges(file, info, buildScenes(detected, info.durationS));
      return [...detected, ...changesS];
    }))!;
    const scenes = buildScenes(cuts, info.durationS);
    const keyframes = (await time('THUMBNAILS', () => media.extractKeyframes(file, chooseKeyframes(scenes))))!;
    const frames = keyframes.map((k) => k.frame);
    await time('VISION_EMBED', () => ml.embedImages(frames));
    await time('OCR', () => ml.ocr(frames, undefined, { skips }));
    await time('FACE_DETECT', () => ml.faces(frames, undefined, { skips }));
    if (pcm) await time('ASR_FAST', () => ml.transcribe(new Blob([pcm as Float32Array<ArrayBuffer>])));
    else skipped.ASR_FAST = 'no audio';
    return { wallS: msSince(start) / 1000, durationS: info.durationS, scenes: scenes.length, stages, skipped };
  } finally {
    media.abort();
    if (!warmMl) ml.abort();
  }
}

/**
 * The bench's browser profile starts empty: every model this server has is installed into its model store
 * first, as a person's Download in Settings would (the ML worker only runs what the browser holds).
 */
export async function installServedModels(): Promise<void> {
  const [manifest, lock] = await Promise.all([loadManifest(), loadLock()]);
  const partials = createOpfsPartials();
  for (const model of manifest.models) {
    // The server only: the bench never reaches a model's published source.
    await installModel(model, { lock, partials, fetch: (url, init) => (String(url).startsWith('/') ? fetch(url, init) : Promise.reject(new TypeError('offline bench'))) }).catch(
      (error: unknown) => {
        if (!(error instanceof DownloadError)) throw error;
      },
    );
  }
}

/** The mean wall time and stage times of runs of one pipeline. */
function meanPipeline(runs: PipelineMeasurement[]): PipelineMeasurement {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const stages = Object.fromEntries(Object.keys(runs[0]!.stages).map((stage) => [stage, mean(runs.map((r) => r.stages[stage] ?? 0))]));
  return { ...runs[0]!, wallS: mean(runs.map((r) => r.wallS)), stages };
}

/**
 * OCR and faces on the keyframes of a fixture whose shots repeat, with the skips off and then on, in one worker after
 * its model loaded (the same frames, the same run): ms per keyframe, keyframes that reused a result, and keyframes
 * whose result differs (none may); then the whole pipeline on that fixture both ways, twice each, models loaded.
 */
async function measureSkips(file: File, frames: Uint8Array[]): Promise<SkipsMeasurement> {
  const tasks: SkipTaskMeasurement[] = [];
  const ml = createMlClient();
  let pipelineOff: PipelineMeasurement, pipelineOn: PipelineMeasurement;
  try {
    for (const task of ['ocr', 'faces'] as const) {
      try {
        // What each keyframe gave, and whether two runs' results for one keyframe agree: the same text; as many
        // faces, each the same person as one of the other run's (JPEG noise moves a box by a pixel or two).
        const run = async (skips: AnalysisSkips) => {
          const t = performance.now();
          if (task === 'ocr') {
            const { lines, work } = await ml.ocr(frames, undefined, { skips });
            return { ms: msSince(t), work, found: lines.map((l) => ocrTextOf(l)) };
          }
          const { faces, work } = await ml.faces(frames, undefined, { skips });
          return { ms: msSince(t), work, found: faces.map((f) => f.map((face) => face.descriptor)) };
        };
        const agree = (a: string | Float32Array[], b: string | Float32Array[]) =>
          typeof a === 'string' || typeof b === 'string'
            ? a === b
            : a.length === b.length && a.every((face) => b.some((other) => isSameFace(face, other)));
        await run(NO_SKIPS); // loads the model
        const off = await run(NO_SKIPS);
        const on = await run(DEFAULT_SKIPS);
        tasks.push({
          task,
          msPerKeyframeOff: off.ms / frames.length,
          msPerKeyframeOn: on.ms / frames.length,
          reused: on.work.reused,
          differing: on.found.filter((found, i) => !agree(found, off.found[i]!)).length,
        });
      } catch (error) {
        tasks.push({ task, msPerKeyframeOff: 0, msPerKeyframeOn: 0, reused: 0, differing: 0, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    // The whole pipeline both ways in the worker whose models just loaded: on a short video a model load (seconds,
    // and as variable as the machine's load) would drown the difference. Off, on, on, off: a drift of the machine's
    // load during the runs weighs on both sides alike.
    const runs: Record<'off' | 'on', PipelineMeasurement[]> = { off: [], on: [] };
    for (const way of ['off', 'on', 'on', 'off'] as const) {
      runs[way].push(await measurePipeline(file, { skips: way === 'on' ? DEFAULT_SKIPS : NO_SKIPS, warmMl: ml }));
    }
    pipelineOff = meanPipeline(runs.off);
    pipelineOn = meanPipeline(runs.on);
  } finally {
    ml.abort();
  }
  return { fixture: file.name, keyframes: frames.length, tasks, pipelineOff, pipelineOn };
}

/**
 * `files[0]`: the 60 s fixture (pipeline, keyframes); the last: the fixture whose shots repeat (the skips rows); all
 * of them: keyframes for the model rows (text, faces).
 */
export async function benchModels(files: File[]): Promise<ModelBenchOutcome> {
  const media = createMediaClient();
  let frames: Uint8Array[] = [];
  let repeatingFrames: Uint8Array[] = [];
  let pcm: Float32Array | null = null;
  let audioS = 0;
  try {
    for (const file of files) {
      repeatingFrames = (await keyframesOf(media, file)).frames;
      frames = frames.concat(repeatingFrames);
    }
    const info = await media.probe(files[0]!);
    pcm = await media.extractAudio(files[0]!, undefined, info);
    audioS = pcm ? pcm.length / 16_000 : 0;
  } finally {
    media.abort();
  }
  await installServedModels();
  const probe = createMlClient();
  const statuses = await probe.status();
  probe.abort();
  const models: ModelMeasurement[] = [];
  for (const model of statuses) models.push(await measureModel(model, frames, pcm, audioS));
  const pipeline = await measurePipeline(files[0]!);
  const skips = files.length > 1 ? await measureSkips(files.at(-1)!, repeatingFrames) : null;
  return { keyframes: frames.length, audioS, models, pipeline, skips };
}
