// What a Heimdex backup file holds, entry by entry (a tar, see tar.ts):
//   heimdex-backup.json        this manifest, always first: a file without it is not a backup
//   database.tar.gz            the database (PGlite's data-directory archive, see db/dump.ts)
//   media/<folder>/<name…>     the library's stored files (videos only when asked for; keyframes always)
// The raw data of a library that cannot be opened uses the same container, with kind 'raw':
//   raw/db/<name…>             the database folder's files as they lie in the browser's storage
//   media/<folder>/<name…>     as above
import type { LibraryCounts } from '../db/dump.ts';
import { MEDIA_FOLDERS, type MediaFolder } from '../db/location.ts';

export const MANIFEST_ENTRY = 'heimdex-backup.json';
export const DATABASE_ENTRY = 'database.tar.gz';
export const MEDIA_PREFIX = 'media/';
export const RAW_DB_PREFIX = 'raw/db/';
const FORMAT = 'heimdex-backup';
const VERSION = 1;

export interface MediaEntry {
  /** `<folder>/<name…>` inside the library's media, e.g. `videos/<videoId>`. */
  path: string;
  bytes: number;
  /** Known for videos (their content hash from import), checked on restore. */
  sha256?: string;
}

export interface BackupManifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  kind: 'library' | 'raw';
  createdAt: string;
  /** The last migration of the database (library backups). */
  migration: string | null;
  counts: LibraryCounts | null;
  database: { bytes: number; sha256: string } | null;
  media: MediaEntry[];
  /** Whether the videos themselves are in the file (a restore without them keeps their index, not their playback). */
  videos: boolean;
}

export function makeManifest(fields: Omit<BackupManifest, 'format' | 'version' | 'createdAt'>): BackupManifest {
  return { format: FORMAT, version: VERSION, createdAt: new Date().toISOString(), ...fields };
}

/** A file that is not a backup this release can restore, said in plain words. */
export class BackupRefused extends Error {
  override name = 'BackupRefused';
}

const NOT_A_BACKUP = 'This file is not a Heimdex backup.';

const isMediaPath = (path: unknown): path is string =>
  typeof path === 'string' &&
  MEDIA_FOLDERS.includes(path.split('/')[0] as MediaFolder) &&
  path.split('/').length >= 2 &&
  path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');

/** The manifest in `text`, checked field by field; throws BackupRefused. */
export function parseManifest(text: string): BackupManifest {
  let value: Partial<BackupManifest>;
  try {
    value = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    throw new BackupRefused(NOT_A_BACKUP);
  }
  if (value?.format !== FORMAT) throw new BackupRefused(NOT_A_BACKUP);
  if (typeof value.version !== 'number' || value.version > VERSION) {
    throw new BackupRefused('This backup was made by a newer version of Heimdex. Update Heimdex on this device, then restore it.');
  }
  if (value.kind === 'raw') {
    throw new BackupRefused('This file holds the raw data of a library that could not be opened, not a backup: it cannot be restored.');
  }
  const media = value.media;
  const valid =
    value.kind === 'library' &&
    typeof value.createdAt === 'string' &&
    typeof value.migration === 'string' &&
    typeof value.database?.bytes === 'number' &&
    typeof value.database.sha256 === 'string' &&
    Array.isArray(media) &&
    media.every((m) => isMediaPath(m?.path) && typeof m.bytes === 'number') &&
    typeof value.videos === 'boolean';
  if (!valid) throw new BackupRefused('This backup is damaged: its description of what it holds is incomplete.');
  return value as BackupManifest;
}
