import { fail } from "../../errors.js";

/**
 * A verifying FlatBuffers reader: every access checks bounds and alignment before it reads, so a
 * corrupt file becomes an EgretError("parse") that says which object is broken, never a RangeError,
 * an out-of-bounds read or a hang.
 *
 * Format facts relied on (FlatBuffers binary format):
 * - the root is a u32 offset at byte 0; a table starts with an i32 `soffset` to its vtable
 *   (vtable = table - soffset); a vtable is u16 vtable size, u16 table inline size, then one u16
 *   field offset per field slot (0 = absent, default value applies);
 * - references to tables, vectors and strings are u32 offsets relative to where they are stored,
 *   so they only point forward: object graphs cannot have cycles;
 * - a vector is a u32 element count followed by the elements; a string is a byte vector.
 *
 * Repeated decoding of a shared vector could still make a small file expensive, so every element
 * read is charged to a work budget proportional to the file size.
 */
export class FlatReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Who the errors are about, e.g. `model file foo.tflite`. */
  readonly subject: string;
  private budget: number;

  constructor(bytes: Uint8Array, subject: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.subject = subject;
    this.budget = 64 * bytes.length + 1_000_000;
  }

  /** Fails with a parse error naming the broken object. */
  corrupt(what: string, detail: string): never {
    return fail("parse", this.subject, `${what}: ${detail}; the flatbuffer is corrupt or truncated`);
  }

  /** Checks that `size` bytes at `pos` lie inside the buffer and `pos` is `align`-aligned. */
  check(pos: number, size: number, align: number, what: string): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || size < 0 || pos + size > this.bytes.length) {
      this.corrupt(what, `${size} bytes at offset ${pos} lie outside the ${this.bytes.length}-byte file`);
    }
    if (pos % align !== 0) this.corrupt(what, `offset ${pos} is not ${align}-byte aligned`);
  }

  charge(elements: number, what: string): void {
    this.budget -= elements;
    if (this.budget < 0) this.corrupt(what, "the file references far more elements than its size allows (vectors shared many times over)");
  }

  u8(pos: number, what: string): number {
    this.check(pos, 1, 1, what);
    return this.view.getUint8(pos);
  }

  i8(pos: number, what: string): number {
    this.check(pos, 1, 1, what);
    return this.view.getInt8(pos);
  }

  u16(pos: number, what: string): number {
    this.check(pos, 2, 2, what);
    return this.view.getUint16(pos, true);
  }

  i32(pos: number, what: string): number {
    this.check(pos, 4, 4, what);
    return this.view.getInt32(pos, true);
  }

  u32(pos: number, what: string): number {
    this.check(pos, 4, 4, what);
    return this.view.getUint32(pos, true);
  }

  f32(pos: number, what: string): number {
    this.check(pos, 4, 4, what);
    return this.view.getFloat32(pos, true);
  }

  /** An int64 as a JS number; values beyond 2^53 are corrupt for every field this importer reads. */
  i64(pos: number, what: string): number {
    this.check(pos, 8, 8, what);
    const v = this.view.getBigInt64(pos, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.corrupt(what, `value ${v} is out of range`);
    return Number(v);
  }

  /** Follows the u32 offset stored at `pos` (relative to `pos`). */
  deref(pos: number, what: string): number {
    return pos + this.u32(pos, what);
  }

  /** The root table. */
  root(what: string): Table {
    return this.table(this.deref(0, `${what} (root offset)`), what);
  }

  table(pos: number, what: string): Table {
    const vtable = pos - this.i32(pos, `${what} (vtable offset)`);
    const vsize = this.u16(vtable, `${what} (vtable size)`);
    const tsize = this.u16(vtable + 2, `${what} (table size)`);
    if (vsize < 4 || vsize % 2 !== 0) this.corrupt(what, `vtable size ${vsize} is invalid`);
    this.check(vtable, vsize, 2, `${what} (vtable)`);
    if (tsize < 4) this.corrupt(what, `table size ${tsize} is invalid`);
    this.check(pos, tsize, 1, `${what} (table)`);
    return new Table(this, pos, vtable, vsize, tsize, what);
  }
}

/** Element kinds of scalar vectors: byte size and reader. */
export type ScalarKind = "u8" | "i8" | "i32" | "u32" | "f32" | "i64";
const KIND_SIZE: Readonly<Record<ScalarKind, number>> = { u8: 1, i8: 1, i32: 4, u32: 4, f32: 4, i64: 8 };

/** One table: field slots are read through the vtable, absent fields give the schema default. */
export class Table {
  constructor(
    private readonly r: FlatReader,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vsize: number,
    private readonly tsize: number,
    readonly what: string,
  ) {}

  /** Absolute position of field `slot`, or undefined when absent; checks it fits the table. */
  private field(slot: number, size: number, name: string): number | undefined {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vsize) return undefined;
    const offset = this.r.u16(this.vtable + entry, `${this.what}.${name} (vtable entry)`);
    if (offset === 0) return undefined;
    if (offset + size > this.tsize) this.r.corrupt(`${this.what}.${name}`, `field offset ${offset} lies outside the ${this.tsize}-byte table`);
    return this.pos + offset;
  }

  has(slot: number): boolean {
    return this.field(slot, 1, `field ${slot}`) !== undefined;
  }

  scalar(slot: number, kind: ScalarKind, name: string, dflt: number): number {
    const p = this.field(slot, KIND_SIZE[kind], name);
    return p === undefined ? dflt : readScalar(this.r, p, kind, `${this.what}.${name}`);
  }

  bool(slot: number, name: string, dflt: boolean): boolean {
    return this.scalar(slot, "u8", name, dflt ? 1 : 0) !== 0;
  }

  /** A sub-table, or undefined when absent. */
  table(slot: number, name: string): Table | undefined {
    const p = this.field(slot, 4, name);
    return p === undefined ? undefined : this.r.table(this.r.deref(p, `${this.what}.${name}`), `${this.what}.${name}`);
  }

  string(slot: number, name: string): string | undefined {
    const v = this.vectorAt(slot, 1, name);
    if (!v) return undefined;
    this.r.check(v.start + v.length, 1, 1, `${this.what}.${name} (string terminator)`);
    return new TextDecoder().decode(this.r.bytes.subarray(v.start, v.start + v.length));
  }

  /** A scalar vector as numbers ([] when absent). */
  scalars(slot: number, kind: ScalarKind, name: string): number[] {
    const v = this.vectorAt(slot, KIND_SIZE[kind], name);
    if (!v) return [];
    this.r.charge(v.length, `${this.what}.${name}`);
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = readScalar(this.r, v.start + i * KIND_SIZE[kind], kind, `${this.what}.${name}[${i}]`);
    return out;
  }

  /** A byte vector as a view into the file (no copy); undefined when absent. */
  bytes(slot: number, name: string): Uint8Array | undefined {
    const v = this.vectorAt(slot, 1, name);
    return v ? this.r.bytes.subarray(v.start, v.start + v.length) : undefined;
  }

  /** A vector of tables ([] when absent); `label(i)` names element i in errors. */
  tables(slot: number, name: string, label: (i: number) => string): Table[] {
    const v = this.vectorAt(slot, 4, name);
    if (!v) return [];
    this.r.charge(v.length, `${this.what}.${name}`);
    const out: Table[] = [];
    for (let i = 0; i < v.length; i++) {
      const at = v.start + 4 * i;
      out.push(this.r.table(this.r.deref(at, label(i)), label(i)));
    }
    return out;
  }

  /** Vector header checks: start of the elements and their count. */
  private vectorAt(slot: number, elemSize: number, name: string): { start: number; length: number } | undefined {
    const p = this.field(slot, 4, name);
    if (p === undefined) return undefined;
    const what = `${this.what}.${name}`;
    const at = this.r.deref(p, what);
    const length = this.r.u32(at, `${what} (length)`);
    const start = at + 4;
    this.r.check(start, length * elemSize, Math.min(elemSize, 8), what);
    return { start, length };
  }
}

function readScalar(r: FlatReader, pos: number, kind: ScalarKind, what: string): number {
  switch (kind) {
    case "u8": return r.u8(pos, what);
    case "i8": return r.i8(pos, what);
    case "i32": return r.i32(pos, what);
    case "u32": return r.u32(pos, what);
    case "f32": return r.f32(pos, what);
    case "i64": return r.i64(pos, what);
  }
}
