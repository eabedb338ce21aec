// Test support (Node only): the real sync server — its whole Hono app on an embedded PGlite — for the suites of
// one file, called in-process through `fetch` as the app's sync code calls the network.
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../../sync-server/src/app.ts';
import { SECRET, TEST_DATABASES, TEST_SCRYPT } from '../../../sync-server/test/databases.ts';

export interface TestServer {
  app: ReturnType<typeof buildApp>;
  /** `fetch` over the app (paths like '/sync/pull'); a test may wrap it to cut the network. */
  fetch: typeof fetch;
}

export function useTestServer(): TestServer {
  const server = {} as TestServer;
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const opened = await TEST_DATABASES[0]!.open();
    close = opened.close;
    server.app = buildApp({ database: opened.database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT } });
    server.fetch = (async (url: string, init?: RequestInit) => server.app.request(url, init)) as typeof fetch;
  });
  afterAll(() => close());
  return server;
}
