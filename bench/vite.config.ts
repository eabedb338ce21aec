/**
 * Builds the benchmark page (bench/page/) to dist-bench/: the real media worker and its ffmpeg.wasm core,
 * without the app. Kept apart from the product build on purpose. Used by `npm run bench`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  publicDir: false,
  resolve: { conditions: ['heimdex-source'] },
  worker: { format: 'es' },
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist-bench', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // As in the app's build: ffmpeg's core worker must stay a real file (an inlined one hangs load()).
    assetsInlineLimit: 0,
  },
});
