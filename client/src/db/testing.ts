// Test support (Node only): a real in-memory PGlite with the extensions, migrated by drizzle's
// Node migrator — the same migrations and bookkeeping as the browser's bundled path.
import { PGlite } from '@electric-sql/pglite';
import { migrationsFolder } from '@heimdex/shared-schema/node';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { trackChanges } from '../sync/tracking.ts';
import { DB_OPTIONS } from './extensions.ts';
import { setPlannerCosts } from './planner-costs.ts';

let migratedImage: Promise<File | Blob> | undefined;

/**
 * A fresh, migrated database that tracks its changes for sync and knows what a vector distance and ILIKE cost
 * (planner-costs.ts), as the app's does. The first call migrates; later ones start from its data-dir image (faster).
 */
export async function openTestDatabase(): Promise<PGlite> {
  migratedImage ??= (async () => {
    const pg = await PGlite.create(DB_OPTIONS);
    await migrate(drizzle(pg), { migrationsFolder });
    await setPlannerCosts(pg);
    const image = await pg.dumpDataDir('none');
    await pg.close();
    return image;
  })();
  const pg = await PGlite.create({ loadDataDir: await migratedImage, ...DB_OPTIONS });
  await trackChanges(pg);
  return pg;
}
