/**
 * Byte-level pieces of kmodel v4 (K210-KPU.md §4.3): a growable little-endian writer that knows the
 * absolute file offset (KPU parameter blocks are aligned relative to the file start), the
 * `memory_range` record and the opcodes Egret writes.
 */

/** Opcodes of nncase v0.2 `runtime_op.def` that the writer emits. */
export const V4_OP = {
  binary: 0x00,
  concat: 0x01,
  conv2d: 0x02,
  dequantize: 0x03,
  matmul: 0x04,
  pad: 0x05,
  quantize: 0x06,
  reduce: 0x07,
  reduceWindow2d: 0x08,
  memoryCopy: 0x09,
  softmax: 0x0b,
  transpose: 0x0c,
  stridedSlice: 0x0d,
  unary: 0x0e,
  kpuUpload: 0x2001,
  kpuConv2d: 0x2002,
} as const;

/** `memory_type` and `datatype` codes of a memory_range. */
export const MEMORY_TYPE = { const: 0, main: 1, kpu: 2 } as const;
export const DATATYPE = { float32: 0, uint8: 1 } as const;

export interface MemoryRangeRecord {
  readonly memoryType: keyof typeof MEMORY_TYPE;
  readonly datatype: keyof typeof DATATYPE;
  /** Bytes from the start of the pool (KPU ranges: a multiple of 64). */
  readonly start: number;
  readonly size: number;
}

/** float's largest finite value: nncase's "no activation" bound (value_range<float> of ±FLT_MAX). */
export const FLOAT_MAX = 3.4028234663852886e38;

export class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private length = 0;

  /** `origin`: the absolute file offset of this writer's first byte (for alignment). */
  constructor(readonly origin = 0) {}

  get size(): number {
    return this.length;
  }

  /** Absolute file offset of the next byte. */
  get offset(): number {
    return this.origin + this.length;
  }

  /** Grows the buffer; callers must take `at` BEFORE touching `buf`/`view` (they may be replaced). */
  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      grown.set(this.buf.subarray(0, at));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length += n;
    return at;
  }

  u8(v: number): this {
    const at = this.reserve(1);
    this.buf[at] = v;
    return this;
  }
  u32(v: number): this {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
    return this;
  }
  i32(v: number): this {
    const at = this.reserve(4);
    this.view.setInt32(at, v, true);
    return this;
  }
  f32(v: number): this {
    const at = this.reserve(4);
    this.view.setFloat32(at, v, true);
    return this;
  }
  u64(v: bigint): this {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt.asUintN(64, v), true);
    return this;
  }
  i32s(values: readonly number[]): this {
    for (const v of values) this.i32(v);
    return this;
  }
  f32s(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) this.f32(values[i]!);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
    return this;
  }
  /** Zero bytes up to the next absolute multiple of `align`; returns how many were written. */
  padTo(align: number): number {
    const pad = (align - (this.offset % align)) % align;
    this.reserve(pad);
    return pad;
  }
  memoryRange(r: MemoryRangeRecord): this {
    return this.u32(MEMORY_TYPE[r.memoryType]).u32(DATATYPE[r.datatype]).u32(r.start).u32(r.size);
  }
  /** The written bytes (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

