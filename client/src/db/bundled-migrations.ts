// The shared-schema migrations bundled by Vite (the browser has no file system to read them from).
import type { Journal } from '@heimdex/shared-schema/migrations';
import journal from '../../../shared-schema/migrations/meta/_journal.json';

export const migrationJournal: Journal = journal;

export const migrationFiles: Record<string, string> = import.meta.glob<string>(
  '../../../shared-schema/migrations/*.sql',
  { query: '?raw', import: 'default', eager: true },
);
