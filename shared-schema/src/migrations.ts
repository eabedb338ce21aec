// Builds drizzle's migration list from the SQL files' text, so that the same migrations can run
// where there is no file system (the browser): the bundler supplies the files, drizzle's
// PgDialect#migrate applies them and records them in its own __drizzle_migrations table, exactly
// as the Node migrator does (the two are interchangeable on one database).
export interface Journal {
  entries: { idx: number; when: number; tag: string; breakpoints: boolean }[];
}

export interface MigrationMeta {
  sql: string[];
  bps: boolean;
  folderMillis: number;
  hash: string;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `files` maps a migration tag (file name without `.sql`) to its SQL text. */
export async function buildMigrations(journal: Journal, files: Record<string, string>): Promise<MigrationMeta[]> {
  return Promise.all(
    journal.entries.map(async (entry) => {
      const text = files[entry.tag];
      if (text === undefined) throw new Error(`migration ${entry.tag}.sql is missing from the bundle`);
      return {
        sql: text.split('--> statement-breakpoint'),
        bps: entry.breakpoints,
        folderMillis: entry.when,
        hash: await sha256Hex(text),
      };
    }),
  );
}
