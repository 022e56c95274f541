/** Element types of the IR. Names follow ONNX; `bool` is one byte, `float16` is stored as its bits. */
export type DType =
  | "float32"
  | "float64"
  | "float16"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "bool";

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

interface DTypeInfo {
  readonly bytes: number;
  /** The C type that stores one element. */
  readonly ctype: string;
  /** Short suffix for kernel names (`eg_add_f32`). */
  readonly suffix: string;
  /** ONNX TensorProto.DataType code. */
  readonly onnx: number;
  readonly isFloat: boolean;
  readonly isBig: boolean;
  readonly min: number;
  readonly max: number;
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  float32: { bytes: 4, ctype: "float", suffix: "f32", onnx: 1, isFloat: true, isBig: false, min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
  float64: { bytes: 8, ctype: "double", suffix: "f64", onnx: 11, isFloat: true, isBig: false, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
  float16: { bytes: 2, ctype: "uint16_t", suffix: "f16", onnx: 10, isFloat: true, isBig: false, min: -65504, max: 65504 },
  int8: { bytes: 1, ctype: "int8_t", suffix: "i8", onnx: 3, isFloat: false, isBig: false, min: -128, max: 127 },
  uint8: { bytes: 1, ctype: "uint8_t", suffix: "u8", onnx: 2, isFloat: false, isBig: false, min: 0, max: 255 },
  int16: { bytes: 2, ctype: "int16_t", suffix: "i16", onnx: 5, isFloat: false, isBig: false, min: -32768, max: 32767 },
  uint16: { bytes: 2, ctype: "uint16_t", suffix: "u16", onnx: 4, isFloat: false, isBig: false, min: 0, max: 65535 },
  int32: { bytes: 4, ctype: "int32_t", suffix: "i32", onnx: 6, isFloat: false, isBig: false, min: -2147483648, max: 2147483647 },
  uint32: { bytes: 4, ctype: "uint32_t", suffix: "u32", onnx: 12, isFloat: false, isBig: false, min: 0, max: 4294967295 },
  int64: { bytes: 8, ctype: "int64_t", suffix: "i64", onnx: 7, isFloat: false, isBig: true, min: -9223372036854775808, max: 9223372036854775807 },
  uint64: { bytes: 8, ctype: "uint64_t", suffix: "u64", onnx: 13, isFloat: false, isBig: true, min: 0, max: 18446744073709551615 },
  bool: { bytes: 1, ctype: "uint8_t", suffix: "b8", onnx: 9, isFloat: false, isBig: false, min: 0, max: 1 },
};

export function dtypeFromOnnx(code: number): DType | undefined {
  for (const [name, info] of Object.entries(DTYPES)) if (info.onnx === code) return name as DType;
  return undefined;
}

export function isFloat(dtype: DType): boolean {
  return DTYPES[dtype].isFloat;
}

export function isInteger(dtype: DType): boolean {
  return !DTYPES[dtype].isFloat && dtype !== "bool";
}

/** Allocates zeroed storage for `n` elements of `dtype`. */
export function allocTyped(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(n);
    case "float64": return new Float64Array(n);
    case "float16": return new Uint16Array(n);
    case "int8": return new Int8Array(n);
    case "uint8": case "bool": return new Uint8Array(n);
    case "int16": return new Int16Array(n);
    case "uint16": return new Uint16Array(n);
    case "int32": return new Int32Array(n);
    case "uint32": return new Uint32Array(n);
    case "int64": return new BigInt64Array(n);
    case "uint64": return new BigUint64Array(n);
  }
}
