// Turns on the database's change tracking for this session (the triggers of migration 0006): from here on every
// change to a synced row is stamped by this installation's clock and recorded in the outbox, in the change's own
// transaction. The app's database does this right after it opens; the server never does.
import type { PGlite } from '@electric-sql/pglite';

export async function trackChanges(pg: Pick<PGlite, 'exec'>): Promise<void> {
  await pg.exec(`SET heimdex.outbox = 'on'`);
}

/** Inside a transaction that applies pulled changes: they keep their own stamps and are not sent back. */
export const APPLYING_REMOTE = `SET LOCAL heimdex.applying = 'on'`;
