// @vitest-environment node
// The backup's tar: what it writes is read back by itself and by GNU tar, and a damaged or short file is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTar, tarBlob, TarError } from './tar.ts';

const dir = mkdtempSync(join(tmpdir(), 'heimdex-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const longName = `media/keyframes/${'a'.repeat(36)}/${'b'.repeat(80)}.jpg`;
const entries = [
  { name: 'heimdex-backup.json', data: new Blob(['{"format":"heimdex-backup"}']) },
  { name: 'empty', data: new Blob([]) },
  { name: 'exactly-one-block', data: new Blob([new Uint8Array(512).fill(7)]) },
  { name: longName, data: new Blob([new Uint8Array(1000).map((_, i) => i % 251)]) },
];

async function readAll(archive: Blob) {
  const out: { name: string; bytes: Uint8Array }[] = [];
  for await (const entry of readTar(archive)) out.push({ name: entry.name, bytes: new Uint8Array(await entry.data.arrayBuffer()) });
  return out;
}

describe('tar', () => {
  it('reads back what it wrote, long names included', async () => {
    const read = await readAll(tarBlob(entries));
    expect(read.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    for (const [i, entry] of entries.entries()) expect(read[i]!.bytes).toEqual(new Uint8Array(await entry.data.arrayBuffer()));
  });

  it('writes an archive GNU tar lists and extracts byte for byte', async () => {
    const file = join(dir, 'a.tar');
    writeFileSync(file, new Uint8Array(await tarBlob(entries).arrayBuffer()));
    const listed = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual(entries.map((e) => e.name));
    execFileSync('tar', ['-xf', file, '-C', dir]);
    expect(new Uint8Array(readFileSync(join(dir, longName)))).toEqual(new Uint8Array(await entries[3]!.data.arrayBuffer()));
  });

  it('reads an archive GNU tar wrote (pax headers included)', async () => {
    writeFileSync(join(dir, 'x.txt'), 'hello');
    const file = join(dir, 'gnu.tar');
    execFileSync('tar', ['--format=pax', '-cf', file, '-C', dir, 'x.txt']);
    const read = await readAll(new Blob([readFileSync(file)]));
    expect(read.map((e) => [e.name, new TextDecoder().decode(e.bytes)])).toEqual([['x.txt', 'hello']]);
  });

  it('refuses a file that is not tar, a damaged header and an archive cut short', async () => {
    await expect(readAll(new Blob([new Uint8Array(2048).fill(65)]))).rejects.toThrow(TarError);
    const bytes = new Uint8Array(await tarBlob(entries).arrayBuffer());
    const damaged = bytes.slice();
    damaged[1024 + 3] = damaged[1024 + 3]! ^ 0xff; // inside the second entry's header
    await expect(readAll(new Blob([damaged]))).rejects.toThrow('The file is damaged.');
    await expect(readAll(new Blob([bytes.slice(0, 1500)]))).rejects.toThrow('The file ends too early');
    await expect(readAll(new Blob([]))).rejects.toThrow(TarError);
  });
});
