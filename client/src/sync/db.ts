// The database as the sync code sees it: drizzle over the app's PGlite, or one of its transactions.
import type { PgliteDatabase } from 'drizzle-orm/pglite';

type Database = PgliteDatabase<Record<string, never>>;
export type SyncDb = Database | Parameters<Parameters<Database['transaction']>[0]>[0];
