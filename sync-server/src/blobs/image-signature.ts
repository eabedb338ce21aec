// The first bytes of each image type a blob may have: an upload labelled image/png must be a PNG, so that
// what is served back under that type is what it says it is.
import type { BlobContentType } from '@heimdex/shared-schema/protocol';

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((ch) => ch.charCodeAt(0));

const SIGNATURES: Record<BlobContentType, (bytes: Uint8Array) => boolean> = {
  'image/jpeg': (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  'image/png': (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/webp': (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8),
};

export function looksLike(contentType: BlobContentType, bytes: Uint8Array): boolean {
  return SIGNATURES[contentType](bytes);
}

export const TYPE_NAMES: Record<BlobContentType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP' };
