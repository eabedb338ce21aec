// Content-addressed blobs (scene thumbnails, face crops): `PUT`, `GET` and `HEAD /blobs/:sha256`.
import { z } from 'zod';

/** The image types a blob may have; the server stores the type given on upload and answers with it. */
export const BLOB_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type BlobContentType = (typeof BLOB_CONTENT_TYPES)[number];

/** A blob's address: the lowercase hex sha256 of its bytes. */
export const blobHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256 (64 characters)');

export const blobParams = z.object({ sha256: blobHashSchema });

/** `Content-Type` of an upload; parameters such as `; charset=…` are ignored. */
export const blobUploadHeaders = z.object({
  'content-type': z
    .string()
    .transform((v) => v.split(';')[0]!.trim().toLowerCase())
    .pipe(z.enum(BLOB_CONTENT_TYPES, { error: `must be one of ${BLOB_CONTENT_TYPES.join(', ')}` })),
});

/** The answer to an upload: 201 when stored now, 200 when the user already had it. */
export const blobUploadResponse = z.object({
  sha256: blobHashSchema,
  contentType: z.enum(BLOB_CONTENT_TYPES),
  sizeBytes: z.number().int().nonnegative(),
});
export type BlobUploadResponse = z.infer<typeof blobUploadResponse>;
