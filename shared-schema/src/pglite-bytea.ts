// bytea to and from PGlite's text form ("\x" and two hex digits a byte), for PGlite.create's `parsers` and
// `serializers`. PGlite's own are per-byte JavaScript (parseInt of each pair of digits; toString and padStart of each
// byte, then a join): a search's 50 thumbnails of ~12 KB took ~35 ms to parse, where the statement itself took ~1 ms
// (measured in Node, PGlite 0.5). Both sides' PGlite databases use these; postgres.js has its own.

/** bytea's type OID, fixed in PostgreSQL's catalog. */
const BYTEA_OID = 17;

const HEX_DIGITS = '0123456789abcdef';
/** The value of each hex digit by character code; -1 for any other character. */
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  DIGIT_VALUE[HEX_DIGITS.charCodeAt(i)] = i;
  DIGIT_VALUE[HEX_DIGITS.toUpperCase().charCodeAt(i)] = i;
}
/** Each byte's two hex digits. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!);

/** Uint8Array.fromHex, where the engine has it (Chromium 140 and later; not Node 20). */
const nativeFromHex = (Uint8Array as unknown as { fromHex?: (hex: string) => Uint8Array }).fromHex;

/** The bytes of a bytea in PostgreSQL's hex output ("\x0aff…", bytea_output = hex, the default). */
export function parseBytea(text: string): Uint8Array {
  if (!text.startsWith('\\x')) throw new Error('A bytea value came in the escape format; only the hex format (the default) is read.');
  if (nativeFromHex) {
    try {
      return nativeFromHex(text.slice(2));
    } catch {
      throw new Error('A bytea value has a character that is not a hex digit.');
    }
  }
  const bytes = new Uint8Array((text.length - 2) >> 1);
  for (let i = 0, at = 2; i < bytes.length; i++, at += 2) {
    const high = DIGIT_VALUE[text.charCodeAt(at)] ?? -1;
    const low = DIGIT_VALUE[text.charCodeAt(at + 1)] ?? -1;
    if (high < 0 || low < 0) throw new Error(`A bytea value has a character that is not a hex digit at ${at}.`);
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

/** Bytes as a bytea literal in the hex format. */
export function serializeBytea(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new Error('A bytea parameter must be a Uint8Array.');
  const parts = new Array<string>(value.length);
  for (let i = 0; i < value.length; i++) parts[i] = BYTE_HEX[value[i]!]!;
  return `\\x${parts.join('')}`;
}

/** PGlite.create options: bytea read and written with the functions above. */
export const PGLITE_BYTEA = {
  parsers: { [BYTEA_OID]: parseBytea },
  serializers: { [BYTEA_OID]: serializeBytea },
};
