import type { DType } from "../../ir/dtype.js";

/** TFLite TensorType codes (tflite_schema.fbs) with their IR element types, where Egret has one. */
const TENSOR_TYPES: readonly (readonly [code: number, name: string, dtype: DType | undefined])[] = [
  [0, "FLOAT32", "float32"],
  [1, "FLOAT16", "float16"],
  [2, "INT32", "int32"],
  [3, "UINT8", "uint8"],
  [4, "INT64", "int64"],
  [5, "STRING", undefined],
  [6, "BOOL", "bool"],
  [7, "INT16", "int16"],
  [8, "COMPLEX64", undefined],
  [9, "INT8", "int8"],
  [10, "FLOAT64", "float64"],
  [11, "COMPLEX128", undefined],
  [12, "UINT64", "uint64"],
  [13, "RESOURCE", undefined],
  [14, "VARIANT", undefined],
  [15, "UINT32", "uint32"],
  [16, "UINT16", "uint16"],
  [17, "INT4", undefined],
  [18, "BFLOAT16", undefined],
];

/** The IR dtype of a TensorType code, or undefined when Egret has no such element type. */
export function irDtype(code: number): DType | undefined {
  return TENSOR_TYPES.find(([c]) => c === code)?.[2];
}

export function tensorTypeName(code: number): string {
  return TENSOR_TYPES.find(([c]) => c === code)?.[1] ?? `TensorType ${code}`;
}
