/**
 * Builds the benchmark page (bench/page/) to dist-bench/: the real media and ML workers, ffmpeg.wasm and the
 * models of public/, without the app. Kept apart from the product build on purpose. Used by `npm run bench`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { workerBuildOptions } from '../vite.workers.ts';

export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  // The app's public/ (models, /ort/ and /tfjs/ runtimes) so the real ML worker loads what the app loads.
  publicDir: fileURLToPath(new URL('../public', import.meta.url)),
  // As in the app's build: ORT's external-wasm build, and ORT's glue in a chunk of its own in workers.
  ...workerBuildOptions,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist-bench', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // As in the app's build: ffmpeg's core worker must stay a real file (an inlined one hangs load()).
    assetsInlineLimit: 0,
  },
});
