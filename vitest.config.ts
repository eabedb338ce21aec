import { defineConfig } from 'vitest/config';

const conditions = ['heimdex-source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      {
        resolve: { conditions },
        test: {
          name: 'unit',
          environment: 'node',
          include: ['shared-schema/test/**/*.test.ts', 'client/src/**/*.test.ts', 'sync-server/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 60_000,
          // Opening a PGlite (WASM Postgres) takes seconds on a busy 2-core machine.
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { conditions },
        test: {
          name: 'browser',
          environment: 'node',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
