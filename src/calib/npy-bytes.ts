import { parse, type NpyArray } from "npyjs";
import { fail } from "../errors.js";
import { DTYPES, type DType } from "../ir/dtype.js";
import { numel } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";

/** NumPy little-endian type codes (byte order stripped by npyjs) to IR dtypes. */
const FROM_NPY: Readonly<Record<string, DType>> = {
  f4: "float32", f8: "float64", f2: "float16",
  i1: "int8", u1: "uint8", i2: "int16", u2: "uint16", i4: "int32", u4: "uint32", i8: "int64", u8: "uint64",
  b1: "bool",
};

/**
 * Decodes one .npy image held in memory (an .npz member or a file's bytes). Like src/io/npy.ts
 * (which reads from a path), the data is checked against the header's shape and copied.
 */
export function parseNpyBytes(bytes: Uint8Array, subject: string): Tensor {
  let arr: NpyArray;
  try {
    // A fresh copy: a Node Buffer's .buffer may be a shared pool, and slice() does not copy it.
    arr = parse(new Uint8Array(bytes).buffer, { convertFloat16: false });
  } catch (e) {
    return fail("parse", subject, `is not a readable .npy array (${e instanceof Error ? e.message : String(e)}); write it with numpy.save (little-endian, numeric dtype)`);
  }
  const dtype = FROM_NPY[arr.dtype];
  if (!dtype) fail("unsupported-dtype", subject, `has numpy dtype "${arr.dtype}"; use a little-endian numeric dtype (e.g. x.astype(numpy.float32))`);
  if (arr.fortranOrder) fail("parse", subject, "is stored in Fortran order; save numpy.ascontiguousarray(x) instead");
  const shape = arr.shape;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail("parse", subject, `has an invalid shape (${shape.join(", ")})`);
  const count = numel(shape);
  if (Array.isArray(arr.data)) {
    const bools = arr.data as readonly unknown[];
    if (bools.length !== count) fail("parse", subject, `holds ${bools.length} values, its shape [${shape.join(",")}] needs ${count}`);
    return Tensor.fromNumbers("bool", shape, bools.map((b) => (b ? 1 : 0)));
  }
  const view = arr.data as ArrayBufferView;
  const want = count * DTYPES[dtype].bytes;
  if (view.byteLength !== want) {
    fail("parse", subject, `holds ${view.byteLength} data bytes, ${dtype}[${shape.join(",")}] needs ${want}; the file is truncated or corrupt`);
  }
  return Tensor.fromBytes(dtype, shape, new Uint8Array(view.buffer, view.byteOffset, want));
}
