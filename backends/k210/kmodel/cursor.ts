/**
 * Bounds-checked little-endian reader over a kmodel file. Every read names the field it reads, so
 * a truncated or corrupt file fails with an EgretError("parse") that says what is wrong and where.
 */
import { fail } from "../../../src/errors.js";

export class ByteCursor {
  private readonly view: DataView;
  pos: number;

  constructor(readonly bytes: Uint8Array, readonly file: string, start = 0, readonly end = bytes.length) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  /** Fails unless `n` more bytes exist before `end`. */
  need(n: number, field: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.end) {
      fail("parse", this.file, `${field} at offset ${this.pos} needs ${n} bytes but only ${Math.max(0, this.end - this.pos)} remain (limit ${this.end}); the file is truncated or corrupt`);
    }
  }

  u32(field: string): number { this.need(4, field); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  i32(field: string): number { this.need(4, field); const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  f32(field: string): number { this.need(4, field); const v = this.view.getFloat32(this.pos, true); this.pos += 4; return v; }
  u8(field: string): number { this.need(1, field); return this.bytes[this.pos++]!; }
  u64(field: string): bigint { this.need(8, field); const v = this.view.getBigUint64(this.pos, true); this.pos += 8; return v; }
  take(n: number, field: string): Uint8Array { this.need(n, field); const v = this.bytes.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  skip(n: number, field: string): void { this.need(n, field); this.pos += n; }
  i32s(n: number, field: string): number[] { return Array.from({ length: n }, (_, i) => this.i32(`${field}[${i}]`)); }
  f32s(n: number, field: string): Float32Array { const b = this.take(4 * n, field); return new Float32Array(b.slice().buffer); }
  u64s(n: number, field: string): bigint[] { return Array.from({ length: n }, (_, i) => this.u64(`${field}[${i}]`)); }
}

/** A count read from the file that must stay below `max` (guards huge allocations from corrupt files). */
export function checkedCount(value: number, max: number, file: string, field: string): number {
  if (value > max) fail("parse", file, `${field} = ${value} exceeds ${max}; the file is corrupt`);
  return value;
}
