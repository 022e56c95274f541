import { allocTyped, DTYPES, type DType, type TypedArray } from "./dtype.js";
import type { Tensor } from "./tensor.js";

/**
 * Packing of the sub-byte element types (int4, uint4, float4e2m1: two per byte; int2, uint2:
 * four per byte), as ONNX stores them and as Egret keeps constants in flash: element k of a byte
 * sits in bits [k*w, k*w + w) (the first element in the least significant bits); a partial last
 * byte is padded with zero bits. Unpacked, every element takes one byte (int4/int2 sign-extended).
 */

/** Bytes that `count` packed elements of `dtype` take. */
export function packedByteLength(dtype: DType, count: number): number {
  return Math.ceil((count * DTYPES[dtype].bits) / 8);
}

/** The `count` elements packed in `bytes`, one per array element (signed types sign-extended). */
export function unpackSubByte(dtype: DType, bytes: ArrayLike<number>, count: number): TypedArray {
  const bits = DTYPES[dtype].bits;
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  // Signed integers sign-extend; float4e2m1 keeps its bit pattern.
  const signed = !DTYPES[dtype].isFloat && DTYPES[dtype].min < 0;
  const out = allocTyped(dtype, count);
  for (let i = 0; i < count; i++) {
    const v = (bytes[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
    out[i] = signed && v > mask >> 1 ? v - (mask + 1) : v;
  }
  return out;
}

/** A sub-byte tensor's elements packed (what a constant array in flash holds). */
export function packSubByte(t: Tensor): Uint8Array {
  const bits = DTYPES[t.dtype].bits;
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(packedByteLength(t.dtype, t.size));
  for (let i = 0; i < t.size; i++) {
    const k = Math.floor(i / perByte);
    out[k] = out[k]! | ((Number(t.data[i]!) & mask) << ((i % perByte) * bits));
  }
  return out;
}
