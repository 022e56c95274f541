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

/**
 * The reason a protobuf decode failed, in words. protobufjs reports reading past the end of the
 * buffer as "index out of range: POS + N > LENGTH"; when LENGTH is the whole file, the file ends
 * in the middle of a field, which is what a truncated file looks like.
 */
export function decodeFailureReason(error: unknown, byteLength: number): string {
  const message = error instanceof Error ? error.message : String(error);
  const m = /index out of range: \d+ \+ \d+ > (\d+)/.exec(message);
  return m !== null && Number(m[1]) === byteLength ? `truncated: it ends at byte ${byteLength} in the middle of a field (${message})` : message;
}

/**
 * Decodes `bytes` as message `type`. protobufjs throws RangeError/Error on malformed input (and a
 * deeply nested crafted file can overflow the stack): every such failure is reported through
 * `onError` with the decoder's reason, so callers turn it into an EgretError.
 */
export function decodeMessage<T>(type: protobuf.Type, bytes: Uint8Array, onError: (reason: string) => never): T {
  try {
    // The cast is the contract between a schema and the TypeScript views of its messages.
    return type.decode(bytes) as unknown as T;
  } catch (e) {
    return onError(decodeFailureReason(e, bytes.length));
  }
}
