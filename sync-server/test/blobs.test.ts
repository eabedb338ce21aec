// @vitest-environment node
// Thumbnails and face crops through the real app (`app.request()`), on embedded PGlite and over the Postgres wire.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { DEFAULT_TIER_QUOTAS } from '../src/quota/limits.ts';
import { makeBlobRepo } from '../src/blobs/repository.ts';
import type { OpenDatabase } from '../src/db/open.ts';
import { TEST_DATABASES, SECRET, TEST_SCRYPT } from './databases.ts';


const require = createRequire(import.meta.url);
/** A real photo (shipped with @vladmandic/face-api). */
const JPEG = new Uint8Array(readFileSync(join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg')));
/** A PNG signature followed by every byte value, zeros included: what a careless bytea encoding would mangle. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 512 }, (_, i) => i % 256)]);
const WEBP = new Uint8Array([...Buffer.from('RIFF'), 30, 0, 0, 0, ...Buffer.from('WEBPVP8 '), 1, 2, 3, 4]);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(TEST_DATABASES)('blobs on $name', ({ open }) => {
  let database: OpenDatabase;
  let close: () => Promise<void>;
  let app: ReturnType<typeof buildApp>;
  let ada: { token: string; userId: string };
  let bob: { token: string; userId: string };

  beforeAll(async () => {
    ({ database, close } = await open());
    app = buildApp({ database, auth: { jwtSecret: SECRET, scrypt: TEST_SCRYPT } });
    ada = await register(app, 'ada@example.org');
    bob = await register(app, 'bob@example.org');
  });
  afterAll(() => close());

  const put = (token: string, bytes: Uint8Array<ArrayBuffer>, opts: { hash?: string; type?: string; on?: ReturnType<typeof buildApp> } = {}) =>
    (opts.on ?? app).request(`/blobs/${opts.hash ?? sha256(bytes)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': opts.type ?? 'image/jpeg' },
      body: bytes,
    });
  const get = (token: string, hash: string, method = 'GET', headers: Record<string, string> = {}) =>
    app.request(`/blobs/${hash}`, { method, headers: { authorization: `Bearer ${token}`, ...headers } });

  it('stores an upload and gives back the same bytes, with its type and for-good private caching', async () => {
    const hash = sha256(JPEG);
    const uploaded = await put(ada.token, JPEG);
    expect(uploaded.status).toBe(201);
    expect(await uploaded.json()).toEqual({ sha256: hash, contentType: 'image/jpeg', sizeBytes: JPEG.byteLength });

    const res = await get(ada.token, hash);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(JPEG.byteLength));
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(res.headers.get('etag')).toBe(`"${hash}"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(hash);
  });

  it('keeps every byte value exactly, and the type given on upload', async () => {
    expect((await put(ada.token, PNG, { type: 'image/png' })).status).toBe(201);
    const png = await get(ada.token, sha256(PNG));
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(PNG);

    expect((await put(ada.token, WEBP, { type: 'image/webp; charset=binary' })).status).toBe(201);
    const webp = await get(ada.token, sha256(WEBP));
    expect(webp.headers.get('content-type')).toBe('image/webp');
    expect(new Uint8Array(await webp.arrayBuffer())).toEqual(WEBP);
  });

  it('answers HEAD with the size and no body, so a device can skip what the server has', async () => {
    const bytes = jpegWith('head check');
    const before = await get(ada.token, sha256(bytes), 'HEAD');
    expect(before.status).toBe(404);
    await put(ada.token, bytes);
    const after = await get(ada.token, sha256(bytes), 'HEAD');
    expect(after.status).toBe(200);
    expect(after.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(after.headers.get('content-type')).toBe('image/jpeg');
    expect((await after.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers a revalidation with 304 and no body', async () => {
    const hash = sha256(JPEG);
    const res = await get(ada.token, hash, 'GET', { 'if-none-match': `"${hash}"` });
    expect(res.status).toBe(304);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('accepts a re-upload without storing or counting it twice', async () => {
    const repo = makeBlobRepo(database.db);
    const bytes = jpegWith('re-upload');
    expect((await put(ada.token, bytes)).status).toBe(201);
    const total = await repo.totalBytes(ada.userId);
    const again = await put(ada.token, bytes);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ sha256: sha256(bytes), contentType: 'image/jpeg', sizeBytes: bytes.byteLength });
    expect(await repo.totalBytes(ada.userId)).toBe(total);
  });

  it('refuses bytes that do not hash to their address, and stores nothing', async () => {
    const bytes = jpegWith('tampered');
    const wrongHash = sha256(jpegWith('something else'));
    const res = await put(ada.token, bytes, { hash: wrongHash });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'sha256', error: expect.stringContaining('does not match') });
    expect((await get(ada.token, wrongHash, 'HEAD')).status).toBe(404);
    expect((await get(ada.token, sha256(bytes), 'HEAD')).status).toBe(404);
  });

  it('refuses a malformed address, a type that is not an allowed image, and bytes that are not what the type says', async () => {
    const bad = await get(ada.token, 'ABC');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'sha256' });
    const upper = await put(ada.token, JPEG, { hash: sha256(JPEG).toUpperCase() });
    expect(upper.status).toBe(400);

    const html = new TextEncoder().encode('<script>alert(1)</script>');
    const asHtml = await put(ada.token, html, { type: 'text/html' });
    expect(asHtml.status).toBe(400);
    expect(await asHtml.json()).toEqual({ error: 'content-type must be one of image/jpeg, image/png, image/webp.', field: 'content-type' });
    const disguised = await put(ada.token, html, { type: 'image/png' });
    expect(disguised.status).toBe(400);
    expect(await disguised.json()).toEqual({ error: 'The image is not a PNG file as its type says.', field: 'content-type' });
    expect((await get(ada.token, sha256(html), 'HEAD')).status).toBe(404);
  });

  it('refuses an image over the limit with 413: 2 MB by default, or as configured', async () => {
    const huge = new Uint8Array(2 * 1024 * 1024 + 1);
    huge.set([0xff, 0xd8, 0xff]);
    const res = await put(ada.token, huge);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'The image is too large: the limit is 2 MB.', limitBytes: 2 * 1024 * 1024 });
    expect((await get(ada.token, sha256(huge), 'HEAD')).status).toBe(404);

    const small = buildApp({ database, auth: { jwtSecret: SECRET }, blobs: { maxBytes: 1024 } });
    expect((await put(ada.token, PNG, { type: 'image/png', on: small })).status).toBe(200); // 520 bytes, already stored
    const over = await put(ada.token, JPEG, { on: small });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: 'The image is too large: the limit is 1 KB.' });
  });

  it("never gives one user another's blob, even with its hash", async () => {
    const hash = sha256(JPEG); // Ada's
    expect((await get(bob.token, hash)).status).toBe(404);
    expect((await get(bob.token, hash, 'HEAD')).status).toBe(404);
    expect((await get(bob.token, hash, 'GET', { 'if-none-match': `"${hash}"` })).status).toBe(404);
    // Bob uploading the same bytes looks exactly like a first upload: nothing says someone else has them.
    const bobs = await put(bob.token, JPEG);
    expect(bobs.status).toBe(201);
    expect((await get(bob.token, hash)).status).toBe(200);
    expect(await makeBlobRepo(database.db).totalBytes(bob.userId)).toBe(JPEG.byteLength);
  });

  it('serves only signed-in users', async () => {
    const hash = sha256(JPEG);
    expect((await app.request(`/blobs/${hash}`)).status).toBe(401);
    const anonymousPut = await app.request(`/blobs/${hash}`, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body: JPEG });
    expect(anonymousPut.status).toBe(401);
    expect((await get('not.a.token', hash)).status).toBe(401);
  });

  it('keeps a user within their plan’s blob bytes, counting only new bytes', async () => {
    const used = await makeBlobRepo(database.db).totalBytes(bob.userId);
    const small = webpWith('fits');
    const quotas = { ...DEFAULT_TIER_QUOTAS, FREE: { scenes: 5000, blobBytes: used + small.byteLength + 100 } };
    const limited = buildApp({ database, auth: { jwtSecret: SECRET }, quotas });
    expect((await put(bob.token, small, { type: 'image/webp', on: limited })).status).toBe(201);
    expect((await put(bob.token, small, { type: 'image/webp', on: limited })).status).toBe(200); // already stored: adds nothing
    const refused = await put(bob.token, JPEG.subarray(0, 700), { on: limited });
    expect(refused.status).toBe(413);
    const body = (await refused.json()) as { error: string; quota: { limit: string; adding: number } };
    expect(body.error).toMatch(/^Your FREE plan holds .* of thumbnails and face crops; .* are used and this change adds 700 bytes\.$/);
    expect(body.quota).toMatchObject({ limit: 'blobBytes', adding: 700 });
    expect((await get(bob.token, sha256(JPEG.subarray(0, 700)), 'HEAD')).status).toBe(404);
  });
});

async function register(app: ReturnType<typeof buildApp>, email: string) {
  const res = await app.request('/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery' }),
  });
  const session = (await res.json()) as { accessToken: string; user: { userId: string } };
  return { token: session.accessToken, userId: session.user.userId };
}

function jpegWith(text: string) {
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode(text)]);
}

function webpWith(text: string) {
  return new Uint8Array([...WEBP, ...new TextEncoder().encode(text)]);
}
