/**
 * What the app's change tracking (the sync outbox: every change to a synced row stamped by the installation's
 * clock and recorded in the same transaction, migration 0006) costs a stage's write, on PGlite in Node:
 * a long video's speech written as its stage completes (api.completeStage of ASR_FAST: the transcript segments in
 * one statement, then each scene's transcript), with tracking on as the app runs, against the same write with it
 * off (the reference), each on a fresh library. Sizes: about an hour of speech and about nine (~2 s a segment).
 * `npm run bench -- --only change-tracking`; writes bench/results/change-tracking.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { JobStage } from '@heimdex/shared-schema';
import { makeDbApi } from '../client/src/db/api.ts';
import type { StageCompletion } from '../client/src/db/jobs.ts';
import { openTestDatabase } from '../client/src/db/testing.ts';
import { markdownTable } from './report.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results/change-tracking.json');
const SEGMENT_COUNTS = [2_000, 16_000];
const SEGMENTS_PER_SCENE = 10;
const STAGES: JobStage[] = ['UPLOAD_VALIDATE', 'SCENE_DETECT', 'ASR_FAST', 'FINALIZE'];
const TEXT = 'so the next thing we want to look at is how the numbers changed';

interface Row {
  name: string;
  segments: number;
  ms: number;
  /** The reference's time over this row's; null for a reference. */
  vsReference: number | null;
}

/** One write of `segments` segments on a fresh library, tracked or not; its time in ms. */
async function speechWrite(segments: number, tracked: boolean): Promise<number> {
  const pg = await openTestDatabase(); // tracking on, as the app opens its library
  try {
    if (!tracked) await pg.exec(`set heimdex.outbox = 'off'`);
    const api = makeDbApi(pg);
    const sceneCount = Math.ceil(segments / SEGMENTS_PER_SCENE);
    const durationS = segments * 2;
    const created = await api.createVideo({ title: 'lecture', fileName: 'lecture.mp4', sizeBytes: 1, mime: 'video/mp4', contentSha256: `${segments}-${tracked}` });
    if (created.status !== 'created') throw new Error(created.status);
    const { videoId } = created;
    await api.queueVideo(videoId, STAGES);
    const run = async (stage: JobStage, completion: StageCompletion) => {
      if ((await api.startStage(videoId, stage)) === null) throw new Error(`${stage} could not start`);
      if (!(await api.completeStage(videoId, stage, completion))) throw new Error(`${stage} did not complete`);
    };
    const probe = { durationS, width: 640, height: 360, fps: 25, videoCodec: 'h264', audioCodec: 'aac', container: 'mp4' };
    await run('UPLOAD_VALIDATE', { outcome: 'done', writes: [{ kind: 'probe', probe }] });
    const scenes = Array.from({ length: sceneCount }, (_, idx) => ({ idx, startS: idx * SEGMENTS_PER_SCENE * 2, endS: (idx + 1) * SEGMENTS_PER_SCENE * 2 }));
    await run('SCENE_DETECT', { outcome: 'done', writes: [{ kind: 'scenes', scenes }] });
    const speech: StageCompletion = {
      outcome: 'done',
      writes: [
        {
          kind: 'transcript',
          language: 'en',
          segments: Array.from({ length: segments }, (_, i) => ({ startS: i * 2, endS: i * 2 + 2, text: `${TEXT} ${i}` })),
          sceneTexts: scenes.map((s) => ({ idx: s.idx, text: Array.from({ length: SEGMENTS_PER_SCENE }, () => TEXT).join(' ') })),
        },
      ],
    };
    const started = performance.now();
    await run('ASR_FAST', speech);
    return performance.now() - started;
  } finally {
    await pg.close();
  }
}

export async function runChangeTrackingBench(log: (line: string) => void = console.log): Promise<string> {
  const loadAverage = loadavg()[0]!.toFixed(1);
  log('change-tracking bench:');
  await speechWrite(200, true); // warms PGlite's WebAssembly and the statements up
  const rows: Row[] = [];
  for (const segments of SEGMENT_COUNTS) {
    log(`  ${segments} segments…`);
    const reference = await speechWrite(segments, false);
    const tracked = await speechWrite(segments, true);
    rows.push({ name: 'a video’s speech written, change tracking off (reference)', segments, ms: reference, vsReference: null });
    rows.push({ name: 'the same, tracked for sync (the app)', segments, ms: tracked, vsReference: reference / tracked });
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} (load ${loadAverage} at start); Node ${process.version}, PGlite in memory`;
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2)}\n`);
  const body = rows.map((r) => [r.name, String(r.segments), r.ms.toFixed(0), (r.ms / r.segments).toFixed(3), r.vsReference === null ? '—' : `${r.vsReference.toFixed(2)}×`]);
  return [
    `\n${machine}`,
    ...markdownTable(['change tracking (ASR_FAST write, PGlite in Node)', 'segments', 'ms', 'ms / segment', 'vs reference'], body),
    `A scene per ${SEGMENTS_PER_SCENE} segments; each write also sets every scene's transcript. vs reference: the untracked write's time over the row's.`,
    `written: ${RESULTS}`,
  ].join('\n');
}
