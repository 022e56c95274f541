import { allocTyped, DTYPES, isEncodedFloat, type DType, type TypedArray } from "./dtype.js";
import { bitCodec } from "./minifloat.js";
import { checkTensorSize } from "./limits.js";
import { numel, type Shape } from "./shape.js";

/**
 * A constant or computed tensor: dtype, static shape and row-major storage. int64/uint64 are kept
 * as BigInt arrays so weights and indices survive import bit for bit; evaluators usually work on
 * `toNumbers()` and store results with `Tensor.fromNumbers`.
 */
export class Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;

  /** Without `data`, allocates zeroed storage, after checking the size against LIMITS.tensorBytes. */
  constructor(dtype: DType, shape: Shape, data?: TypedArray) {
    if (data === undefined) checkTensorSize("a tensor Egret computes", dtype, shape);
    const n = numel(shape);
    this.dtype = dtype;
    this.shape = [...shape];
    this.data = data ?? allocTyped(dtype, n);
    if (this.data.length !== n) {
      throw new Error(`tensor of shape [${shape.join(",")}] needs ${n} elements, got ${this.data.length}`);
    }
  }

  get size(): number {
    return this.data.length;
  }

  get byteLength(): number {
    return this.data.length * DTYPES[this.dtype].bytes;
  }

  /** Element values as doubles (int64 beyond 2^53 loses precision; bit-pattern floats are decoded). */
  toNumbers(): Float64Array {
    const out = new Float64Array(this.data.length);
    const d = this.data;
    if (isEncodedFloat(this.dtype)) {
      const codec = bitCodec(this.dtype);
      for (let i = 0; i < d.length; i++) out[i] = codec.decode(d[i] as number);
    } else if (DTYPES[this.dtype].isBig) for (let i = 0; i < d.length; i++) out[i] = Number(d[i] as bigint);
    else for (let i = 0; i < d.length; i++) out[i] = d[i] as number;
    return out;
  }

  /** Element values as plain numbers, for small integer tensors (shapes, axes, indices). */
  toArray(): number[] {
    return Array.from(this.toNumbers());
  }

  /**
   * Stores doubles into a tensor of `dtype` with C-like conversion: floats round to the storage
   * precision (minifloat.ts for the bit-pattern floats), integers truncate toward zero and wrap
   * (the sub-byte ones to their bit width), bool is `v != 0`.
   */
  static fromNumbers(dtype: DType, shape: Shape, values: ArrayLike<number>): Tensor {
    const t = new Tensor(dtype, shape);
    const d = t.data;
    const n = d.length;
    const bits = DTYPES[dtype].bits;
    if (isEncodedFloat(dtype)) {
      const codec = bitCodec(dtype);
      for (let i = 0; i < n; i++) d[i] = codec.encode(values[i]!);
    } else if (bits < 8) for (let i = 0; i < n; i++) d[i] = wrapSubByte(Math.trunc(values[i]!) || 0, bits, DTYPES[dtype].min < 0);
    else if (dtype === "bool") for (let i = 0; i < n; i++) d[i] = values[i] !== 0 ? 1 : 0;
    else if (DTYPES[dtype].isBig) {
      const big = d as BigInt64Array | BigUint64Array;
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        big[i] = Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : 0n;
      }
    } else if (DTYPES[dtype].isFloat) for (let i = 0; i < n; i++) d[i] = values[i]!;
    else for (let i = 0; i < n; i++) d[i] = Math.trunc(values[i]!) || 0;
    return t;
  }

  static scalar(dtype: DType, value: number): Tensor {
    return Tensor.fromNumbers(dtype, [], [value]);
  }

  reshape(shape: Shape): Tensor {
    return new Tensor(this.dtype, shape, this.data);
  }

  /** Raw little-endian bytes (the layout of the generated C arrays and runner files). */
  bytes(): Uint8Array {
    return new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }

  static fromBytes(dtype: DType, shape: Shape, bytes: Uint8Array): Tensor {
    const t = new Tensor(dtype, shape);
    const dst = new Uint8Array(t.data.buffer);
    if (bytes.length !== dst.length) {
      throw new Error(`expected ${dst.length} bytes for ${dtype}[${shape.join(",")}], got ${bytes.length}`);
    }
    dst.set(bytes);
    return t;
  }
}

/** `v` modulo 2^bits, as a signed or unsigned `bits`-wide integer (sub-byte types wrap like C's). */
export function wrapSubByte(v: number, bits: number, signed: boolean): number {
  const m = 2 ** bits;
  const u = ((v % m) + m) % m;
  return signed && u >= m / 2 ? u - m : u;
}
