// /blobs/:sha256 — upload (PUT), download (GET) and existence check (HEAD, so a device skips what the server
// has) of a signed-in user's thumbnails and face crops. Thin: checks here, SQL in the repository.
import { createHash } from 'node:crypto';
import { blobParams, blobUploadHeaders, type BlobUploadResponse } from '@heimdex/shared-schema/protocol';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../auth/middleware.ts';
import { valid } from '../middleware/validate.ts';
import { looksLike, TYPE_NAMES } from './image-signature.ts';
import type { BlobQuota } from './quota.ts';
import type { BlobMeta, BlobRepo } from './repository.ts';

/** A thumbnail or face crop is tens of kilobytes; 2 MB leaves room for large ones and nothing else. */
export const DEFAULT_BLOB_MAX_BYTES = 2 * 1024 * 1024;

/**
 * The bytes at a hash never change, so the browser may keep them for good; `private` keeps them out of shared
 * caches and `Vary: Authorization` keeps one account's cached copy from answering another's request.
 */
const CACHE_HEADERS = { 'cache-control': 'private, max-age=31536000, immutable', vary: 'Authorization' };

export function blobRoutes(repo: BlobRepo, opts: { signedIn: MiddlewareHandler<AuthEnv>; maxBytes: number; quota: BlobQuota }) {
  const tooLarge = `The image is too large: the limit is ${formatSize(opts.maxBytes)}.`;
  return new Hono<AuthEnv>()
    .use('*', opts.signedIn)
    .put(
      '/:sha256',
      valid('param', blobParams),
      valid('header', blobUploadHeaders),
      bodyLimit({ maxSize: opts.maxBytes, onError: (c) => c.json({ error: tooLarge, limitBytes: opts.maxBytes }, 413) }),
      async (c) => {
        const userId = c.get('userId');
        const { sha256 } = c.req.valid('param');
        const contentType = c.req.valid('header')['content-type'];
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
          return c.json({ error: 'The image does not match its address: its sha256 differs. Upload it again.', field: 'sha256' }, 400);
        }
        if (!looksLike(contentType, bytes)) {
          return c.json({ error: `The image is not a ${TYPE_NAMES[contentType]} file as its type says.`, field: 'content-type' }, 400);
        }
        const answer = (sizeBytes: number, type = contentType): BlobUploadResponse => ({ sha256, contentType: type, sizeBytes });
        // A re-upload stores nothing and counts nothing against the quota.
        const existing = await repo.meta(userId, sha256);
        if (existing) return c.json(answer(existing.sizeBytes, existing.contentType), 200);
        await opts.quota.checkBlobBytes(userId, bytes.byteLength);
        const stored = await repo.insert({ userId, sha256, contentType, bytes });
        return c.json(answer(bytes.byteLength), stored ? 201 : 200);
      },
    )
    // Hono answers HEAD with the GET handler and drops the body; c.req.method tells the two apart so that a
    // HEAD (or a revalidation) never reads the bytes.
    .get('/:sha256', valid('param', blobParams), async (c) => {
      const userId = c.get('userId');
      const { sha256 } = c.req.valid('param');
      const etag = `"${sha256}"`;
      const notFound = () => c.json({ error: 'No such image.' }, 404);
      const headersOf = (blob: BlobMeta) => ({ ...CACHE_HEADERS, etag, 'content-type': blob.contentType, 'content-length': String(blob.sizeBytes) });
      const revalidating = c.req.header('if-none-match') === etag;
      if (c.req.method === 'HEAD' || revalidating) {
        const meta = await repo.meta(userId, sha256); // ownership is checked even when the bytes are not sent
        if (!meta) return notFound();
        return c.req.method === 'HEAD' ? c.body(null, 200, headersOf(meta)) : c.body(null, 304, { ...CACHE_HEADERS, etag });
      }
      const blob = await repo.read(userId, sha256);
      if (!blob) return notFound();
      return c.body(new Uint8Array(blob.bytes), 200, headersOf(blob)); // a copy: drivers hand back Buffer or Uint8Array
    });
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
