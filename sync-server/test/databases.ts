// The two databases every API suite runs on: embedded PGlite (what `npm start` uses) and Postgres over its
// wire protocol (postgres.js against @electric-sql/pglite-socket serving a PGlite with pgvector).
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openDatabase, type OpenDatabase } from '../src/db/open.ts';

/** The signing secret of every test app. */
export const SECRET = 'test-secret-0123456789abcdef0123456789';
/** Cheaper than OWASP's setting so the suites stay quick; the real setting is tested once (auth.test.ts). */
export const TEST_SCRYPT = { N: 2 ** 14, r: 8, p: 1 };

export interface TestDatabase {
  name: string;
  open(): Promise<{ database: OpenDatabase; close(): Promise<void> }>;
}

export const TEST_DATABASES: TestDatabase[] = [
  {
    name: 'embedded PGlite',
    async open() {
      const database = await openDatabase({ dataDir: 'memory://' });
      return { database, close: () => database.close() };
    },
  },
  {
    name: 'Postgres wire protocol (postgres.js)',
    async open() {
      const pg = await PGlite.create({ extensions: { vector, pg_trgm } });
      const server = new PGLiteSocketServer({ db: pg, port: 0, host: '127.0.0.1' });
      await server.start();
      const port = Number(server.getServerConn().split(':').pop());
      // One PGlite is one session: a larger pool interleaves protocol messages (STACK-NOTES).
      const database = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, dataDir: 'unused', poolMax: 1 });
      return {
        database,
        async close() {
          await database.close();
          await server.stop();
          await pg.close();
        },
      };
    },
  },
];
