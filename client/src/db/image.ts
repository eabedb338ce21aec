// The prebuilt database image: an empty library, already initialised and migrated, that a fresh
// browser profile loads instead of running initdb (seconds) and every migration. The build makes it
// (scripts/db-image/build.ts) with the same PGlite, extensions and migrations as the DB worker.

/** Where the build writes the image, relative to the app's root (public/ in the source tree). */
export const DB_IMAGE_PATH = 'db/empty-library.tar.gz';

/**
 * The image as the uncompressed tar PGlite loads. Unzipped here rather than by PGlite, which decides
 * by MIME type (and an HTTP layer may already have unzipped it), and because the files must be
 * counted before PGlite starts (see tarFileCount).
 */
export async function imageTar(bytes: Uint8Array<ArrayBuffer>): Promise<Blob> {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const tar = gzipped ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).blob() : new Blob([bytes]);
  return new Blob([tar], { type: 'application/x-tar' });
}

/**
 * The regular files in a tar archive. opfs-ahp gives every file an access handle taken from a pool
 * that only grows between queries, so loading an image needs a pool at least this big up front.
 */
export function tarFileCount(tar: Uint8Array): number {
  const decoder = new TextDecoder();
  let count = 0;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break; // the end-of-archive blocks
    const size = parseInt(decoder.decode(header.subarray(124, 136)).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = header[156];
    if (type === 0x30 /* '0' */ || type === 0) count++;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return count;
}
