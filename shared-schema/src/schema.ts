// The one data model of Heimdex, shared by the browser (PGlite) and the sync server (Postgres).
// Vector columns have no fixed dimension: the size depends on the model, and the model id is
// stored beside every vector so that vectors of two models are never compared.
import { sql, type SQL } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
/**
 * pgvector column without a fixed dimension: the size depends on the model that produced it.
 * Nearest-neighbour indexes are built per model as partial expression indexes with a cast.
 */
const vector = customType<{ data: number[]; driverData: string }>({
  dataType: () => 'vector',
  toDriver: (v) => `[${v.join(',')}]`,
  fromDriver: (v) => JSON.parse(v) as number[],
});
/** Small binary blobs (JPEG thumbnails, face crops). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/**
 * Sync bookkeeping on every synced row (videos, scenes, transcript segments, faces, people and their links).
 * `hlc`: the hybrid-logical-clock stamp of the row's last change (string order = last-writer-wins order);
 * null until the row is first stamped (rows written before sync existed).
 * `server_seq`: on the server, the user's monotonic change number given when the row last changed (what a
 * pull cursor counts); null in the browser until the client keeps it.
 * Both nullable so that the app's existing writes keep working unchanged.
 */
const syncColumns = () => ({
  hlc: text('hlc'),
  serverSeq: bigint('server_seq', { mode: 'number' }),
});

export const userTier = pgEnum('user_tier', ['FREE', 'PRO', 'ENTERPRISE']);
/** What a single-use emailed token is good for (the table is shared by both kinds). */
export const emailTokenPurpose = pgEnum('email_token_purpose', ['VERIFY_EMAIL', 'RESET_PASSWORD']);
export const videoState = pgEnum('video_state', [
  'UPLOADING',
  'VALIDATING',
  'PROCESSING',
  'INDEXED',
  'FAILED',
  'DELETED',
]);
export const jobState = pgEnum('job_state', ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED']);
/**
 * Pipeline stages, in the order they run: the database sorts a video's jobs by this enum's order.
 * Unlike the original server pipeline, speech (ASR_FAST) runs after the per-keyframe models: it is
 * the slowest stage on a CPU, and scenes, thumbnails, on-screen text and faces are on the video's page first (search
 * reads a video once its first run is done: videos.firstIndexing).
 */
export const jobStage = pgEnum('job_stage', [
  'UPLOAD_VALIDATE',
  'AUDIO_EXTRACT',
  'SCENE_DETECT',
  'KEYFRAMES',
  'THUMBNAILS',
  'VISION_EMBED',
  'OCR',
  'FACE_DETECT',
  'FACE_EMBED',
  'ASR_FAST',
  'TEXT_INDEX',
  'FINALIZE',
]);

export const users = pgTable('users', {
  userId: uuid('user_id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  /** Null for an account created from a Supabase sign-in: it has no password here until one is reset. */
  passwordHash: text('password_hash'),
  /** The Supabase user id (`sub`) an account was created from or linked to; null for local accounts. */
  externalId: text('external_id').unique(),
  tier: userTier('tier').notNull().default('FREE'),
  emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const devices = pgTable(
  'devices',
  {
    deviceId: uuid('device_id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** The last push batch applied from this device (the Replicache rule: the next one must be this + 1). */
    lastBatchSeq: bigint('last_batch_seq', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('devices_user_idx').on(t.userId)],
);

export const videos = pgTable(
  'videos',
  {
    videoId: uuid('video_id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    deviceId: uuid('device_id'),
    title: text('title').notNull(),
    fileName: text('file_name').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    contentSha256: text('content_sha256').notNull(),
    mime: text('mime'),
    durationS: doublePrecision('duration_s'),
    width: integer('width'),
    height: integer('height'),
    fps: doublePrecision('fps'),
    state: videoState('state').notNull().default('VALIDATING'),
    error: text('error'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The video is being indexed for the first time (imported, not yet INDEXED once): search leaves it out until
     * it is done, so that a search never answers from half a video. Stages run again later (a model installed,
     * Re-index) leave it false: the video stays searchable on what it had. Synced, so every device agrees.
     */
    firstIndexing: boolean('first_indexing').notNull().default(false),
    deleted: boolean('deleted').notNull().default(false),
    ...syncColumns(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One row per file per device: two devices that index the same file each hold their own copy, so their
    // synced rows never collide. The app's own videos have no device id yet; NULLS NOT DISTINCT keeps them
    // unique per content as before (needs PostgreSQL 15+).
    unique('videos_user_device_sha_key').on(t.userId, t.deviceId, t.contentSha256).nullsNotDistinct(),
    index('videos_user_state_idx').on(t.userId, t.state),
    index('videos_user_seq_idx').on(t.userId, t.serverSeq),
    // The user's videos that are not searched (search's ownScenes reads them once per statement): mostly none.
    index('videos_unsearched_idx')
      .on(t.userId)
      .where(sql`${t.deleted} or ${t.firstIndexing} or ${t.state} = 'DELETED'`),
  ],
);

export const jobs = pgTable(
  'jobs',
  {
    jobId: uuid('job_id').primaryKey().defaultRandom(),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.videoId, { onDelete: 'cascade' }),
    stage: jobStage('stage').notNull(),
    state: jobState('state').notNull().default('PENDING'),
    progress: real('progress').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    jobMetadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('jobs_video_stage_idx').on(t.videoId, t.stage)],
);

export const scenes = pgTable(
  'scenes',
  {
    sceneId: uuid('scene_id').primaryKey().defaultRandom(),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.videoId, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    idx: integer('idx').notNull(),
    startS: doublePrecision('start_s').notNull(),
    endS: doublePrecision('end_s').notNull(),
    keyframeS: doublePrecision('keyframe_s'),
    transcript: text('transcript').notNull().default(''),
    ocrText: text('ocr_text').notNull().default(''),
    /**
     * Search-only words derived from ocr_text (search/ocr-words.ts): its glued tokens split into dictionary words
     * ("WETPAINT" → "wet paint", search/glued-words.ts) and its decimal numbers with the other separator ("12,50" →
     * "12.50", search/decimal-numbers.ts). Never shown and never synced: each side computes it wherever ocr_text is
     * written; null until then (a start-up backfill fills the scenes of older versions).
     */
    ocrWords: text('ocr_words'),
    thumbnail: bytea('thumbnail'),
    /** The thumbnail as a content-addressed blob (sha256, hex): what sync carries instead of the bytes. */
    thumbnailSha256: text('thumbnail_sha256'),
    imageVec: vector('image_vec'),
    imageModel: text('image_model'),
    textVec: vector('text_vec'),
    textModel: text('text_model'),
    searchTsv: tsvector('search_tsv').generatedAlwaysAs(
      (): SQL =>
        sql`to_tsvector('english', coalesce(${scenes.transcript}, '') || ' ' || coalesce(${scenes.ocrText}, '') || ' ' || coalesce(${scenes.ocrWords}, ''))`,
    ),
    /**
     * The on-screen text's own words as search reads them (ocr_text and ocr_words, parsed): which of a hit's words
     * are on screen rather than said (search/sql.ts, detailsQuery). Kept by a trigger whenever ocr_text or ocr_words
     * is written (migration 0011), on both sides, and never synced; null for a scene written before it existed,
     * which search parses as it always did. Not a generated column: adding one rewrites the table and rebuilds
     * every index, HNSW included (minutes for a large library, at the first open after an update).
     */
    ocrTsv: tsvector('ocr_tsv'),
    deleted: boolean('deleted').notNull().default(false),
    ...syncColumns(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Live scenes only: a re-index replaces a video's scenes under new ids, and the old ones stay behind as
    // sync tombstones holding the same positions.
    uniqueIndex('scenes_video_idx_idx').on(t.videoId, t.idx).where(sql`${t.deleted} = false`),
    index('scenes_user_idx').on(t.userId),
    index('scenes_user_seq_idx').on(t.userId, t.serverSeq),
    // The GIN indexes' pending lists are kept to 512 kB (migration 0012): every search reads them.
    index('scenes_tsv_idx').using('gin', t.searchTsv),
    // On-screen text with its words run together (gluedQuery: ILIKE through the trigram index). The transcript has
    // none: no statement used it once typos were matched through scene_words (migration 0012 dropped it).
    index('scenes_ocr_trgm_idx').using('gin', t.ocrText.op('gin_trgm_ops')),
  ],
);

/**
 * Every word (three letters or more, lower-cased) of a user's live scenes' transcripts and on-screen text, with
 * how many scenes hold it: where a misspelt query word finds its spelling corrections and the words spelt like it
 * (search/sql.ts, alikeWordsQuery) through a trigram index over a few thousand words instead of the scenes' whole
 * texts. Kept by triggers on scenes (migration 0009_scene_words) on both sides; never synced. A word whose last
 * scene goes stays with 0 scenes. The word leads the key so that the trigram index, not the key, is the way in for a
 * user.
 */
export const sceneWords = pgTable(
  'scene_words',
  {
    word: text('word').notNull(),
    userId: uuid('user_id').notNull(),
    scenes: integer('scenes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.word, t.userId] }), index('scene_words_word_trgm_idx').using('gin', t.word.op('gin_trgm_ops'))],
);

export const transcriptSegments = pgTable(
  'transcript_segments',
  {
    segmentId: uuid('segment_id').primaryKey().defaultRandom(),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.videoId, { onDelete: 'cascade' }),
    startS: doublePrecision('start_s').notNull(),
    endS: doublePrecision('end_s').notNull(),
    text: text('text').notNull(),
    /**
     * The segment's words as full text parses them, kept with the row: a search's hit details match and rank the
     * segments of each hit (the moment to play from), which parsed ~3 segments of 50 hits every search (~1.3 ms at
     * 100k scenes). Not synced: each side computes it.
     */
    words: tsvector('words').generatedAlwaysAs((): SQL => sql`to_tsvector('english', ${transcriptSegments.text})`),
    /** Always set on the server (every statement there is scoped by user); the app's rows leave it empty. */
    userId: uuid('user_id'),
    deleted: boolean('deleted').notNull().default(false),
    ...syncColumns(),
    createdAt: createdAt(),
  },
  (t) => [
    index('transcript_segments_video_idx').on(t.videoId, t.startS),
    index('transcript_segments_user_seq_idx').on(t.userId, t.serverSeq),
  ],
);

export const faceProfiles = pgTable(
  'face_profiles',
  {
    personId: uuid('person_id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull(),
    name: text('name'),
    /** Stable per-user number, shown as "Person N" while the person has no name. */
    number: integer('number').notNull(),
    centroid: vector('centroid'),
    faceModel: text('face_model'),
    hidden: boolean('hidden').notNull().default(false),
    deleted: boolean('deleted').notNull().default(false),
    ...syncColumns(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('face_profiles_user_idx').on(t.userId), index('face_profiles_user_seq_idx').on(t.userId, t.serverSeq)],
);

export const faces = pgTable(
  'faces',
  {
    faceId: uuid('face_id').primaryKey().defaultRandom(),
    sceneId: uuid('scene_id')
      .notNull()
      .references(() => scenes.sceneId, { onDelete: 'cascade' }),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.videoId, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    bbox: jsonb('bbox').$type<{ x: number; y: number; w: number; h: number }>().notNull(),
    score: real('score').notNull(),
    embedding: vector('embedding'),
    faceModel: text('face_model'),
    crop: bytea('crop'),
    /** The crop as a content-addressed blob (sha256, hex): what sync carries instead of the bytes. */
    cropSha256: text('crop_sha256'),
    personId: uuid('person_id').references(() => faceProfiles.personId, { onDelete: 'set null' }),
    /** The user put this face in its person (split / move): automatic clustering leaves it there. */
    personLocked: boolean('person_locked').notNull().default(false),
    deleted: boolean('deleted').notNull().default(false),
    ...syncColumns(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('faces_scene_idx').on(t.sceneId),
    index('faces_person_idx').on(t.personId),
    index('faces_user_seq_idx').on(t.userId, t.serverSeq),
  ],
);

export const scenePeople = pgTable(
  'scene_people',
  {
    sceneId: uuid('scene_id')
      .notNull()
      .references(() => scenes.sceneId, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => faceProfiles.personId, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    deleted: boolean('deleted').notNull().default(false),
    ...syncColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.sceneId, t.personId] }),
    index('scene_people_person_idx').on(t.personId),
    index('scene_people_user_seq_idx').on(t.userId, t.serverSeq),
  ],
);

/** "Never merge these two": clustering keeps the two people apart. Stored once per pair, person_a < person_b. */
export const personNeverMerge = pgTable(
  'person_never_merge',
  {
    userId: uuid('user_id').notNull(),
    personA: uuid('person_a')
      .notNull()
      .references(() => faceProfiles.personId, { onDelete: 'cascade' }),
    personB: uuid('person_b')
      .notNull()
      .references(() => faceProfiles.personId, { onDelete: 'cascade' }),
    deleted: boolean('deleted').notNull().default(false),
    ...syncColumns(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.personA, t.personB] }),
    index('person_never_merge_b_idx').on(t.personB),
    index('person_never_merge_user_seq_idx').on(t.userId, t.serverSeq),
  ],
);

/** Per-user preferences that belong with the library (e.g. the chosen visual model). */
export const settings = pgTable(
  'settings',
  {
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    value: jsonb('value').$type<unknown>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenId: uuid('token_id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.userId, { onDelete: 'cascade' }),
    /** sha256 of the token: the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    familyId: uuid('family_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    replacedBy: uuid('replaced_by'),
    createdAt: createdAt(),
  },
  (t) => [index('refresh_tokens_user_idx').on(t.userId), index('refresh_tokens_family_idx').on(t.familyId)],
);

/** Emailed single-use tokens (email verification, password reset); only their sha256 is stored. */
export const emailVerificationTokens = pgTable(
  'email_verification_tokens',
  {
    tokenId: uuid('token_id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.userId, { onDelete: 'cascade' }),
    /** Added after the table: existing rows were verification tokens, hence the default. */
    purpose: emailTokenPurpose('purpose').notNull().default('VERIFY_EMAIL'),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('email_verification_tokens_user_idx').on(t.userId, t.purpose)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    eventId: uuid('event_id').primaryKey().defaultRandom(),
    userId: uuid('user_id'),
    action: text('action').notNull(),
    ip: text('ip'),
    eventMetadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_events_user_idx').on(t.userId, t.createdAt)],
);

export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull().default(0),
});

/**
 * Content-addressed images the index points at (scene thumbnails, face crops), kept by the sync server.
 * One row per user and hash: the same bytes uploaded by two users are stored twice, so that nothing (timing,
 * a skipped upload, a HEAD answer) ever tells one user what another holds. Thumbnails are small and rarely
 * shared between people, so deduplicating across users would save little for that risk.
 * `size_bytes` is kept beside the bytes so quota sums never read the bytes themselves.
 */
export const blobs = pgTable(
  'blobs',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.userId, { onDelete: 'cascade' }),
    /** Lowercase hex sha256 of `bytes`, checked by the server on upload. */
    sha256: text('sha256').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.sha256] }),
    check('blobs_sha256_hex', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('blobs_content_type', sql`${t.contentType} in ('image/jpeg', 'image/png', 'image/webp')`),
    check('blobs_size_matches', sql`${t.sizeBytes} = octet_length(${t.bytes})`),
  ],
);

/**
 * Server: per user, the next change number to give (`server_seq`, what pull cursors count) and the
 * tombstone-purge watermark (a cursor below it may have missed a purged deletion and must start over).
 * The row is locked for the length of a push, so one user's pushes apply one after another.
 */
export const userSyncState = pgTable('user_sync_state', {
  userId: uuid('user_id').primaryKey(),
  nextServerSeq: bigint('next_server_seq', { mode: 'number' }).notNull().default(1),
  purgeWatermark: bigint('purge_watermark', { mode: 'number' }).notNull().default(0),
});

/**
 * Server: one row per applied push, the server_seq range it took. A pull page ends on one of these
 * boundaries, so a device never applies half of another device's batch; the tombstone purge dates by it.
 */
export const syncBatches = pgTable(
  'sync_batches',
  {
    userId: uuid('user_id').notNull(),
    firstSeq: bigint('first_seq', { mode: 'number' }).notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
    deviceId: uuid('device_id').notNull(),
    batchSeq: bigint('batch_seq', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.lastSeq] })],
);

/**
 * App: this installation's sync state, one row (id 1). The clock (`clock_millis`, `clock_counter`, `node`) stamps
 * every local change (see the triggers of migration 0006); `device_id` is the id the server gave this device when
 * it signed in (null while signed out); `cursor` is the last pull page applied; `last_batch_seq` the last push
 * batch the server acknowledged; `pending_batch` the batch sent and not yet acknowledged, resent as it is (the
 * server skips a batch number it has applied, so a retry must carry the same changes); `account` the session.
 */
export const deviceSyncState = pgTable(
  'device_sync_state',
  {
    id: integer('id').primaryKey().default(1),
    node: text('node').notNull(),
    clockMillis: bigint('clock_millis', { mode: 'number' }).notNull().default(0),
    clockCounter: integer('clock_counter').notNull().default(0),
    deviceId: uuid('device_id'),
    cursor: bigint('cursor', { mode: 'number' }).notNull().default(0),
    lastBatchSeq: bigint('last_batch_seq', { mode: 'number' }).notNull().default(0),
    pendingBatch: jsonb('pending_batch').$type<unknown>(),
    /** The signed-in account with its tokens (null while signed out) and the account the library first synced with (client/src/sync/session.ts). */
    account: jsonb('account').$type<unknown>(),
  },
  (t) => [check('device_sync_state_one_row', sql`${t.id} = 1`)],
);

/**
 * App: the changes not yet pushed, one entry per changed row with the stamp of its latest change (a row changed
 * twice before a push is sent once, as it is then). Written only by the triggers of migration 0006, in the same
 * transaction as the change, so no write path of the app can forget it. `kind` is the protocol's change type,
 * `key` the change's key object.
 */
export const syncOutbox = pgTable(
  'sync_outbox',
  {
    kind: text('kind').notNull(),
    key: jsonb('key').$type<Record<string, string>>().notNull(),
    hlc: text('hlc').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), index('sync_outbox_hlc_idx').on(t.hlc)],
);
