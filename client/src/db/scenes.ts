// The scenes of a video as the app reads them: for the Video page (text, faces and people, without thumbnails or
// vectors), for the stages that need only their timing, and the thumbnails of the scenes shown (a search's cards,
// the Video page's scene strip) as they come into view.
import { scenes, type Scene } from '@heimdex/shared-schema';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from './types.ts';

export type SceneRow = Pick<Scene, 'sceneId' | 'idx' | 'startS' | 'endS' | 'keyframeS' | 'transcript' | 'ocrText'> & {
  faceCount: number;
  /** The people grouped from the scene's faces (hidden people left out), by name or "Person N". */
  people: { personId: string; name: string }[];
  hasImageVector: boolean;
};

/** Scene timing, for stages that need the spans. */
export type SceneTimes = Pick<SceneRow, 'sceneId' | 'idx' | 'startS' | 'endS' | 'keyframeS'>;

// Correlated subqueries name the outer column in full ("scenes"."scene_id"): drizzle renders a
// column of the statement's own table unqualified, which inside a subquery would bind to the
// subquery's table instead.

/** What a scene's timing is, for both reads (SceneTimes). */
const TIMES = { sceneId: scenes.sceneId, idx: scenes.idx, startS: scenes.startS, endS: scenes.endS, keyframeS: scenes.keyframeS };

export function makeSceneQueries(db: Db, userId: string) {
  const liveScenesOf = (videoId: string) => and(eq(scenes.videoId, videoId), eq(scenes.userId, userId), eq(scenes.deleted, false));

  return {
    /**
     * Scenes of a video in order, without thumbnails or vectors: the strip reads a scene's thumbnail as it comes
     * into view (sceneThumbnails), since a long video's hundreds of scenes (~12 KB of JPEG each) were read whole
     * each time the page or the pipeline moved on.
     */
    async listScenes(videoId: string): Promise<SceneRow[]> {
      const rows = await db
        .select({
          ...TIMES,
          transcript: scenes.transcript,
          ocrText: scenes.ocrText,
          faceCount: sql<number>`(select count(*)::int from faces f where f.scene_id = "scenes"."scene_id" and not f.deleted)`,
          people: sql<{ personId: string; name: string }[]>`(
            select coalesce(json_agg(json_build_object('personId', p.person_id, 'name', coalesce(p.name, 'Person ' || p.number))
                                     order by p.name nulls last, p.number), '[]'::json)
            from scene_people sp join face_profiles p on p.person_id = sp.person_id
            where sp.scene_id = "scenes"."scene_id" and p.user_id = ${userId} and not p.deleted and not p.hidden)`,
          hasImageVector: sql<boolean>`"scenes"."image_vec" is not null`,
        })
        .from(scenes)
        .where(liveScenesOf(videoId))
        .orderBy(asc(scenes.idx));
      return rows;
    },

    /**
     * The thumbnails of some scenes (a search's cards, the scene strip's scenes, as they come into view), of this
     * user's live scenes only; a scene without one, or no longer there, is left out.
     */
    async sceneThumbnails(sceneIds: readonly string[]): Promise<{ sceneId: string; thumbnail: Uint8Array }[]> {
      if (sceneIds.length === 0) return [];
      const rows = await db
        .select({ sceneId: scenes.sceneId, thumbnail: scenes.thumbnail })
        .from(scenes)
        .where(and(inArray(scenes.sceneId, [...sceneIds]), eq(scenes.userId, userId), eq(scenes.deleted, false), isNotNull(scenes.thumbnail)));
      return rows.flatMap((r) => (r.thumbnail ? [{ sceneId: r.sceneId, thumbnail: r.thumbnail }] : []));
    },

    async listSceneTimes(videoId: string): Promise<SceneTimes[]> {
      return db
        .select(TIMES)
        .from(scenes)
        .where(liveScenesOf(videoId))
        .orderBy(asc(scenes.idx));
    },
  };
}
