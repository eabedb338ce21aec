// The database side of backup and restore. A backup holds the database as PGlite's own data-directory archive
// (dumpDataDir): exact (vectors, indexes, sync bookkeeping, every table, nothing to map by hand) and loaded as it
// is by loadDataDir. What it does not carry over by itself is a schema upgrade: a backup records the last
// migration it had, and a restore loads it and runs the migrations this release added since (the same ones an
// upgrade of the app runs on open). A backup from a newer release, which this one cannot know, is refused.
import type { PGlite } from '@electric-sql/pglite';
import type { Journal } from '@heimdex/shared-schema/migrations';

/** The name of the error the DB worker throws when the stored library itself cannot be opened or upgraded. */
export const DAMAGED_LIBRARY = 'DamagedLibrary';

export interface DatabaseDump {
  /** PGlite's data-directory archive (tar.gz). */
  archive: Blob;
  /** The tag of the last migration the database had (shared-schema/migrations). */
  migration: string;
  /** What the library holds, for the person choosing a backup to restore. */
  counts: LibraryCounts;
  /** The content sha256 of each video by id (from its import), so that a restore can check the stored files. */
  videoHashes: Record<string, string>;
}

export interface LibraryCounts {
  videos: number;
  scenes: number;
  people: number;
}

/** The tag of the newest migration applied to `pg`, by drizzle's record of it (its journal time). */
export async function lastMigration(pg: PGlite, journal: Journal): Promise<string> {
  const { rows } = await pg.query<{ when: string }>('select max(created_at)::text as when from drizzle.__drizzle_migrations');
  const when = Number(rows[0]?.when);
  const entry = journal.entries.find((e) => e.when === when);
  if (!entry) throw new Error('The library’s database records no known schema version.');
  return entry.tag;
}

export async function libraryCounts(pg: PGlite): Promise<LibraryCounts> {
  const { rows } = await pg.query<LibraryCounts>(
    `select (select count(*) from videos where state <> 'DELETED')::int as videos,
            (select count(*) from scenes where not deleted)::int as scenes,
            (select count(*) from face_profiles where not deleted)::int as people`,
  );
  return rows[0]!;
}

export function makeDumpQueries(pg: PGlite, journal: Journal) {
  return {
    /** The whole database, for a backup. Runs in the worker's queue, between operations, never inside one. */
    async dumpDatabase(): Promise<DatabaseDump> {
      const migration = await lastMigration(pg, journal);
      const counts = await libraryCounts(pg);
      const { rows } = await pg.query<{ video_id: string; content_sha256: string }>(
        `select video_id, content_sha256 from videos where state <> 'DELETED'`,
      );
      const videoHashes = Object.fromEntries(rows.map((row) => [row.video_id, row.content_sha256]));
      await pg.exec('checkpoint'); // the archive then needs no recovery to load
      const archive = await pg.dumpDataDir('gzip');
      return { archive: new Blob([archive], { type: 'application/gzip' }), migration, counts, videoHashes };
    },
  };
}

export type DumpQueries = ReturnType<typeof makeDumpQueries>;

/** Why a backup's schema cannot be restored here, or null when this release knows it (it may be older). */
export function unknownSchema(migration: string, journal: Journal): string | null {
  if (journal.entries.some((e) => e.tag === migration)) return null;
  return 'This backup was made by a newer version of Heimdex. Update Heimdex on this device, then restore it.';
}

/**
 * After a restore: this installation is a new device, not the one the backup was made on. Two devices with one
 * identity would have their sync batches taken for each other's (and one's discarded as already applied), and
 * sharing one refresh token signs both out (reuse detection): so the restored library forgets its device id,
 * cursor and session (not which account the library belongs to), and pulls everything again after signing in. Changes not yet pushed stay in the outbox.
 */
export async function becomeNewDevice(pg: PGlite): Promise<void> {
  await pg.exec(`update device_sync_state
    set device_id = null, node = gen_random_uuid()::text, cursor = 0, last_batch_seq = 0, pending_batch = null,
        account = case when account is null then null else jsonb_build_object('owner', account->'owner', 'account', null) end`);
}
