// Vectors on the wire: float32 little-endian bytes, base64 in JSON (4 bytes a dimension, about 5.3 characters
// after base64, against ~10 for a decimal); bit-exact in both directions, unlike decimal text.

export function encodeVector(values: ArrayLike<number>): string {
  const floats = Float32Array.from(values as ArrayLike<number>);
  const bytes = new Uint8Array(floats.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < floats.length; i++) view.setFloat32(i * 4, floats[i]!, true);
  let binary = '';
  // Chunked: String.fromCharCode with one argument per byte overflows the stack on large vectors.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Throws when the text is not base64 of a whole number of float32 values. */
export function decodeVector(base64: string): Float32Array {
  const binary = atob(base64);
  if (binary.length % 4 !== 0) throw new Error('A vector is a whole number of float32 values.');
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
