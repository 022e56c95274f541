/**
 * Element types of the IR. Names follow ONNX; `bool` is one byte. The small float formats
 * (float16, bfloat16, the float8 and float4 variants) are stored as their bit patterns and compute
 * in float (src/ir/minifloat.ts). The sub-byte integers (int4/uint4/int2/uint2) take one byte per
 * element in tensors, in the arena and at the C API; only constants are packed in flash.
 */
export type DType =
  | "float32"
  | "float64"
  | "float16"
  | "bfloat16"
  | "float8e4m3fn"
  | "float8e4m3fnuz"
  | "float8e5m2"
  | "float8e5m2fnuz"
  | "float8e8m0"
  | "float4e2m1"
  | "int4"
  | "uint4"
  | "int2"
  | "uint2"
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
  /** Bytes per element in tensors, in the arena and at the C API. */
  readonly bytes: number;
  /** Bits per element when packed (ONNX raw_data, flash weights): below 8 for the sub-byte types. */
  readonly bits: number;
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
  float32: { bytes: 4, bits: 32, ctype: "float", suffix: "f32", onnx: 1, isFloat: true, isBig: false, min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
  float64: { bytes: 8, bits: 64, ctype: "double", suffix: "f64", onnx: 11, isFloat: true, isBig: false, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
  float16: { bytes: 2, bits: 16, ctype: "uint16_t", suffix: "f16", onnx: 10, isFloat: true, isBig: false, min: -65504, max: 65504 },
  bfloat16: { bytes: 2, bits: 16, ctype: "uint16_t", suffix: "bf16", onnx: 16, isFloat: true, isBig: false, min: -3.3895313892515355e38, max: 3.3895313892515355e38 },
  float8e4m3fn: { bytes: 1, bits: 8, ctype: "uint8_t", suffix: "f8e4m3fn", onnx: 17, isFloat: true, isBig: false, min: -448, max: 448 },
  float8e4m3fnuz: { bytes: 1, bits: 8, ctype: "uint8_t", suffix: "f8e4m3fnuz", onnx: 18, isFloat: true, isBig: false, min: -240, max: 240 },
  float8e5m2: { bytes: 1, bits: 8, ctype: "uint8_t", suffix: "f8e5m2", onnx: 19, isFloat: true, isBig: false, min: -57344, max: 57344 },
  float8e5m2fnuz: { bytes: 1, bits: 8, ctype: "uint8_t", suffix: "f8e5m2fnuz", onnx: 20, isFloat: true, isBig: false, min: -57344, max: 57344 },
  float8e8m0: { bytes: 1, bits: 8, ctype: "uint8_t", suffix: "f8e8m0", onnx: 24, isFloat: true, isBig: false, min: 0, max: 1.7014118346046923e38 },
  float4e2m1: { bytes: 1, bits: 4, ctype: "uint8_t", suffix: "f4e2m1", onnx: 23, isFloat: true, isBig: false, min: -6, max: 6 },
  int4: { bytes: 1, bits: 4, ctype: "int8_t", suffix: "i4", onnx: 22, isFloat: false, isBig: false, min: -8, max: 7 },
  uint4: { bytes: 1, bits: 4, ctype: "uint8_t", suffix: "u4", onnx: 21, isFloat: false, isBig: false, min: 0, max: 15 },
  int2: { bytes: 1, bits: 2, ctype: "int8_t", suffix: "i2", onnx: 26, isFloat: false, isBig: false, min: -2, max: 1 },
  uint2: { bytes: 1, bits: 2, ctype: "uint8_t", suffix: "u2", onnx: 25, isFloat: false, isBig: false, min: 0, max: 3 },
  int8: { bytes: 1, bits: 8, ctype: "int8_t", suffix: "i8", onnx: 3, isFloat: false, isBig: false, min: -128, max: 127 },
  uint8: { bytes: 1, bits: 8, ctype: "uint8_t", suffix: "u8", onnx: 2, isFloat: false, isBig: false, min: 0, max: 255 },
  int16: { bytes: 2, bits: 16, ctype: "int16_t", suffix: "i16", onnx: 5, isFloat: false, isBig: false, min: -32768, max: 32767 },
  uint16: { bytes: 2, bits: 16, ctype: "uint16_t", suffix: "u16", onnx: 4, isFloat: false, isBig: false, min: 0, max: 65535 },
  int32: { bytes: 4, bits: 32, ctype: "int32_t", suffix: "i32", onnx: 6, isFloat: false, isBig: false, min: -2147483648, max: 2147483647 },
  uint32: { bytes: 4, bits: 32, ctype: "uint32_t", suffix: "u32", onnx: 12, isFloat: false, isBig: false, min: 0, max: 4294967295 },
  int64: { bytes: 8, bits: 64, ctype: "int64_t", suffix: "i64", onnx: 7, isFloat: false, isBig: true, min: -9223372036854775808, max: 9223372036854775807 },
  uint64: { bytes: 8, bits: 64, ctype: "uint64_t", suffix: "u64", onnx: 13, isFloat: false, isBig: true, min: 0, max: 18446744073709551615 },
  bool: { bytes: 1, bits: 8, ctype: "uint8_t", suffix: "b8", onnx: 9, isFloat: false, isBig: false, min: 0, max: 1 },
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

/** A float stored as its bit pattern (float16, bfloat16, float8, float4): C computes it in float. */
export function isEncodedFloat(dtype: DType): boolean {
  return DTYPES[dtype].isFloat && dtype !== "float32" && dtype !== "float64";
}

/** int4/uint4/int2/uint2: one byte per element unpacked, `bits` per element packed. */
export function isSubByte(dtype: DType): boolean {
  return DTYPES[dtype].bits < 8;
}

/** Allocates zeroed storage for `n` elements of `dtype`. */
export function allocTyped(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(n);
    case "float64": return new Float64Array(n);
    case "float16": case "bfloat16": return new Uint16Array(n);
    case "float8e4m3fn": case "float8e4m3fnuz": case "float8e5m2": case "float8e5m2fnuz": case "float8e8m0": case "float4e2m1":
      return new Uint8Array(n);
    case "int8": case "int4": case "int2": return new Int8Array(n);
    case "uint8": case "uint4": case "uint2": case "bool": return new Uint8Array(n);
    case "int16": return new Int16Array(n);
    case "uint16": return new Uint16Array(n);
    case "int32": return new Int32Array(n);
    case "uint32": return new Uint32Array(n);
    case "int64": return new BigInt64Array(n);
    case "uint64": return new BigUint64Array(n);
  }
}
