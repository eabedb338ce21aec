// hnswlib (hnswlib-wasm: its C++ HNSW graphs built to WebAssembly), loaded once per thread, and only when a library
// has picture vectors: its ~0.7 MB of JavaScript (the WebAssembly inside) is a chunk of its own. The package names
// its entry only as a bundler's `module`, so it is imported by path, which Vite and Node both resolve.
import type { HnswlibModule } from 'hnswlib-wasm/dist/hnswlib.js';

const loadPackage = async () => (await import('hnswlib-wasm/dist/hnswlib.js')).loadHnswlib();

let loading: Promise<HnswlibModule> | null = null;

/**
 * The loaded module. Its Emscripten build runs only in a page or a worker: in Node (tests, the bench) it is loaded
 * with a page's two globals standing in, removed as soon as it has loaded, since PGlite looks for `document` to
 * find its own files. There it also says, once, that it cannot mount its IndexedDB file system; nothing of ours
 * uses that file system.
 */
export function loadHnswlib(): Promise<HnswlibModule> {
  return (loading ??= load());
}

async function load(): Promise<HnswlibModule> {
  const scope = globalThis as { window?: unknown; document?: unknown; importScripts?: unknown };
  const inNode = scope.window === undefined && typeof scope.importScripts !== 'function';
  if (!inNode) return loadPackage();
  scope.window = globalThis;
  scope.document = { currentScript: { src: import.meta.url } };
  try {
    return await loadPackage();
  } finally {
    delete scope.window;
    delete scope.document;
  }
}
