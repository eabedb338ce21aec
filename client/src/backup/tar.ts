// The backup's container: a POSIX tar (ustar, with a pax header for a file of 8 GiB or more or a long name), read
// by any archiver. Written as a Blob made of parts — headers, then the stored Files themselves — so that a backup of
// many gigabytes of video is never held in memory: the browser reads each File from disk as the Blob is saved.
// Read back by random access into the picked File (slices), for the same reason. Libraries for tar or zip produce
// a byte stream (and fflate's zip stops at 4 GiB per file), which would have to be held whole for a Blob download.

const BLOCK = 512;
/** The largest size the ustar size field (11 octal digits) holds. */
const USTAR_MAX_SIZE = 8 ** 11 - 1;
const USTAR_MAX_NAME = 100;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface TarInput {
  name: string;
  data: Blob;
}

/** A refused archive: not a tar, damaged, or cut short. The message is for people. */
export class TarError extends Error {
  override name = 'TarError';
}

function writeField(header: Uint8Array, offset: number, length: number, value: string): void {
  header.set(encoder.encode(value).subarray(0, length), offset);
}

const octal = (value: number, digits: number) => value.toString(8).padStart(digits, '0');

function header(name: string, size: number, type: '0' | 'x', mtime: number): Uint8Array<ArrayBuffer> {
  const block = new Uint8Array(BLOCK);
  writeField(block, 0, USTAR_MAX_NAME, name);
  writeField(block, 100, 8, `${octal(0o644, 7)}\0`);
  writeField(block, 108, 8, `${octal(0, 7)}\0`);
  writeField(block, 116, 8, `${octal(0, 7)}\0`);
  writeField(block, 124, 12, `${octal(Math.min(size, USTAR_MAX_SIZE), 11)}\0`);
  writeField(block, 136, 12, `${octal(Math.floor(mtime / 1000), 11)}\0`);
  writeField(block, 148, 8, '        '); // the checksum counts its own field as spaces
  writeField(block, 156, 1, type);
  writeField(block, 257, 8, 'ustar\x0000');
  const sum = block.reduce((total, byte) => total + byte, 0);
  writeField(block, 148, 8, `${octal(sum, 6)}\0 `);
  return block;
}

/** A pax record "<length> <key>=<value>\n", whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = encoder.encode(body).length;
  let length = bodyLength;
  while (bodyLength + String(length).length !== length) length = bodyLength + String(length).length;
  return `${length}${body}`;
}

const padding = (size: number) => new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);

/** The parts of one entry: a pax header when the size or name does not fit ustar, the header, the data, padding. */
function entryParts({ name, data }: TarInput, mtime: number): BlobPart[] {
  const parts: BlobPart[] = [];
  const nameBytes = encoder.encode(name).length;
  if (data.size > USTAR_MAX_SIZE || nameBytes > USTAR_MAX_NAME) {
    const records = encoder.encode(
      (data.size > USTAR_MAX_SIZE ? paxRecord('size', String(data.size)) : '') + (nameBytes > USTAR_MAX_NAME ? paxRecord('path', name) : ''),
    );
    parts.push(header('PaxHeader', records.length, 'x', mtime), records, padding(records.length));
  }
  parts.push(header(name, data.size, '0', mtime), data, padding(data.size));
  return parts;
}

/** A tar of `entries` in order, as a Blob that references the entries' data instead of copying it. */
export function tarBlob(entries: TarInput[], mtime = Date.now()): Blob {
  return new Blob([...entries.flatMap((entry) => entryParts(entry, mtime)), new Uint8Array(BLOCK * 2)], { type: 'application/x-tar' });
}

export interface TarEntry {
  name: string;
  /** The entry's bytes: a slice of the archive, read only when used. */
  data: Blob;
}

function checksumOk(block: Uint8Array): boolean {
  const stored = parseInt(decoder.decode(block.subarray(148, 156)).replace(/\0.*$/s, '').trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return stored === sum;
}

const text = (block: Uint8Array, offset: number, length: number) =>
  decoder.decode(block.subarray(offset, offset + length)).replace(/\0.*$/s, '');

function paxFields(records: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of records.split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match) fields[match[1]!] = match[2]!;
  }
  return fields;
}

/**
 * The files of a tar, in order, read by slicing `archive` (nothing is read but the headers). Throws TarError for
 * a header that is not tar, a damaged one, or an archive cut short.
 */
export async function* readTar(archive: Blob): AsyncGenerator<TarEntry> {
  let at = 0;
  let pax: Record<string, string> = {};
  for (;;) {
    if (at + BLOCK > archive.size) throw new TarError('The file ends too early: it was not saved completely.');
    const block = new Uint8Array(await archive.slice(at, at + BLOCK).arrayBuffer());
    if (block.every((byte) => byte === 0)) return; // the end-of-archive blocks
    if (!checksumOk(block)) throw new TarError(at === 0 ? 'The file is not a Heimdex backup.' : 'The file is damaged.');
    const type = String.fromCharCode(block[156]!);
    const size = pax.size ? Number(pax.size) : parseInt(text(block, 124, 12).trim() || '0', 8);
    const prefix = text(block, 345, 155);
    const name = pax.path ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
    const start = at + BLOCK;
    const end = start + size;
    if (!Number.isSafeInteger(size) || end > archive.size) throw new TarError('The file ends too early: it was not saved completely.');
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pax = paxFields(decoder.decode(await archive.slice(start, end).arrayBuffer()));
      continue;
    }
    pax = {};
    if (type === '0' || type === '\0') yield { name, data: archive.slice(start, end) };
  }
}
