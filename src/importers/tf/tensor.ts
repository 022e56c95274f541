import { fail } from "../../errors.js";
import { allocTyped, DTYPES, type DType } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor.js";
import { has, int64ToBigInt, int64ToNumber } from "../protobuf.js";
import type { TensorProtoMsg, TensorShapeMsg } from "./messages.js";
import { TF_DTYPE } from "./schema.js";

const DTYPE_OF_TF: ReadonlyMap<number, DType> = new Map<number, DType>([
  [TF_DTYPE.DT_FLOAT, "float32"],
  [TF_DTYPE.DT_DOUBLE, "float64"],
  [TF_DTYPE.DT_HALF, "float16"],
  [TF_DTYPE.DT_INT8, "int8"],
  [TF_DTYPE.DT_UINT8, "uint8"],
  [TF_DTYPE.DT_INT16, "int16"],
  [TF_DTYPE.DT_UINT16, "uint16"],
  [TF_DTYPE.DT_INT32, "int32"],
  [TF_DTYPE.DT_UINT32, "uint32"],
  [TF_DTYPE.DT_INT64, "int64"],
  [TF_DTYPE.DT_UINT64, "uint64"],
  [TF_DTYPE.DT_BOOL, "bool"],
  // The quantized types hold raw integers (what Dequantize reads): stored like their plain twins.
  [TF_DTYPE.DT_QINT8, "int8"],
  [TF_DTYPE.DT_QUINT8, "uint8"],
  [TF_DTYPE.DT_QINT16, "int16"],
  [TF_DTYPE.DT_QUINT16, "uint16"],
  [TF_DTYPE.DT_QINT32, "int32"],
]);

function tfTypeName(code: number): string {
  const entry = Object.entries(TF_DTYPE).find(([, v]) => v === code);
  return entry ? entry[0] : `DataType ${code}`;
}

/** Maps a TensorFlow DataType code to a DType; `_REF` codes (100 + t) of old graphs count as t. */
export function dtypeFromTf(code: number | undefined, subject: string): DType {
  const plain = code !== undefined && code > 100 ? code - 100 : code;
  const dtype = plain === undefined ? undefined : DTYPE_OF_TF.get(plain);
  if (!dtype) {
    fail("unsupported-dtype", subject, `has element type ${tfTypeName(plain ?? 0)}, which Egret does not support (supported: ${[...new Set(DTYPE_OF_TF.values())].join(", ")})`);
  }
  return dtype;
}

/**
 * Dims of a TensorShapeProto: -1 (unknown) becomes undefined. Returns undefined for an unknown
 * rank. Sizes below -1 or beyond 2^53 mean a corrupt file.
 */
export function dimsFromTf(shape: TensorShapeMsg | undefined, subject: string): (number | undefined)[] | undefined {
  if (!shape || shape.unknown_rank) return undefined;
  return shape.dim.map((d) => {
    const size = d.size === undefined ? 0 : int64ToNumber(d.size);
    if (size === -1) return undefined;
    if (!Number.isSafeInteger(size) || size < 0) fail("parse", subject, `has an invalid dimension ${size}; the file is corrupt`);
    return size;
  });
}

function staticShape(msg: TensorProtoMsg, subject: string): number[] {
  const dims = dimsFromTf(msg.tensor_shape, subject);
  if (!dims || dims.some((d) => d === undefined)) fail("parse", subject, "is a constant tensor without a static shape; the file is corrupt");
  let count = 1;
  for (const d of dims as number[]) {
    count *= d;
    if (!Number.isSafeInteger(count) || count > 2 ** 31) fail("parse", subject, `shape [${dims.join(",")}] has too many elements; the file is corrupt`);
  }
  return dims as number[];
}

/** The typed value list that carries `dtype` when tensor_content is absent (tensor.proto). */
function typedValues(msg: TensorProtoMsg, dtype: DType): readonly (number | boolean | bigint)[] {
  switch (dtype) {
    case "float32": return msg.float_val;
    case "float64": return msg.double_val;
    case "float16": return msg.half_val;
    case "bool": return msg.bool_val;
    case "int64": return msg.int64_val.map(int64ToBigInt);
    case "uint64": return msg.uint64_val.map(int64ToBigInt);
    case "uint32": return msg.uint32_val;
    // int8/uint8/int16/uint16/int32 travel as int_val.
    default: return msg.int_val;
  }
}

/**
 * TensorFlow writes a constant filled with one value (or ending in a run of equal values) as that
 * prefix only: the last listed value repeats up to the element count. An empty list means zeros.
 */
function fromTypedValues(dtype: DType, shape: number[], msg: TensorProtoMsg, subject: string): Tensor {
  const values = typedValues(msg, dtype);
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length > count) fail("parse", subject, `has ${values.length} values, but ${dtype}[${shape.join(",")}] holds ${count}; the file is corrupt`);
  const data = allocTyped(dtype, count);
  if (values.length === 0) return new Tensor(dtype, shape, data);
  for (let i = 0; i < count; i++) {
    const v = values[Math.min(i, values.length - 1)]!;
    if (typeof v === "bigint") data[i] = dtype === "uint64" ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
    else if (typeof v === "boolean") data[i] = v ? 1 : 0;
    else data[i] = v;
  }
  return new Tensor(dtype, shape, data);
}

/** Converts a Const node's TensorProto to a Tensor; `subject` names it in errors. */
export function tensorFromTf(msg: TensorProtoMsg, subject: string): Tensor {
  const dtype = dtypeFromTf(msg.dtype, subject);
  const shape = staticShape(msg, subject);
  if (!has(msg, "tensor_content")) return fromTypedValues(dtype, shape, msg, subject);
  const raw = msg.tensor_content!;
  const want = shape.reduce((a, b) => a * b, 1) * DTYPES[dtype].bytes;
  if (raw.length !== want) {
    fail("parse", subject, `tensor_content has ${raw.length} bytes, but ${dtype}[${shape.join(",")}] needs ${want}; the file is corrupt or truncated`);
  }
  // tensor_content is little-endian like every host Egret runs on; fromBytes copies.
  const t = Tensor.fromBytes(dtype, shape, raw);
  if (dtype === "bool") {
    const d = t.data as Uint8Array;
    for (let i = 0; i < d.length; i++) d[i] = d[i] !== 0 ? 1 : 0;
  }
  return t;
}
