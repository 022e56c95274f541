import { writeFileSync } from "node:fs";
import { dump, parse, type DType as NpyDType, type NpyArray } from "npyjs";
import { fail } from "../errors.js";
import { DTYPES, type DType } from "../ir/dtype.js";
import { numel } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import { readFileWithin } from "./read-file.js";

/**
 * NumPy type codes (without byte order) of the DTypes numpy has; bool is numpy's one-byte `b1`.
 * The others are written as numpy's nearest type (`npyStorable`).
 */
const NPY_CODES: Readonly<Partial<Record<DType, NpyDType>>> = {
  float32: "f4", float64: "f8", float16: "f2",
  int8: "i1", uint8: "u1", int16: "i2", uint16: "u2", int32: "i4", uint32: "u4", int64: "i8", uint64: "u8",
  bool: "b1",
};

function dtypeFromNpy(code: string): DType | undefined {
  return (Object.keys(NPY_CODES) as DType[]).find((d) => NPY_CODES[d] === code);
}

/**
 * Reads a little-endian, C-ordered .npy file (what numpy.save writes on every common host).
 * npyjs decodes the header and views the data; the view is checked against the shape and copied.
 */
export function readNpy(path: string): Tensor {
  const subject = `.npy file ${path}`;
  const file = readFileWithin(path, subject);
  // An exact, owned ArrayBuffer: Node may hand out a slice of a shared pool.
  const buffer = new Uint8Array(file).buffer;
  let arr: NpyArray;
  try {
    // float16 stays as bits: the IR stores float16 that way.
    arr = parse(buffer, { convertFloat16: false });
  } catch (e) {
    return fail("parse", subject, `is not a readable .npy file (${e instanceof Error ? e.message : String(e)}); write it with numpy.save (little-endian, numeric dtype)`);
  }
  const dtype = dtypeFromNpy(arr.dtype);
  if (!dtype) {
    fail("unsupported-dtype", subject, `has numpy dtype "${arr.dtype}"; supported: ${Object.values(NPY_CODES).join(", ")} (little-endian); convert it with .astype()`);
  }
  if (arr.fortranOrder) fail("parse", subject, "is stored in Fortran order; save numpy.ascontiguousarray(x) instead");
  const shape = arr.shape;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail("parse", subject, `has an invalid shape (${shape.join(", ")})`);
  return toTensor(dtype, shape, arr.data, subject);
}

function toTensor(dtype: DType, shape: number[], data: ArrayBufferView | readonly boolean[], subject: string): Tensor {
  const count = numel(shape);
  // npyjs returns booleans for `|b1` as a plain array, and views to the end of the file otherwise.
  if (Array.isArray(data)) {
    if (data.length !== count) fail("parse", subject, `holds ${data.length} values, its shape [${shape.join(",")}] needs ${count}`);
    return Tensor.fromNumbers("bool", shape, data.map((b) => (b ? 1 : 0)));
  }
  const view = data as ArrayBufferView;
  const want = count * DTYPES[dtype].bytes;
  if (view.byteLength !== want) {
    fail("parse", subject, `holds ${view.byteLength} data bytes, ${dtype}[${shape.join(",")}] needs ${want}; the file is truncated or corrupt`);
  }
  return Tensor.fromBytes(dtype, shape, new Uint8Array(view.buffer, view.byteOffset, want));
}

/**
 * Writes a tensor as a version 1.0 .npy file numpy.load reads back with the same dtype and shape.
 * Types numpy lacks are written as their values: int4/int2 as int8, uint4/uint2 as uint8, and
 * bfloat16, float8 and float4 as float32 (every value is exact there).
 */
export function writeNpy(path: string, tensor: Tensor): void {
  const t = npyStorable(tensor);
  // npyjs copies the bytes of the typed array as they are; a fresh copy of the data keeps
  // views with offsets simple.
  const bytes = t.bytes().slice();
  const buffer = dump(viewAs(t.dtype, bytes), [...t.shape], { dtype: NPY_CODES[t.dtype]! });
  try {
    writeFileSync(path, new Uint8Array(buffer));
  } catch (e) {
    fail("io", `.npy file ${path}`, `cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function npyStorable(t: Tensor): Tensor {
  if (NPY_CODES[t.dtype] !== undefined) return t;
  if (DTYPES[t.dtype].isFloat) return Tensor.fromNumbers("float32", t.shape, t.toNumbers());
  return new Tensor(DTYPES[t.dtype].min < 0 ? "int8" : "uint8", t.shape, t.data);
}

/** A typed array over `bytes` whose element size matches the dtype (npyjs sizes by elements). */
function viewAs(dtype: DType, bytes: Uint8Array): Exclude<Parameters<typeof dump>[0], unknown[]> {
  const b = bytes.buffer;
  switch (DTYPES[dtype].bytes) {
    case 1: return bytes;
    case 2: return new Uint16Array(b);
    case 4: return new Uint32Array(b);
    default: return new BigUint64Array(b);
  }
}
