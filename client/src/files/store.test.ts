// @vitest-environment node
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashFile } from './store.ts';

describe('hashFile', () => {
  it('streams a multi-chunk file into the same sha256 as node:crypto, reporting progress up to 1', async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
    const parts = Array.from({ length: 8 }, (_, i) => bytes.subarray((i * bytes.length) / 8, ((i + 1) * bytes.length) / 8));
    const progress: number[] = [];
    const hex = await hashFile(new Blob(parts), (f) => progress.push(f));
    expect(hex).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
  });

  it('hashes an empty file', async () => {
    expect(await hashFile(new Blob([]))).toBe(createHash('sha256').digest('hex'));
  });
});

describe('hashFile cancellation', () => {
  it('stops reading when its signal is aborted', async () => {
    const controller = new AbortController();
    const blob = new Blob(Array.from({ length: 8 }, () => new Uint8Array(256 * 1024)));
    const hashing = hashFile(blob, () => controller.abort(), controller.signal);
    await expect(hashing).rejects.toMatchObject({ name: 'AbortError' });
  });
});
