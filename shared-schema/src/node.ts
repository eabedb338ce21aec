import { fileURLToPath } from 'node:url';

/** The drizzle-kit output folder, for the Node migrators (PGlite and postgres.js). */
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));
