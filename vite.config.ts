import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';
import { isolationHeaders } from './sync-server/src/middleware/isolation.ts';
import { workerBuildOptions } from './vite.workers.ts';

export default defineConfig({
  root: 'client',
  publicDir: '../public',
  plugins: [
    solid(),
    VitePWA({
      // A new version waits until the person chooses to reload (ui/service-worker.ts registers it and
      // shows "Update available"): taking over by itself would reload the page under running work.
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Heimdex — private video search',
        short_name: 'Heimdex',
        description: 'Find any moment in your videos, on your device.',
        theme_color: '#0f172a',
        background_color: '#0b1120',
        display: 'standalone',
        start_url: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
        ],
      },
      workbox: {
        // Everything the app runs on is precached when the service worker installs, in the background: the
        // shell and every engine (PGlite, ffmpeg, ONNX Runtime, tfjs wasm, ~80 MB). An offline-first app must
        // open and index offline after one online visit, and a first visit's requests happen before the
        // worker controls the page, so caching engines "on first use" left a reload offline without them.
        // Models are not here: the person installs them from Settings into the app's own model store
        // (client/src/models/), which is what counts as "on this device".
        globPatterns: ['**/*.{js,mjs,css,html,png,svg,wasm,data,gz}'],
        globIgnores: ['models/**'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallbackDenylist: [/^\/(health|auth|sync|search|models)/],
      },
    }),
  ],
  ...workerBuildOptions,
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  optimizeDeps: {
    exclude: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', '@ffmpeg/ffmpeg', '@ffmpeg/util', 'onnxruntime-web'],
  },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // ffmpeg's core worker must stay a real file: inlined as a data: URL, load() hangs (STACK-NOTES).
    assetsInlineLimit: 0,
  },
});
