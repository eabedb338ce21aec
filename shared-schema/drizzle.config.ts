import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './shared-schema/src/schema.ts',
  out: './shared-schema/migrations',
});
