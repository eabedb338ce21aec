// What a stage's results write: applied by completeStage (jobs.ts) in the same transaction as the job's
// completion, so a stage's results and its COMPLETED job are stored together or not at all. Each write
// replaces what an earlier run of the stage wrote, so a re-run never duplicates rows.
import { faces, scenes, transcriptSegments, videos } from '@heimdex/shared-schema';
import { ocrWordsOf } from '@heimdex/shared-schema/search';
import { and, eq, sql } from 'drizzle-orm';
import type { ProbeInfo } from '../media/types.ts';
import { carriedPeople, facesBeforeRerun, settlePeopleAfterRerun } from './face-rerun.ts';
import { clusterVideoFaces, dropVideoFaces, forgetVideoFaces, recomputeScenePeople } from './people.ts';
import { ownVideo } from './scope.ts';
import { ensureTextVectorIndex } from './meaning.ts';
import { ensureVectorIndex } from './search.ts';
import type { Tx } from './types.ts';

/** What UPLOAD_VALIDATE learnt about the file, as the media worker reported it. */
export type ProbeRecord = ProbeInfo;

/** The results a stage writes together with its job's completion. */
export type StageWrite =
  | { kind: 'probe'; probe: ProbeRecord }
  | { kind: 'audio'; audio: { sampleRate: number; samples: number } | null }
  /** Replaces every scene of the video, so a re-run never duplicates rows. */
  | { kind: 'scenes'; scenes: { idx: number; startS: number; endS: number }[] }
  | { kind: 'keyframes'; keyframes: { idx: number; keyframeS: number }[] }
  | { kind: 'thumbnails'; thumbnails: { idx: number; jpeg: Uint8Array }[] }
  /** L2-normalised keyframe embeddings, stored with the model that made them. */
  | { kind: 'imageVectors'; modelId: string; vectors: { idx: number; vector: ArrayLike<number> }[] }
  | { kind: 'ocrText'; texts: { idx: number; text: string }[] }
  /**
   * L2-normalised sentence embeddings of what each scene says and shows, with the model that made them; null for a
   * scene with no text (its old vector, if any, goes: it no longer stands for the scene). `modelId` null: no model ran
   * (no scene had text), every vector given is null.
   */
  | { kind: 'textVectors'; modelId: string | null; vectors: { idx: number; vector: ArrayLike<number> | null }[] }
  /**
   * Replaces every face of the video (a re-run never duplicates rows); a new face where an old one was keeps its
   * person and the user's placing (face-rerun.ts).
   */
  | { kind: 'faces'; modelId: string; faces: SceneFace[] }
  /** Groups the video's unplaced faces into people (people.ts, clusterVideoFaces). */
  | { kind: 'people' }
  /** Replaces the video's transcript segments and sets each scene's transcript. */
  | { kind: 'transcript'; language: string; segments: { startS: number; endS: number; text: string }[]; sceneTexts: { idx: number; text: string }[] };

export interface SceneFace {
  idx: number;
  box: { x: number; y: number; w: number; h: number };
  score: number;
  descriptor: ArrayLike<number>;
  crop: Uint8Array | null;
}

export async function applyWrite(tx: Tx, userId: string, videoId: string, write: StageWrite): Promise<void> {
  switch (write.kind) {
    case 'probe': {
      const { durationS, width, height, fps } = write.probe;
      await tx
        .update(videos)
        .set({
          durationS,
          width,
          height,
          fps,
          metadata: sql`${videos.metadata} || jsonb_build_object('probe', ${JSON.stringify(write.probe)}::jsonb)`,
          updatedAt: sql`now()`,
        })
        .where(ownVideo(userId, videoId));
      return;
    }
    case 'audio':
      await tx
        .update(videos)
        .set({
          metadata: sql`${videos.metadata} || jsonb_build_object('audio', ${JSON.stringify(write.audio)}::jsonb)`,
          updatedAt: sql`now()`,
        })
        .where(ownVideo(userId, videoId));
      return;
    case 'scenes':
      await forgetVideoFaces(tx, userId, videoId);
      await tx.delete(scenes).where(eq(scenes.videoId, videoId));
      if (write.scenes.length > 0) {
        await tx
          .insert(scenes)
          .values(write.scenes.map((s) => ({ videoId, userId, idx: s.idx, startS: s.startS, endS: s.endS })));
      }
      return;
    case 'keyframes':
      for (const k of write.keyframes) await updateScene(tx, videoId, k.idx, 'keyframe', { keyframeS: k.keyframeS });
      return;
    case 'imageVectors':
      for (const v of write.vectors) {
        await updateScene(tx, videoId, v.idx, 'image vector', { imageVec: Array.from(v.vector), imageModel: write.modelId });
      }
      // The model's first vectors create its nearest-neighbour index; later writes keep it up to date.
      if (write.vectors[0]) await ensureVectorIndex(tx, write.modelId, write.vectors[0].vector.length);
      return;
    case 'textVectors': {
      for (const v of write.vectors) {
        if (v.vector && write.modelId === null) throw new Error(`text vector for scene ${v.idx} without the model that made it`);
        const values = v.vector ? { textVec: Array.from(v.vector), textModel: write.modelId } : { textVec: null, textModel: null };
        await updateScene(tx, videoId, v.idx, 'text vector', values);
      }
      const first = write.vectors.find((v) => v.vector !== null)?.vector;
      if (first && write.modelId !== null) await ensureTextVectorIndex(tx, write.modelId, first.length);
      return;
    }
    case 'ocrText':
      for (const t of write.texts) await updateScene(tx, videoId, t.idx, 'on-screen text', { ocrText: t.text, ocrWords: ocrWordsOf(t.text) });
      return;
    case 'faces': {
      const before = await facesBeforeRerun(tx, userId, videoId);
      const hadFaces = await dropVideoFaces(tx, userId, videoId);
      const sceneIds = new Map(
        (await tx.select({ idx: scenes.idx, sceneId: scenes.sceneId }).from(scenes).where(and(eq(scenes.videoId, videoId), eq(scenes.deleted, false)))).map(
          (r) => [r.idx, r.sceneId] as const,
        ),
      );
      const found = write.faces.map((f) => {
        const sceneId = sceneIds.get(f.idx);
        if (!sceneId) throw new Error(`face for scene ${f.idx}, which does not exist`);
        return { sceneId, box: f.box };
      });
      const carried = carriedPeople(before, found);
      if (write.faces.length > 0) {
        await tx.insert(faces).values(
          write.faces.map((f, i) => ({
            sceneId: found[i]!.sceneId,
            videoId,
            userId,
            bbox: f.box,
            score: f.score,
            embedding: Array.from(f.descriptor),
            faceModel: write.modelId,
            crop: f.crop,
            personId: carried[i]!.personId,
            personLocked: carried[i]!.locked,
          })),
        );
      }
      const kept = carried.flatMap((c) => (c.personId ? [c.personId] : []));
      await settlePeopleAfterRerun(tx, userId, write.modelId, [...hadFaces, ...kept]);
      await recomputeScenePeople(tx, userId, [...new Set(found.map((f) => f.sceneId))]);
      return;
    }
    case 'people':
      await clusterVideoFaces(tx, userId, videoId);
      return;
    case 'transcript': {
      await tx.delete(transcriptSegments).where(eq(transcriptSegments.videoId, videoId));
      if (write.segments.length > 0) {
        await tx.insert(transcriptSegments).values(write.segments.map((s) => ({ videoId, ...s })));
      }
      await tx.update(scenes).set({ transcript: '', updatedAt: sql`now()` }).where(eq(scenes.videoId, videoId));
      for (const t of write.sceneTexts) await updateScene(tx, videoId, t.idx, 'transcript', { transcript: t.text });
      await tx
        .update(videos)
        .set({ metadata: sql`${videos.metadata} || jsonb_build_object('language', ${write.language}::text)` })
        .where(ownVideo(userId, videoId));
      return;
    }
    case 'thumbnails':
      for (const t of write.thumbnails) await updateScene(tx, videoId, t.idx, 'thumbnail', { thumbnail: t.jpeg });
      return;
  }
}

/** Sets columns of one scene of the video; a result for a scene that does not exist fails the whole write. */
async function updateScene(tx: Tx, videoId: string, idx: number, what: string, values: Partial<typeof scenes.$inferInsert>) {
  const updated = await tx
    .update(scenes)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(scenes.videoId, videoId), eq(scenes.idx, idx)))
    .returning({ sceneId: scenes.sceneId });
  if (updated.length === 0) throw new Error(`${what} for scene ${idx}, which does not exist`);
}
