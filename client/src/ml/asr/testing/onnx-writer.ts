// Test support: a minimal ONNX writer (protobuf wire format by hand, onnx.proto field numbers), enough
// to build the tiny test models of the speech and visual-embedding tests without any ONNX tooling.

type Field = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}
const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};
const int = (field: number, value: number | bigint): Field => Uint8Array.from([...varint(field << 3), ...varint(value)]);
const bytes = (field: number, value: Uint8Array): Field => concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(value.length)]), value]);
const str = (field: number, value: string): Field => bytes(field, new TextEncoder().encode(value));
const msg = (field: number, ...fields: Field[]): Field => bytes(field, concat(fields));

/** ONNX element types. */
export const FLOAT = 1;
export const INT64 = 7;
export const BOOL = 9;

/** A graph input (field 11) or output (field 12); string dims are symbolic. */
export function graphInput(name: string, elemType: number, dims: (number | string)[]): Field {
  return valueInfo(11, name, elemType, dims);
}
export function graphOutput(name: string, elemType: number, dims: (number | string)[]): Field {
  return valueInfo(12, name, elemType, dims);
}
function valueInfo(field: number, name: string, elemType: number, dims: (number | string)[]): Field {
  const shape = dims.map((d) => msg(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  return msg(field, str(1, name), msg(2, msg(1, int(1, elemType), msg(2, ...shape))));
}

/** A constant tensor (graph initializer). */
export function floatTensor(name: string, dims: number[], values: Float32Array): Field {
  return msg(5, ...dims.map((d) => int(1, d)), int(2, FLOAT), str(8, name), bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)));
}
export function int64Tensor(name: string, dims: number[], values: readonly number[]): Field {
  const data = BigInt64Array.from(values.map(BigInt));
  return msg(5, ...dims.map((d) => int(1, d)), int(2, INT64), str(8, name), bytes(9, new Uint8Array(data.buffer)));
}

export function node(opType: string, inputs: string[], outputs: string[], attributes: Field[] = []): Field {
  return msg(1, ...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, `${opType}_${outputs[0]}`), str(4, opType), ...attributes);
}
export const intsAttr = (name: string, values: number[]): Field => msg(5, str(1, name), ...values.map((v) => int(8, v)), int(20, 7));
export const intAttr = (name: string, value: number): Field => msg(5, str(1, name), int(3, value), int(20, 2));

/** A serialised ModelProto (IR 7, default-domain opset 13) holding one graph made of `graphFields`. */
export function onnxModel(graphFields: Field[]): Uint8Array {
  return concat([int(1, 7), str(2, 'heimdex-tiny'), msg(7, str(2, 'tiny'), ...graphFields), msg(8, str(1, ''), int(2, 13))]);
}
