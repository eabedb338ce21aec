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
        // The app shell is precached; the big engines (ffmpeg, PGlite, ORT wasm) and models are
        // cached on first use instead, so installing the app does not download ~60 MB at once.
        globPatterns: ['**/*.{js,css,html,png,svg}'],
        globIgnores: ['**/ffmpeg-core*', 'models/**', 'ort/**', 'tfjs/**'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallbackDenylist: [/^\/(health|auth|sync|search|models)/],
        runtimeCaching: [
          {
            urlPattern: ({ url, sameOrigin }) =>
              sameOrigin && /^\/(assets|models|ort|tfjs)\//.test(url.pathname),
            handler: 'CacheFirst',
            options: { cacheName: 'heimdex-engines-and-models', expiration: { maxEntries: 200 } },
          },
        ],
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
