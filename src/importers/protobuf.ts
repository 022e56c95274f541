import type protobuf from "protobufjs";

/**
 * Helpers shared by the protobuf-based importers (ONNX, TensorFlow): decoding with errors turned
 * into the caller's EgretError, field presence, and 64-bit integers. int64/uint64 fields decode to
 * Long-like objects (when the `long` package is present) or to plain numbers.
 */

export interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}
export type Int64 = LongLike | number;

/**
 * Whether an optional field was present in the decoded bytes: decoded objects own an optional
 * scalar or message field only when it was on the wire (repeated fields are always arrays).
 */
export function has<T extends object>(msg: T, field: keyof T & string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, field);
}

export function int64ToBigInt(v: Int64): bigint {
  if (typeof v === "number") return BigInt(Math.trunc(v));
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? BigInt.asUintN(64, bits) : BigInt.asIntN(64, bits);
}

/** int64 as a double; exact up to 2^53 (dims, axes); larger sentinels like INT64_MAX round. */
export function int64ToNumber(v: Int64): number {
  return typeof v === "number" ? v : Number(int64ToBigInt(v));
}

export interface TopLevelFields {
  /** (field number, wire type) in file order, up to the first malformed byte or the limit. */
  readonly fields: [number, number][];
  /** The last field read runs past the end of the bytes: its tag is whole, its value is cut. */
  readonly truncated: boolean;
}

/**
 * Reads the top-level fields of a protobuf message without its schema (format detection, and
 * telling a truncated file from a corrupt one): tags and wire types, skipping the values.
 */
export function readTopLevelFields(bytes: Uint8Array, limit = Number.MAX_SAFE_INTEGER): TopLevelFields {
  const fields: [number, number][] = [];
  let pos = 0;
  const varint = (): number | undefined => {
    let result = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (pos >= bytes.length) return undefined;
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    return undefined;
  };
  while (pos < bytes.length && fields.length < limit) {
    const tagAt = pos;
    const tag = varint();
    if (tag === undefined) return { fields, truncated: pos >= bytes.length && tagAt < bytes.length };
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0 || ![0, 1, 2, 5].includes(wire)) break;
    fields.push([field, wire]);
    if (wire === 0) {
      if (varint() === undefined) return { fields, truncated: pos >= bytes.length };
    } else if (wire === 2) {
      const len = varint();
      if (len === undefined) return { fields, truncated: pos >= bytes.length };
      pos += len;
    } else pos += wire === 1 ? 8 : 4;
  }
  return { fields, truncated: pos > bytes.length };
}

/** Why `bytes` looks truncated (a top-level field runs past the end), or undefined. */
export function truncationReason(bytes: Uint8Array): string | undefined {
  const top = readTopLevelFields(bytes);
  const last = top.fields[top.fields.length - 1];
  return top.truncated && last !== undefined ? `truncated: top-level field ${last[0]} runs past the end of the file at byte ${bytes.length}` : undefined;
}

/**
 * Decodes with `decode` and turns every failure into `onError(reason)`. protobufjs says "index out
 * of range" both for a file that ends early and for a corrupt inner length, and it reads a string
 * cut by the end of a Buffer without complaint, so the top-level fields are checked too: a file
 * whose last field runs past its end is reported as truncated even when it decoded.
 */
export function decodeChecked<T>(decode: () => T, bytes: Uint8Array, onError: (reason: string) => never): T {
  let decoded: T;
  try {
    decoded = decode();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const cut = truncationReason(bytes);
    return onError(cut === undefined ? message : `${cut}; ${message}`);
  }
  const cut = truncationReason(bytes);
  return cut === undefined ? decoded : onError(cut);
}

/**
 * Decodes `bytes` as message `type`. protobufjs throws RangeError/Error on malformed input (and a
 * deeply nested crafted file can overflow the stack): every such failure is reported through
 * `onError` with the decoder's reason, so callers turn it into an EgretError.
 */
export function decodeMessage<T>(type: protobuf.Type, bytes: Uint8Array, onError: (reason: string) => never): T {
  // The cast is the contract between a schema and the TypeScript views of its messages.
  return decodeChecked(() => type.decode(bytes) as unknown as T, bytes, onError);
}
