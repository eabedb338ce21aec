// The sync protocol: devices, push and pull. One definition, validated with zod on the server and typed for the
// app. Every change names its kind in `type` (a discriminated union), carries the hybrid-logical-clock stamp of
// the change, the row's key, and the row's synced fields — or `row: null` for a deletion (a tombstone).
//
// Merge rule (last writer wins, whole row): a change applies when its stamp is greater than the stamp the
// receiver holds for that row, and is ignored otherwise; equal times are ordered by the node id inside the stamp.
// A tombstone is a row state like any other: a change stamped after a deletion brings the row back (the app
// revives a re-imported video under its old id), and an edit stamped before the deletion is dropped. Reviving a
// video does not revive its scenes: the reviving device sends them again. A tombstoned parent (video, person)
// means its children are gone too: a receiver hides or deletes them with it.
import { z } from 'zod';
import { HLC_PATTERN } from '../sync/hlc.ts';
import { decodeVector } from '../sync/vectors.ts';
import { videoState } from '../schema.ts';

/** Raised whenever the meaning of a request or answer changes. */
export const SYNC_PROTOCOL_VERSION = 1;
/** The oldest app the server still understands; older ones are told to update. */
export const MIN_SYNC_PROTOCOL_VERSION = 1;
/** Every /sync and /devices request names the protocol it speaks in this header. */
export const PROTOCOL_HEADER = 'heimdex-protocol';
/** Changes in one push batch (a batch is applied in one transaction and never split across pull pages). */
export const MAX_BATCH_CHANGES = 1000;
/** Largest push body accepted (413 above): about 1000 scenes with two 768-d vectors and long transcripts. */
export const MAX_PUSH_BYTES = 24 * 1024 * 1024;
export const MAX_PULL_LIMIT = 2000;
export const DEFAULT_PULL_LIMIT = 500;
/** Widest vector accepted (float32 values). */
export const MAX_VECTOR_DIMENSIONS = 4096;

const id = z.string().uuid('must be an id');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex');
const finite = z.number().finite();
const seconds = finite.min(0, 'must not be negative');
export const hlcSchema = z.string().regex(HLC_PATTERN, 'must be a clock stamp');

/** A vector as float32 little-endian bytes in base64 (see sync/vectors.ts), with the model that made it. */
export const wireVector = z.object({
  model: z.string().min(1, 'is required').max(200),
  data: z
    .string()
    .max(Math.ceil((MAX_VECTOR_DIMENSIONS * 4) / 3) * 4 + 4, `must have at most ${MAX_VECTOR_DIMENSIONS} dimensions`)
    .refine((b64) => {
      try {
        return decodeVector(b64).length > 0;
      } catch {
        return false;
      }
    }, 'must be base64 of float32 values'),
});
export type WireVector = z.infer<typeof wireVector>;

export const videoRow = z.object({
  title: z.string().max(1000),
  fileName: z.string().max(1000),
  sizeBytes: z.number().int().min(0),
  contentSha256: sha256,
  mime: z.string().max(200).nullable(),
  durationS: seconds.nullable(),
  width: z.number().int().min(0).nullable(),
  height: z.number().int().min(0).nullable(),
  fps: seconds.nullable(),
  state: z.enum(videoState.enumValues),
  error: z.string().max(10_000).nullable(),
  metadata: z.record(z.string(), z.unknown()),
  /**
   * Being indexed for the first time: not searched until done (videos.firstIndexing). Absent from apps made before
   * it existed, which searched such videos: false.
   */
  firstIndexing: z.boolean().default(false),
  /**
   * The device that holds the original file (its registered id). Required: the server never rewrites a field
   * without a new stamp, or the devices holding the old value would never learn of the change.
   */
  deviceId: id,
  /** When the video was added (ISO 8601). */
  createdAt: z.string().datetime({ offset: true }),
});
export const sceneRow = z.object({
  videoId: id,
  idx: z.number().int().min(0),
  startS: seconds,
  endS: seconds,
  keyframeS: seconds.nullable(),
  transcript: z.string().max(200_000),
  ocrText: z.string().max(200_000),
  thumbnailSha256: sha256.nullable(),
  imageVec: wireVector.nullable(),
  textVec: wireVector.nullable(),
});
export const segmentRow = z.object({ videoId: id, startS: seconds, endS: seconds, text: z.string().max(100_000) });
export const faceRow = z.object({
  sceneId: id,
  videoId: id,
  bbox: z.object({ x: finite, y: finite, w: finite, h: finite }),
  score: finite,
  embedding: wireVector.nullable(),
  personId: id.nullable(),
  personLocked: z.boolean(),
  cropSha256: sha256.nullable(),
});
export const personRow = z.object({
  name: z.string().max(500).nullable(),
  number: z.number().int().min(0),
  centroid: wireVector.nullable(),
  hidden: z.boolean(),
});
/** Link rows have nothing but their key: present or deleted. */
export const linkRow = z.object({});
export type VideoRow = z.infer<typeof videoRow>;
export type SceneRow = z.infer<typeof sceneRow>;
export type SegmentRow = z.infer<typeof segmentRow>;
export type FaceRow = z.infer<typeof faceRow>;
export type PersonRow = z.infer<typeof personRow>;

const change = <T extends string, K extends z.ZodRawShape, R extends z.ZodType>(type: T, key: K, row: R) =>
  z.object({ type: z.literal(type), hlc: hlcSchema, key: z.object(key), row: row.nullable() });

export const syncChange = z.discriminatedUnion('type', [
  change('video', { videoId: id }, videoRow),
  change('scene', { sceneId: id }, sceneRow),
  change('segment', { segmentId: id }, segmentRow),
  change('person', { personId: id }, personRow),
  change('face', { faceId: id }, faceRow),
  change('scenePerson', { sceneId: id, personId: id }, linkRow),
  change('neverMerge', { personA: id, personB: id }, linkRow).refine((c) => c.key.personA < c.key.personB, {
    message: 'must name the pair with personA < personB',
    path: ['key'],
  }),
]);
export type SyncChange = z.infer<typeof syncChange>;
export type SyncChangeType = SyncChange['type'];
/** A change of one kind. */
export type SyncChangeOf<T extends SyncChangeType> = Extract<SyncChange, { type: T }>;

export const pushRequest = z.object({
  deviceId: id,
  /** 1 for a device's first batch, then +1 for each batch; a retry resends the same number. */
  batchSeq: z.number().int().min(1),
  changes: z.array(syncChange).max(MAX_BATCH_CHANGES, `must hold at most ${MAX_BATCH_CHANGES} changes`),
});
export type PushRequest = z.infer<typeof pushRequest>;

/** A change the server could not apply and left out (the rest of the batch applied). */
export const droppedChange = z.object({
  type: z.string(),
  key: z.record(z.string(), z.string()),
  /** `parent-missing`: the video, scene or person it belongs to is not on the server (never pushed, or purged). */
  reason: z.enum(['parent-missing']),
});

export const pushResponse = z.object({
  type: z.literal('applied'),
  batchSeq: z.number().int(),
  /** True when this batch had been applied before (a retry): nothing was written again. */
  duplicate: z.boolean(),
  /** Changes that won and were written; `ignored` lost to a newer stamp on the server. */
  applied: z.number().int(),
  ignored: z.number().int(),
  dropped: z.array(droppedChange),
});
export type PushResponse = z.infer<typeof pushResponse>;

/** 409: the batch is from the future; send `expectedBatchSeq` (and those after it) first. */
export const batchGapResponse = z.object({ type: z.literal('batch-gap'), error: z.string(), expectedBatchSeq: z.number().int() });
export type BatchGapResponse = z.infer<typeof batchGapResponse>;

export const pullQuery = z.object({
  /** The `cursor` of the last page applied; 0 to start from scratch. */
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
  /** The pulling device: a device removed from the account is told so (404 unknown-device); its last-seen time is kept. */
  deviceId: id.optional(),
});
export type PullQuery = z.infer<typeof pullQuery>;

export const pullResponse = z.object({
  type: z.literal('changes'),
  /** In server order; a page always holds whole push batches (it may exceed `limit` for one large batch). */
  changes: z.array(syncChange),
  /** Store with the applied rows, in the same local transaction, and send as the next `cursor`. */
  cursor: z.number().int(),
  /** More pages wait: pull again at once. */
  more: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponse>;

/** 410: deletions older than this cursor were purged: drop the synced rows and pull again from cursor 0. */
export const startOverResponse = z.object({ type: z.literal('start-over'), error: z.string(), watermark: z.number().int() });
export type StartOverResponse = z.infer<typeof startOverResponse>;

/** 426: the app speaks a protocol the server no longer understands (or a newer one than it knows). */
export const updateRequiredResponse = z.object({
  type: z.literal('update-required'),
  error: z.string(),
  serverProtocol: z.number().int(),
  minProtocol: z.number().int(),
});
export type UpdateRequiredResponse = z.infer<typeof updateRequiredResponse>;

export const registerDeviceRequest = z.object({ name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters') });
export const deviceInfo = z.object({
  deviceId: id,
  name: z.string(),
  lastSeenAt: z.string().nullable(),
  createdAt: z.string(),
  /** The last push batch the server applied from this device. */
  lastBatchSeq: z.number().int(),
});
export type DeviceInfo = z.infer<typeof deviceInfo>;
export const devicesResponse = z.object({ devices: z.array(deviceInfo) });
