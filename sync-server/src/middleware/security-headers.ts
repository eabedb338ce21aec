// Security headers on every response. The CSP is the one the app runs under: scripts and workers from our
// own origin (and blob: workers), WebAssembly compiled from fetched bytes ('wasm-unsafe-eval' — PGlite,
// ffmpeg, ONNX Runtime, tfjs), inline style attributes (Solid sets widths with them), images and media from
// blob: URLs (thumbnails, the player), and connections to our origin plus the model sources the app may
// download from (the hub and its file CDN, or whatever models.json names).
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** Where a model download may go besides our origin: Hugging Face answers files from its CDN hosts. */
export const HUB_ORIGINS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

export function securityHeaders(opts: { modelOrigins: readonly string[] }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
      workerSrc: ["'self'", 'blob:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'blob:', 'data:'],
      mediaSrc: ["'self'", 'blob:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'", ...new Set(opts.modelOrigins)],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      manifestSrc: ["'self'"],
    },
    // COOP/COEP are set by crossOriginIsolation(), with the values the app needs.
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: 'same-origin',
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
    strictTransportSecurity: 'max-age=31536000; includeSubDomains',
  });
}
