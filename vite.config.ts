import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { isolationHeaders } from './sync-server/src/middleware/isolation.ts';

export default defineConfig({
  root: 'client',
  publicDir: '../public',
  plugins: [solid()],
  resolve: { conditions: ['heimdex-source'] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: {
    exclude: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', '@ffmpeg/ffmpeg', '@ffmpeg/util'],
  },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // ffmpeg's core worker must stay a real file: inlined as a data: URL, load() hangs (STACK-NOTES).
    assetsInlineLimit: 0,
  },
});
