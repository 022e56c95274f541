import { fail } from "../../errors.js";
import { allocTyped, DTYPES, dtypeFromOnnx, isSubByte, type DType } from "../../ir/dtype.js";
import { packedByteLength, unpackSubByte } from "../../ir/subbyte.js";
import { Tensor } from "../../ir/tensor.js";
import { decodeMessage, has, int64ToBigInt, int64ToNumber, type TensorMsg } from "./messages.js";
import { DATA_LOCATION_EXTERNAL, TensorProtoType } from "./schema.js";

/** ONNX TensorProto.DataType names, for errors about element types Egret has no DType for. */
const ONNX_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64",
  8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64",
  15: "COMPLEX128", 16: "BFLOAT16", 17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ", 19: "FLOAT8E5M2",
  20: "FLOAT8E5M2FNUZ", 21: "UINT4", 22: "INT4", 23: "FLOAT4E2M1", 24: "FLOAT8E8M0", 25: "UINT2", 26: "INT2",
};

export function onnxTypeName(code: number): string {
  return ONNX_TYPE_NAMES[code] ?? `data type ${code}`;
}

/** Maps an ONNX element type code to a DType or fails naming `subject` (an input, a tensor...). */
export function dtypeOrFail(code: number | undefined, subject: string): DType {
  const dtype = code === undefined ? undefined : dtypeFromOnnx(code);
  if (!dtype) {
    const supported = Object.keys(DTYPES).join(", ");
    fail("unsupported-dtype", subject, `has element type ${onnxTypeName(code ?? 0)}, which Egret does not support (supported: ${supported})`);
  }
  return dtype;
}

/** Static dims of a TensorProto: non-negative and with a representable element count. */
function tensorShape(msg: TensorMsg, subject: string): number[] {
  const shape = msg.dims.map(int64ToNumber);
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail("parse", subject, `has an invalid dimension ${d} in its shape [${shape.join(",")}]; the file is corrupt`);
    count *= d;
    if (!Number.isSafeInteger(count)) fail("parse", subject, `shape [${shape.join(",")}] has too many elements; the file is corrupt`);
  }
  return shape;
}

/** The typed field that carries `dtype`'s values when raw_data is absent (per onnx.proto). */
function typedFieldFor(dtype: DType): "float_data" | "double_data" | "int32_data" | "int64_data" | "uint64_data" {
  switch (dtype) {
    case "float32": return "float_data";
    case "float64": return "double_data";
    case "int64": return "int64_data";
    case "uint32": case "uint64": return "uint64_data";
    // int8/uint8/int16/uint16/bool/int32 values, the bit patterns of float16, bfloat16 and
    // float8, and packed sub-byte values travel as int32.
    default: return "int32_data";
  }
}

function fromRawData(dtype: DType, shape: number[], raw: Uint8Array, subject: string): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  const want = isSubByte(dtype) ? packedByteLength(dtype, count) : count * DTYPES[dtype].bytes;
  if (raw.length !== want) {
    fail("parse", subject, `raw_data has ${raw.length} bytes, but ${dtype}[${shape.join(",")}] needs ${want}; the file is corrupt or truncated`);
  }
  if (isSubByte(dtype)) return new Tensor(dtype, shape, unpackSubByte(dtype, raw, count));
  // raw_data is little-endian like every host Egret runs on; fromBytes copies, so alignment of
  // the slice inside the file buffer does not matter.
  const t = Tensor.fromBytes(dtype, shape, raw);
  if (dtype === "bool") {
    const d = t.data as Uint8Array;
    for (let i = 0; i < d.length; i++) d[i] = d[i] !== 0 ? 1 : 0;
  }
  return t;
}

function fromTypedField(dtype: DType, shape: number[], msg: TensorMsg, subject: string): Tensor {
  const field = typedFieldFor(dtype);
  const values = msg[field];
  const count = shape.reduce((a, b) => a * b, 1);
  // Sub-byte values travel packed, one byte per int32 entry.
  const entries = isSubByte(dtype) ? packedByteLength(dtype, count) : count;
  if (values.length !== entries) {
    fail("parse", subject, `has ${values.length} values in ${field}, but ${dtype}[${shape.join(",")}] needs ${entries}; the file is corrupt`);
  }
  if (isSubByte(dtype)) return new Tensor(dtype, shape, unpackSubByte(dtype, msg.int32_data, count));
  const data = allocTyped(dtype, count);
  if (field === "int64_data" || field === "uint64_data") {
    const big = msg[field].map(int64ToBigInt);
    if (dtype === "int64") for (let i = 0; i < count; i++) data[i] = BigInt.asIntN(64, big[i]!);
    else if (dtype === "uint64") for (let i = 0; i < count; i++) data[i] = BigInt.asUintN(64, big[i]!);
    else for (let i = 0; i < count; i++) data[i] = Number(BigInt.asUintN(32, big[i]!));
  } else {
    const nums = msg[field];
    // Typed-array stores wrap int32 payloads to the element width (float16 keeps its 16 bits).
    if (dtype === "bool") for (let i = 0; i < count; i++) data[i] = nums[i] !== 0 ? 1 : 0;
    else for (let i = 0; i < count; i++) data[i] = nums[i]!;
  }
  return new Tensor(dtype, shape, data);
}

/**
 * Converts a decoded TensorProto (initializer, attribute value or test-data file) to a Tensor.
 * `subject` names it in errors, e.g. `initializer "conv1.weight"`.
 */
export function tensorFromProto(msg: TensorMsg, subject: string): Tensor {
  if (has(msg, "segment")) {
    fail("parse", subject, "is stored as a segment of a larger tensor, which Egret does not read; re-save the model with whole tensors (onnx.save)");
  }
  if (msg.data_location === DATA_LOCATION_EXTERNAL || msg.external_data.length > 0) {
    const file = msg.external_data.find((e) => e.key === "location")?.value;
    fail("parse", subject, `keeps its data in an external file${file ? ` ("${file}")` : ""}; Egret reads self-contained models: load and re-save it with onnx.save_model(onnx.load(path), out, save_as_external_data=False)`);
  }
  const dtype = dtypeOrFail(msg.data_type, subject);
  const shape = tensorShape(msg, subject);
  return has(msg, "raw_data") ? fromRawData(dtype, shape, msg.raw_data!, subject) : fromTypedField(dtype, shape, msg, subject);
}

/** A TensorProto file (the conformance suite's test_data_set_N/input_K.pb) with its name. */
export function decodeNamedTensorProto(bytes: Uint8Array, sourceName = "TensorProto"): { name: string; tensor: Tensor } {
  const subject = `tensor file ${sourceName}`;
  const msg = decodeMessage<TensorMsg>(TensorProtoType, bytes, (reason) =>
    fail("parse", subject, `is not a valid ONNX TensorProto (${reason}); pass a file written by onnx.TensorProto.SerializeToString()`),
  );
  return { name: msg.name ?? "", tensor: tensorFromProto(msg, subject) };
}

export function decodeTensorProto(bytes: Uint8Array, sourceName = "TensorProto"): Tensor {
  return decodeNamedTensorProto(bytes, sourceName).tensor;
}
