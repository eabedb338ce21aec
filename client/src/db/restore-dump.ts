// Loads a backup's database into a new place and brings it up to this release's schema (see dump.ts). Runs in the
// restore worker on OPFS and, unchanged, in Node tests on a temporary folder: the storage is injected.
import type { PGlite } from '@electric-sql/pglite';
import type { Journal } from '@heimdex/shared-schema/migrations';
import { messageOf } from '../errors.ts';
import { becomeNewDevice, libraryCounts, unknownSchema, type LibraryCounts } from './dump.ts';
import { imageTar } from './image.ts';
import { applyMigrations } from './migrate.ts';

export const UNREADABLE_DATABASE =
  'This backup’s library could not be read: the file is damaged, or it was made by a version of Heimdex this one cannot read.';

/**
 * Loads `archive` (PGlite's data-directory archive) with `create`, applies the migrations it lacks, makes it a new
 * device for sync, and closes it. Answers what it holds; throws a plain sentence when it cannot be used (the caller
 * then discards what `create` wrote).
 */
export async function restoreDump(
  archive: Blob,
  migration: string,
  create: (image: Blob) => Promise<PGlite>,
  migrations: { journal: Journal; files: Record<string, string> },
): Promise<LibraryCounts> {
  const refusal = unknownSchema(migration, migrations.journal);
  if (refusal) throw new Error(refusal);
  let pg: PGlite;
  try {
    pg = await create(await imageTar(new Uint8Array(await archive.arrayBuffer())));
  } catch (error) {
    console.warn('The backup’s database did not load', error);
    throw new Error(UNREADABLE_DATABASE);
  }
  try {
    try {
      await applyMigrations(pg, migrations.journal, migrations.files);
    } catch (error) {
      throw new Error(`This backup’s library could not be brought up to date: ${messageOf(error)}`);
    }
    await becomeNewDevice(pg);
    return await libraryCounts(pg);
  } finally {
    await pg.close().catch(() => undefined);
  }
}
