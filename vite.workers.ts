// Build options every bundle of our workers needs (the app's build and the bench page's).
import type { UserConfig } from 'vite';

export const workerBuildOptions = {
  // ORT's external-wasm build: its wasm comes from /ort/ (copied by models:copy), not a second 27 MB asset.
  resolve: { conditions: ['heimdex-source', 'onnxruntime-web-use-extern-wasm'] },
  worker: {
    format: 'es',
    // ORT in a chunk of its own: when its glue shares a chunk with other code, its pthread workers
    // re-import that chunk and die (STACK-NOTES). Worker bundles take their own rolldown options.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'onnxruntime-web', test: /node_modules[\\/]onnxruntime-(web|common)[\\/]/ }],
        },
      },
    },
  },
} satisfies UserConfig;
