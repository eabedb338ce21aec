// @vitest-environment node
// bytea through PGlite with shared-schema's codec (pglite-bytea.ts): what is written is read back byte for byte,
// the text form is PostgreSQL's own, and input it cannot read is refused in words, on a real PGlite.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBytea, PGLITE_BYTEA, serializeBytea } from '../src/pglite-bytea.ts';

let pg: PGlite;

beforeAll(async () => {
  pg = await PGlite.create(PGLITE_BYTEA);
  await pg.exec('create table blobs (id int primary key, bytes bytea)');
});
afterAll(async () => {
  await pg?.close();
});

const EVERY_BYTE = Uint8Array.from({ length: 256 }, (_, b) => b);
const THUMBNAIL_SIZED = Uint8Array.from({ length: 12_345 }, (_, i) => (i * 7919 + (i >> 8)) % 256);

describe('bytea through PGlite', () => {
  it.for([
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(0)],
    ['every byte value', EVERY_BYTE],
    ['a thumbnail-sized value', THUMBNAIL_SIZED],
  ] as const)('%s is written and read back unchanged, and PostgreSQL stores what was written', async ([, bytes]) => {
    const id = bytes.length;
    await pg.query('insert into blobs values ($1, $2)', [id, bytes]);
    const { rows } = await pg.query<{ bytes: Uint8Array; hex: string; length: number }>(
      `select bytes, encode(bytes, 'hex') as hex, octet_length(bytes) as length from blobs where id = $1`,
      [id],
    );
    expect(rows[0]!.bytes).toEqual(new Uint8Array(bytes));
    expect(rows[0]!.length).toBe(bytes.length);
    expect(rows[0]!.hex).toBe(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''));
  });

  it('reads upper-case digits, and refuses what is not PostgreSQL hex output', () => {
    expect(parseBytea('\\x0AfF')).toEqual(Uint8Array.of(0x0a, 0xff));
    expect(serializeBytea(Uint8Array.of(0x0a, 0xff))).toBe('\\x0aff');
    expect(() => parseBytea('abc\\000')).toThrow(/escape format/);
    expect(() => parseBytea('\\x0g')).toThrow(/not a hex digit/);
    expect(() => serializeBytea('text')).toThrow(/Uint8Array/);
  });
});
