import type { MiddlewareHandler } from 'hono';

/** Cross-origin isolation (SharedArrayBuffer, threaded WASM); Vite's dev and preview servers use the same. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/** COOP/COEP on every response, so the page is crossOriginIsolated. */
export function crossOriginIsolation(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(isolationHeaders)) c.res.headers.set(name, value);
  };
}
