// What each kind of synced change is in the database: its table, key columns, how its wire row maps to columns
// and back, and which rows it points at (its parents, which must exist and belong to the same user).
// The one place that knows both the protocol's shapes and the tables' columns: the server and the app both use it.
import {
  faceProfiles,
  faces,
  personNeverMerge,
  scenePeople,
  scenes,
  transcriptSegments,
  videos,
} from '../schema.ts';
import type { SyncChange, SyncChangeOf, SyncChangeType, VideoRow, WireVector } from '../protocol/sync.ts';
import { decodeVector, encodeVector } from './vectors.ts';
import { ocrWordsOf } from '../search/ocr-words.ts';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** Kinds a row can point at. */
export type ParentKind = 'video' | 'scene' | 'person';
export interface ParentRef {
  kind: ParentKind;
  id: string;
}

type Columns = Record<string, unknown>;
type SyncTable = PgTable & {
  userId: PgColumn;
  hlc: PgColumn;
  serverSeq: PgColumn;
  deleted: PgColumn;
};

export interface KindSpec<T extends SyncChangeType = SyncChangeType> {
  type: T;
  table: SyncTable;
  /** Key columns by the key field's name in the protocol. */
  keyColumns: Record<string, PgColumn>;
  /** Whether the table has `updated_at` to touch. */
  touchesUpdatedAt: boolean;
  /** The row's synced columns (by drizzle property name) from its wire form. */
  toColumns(row: NonNullable<SyncChangeOf<T>['row']>): Columns;
  /** The wire form of a selected row (drizzle property names). */
  fromColumns(row: Columns): NonNullable<SyncChangeOf<T>['row']>;
  /** Rows it points at; for a link, its key's rows. */
  parents(change: SyncChangeOf<T>): ParentRef[];
}

const vectorColumns = (v: WireVector | null) => (v ? { vec: Array.from(decodeVector(v.data)), model: v.model } : { vec: null, model: null });
const wireVector = (vec: unknown, model: unknown): WireVector | null =>
  Array.isArray(vec) && typeof model === 'string' ? { model, data: encodeVector(vec as number[]) } : null;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

const video: KindSpec<'video'> = {
  type: 'video',
  table: videos,
  keyColumns: { videoId: videos.videoId },
  touchesUpdatedAt: true,
  toColumns: (r) => ({ ...r, createdAt: new Date(r.createdAt) }),
  fromColumns: (c) => ({
    title: c.title as string,
    fileName: c.fileName as string,
    sizeBytes: Number(c.sizeBytes),
    contentSha256: c.contentSha256 as string,
    mime: c.mime as string | null,
    durationS: num(c.durationS),
    width: num(c.width),
    height: num(c.height),
    fps: num(c.fps),
    state: c.state as VideoRow['state'],
    error: c.error as string | null,
    metadata: c.metadata as Record<string, unknown>,
    firstIndexing: c.firstIndexing === true,
    deviceId: c.deviceId as string,
    createdAt: iso(c.createdAt),
  }),
  parents: () => [],
};

const scene: KindSpec<'scene'> = {
  type: 'scene',
  table: scenes,
  keyColumns: { sceneId: scenes.sceneId },
  touchesUpdatedAt: true,
  toColumns: ({ imageVec, textVec, ...r }) => {
    const image = vectorColumns(imageVec);
    const text = vectorColumns(textVec);
    // ocr_words is derived, never sent: each side splits the glued words of the on-screen text it receives.
    return { ...r, ocrWords: ocrWordsOf(r.ocrText), imageVec: image.vec, imageModel: image.model, textVec: text.vec, textModel: text.model };
  },
  fromColumns: (c) => ({
    videoId: c.videoId as string,
    idx: Number(c.idx),
    startS: Number(c.startS),
    endS: Number(c.endS),
    keyframeS: num(c.keyframeS),
    transcript: c.transcript as string,
    ocrText: c.ocrText as string,
    thumbnailSha256: c.thumbnailSha256 as string | null,
    imageVec: wireVector(c.imageVec, c.imageModel),
    textVec: wireVector(c.textVec, c.textModel),
  }),
  parents: (ch) => (ch.row ? [{ kind: 'video', id: ch.row.videoId }] : []),
};

const segment: KindSpec<'segment'> = {
  type: 'segment',
  table: transcriptSegments as typeof transcriptSegments & { userId: PgColumn },
  keyColumns: { segmentId: transcriptSegments.segmentId },
  touchesUpdatedAt: false,
  toColumns: (r) => ({ ...r }),
  fromColumns: (c) => ({ videoId: c.videoId as string, startS: Number(c.startS), endS: Number(c.endS), text: c.text as string }),
  parents: (ch) => (ch.row ? [{ kind: 'video', id: ch.row.videoId }] : []),
};

const person: KindSpec<'person'> = {
  type: 'person',
  table: faceProfiles,
  keyColumns: { personId: faceProfiles.personId },
  touchesUpdatedAt: true,
  toColumns: ({ centroid, ...r }) => {
    const v = vectorColumns(centroid);
    return { ...r, centroid: v.vec, faceModel: v.model };
  },
  fromColumns: (c) => ({
    name: c.name as string | null,
    number: Number(c.number),
    centroid: wireVector(c.centroid, c.faceModel),
    hidden: Boolean(c.hidden),
  }),
  parents: () => [],
};

const face: KindSpec<'face'> = {
  type: 'face',
  table: faces,
  keyColumns: { faceId: faces.faceId },
  touchesUpdatedAt: true,
  toColumns: ({ embedding, ...r }) => {
    const v = vectorColumns(embedding);
    return { ...r, embedding: v.vec, faceModel: v.model };
  },
  fromColumns: (c) => ({
    sceneId: c.sceneId as string,
    videoId: c.videoId as string,
    bbox: c.bbox as { x: number; y: number; w: number; h: number },
    score: Number(c.score),
    embedding: wireVector(c.embedding, c.faceModel),
    personId: c.personId as string | null,
    personLocked: Boolean(c.personLocked),
    cropSha256: c.cropSha256 as string | null,
  }),
  parents: (ch) =>
    ch.row
      ? [
          { kind: 'scene', id: ch.row.sceneId },
          { kind: 'video', id: ch.row.videoId },
          ...(ch.row.personId ? [{ kind: 'person' as const, id: ch.row.personId }] : []),
        ]
      : [],
};

const scenePerson: KindSpec<'scenePerson'> = {
  type: 'scenePerson',
  table: scenePeople,
  keyColumns: { sceneId: scenePeople.sceneId, personId: scenePeople.personId },
  touchesUpdatedAt: false,
  toColumns: () => ({}),
  fromColumns: () => ({}),
  parents: (ch) => [
    { kind: 'scene', id: ch.key.sceneId },
    { kind: 'person', id: ch.key.personId },
  ],
};

const neverMerge: KindSpec<'neverMerge'> = {
  type: 'neverMerge',
  table: personNeverMerge,
  keyColumns: { personA: personNeverMerge.personA, personB: personNeverMerge.personB },
  touchesUpdatedAt: false,
  toColumns: () => ({}),
  fromColumns: () => ({}),
  parents: (ch) => [
    { kind: 'person', id: ch.key.personA },
    { kind: 'person', id: ch.key.personB },
  ],
};

/** In parent-before-child order: a batch's upserts are applied, and a pull page is listed, in this order. */
export const KINDS: readonly KindSpec[] = [video, person, scene, segment, face, scenePerson, neverMerge] as KindSpec[];
export const KIND_RANK = new Map(KINDS.map((k, i) => [k.type, i]));
const BY_TYPE = new Map(KINDS.map((k) => [k.type, k]));
export const kindOf = (type: SyncChangeType): KindSpec => BY_TYPE.get(type)!;
/** The kinds that are parents, by parent kind name (single-id keys). */
export const PARENT_KIND: Record<ParentKind, KindSpec> = { video, scene, person } as Record<ParentKind, KindSpec>;

/** A stable text for a change's key (for de-duplication inside a batch). */
export const keyText = (change: SyncChange) => `${change.type}:${Object.values(change.key).join('/')}`;
